"""The view drawn as GitHub-flavoured markdown: shared by the job summary and the check run.

Every string that reaches markdown passes through `cell`/`inline` here, so untrusted text
(file names, messages, notes from a merged report) is escaped in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .. import markdown_safe
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


MAX_TEXT_CHARS = 4000
"""One cell or sentence of untrusted text; the JSON report keeps the whole of it."""
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def cell(text: str) -> str:
    """Arbitrary text that renders literally inside a table cell (markdown_safe.text)."""
    return markdown_safe.text(str(text), max_chars=MAX_TEXT_CHARS) if text else ""


def escape(text: str) -> str:
    """Arbitrary text that renders literally inside a paragraph; spaces at the ends kept."""
    raw = str(text)
    lead = " " if raw[:1].isspace() else ""
    tail = " " if raw[-1:].isspace() and raw.strip() else ""
    return lead + cell(raw) + tail


def code(text: str, *, in_cell: bool = True) -> str:
    """A code span around arbitrary text: nothing inside a code span is markdown, so only
    the fence (longer than any backtick run inside), line breaks and -- in a table -- the
    cell separator need care (GFM reads `\\|` in a cell as a literal `|`)."""
    flat = _CONTROLS.sub("", " ".join(str(text).split()))[:MAX_TEXT_CHARS]
    if in_cell:
        flat = flat.replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def safe_url(url: str | None) -> bool:
    """Links only to plain http(s) URLs: no javascript:, no data:, nothing that breaks out."""
    if not url or not url.startswith(("https://", "http://")):
        return False
    return not any(char in url for char in " \t\r\n()<>[]\"'`\\|")


def inline(part: Inline, *, in_cell: bool = True) -> str:
    if isinstance(part, Code):
        return code(part.text, in_cell=in_cell)
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
        row = [gate.name, STATUS_LABELS[gate.status]]  # a registry name: [a-z0-9_-] only
        row += [str(gate.counts[level]) for level in ("error", "warning", "notice")]
        if details:
            # a headline is made of the metrics' typed numbers; an error is anyone's text
            row.append(_trusted_line(gate.headline) if gate.headline else cell(gate.error or ""))
        rows.append(row)
    return table(head, rows)


def _trusted_line(text: str) -> str:
    """Text the action composed from numbers: only line breaks and cell separators matter."""
    return " ".join(text.split()).replace("|", "\\|")


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
    message = cell(finding.message)
    if with_help and finding.help:
        message += f" _{cell(finding.help)}_"
    rule = finding.code
    rule_cell = f"[{cell(rule)}]({finding.url})" if safe_url(finding.url) else cell(rule)
    return (
        f"| {LEVELS[finding.severity.value]} | {code(location(finding))} | {rule_cell} | "
        f"{message} |"
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
