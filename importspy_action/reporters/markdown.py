"""The view drawn as GitHub-flavoured markdown: shared by the job summary and the check run.

Every string that reaches markdown passes through `cell`/`inline` here, so untrusted text
(file names, messages, notes from a merged report) is escaped in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..blocks import Block, Code, Inline, Link, Paragraph
from ..model import Finding, GateStatus
from ..view import BaselineView, GateView, JobRow, ReportView, location

STATUS_LABELS = {
    GateStatus.PASSED: "✅ passed",
    GateStatus.FAILED: "❌ failed",
    GateStatus.ERROR: "⚠️ could not run",
    GateStatus.SKIPPED: "➖ off",
}
HEADLINES = {
    "passed": "✅ All gates passed",
    "failed": "❌ Gates failed",
    "configuration error": "⚠️ Configuration error",
    "internal error": "⚠️ Internal error",
}
LEVELS = {"error": "🔴 error", "warning": "🟠 warning", "notice": "🔵 notice"}
FINDING_ROW_PREFIXES = tuple(f"| {label}" for label in LEVELS.values())


def cell(text: str) -> str:
    """Make arbitrary text safe inside a markdown table cell."""
    cleaned = " ".join(str(text).split())
    return cleaned.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def escape(text: str) -> str:
    """Escape text inside a paragraph: like `cell`, but spaces are kept as they are."""
    flat = str(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def code(text: str) -> str:
    return f"`{cell(text)}`"


def safe_url(url: str | None) -> bool:
    """Links only to plain http(s) URLs: no javascript:, no data:, nothing that breaks out."""
    if not url or not url.startswith(("https://", "http://")):
        return False
    return not any(char in url for char in " \t\r\n()<>[]\"'`\\|")


def inline(part: Inline, *, in_cell: bool = True) -> str:
    if isinstance(part, Code):
        return code(part.text)
    text = cell if in_cell else escape
    if isinstance(part, Link):
        return f"[{text(part.text)}]({part.url})" if safe_url(part.url) else text(part.text)
    return text(part)


def table(head: Iterable[tuple[str, bool]], rows: Iterable[Iterable[str]]) -> list[str]:
    """Header (title, numeric) plus already-rendered rows."""
    columns = list(head)
    lines = [
        "| " + " | ".join(title for title, _ in columns) + " |",
        "| " + " | ".join("---:" if numeric else "---" for _, numeric in columns) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def block(item: Block) -> list[str]:
    if isinstance(item, Paragraph):
        text = "".join(inline(part, in_cell=False) for part in item.parts)
        return [f"**{text}**" if item.strong else text, ""]
    lines = table(
        ((column.title, column.numeric) for column in item.columns),
        ([inline(part) for part in row] for row in item.rows),
    )
    if item.more:
        lines.append("| " + " | ".join([cell(item.more)] + [""] * (len(item.columns) - 1)) + " |")
    return [*lines, ""]


def blocks(items: Iterable[Block]) -> list[str]:
    return [line for item in items for line in block(item)]


def gate_table(gates: Iterable[GateView], *, details: bool) -> list[str]:
    """One row per gate: result and counts (plus the gate's detail when asked for)."""
    head = [("Gate", False), ("Result", False), ("Errors", True)]
    head += [("Warnings", True), ("Notices", True)]
    if details:
        head.append(("Details", False))
    rows = []
    for gate in gates:
        row = [cell(gate.name), STATUS_LABELS[gate.status]]
        row += [str(gate.counts[level]) for level in ("error", "warning", "notice")]
        if details:
            row.append(cell(gate.detail))
        rows.append(row)
    return table(head, rows)


def jobs_table(jobs: Iterable[JobRow]) -> list[str]:
    head = [("Job", False), ("Result", False), ("Errors", True), ("Warnings", True)]
    head.append(("Notices", True))
    return table(
        head,
        (
            [cell(job.job), cell(job.result)]
            + [str(job.counts[level]) for level in ("error", "warning", "notice")]
            for job in jobs
        ),
    )


def finding_row(finding: Finding, *, with_help: bool) -> str:
    message = finding.message
    if with_help and finding.help:
        message += f" _{finding.help}_"
    rule = finding.code
    rule_cell = f"[{cell(rule)}]({finding.url})" if safe_url(finding.url) else cell(rule)
    return (
        f"| {LEVELS[finding.severity.value]} | {code(location(finding))} | {rule_cell} | "
        f"{cell(message)} |"
    )


FINDINGS_HEAD = ["| Severity | Location | Rule | Message |", "| --- | --- | --- | --- |"]


def headline(view: ReportView) -> str:
    return HEADLINES[view.verdict]


def counts_line(counts: Mapping[str, int], fail_on: str) -> str:
    return (
        f"**{counts['error']}** errors · **{counts['warning']}** warnings · "
        f"**{counts['notice']}** notices · fails on: `{cell(fail_on)}`"
    )


def baseline_line(baseline: BaselineView) -> str:
    """`Against the merge base …: **1 new** · 4 existing · 3 fixed`, and what counted."""
    rule = (
        "only new findings count toward the verdict"
        if baseline.only_new
        else "every finding counts toward the verdict"
    )
    return (
        f"Against the {cell(baseline.source)}: **{baseline.new} new** · "
        f"{baseline.existing} existing · {baseline.fixed} fixed ({rule})"
    )


MAX_FIXED_LISTED = 20


def fixed_line(fixed: tuple[Finding, ...]) -> str:
    """`✅ 3 fixed: `a.py:3` E501, …` (the first few by place)."""
    shown = ", ".join(f"{code(location(f))} {cell(f.code)}" for f in fixed[:MAX_FIXED_LISTED])
    more = f", … {len(fixed) - MAX_FIXED_LISTED} more" if len(fixed) > MAX_FIXED_LISTED else ""
    return f"✅ {len(fixed)} fixed: {shown}{more}"
