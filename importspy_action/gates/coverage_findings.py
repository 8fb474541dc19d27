"""The coverage gate's findings: threshold misses, uncovered changed lines, unmapped files.

Every finding points at a real repo path and line: uncovered changed lines as coalesced
ranges, per-file misses at the file's first missing line, total and diff misses at the
report file (line 1) or the file that drags the diff down most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Finding, Severity
from .line_ranges import below, coalesce, describe_ranges, format_percent, format_threshold

if TYPE_CHECKING:
    from .coverage import DiffMeasure, MergedCoverage

GATE = "coverage"
DOCS = "https://github.com/importspy-action/importspy-action/blob/main/docs/coverage.md"
LISTED_NAMES = 5


def below_threshold(
    code: str,
    title: str,
    where: tuple[str, int, int | None],
    measured: tuple[int, int],
    threshold: float,
    message: str,
    *,
    help_text: str | None = None,
) -> Finding:
    """An error for a coverage threshold miss: expected/observed stated the same way."""
    path, start, end = where
    hit, total = measured
    return Finding(
        gate=GATE,
        code=code,
        severity=Severity.ERROR,
        path=path,
        start_line=start,
        end_line=end,
        title=title,
        message=message,
        expected=f">= {format_threshold(threshold)}",
        observed=format_percent(hit, total),
        help=help_text,
        url=DOCS,
    )


def per_file(merged: MergedCoverage, threshold: float | None) -> list[Finding]:
    if threshold is None:
        return []
    findings = []
    for path in sorted(merged.files):
        data = merged.files[path]
        total, hit = len(data.statements), len(data.covered & data.statements)
        if not below(hit, total, threshold):
            continue
        statements = sorted(data.statements)
        ranges = coalesce(data.statements - data.covered, statements)
        findings.append(
            below_threshold(
                "COV-FILE",
                "File coverage below threshold",
                (path, ranges[0][0] if ranges else 1, ranges[0][1] if ranges else None),
                (hit, total),
                threshold,
                f"Line coverage of {path} is {format_percent(hit, total)} ({hit} of "
                f"{total} lines), below the per-file threshold "
                f"{format_threshold(threshold)}; not covered: lines "
                f"{describe_ranges(ranges)}.",
            )
        )
    return findings


def unmapped_notes(merged: MergedCoverage, findings: list[Finding], report_file: str) -> list[str]:
    notes = []
    hint = (
        " Set `coverage-path-prefix` to the directory the report was made in, or run "
        "`coverage xml` from the repository root."
    )
    for kind, bucket, what in (
        ("missing", merged.missing, "do not exist in the workspace"),
        ("outside", merged.outside, "lie outside the workspace"),
    ):
        if not bucket:
            continue
        names = sorted(bucket)
        listed = ", ".join(f"`{name}`" for name in names[:LISTED_NAMES])
        more = f" and {len(names) - LISTED_NAMES} more" if len(names) > LISTED_NAMES else ""
        text = (
            f"{len(names)} file{'s' if len(names) != 1 else ''} in the coverage report {what} "
            f"({listed}{more}); they count toward the total but get no per-file findings."
        )
        notes.append(text + hint)
        findings.append(
            Finding(
                gate=GATE,
                code="COV-MISSING-FILE" if kind == "missing" else "COV-OUTSIDE-FILE",
                severity=Severity.NOTICE,
                path=report_file,
                start_line=1,
                title="Report names files not in the workspace",
                message=text,
                help=hint.strip(),
                url=DOCS,
            )
        )
    return notes


def diff_findings(diff: DiffMeasure, threshold: float | None) -> list[Finding]:
    """Uncovered changed ranges (errors when diff coverage fails, else notices) + the miss."""
    if diff.total == 0:
        return []
    failing = threshold is not None and below(diff.hit, diff.total, threshold)
    level = Severity.ERROR if failing else Severity.NOTICE
    findings = []
    for path, ranges, _ in diff.uncovered:
        for first, last in ranges:
            where = f"line {first} is" if first == last else f"lines {first}-{last} are"
            findings.append(
                Finding(
                    gate=GATE,
                    code="COV-UNCOVERED",
                    severity=level,
                    path=path,
                    start_line=first,
                    end_line=last,
                    title="Changed lines not covered",
                    message=f"Changed {where} not covered by tests.",
                    url=DOCS,
                )
            )
    if failing and threshold is not None:
        worst_path, worst_ranges, worst_count = max(
            diff.uncovered, key=lambda item: (item[2], item[0])
        )
        findings.append(
            below_threshold(
                "COV-DIFF",
                "Diff coverage below threshold",
                (worst_path, worst_ranges[0][0], worst_ranges[0][1]),
                (diff.hit, diff.total),
                threshold,
                "Coverage of the changed lines is "
                f"{format_percent(diff.hit, diff.total)} "
                f"({diff.hit} of {diff.total} changed executable lines), below the "
                f"threshold {format_threshold(threshold)}; {worst_path} has the most "
                f"uncovered changed lines ({worst_count}).",
            )
        )
    return findings


def listed(names: list[str]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:LISTED_NAMES])
    more = len(names) - LISTED_NAMES
    return shown + (f" and {more} more" if more > 0 else "")
