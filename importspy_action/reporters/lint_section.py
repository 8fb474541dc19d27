"""The lint gate's part of the job summary: which ruff rules fired, how often, how fixable."""

from __future__ import annotations

from ..model import GateResult
from .markdown import cell


def lint_section(gate: GateResult) -> list[str]:
    metrics = gate.metrics
    rules = metrics.get("rules")
    if not isinstance(rules, list):
        return []
    version = metrics.get("ruff_version", "?")
    source = "bundled" if metrics.get("ruff_source") == "bundled" else "installed"
    head = f"ruff {cell(str(version))} ({source})"
    if not rules:
        return [f"{head}: no diagnostics, every file formatted.", ""]
    diagnostics = metrics.get("diagnostics", 0)
    unformatted = metrics.get("unformatted", 0)
    lines = [
        f"{head}: {diagnostics} diagnostic{'' if diagnostics == 1 else 's'}, "
        f"{unformatted} file{'' if unformatted == 1 else 's'} to format.",
        "",
        "| Rule | Count | Fixable |",
        "| --- | ---: | ---: |",
    ]
    for rule in rules:
        title = cell(str(rule.get("title", rule.get("code", ""))))
        url = rule.get("url")
        label = f"[{title}]({url})" if url else title
        lines.append(f"| {label} | {rule.get('count', 0)} | {rule.get('fixable', 0)} |")
    lines.append("")
    return lines
