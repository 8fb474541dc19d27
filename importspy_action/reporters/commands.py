"""Workflow-command annotations (::error file=...::) through the one safe console.

The fallback when no check run could be delivered (no token, a fork PR, a read-only
token) and the inline view in the log. GitHub shows at most 10 error and 10 warning
annotations per step, so we emit at most that many per level, errors first, and one notice
pointing at the job summary, which lists every finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..console import Console
from ..model import Finding, Severity

PER_LEVEL = 10


def _properties(finding: Finding) -> dict[str, str]:
    """Only the properties that have values: the runner rejects empty ones (`col=`)."""
    props = {
        "file": finding.path,
        "line": str(finding.start_line),
        "endLine": str(finding.last_line),
        "title": finding.title,
    }
    if finding.start_column and finding.last_line == finding.start_line:
        props["col"] = str(finding.start_column)
        if finding.end_column:
            props["endColumn"] = str(max(finding.end_column, finding.start_column))
    return props


def annotate(finding: Finding, console: Console | None = None) -> None:
    (console or Console()).command(finding.severity.value, _properties(finding), finding.message)


def emit(findings: Sequence[Finding], console: Console | None = None) -> int:
    """Emit annotations; returns how many findings were left to the summary.

    `findings` is the caller's ranked selection -- e.g. errors and findings on changed lines
    first, or only changed lines for `annotations: changed-lines` -- so GitHub's
    10-per-level display shows the ones that matter.
    """
    shown = dict.fromkeys(Severity, 0)
    left = 0
    for finding in findings:
        if shown[finding.severity] >= PER_LEVEL:
            left += 1
            continue
        shown[finding.severity] += 1
        annotate(finding, console)
    if left:
        (console or Console()).command(
            "notice",
            {"title": "ImportSpy: more findings"},
            f"{left} more findings are not annotated here (GitHub shows {PER_LEVEL} per level "
            "per step); the job summary and the JSON report list all of them.",
        )
    return left


def error_line(message: str, title: str = "ImportSpy") -> None:
    """A run-level error (configuration, internal) as an annotation without a file."""
    Console().command("error", {"title": title}, message)


def notice_line(message: str, title: str = "ImportSpy") -> None:
    """A run-level notice without a file (e.g. why no check run was delivered)."""
    Console().command("notice", {"title": title}, message)
