"""The job summary: a verdict line, one row per gate, then each gate's findings, worst first.

GitHub rejects a step summary above 1 MiB and shows only 10 error and 10 warning annotations
per step, so this page is where *every* finding is listed -- until the cap, where an
"N more" line says how many were left out and where to find them (the JSON report).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import Finding, GateResult, GateStatus, Report
from .coverage_section import coverage_section
from .lint_section import lint_section
from .markdown import STATUS_LABELS, cell, gate_table

__all__ = ["SECTIONS", "cell", "render", "should_write", "write"]

MAX_SUMMARY_BYTES = 1024 * 1024
SAFE_BUDGET = MAX_SUMMARY_BYTES - 16 * 1024  # room for the closing lines

_LEVEL = {"error": "🔴 error", "warning": "🟠 warning", "notice": "🔵 notice"}

SectionRenderer = Callable[[GateResult], list[str]]
"""Extra markdown a gate shows above its findings (e.g. a module table)."""


def _contracts_section(gate: GateResult) -> list[str]:
    subjects = gate.metrics.get("subjects") or []
    if not isinstance(subjects, list) or not subjects:
        return []
    lines = [
        f"{gate.metrics.get('admitted', 0)} admitted, {gate.metrics.get('denied', 0)} denied, "
        f"{gate.metrics.get('not_judged', 0)} not judged, of {len(subjects)} modules "
        f"(importspy {gate.metrics.get('engine_version', '?')}).",
        "",
        "| Module | Contract | Decision | Findings |",
        "| --- | --- | --- | ---: |",
    ]
    order = {"ADMIT": 2}
    ranked = sorted(
        subjects, key=lambda row: (order.get(str(row.get("decision")), 0), str(row.get("module")))
    )
    for row in ranked[:200]:
        decision = str(row.get("decision", ""))
        mark = "✅" if decision == "ADMIT" else "❌"
        lines.append(
            f"| `{cell(row.get('module', ''))}` | `{cell(row.get('contract', ''))}` | "
            f"{mark} {cell(decision)} | {row.get('violations', 0)} |"
        )
    if len(ranked) > 200:
        lines.append(f"| … {len(ranked) - 200} more modules in the JSON report | | | |")
    lines.append("")
    return lines


SECTIONS: dict[str, SectionRenderer] = {
    "contracts": _contracts_section,
    "coverage": coverage_section,
    "lint": lint_section,
}


def _finding_row(finding: Finding) -> str:
    where = f"{finding.path}:{finding.start_line}"
    if finding.end_line and finding.end_line != finding.start_line:
        where += f"-{finding.end_line}"
    message = finding.message
    if finding.help:
        message += f" _{finding.help}_"
    code = f"[{finding.code}]({finding.url})" if finding.url else finding.code
    return (
        f"| {_LEVEL[finding.severity.value]} | `{cell(where)}` | {cell(code)} | {cell(message)} |"
    )


def _metric(gate: GateResult) -> str:
    if gate.gate == "contracts" and "modules" in gate.metrics:
        return f"{gate.metrics.get('admitted', 0)}/{gate.metrics['modules']} modules admitted"
    return str(gate.metrics.get("headline", ""))


def render(report: Report, *, notes: list[str] | None = None) -> str:
    counts = report.counts()
    verdict = "✅ All gates passed" if report.passed else "❌ Gates failed"
    if report.exit_code == 2:
        verdict = "⚠️ Configuration error"
    elif report.exit_code == 3:
        verdict = "⚠️ Internal error"
    head = [
        f"## ImportSpy: {verdict}",
        "",
        f"**{counts['error']}** errors · **{counts['warning']}** warnings · "
        f"**{counts['notice']}** notices · fails on: `{report.fail_on}`",
        "",
    ]
    for note in notes or []:
        head.append(f"> {note}")
        head.append("")
    head += gate_table(report.gates, details=lambda gate: _metric(gate) or gate.error or "")
    head.append("")
    head += _jobs_table(report)

    body: list[str] = []
    for gate in report.gates:
        body.append(f"### {gate.gate}: {STATUS_LABELS[gate.status]}")
        body.append("")
        if gate.error:
            body += [f"**{cell(gate.error)}**", ""]
        for note in gate.notes:
            body += [f"- {note}"]
        if gate.notes:
            body.append("")
        renderer = SECTIONS.get(gate.gate)
        if renderer is not None:
            body += renderer(gate)
        findings = sorted(gate.findings, key=Finding.sort_key)
        if findings:
            body += ["| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |"]
            body += [_finding_row(f) for f in findings]
            body.append("")
        elif gate.status is not GateStatus.SKIPPED:
            body += ["No findings.", ""]
    return _cap("\n".join(head), body)


def _jobs_table(report: Report, limit: int = 100) -> list[str]:
    """Merged reports (matrix jobs, two-stage flow): one row per job that was merged."""
    if len(report.jobs) < 2:
        return []
    lines = [
        f"Merged from {len(report.jobs)} jobs:",
        "",
        "| Job | Result | Errors | Warnings | Notices |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for job in report.jobs[:limit]:
        counts = job.get("counts")
        counts = counts if isinstance(counts, dict) else {}
        lines.append(
            f"| {cell(str(job.get('job', '?')))} | {cell(str(job.get('result', '')))} | "
            f"{counts.get('error', 0)} | {counts.get('warning', 0)} | {counts.get('notice', 0)} |"
        )
    if len(report.jobs) > limit:
        lines.append(f"| … {len(report.jobs) - limit} more jobs in the JSON report | | | | |")
    return [*lines, ""]


def _cap(head: str, body: list[str]) -> str:
    used = len(head.encode("utf-8")) + 1
    kept: list[str] = []
    dropped_findings = 0
    for index, line in enumerate(body):
        size = len(line.encode("utf-8")) + 1
        if used + size > SAFE_BUDGET:
            dropped_findings = sum(
                1
                for rest in body[index:]
                if rest.startswith("| 🔴") or rest.startswith("| 🟠") or rest.startswith("| 🔵")
            )
            break
        kept.append(line)
        used += size
    text = head + "\n" + "\n".join(kept)
    if dropped_findings or len(kept) < len(body):
        text += (
            f"\n\n**… {dropped_findings} more findings not shown**: the job summary is "
            "capped below GitHub's 1 MiB limit. The JSON report lists every finding.\n"
        )
    return text + "\n"


def should_write(report: Report, mode: str) -> bool:
    return mode == "always" or (mode == "on-failure" and not report.passed)


def write(report: Report, path: Path, *, notes: list[str] | None = None) -> None:
    """Append (GitHub's contract for $GITHUB_STEP_SUMMARY) the rendered summary."""
    with path.open("a", encoding="utf-8") as stream:
        stream.write(render(report, notes=notes))
