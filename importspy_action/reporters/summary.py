"""The job summary: a verdict line, one row per gate, then each gate's section and findings.

GitHub rejects a step summary above 1 MiB and shows only 10 error and 10 warning annotations
per step, so this page is where *every* finding is listed -- until the cap, where an
"N more" line says how many were left out and where to find them (the JSON report).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeAlias

from ..model import Finding
from ..view import GateView, ReportView
from .markdown import (
    FINDING_ROW_PREFIXES,
    FINDINGS_HEAD,
    STATUS_LABELS,
    baseline_line,
    blocks,
    cell,
    counts_line,
    finding_row,
    fixed_line,
    gate_table,
    headline,
    jobs_table,
)

MAX_SUMMARY_BYTES = 1024 * 1024
SAFE_BUDGET = MAX_SUMMARY_BYTES - 16 * 1024  # room for the closing lines
MAX_JOB_ROWS = 100

Line: TypeAlias = "str | Callable[[], str]"
"""A line of the body; a finding row is a callable, rendered only if it fits the cap (with
100,000 findings, escaping every row took seconds for the ~1% that fit)."""


def _rows(findings: Sequence[Finding], *, with_help: bool) -> list[Line]:
    return [partial(finding_row, finding, with_help=with_help) for finding in findings]


def render(view: ReportView, *, notes: list[str] | None = None) -> str:
    head = [f"## ImportSpy: {headline(view)}", "", counts_line(view.counts, view.fail_on), ""]
    if view.baseline is not None:
        head += [baseline_line(view.baseline), ""]
    for note in notes or []:
        head += [f"> {cell(note)}", ""]
    head += gate_table(view.gates, details=True)
    head.append("")
    if view.jobs:
        head += [f"Merged from {len(view.jobs)} jobs:", ""]
        head += jobs_table(view.jobs[:MAX_JOB_ROWS])
        if len(view.jobs) > MAX_JOB_ROWS:
            more = len(view.jobs) - MAX_JOB_ROWS
            head.append(f"| … {more} more jobs in the JSON report | | | | |")
        head.append("")
    body: list[Line] = [line for gate in view.gates for line in _gate_body(gate)]
    body += _unlocated(view)
    return _cap("\n".join(head), body)


def _unlocated(view: ReportView) -> list[Line]:
    """Findings a merged report placed at paths that are not files here: counted, shown,
    never annotated (a forged location must not reach the Checks API)."""
    if not view.unlocated:
        return []
    return [
        "### Findings without a location in this checkout",
        "",
        f"{len(view.unlocated)} finding(s) name a path that is not a file of this workspace or "
        "of the change; they count toward the verdict but are not annotated.",
        "",
        *FINDINGS_HEAD,
        *_rows(view.unlocated, with_help=True),
        "",
    ]


def _gate_body(gate: GateView) -> list[Line]:
    body: list[Line] = [f"### {gate.name}: {STATUS_LABELS[gate.status]}", ""]  # a registry name
    if gate.error:
        body += [f"**{cell(gate.error)}**", ""]
    body += [f"- {cell(note)}" for note in gate.notes]
    if gate.notes:
        body.append("")
    body += blocks(gate.section)
    if gate.findings:
        body += FINDINGS_HEAD
        body += _rows(gate.findings, with_help=True)
        body.append("")
    elif not gate.off:
        body += ["No new findings." if gate.existing or gate.fixed else "No findings.", ""]
    body += _existing(gate)
    if gate.fixed:
        body += [fixed_line(gate.fixed), ""]
    return body


def _existing(gate: GateView) -> list[Line]:
    """Findings the base already had: a count, their rows folded away."""
    if not gate.existing:
        return []
    count = len(gate.existing)
    title = f"{count} existing finding{'s' if count != 1 else ''} (the base has them too)"
    rows = _rows(gate.existing, with_help=False)
    return [
        f"<details><summary>{title}</summary>",
        "",
        *FINDINGS_HEAD,
        *rows,
        "",
        "</details>",
        "",
    ]


def _cap(head: str, body: list[Line]) -> str:
    used = len(head.encode("utf-8")) + 1
    kept: list[str] = []
    dropped_findings = 0
    for index, item in enumerate(body):
        line = item if isinstance(item, str) else item()
        size = len(line.encode("utf-8")) + 1
        if used + size > SAFE_BUDGET:
            dropped_findings = sum(1 for rest in body[index:] if _is_finding_row(rest))
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


def _is_finding_row(line: Line) -> bool:
    return not isinstance(line, str) or line.startswith(FINDING_ROW_PREFIXES)


def should_write(view: ReportView, mode: str) -> bool:
    return mode == "always" or (mode == "on-failure" and not view.passed)


def failure(kind: str, lines: list[str]) -> str:
    """The summary of a run that stopped before any gate ran (bad inputs, internal error)."""
    return f"## ImportSpy: ⚠️ {kind}\n\n" + "".join(f"- {cell(line)}\n" for line in lines) + "\n"
