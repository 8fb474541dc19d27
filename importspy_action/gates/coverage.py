"""The coverage gate: total, per-file and diff coverage from coverage.py's own reports.

coverage.py did the measuring; this gate reads its reports (several merged), maps their
file names onto the repository and judges three thresholds. Percentages are line coverage,
compared exactly and shown floored to two decimals, so a failure is never displayed as a
pass. Diff coverage uses the changed lines the caller computed (a pull request's diff or a
push against `base-ref`); when none are available the gate says so instead of passing
quietly. Every finding points at a real repo path and line: uncovered changed lines as
coalesced ranges, per-file misses at the file's first missing line, total and diff misses
at the report file (line 1) or the file that drags the diff down most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diff import ChangedLines
from ..errors import ConfigError
from ..model import Finding, GateResult, Severity
from ..settings import Settings
from .coverage_paths import PathMapper, check_mapping, no_file_maps_message
from .coverage_report import FileCoverage, ParsedReport, read_report
from .line_ranges import (
    below,
    coalesce,
    describe_ranges,
    floor_percent,
    format_percent,
    format_threshold,
)

GATE = "coverage"
DOCS = "https://github.com/importspy-action/importspy-action/blob/main/docs/coverage.md"
WORST_FILES = 10
LISTED_NAMES = 5


@dataclass
class MergedCoverage:
    """All reports merged, keyed by repo path; names that map nowhere kept apart."""

    reports: list[str]
    files: dict[str, FileCoverage]  # repo-relative path -> coverage (file exists)
    missing: dict[str, FileCoverage]  # repo-relative path, file not in the workspace
    outside: dict[str, FileCoverage]  # report name that maps outside the workspace
    has_branches: bool

    def all_files(self) -> Iterable[FileCoverage]:
        yield from self.files.values()
        yield from self.missing.values()
        yield from self.outside.values()


def report_paths(settings: Settings) -> list[Path]:
    """Every file the `coverage-file` globs match (one glob per line); ConfigError if none."""
    patterns = [line.strip() for line in settings.coverage_files.splitlines() if line.strip()]
    found: list[Path] = []
    for pattern in patterns:
        try:
            matches = settings.workspace.glob(pattern, base=settings.working_directory)
        except ConfigError as exc:
            raise ConfigError(f"Input `coverage-file`: {exc}") from None
        if not matches:
            raise ConfigError(
                f"Input `coverage-file`: {pattern!r} matched no file. Write the report before "
                "this step (`coverage xml` / `coverage json`, or pytest `--cov-report=xml`); "
                "a report from another job must be downloaded first."
            )
        found += [path for path in matches if path not in found]
    return found


def merge_reports(
    parsed: list[ParsedReport], mapper: PathMapper, displays: list[str]
) -> MergedCoverage:
    merged = MergedCoverage(displays, {}, {}, {}, any(p.has_branches for p in parsed))
    for report in parsed:
        for name, data in report.files.items():
            mapped = mapper.map(name, report.sources)
            if mapped.path is None:
                bucket, key = merged.outside, name
            elif mapped.exists:
                bucket, key = merged.files, mapped.path
            else:
                bucket, key = merged.missing, mapped.path
            seen = bucket.get(key)
            if seen is None:
                bucket[key] = FileCoverage(
                    key, set(data.statements), set(data.covered), dict(data.branches)
                )
            else:
                seen.merge(data)
    return merged


def run_coverage(settings: Settings, changes: ChangedLines | None) -> GateResult:
    ws = settings.workspace
    paths = report_paths(settings)
    displays = [ws.display(path) for path in paths]
    parsed = [read_report(path, display) for path, display in zip(paths, displays, strict=True)]
    mapper = PathMapper(ws.root, settings.working_directory, settings.coverage_path_prefix)
    merged = merge_reports(parsed, mapper, displays)
    names = [(name, report.sources) for report in parsed for name in report.files]
    mapping = check_mapping(names, mapper)  # a report about another checkout: exit 2
    if mapping.nothing_maps:
        raise ConfigError(
            no_file_maps_message(
                mapping, dict(names), displays, ws.root, settings.working_directory, mapper.prefix
            )
        )
    if not any(data.statements for data in merged.all_files()):
        raise ConfigError(
            f"Coverage report{'s' if len(displays) > 1 else ''} {', '.join(map(repr, displays))} "
            "measured no executable lines: check coverage.py's `source` / pytest `--cov=` "
            "setting, or that the tests ran under coverage."
        )
    return judge(merged, settings, changes)


def judge(merged: MergedCoverage, settings: Settings, changes: ChangedLines | None) -> GateResult:
    """Thresholds -> findings, metrics and notes (pure: no file access)."""
    findings: list[Finding] = []
    notes: list[str] = []
    report_file = merged.reports[0]

    covered = sum(len(d.covered & d.statements) for d in merged.all_files())
    statements = sum(len(d.statements) for d in merged.all_files())
    metrics: dict[str, Any] = {
        "reports": list(merged.reports),
        "files": len(merged.files) + len(merged.missing) + len(merged.outside),
        "total_percent": floor_percent(covered, statements),
        "total_covered": covered,
        "total_statements": statements,
        "threshold": settings.coverage_threshold,
        "per_file_threshold": settings.coverage_per_file_threshold,
        "diff_threshold": settings.diff_coverage_threshold,
    }
    if merged.has_branches:
        hit = sum(d.branch_counts[0] for d in merged.all_files())
        total = sum(d.branch_counts[1] for d in merged.all_files())
        metrics.update(
            branch_percent=floor_percent(hit, total), branches_covered=hit, branches_total=total
        )

    threshold = settings.coverage_threshold
    if threshold is not None and below(covered, statements, threshold):
        findings.append(
            _below_threshold(
                "COV-TOTAL",
                "Total coverage below threshold",
                (report_file, 1, None),
                (covered, statements),
                threshold,
                f"Total line coverage {format_percent(covered, statements)} "
                f"({covered} of {statements} lines) is below the threshold "
                f"{format_threshold(threshold)}.",
                help_text="The files that drag it down are listed in the job summary.",
            )
        )

    findings += _per_file(merged, settings.coverage_per_file_threshold)
    metrics["worst_files"] = _worst_files(merged)
    notes += _unmapped_notes(merged, findings, report_file)
    findings += _diff(merged, settings.diff_coverage_threshold, changes, metrics, notes)

    metrics["headline"] = _headline(metrics)
    return GateResult.judged(GATE, findings, metrics=metrics, notes=notes)


def _below_threshold(
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


def _per_file(merged: MergedCoverage, threshold: float | None) -> list[Finding]:
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
            _below_threshold(
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


def _worst_files(merged: MergedCoverage) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path, data in merged.files.items():
        total, hit = len(data.statements), len(data.covered & data.statements)
        if total == 0 or hit == total:
            continue
        rows.append(
            {
                "path": path,
                "percent": floor_percent(hit, total),
                "covered": hit,
                "statements": total,
                "missing": total - hit,
            }
        )
    rows.sort(key=lambda row: (-row["missing"], row["percent"], row["path"]))
    return rows[:WORST_FILES]


def _unmapped_notes(merged: MergedCoverage, findings: list[Finding], report_file: str) -> list[str]:
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


def _diff(
    merged: MergedCoverage,
    threshold: float | None,
    changes: ChangedLines | None,
    metrics: dict[str, Any],
    notes: list[str],
) -> list[Finding]:
    if changes is None:
        if threshold is not None:
            notes.append(
                f"Diff coverage not measured: no changed lines are available (this is not a "
                f"pull request and no `base-ref` was given, or the diff could not be read), so "
                f"`diff-coverage-threshold` {format_threshold(threshold)} was not applied."
            )
        return []
    per_file: list[tuple[str, list[tuple[int, int]], int]] = []
    changed_total = changed_hit = 0
    unmeasured = []
    for path in sorted(changes.files):
        lines = changes.files[path]
        data = merged.files.get(path) or merged.missing.get(path)
        if data is None:
            if path.endswith(".py") and lines:
                unmeasured.append(path)
            continue
        executable = lines & data.statements
        if not executable:
            continue
        hit = executable & data.covered
        changed_total += len(executable)
        changed_hit += len(hit)
        uncovered = executable - hit
        if uncovered:
            ranges = coalesce(uncovered, sorted(data.statements))
            per_file.append((path, ranges, len(uncovered)))
    if unmeasured:
        listed = ", ".join(f"`{p}`" for p in unmeasured[:LISTED_NAMES])
        more = (
            f" and {len(unmeasured) - LISTED_NAMES} more" if len(unmeasured) > LISTED_NAMES else ""
        )
        notes.append(
            f"{len(unmeasured)} changed Python file{'s are' if len(unmeasured) != 1 else ' is'} "
            f"not in the coverage report ({listed}{more}) and not counted in diff coverage."
        )
    if changed_total == 0:
        notes.append(
            "No changed executable lines: diff coverage has nothing to measure and passes."
        )
        metrics["diff_percent"] = None
        return []
    metrics.update(
        diff_percent=floor_percent(changed_hit, changed_total),
        diff_covered=changed_hit,
        diff_statements=changed_total,
    )
    failing = threshold is not None and below(changed_hit, changed_total, threshold)
    level = Severity.ERROR if failing else Severity.NOTICE
    findings = []
    for path, ranges, _ in per_file:
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
        worst_path, worst_ranges, worst_count = max(per_file, key=lambda item: (item[2], item[0]))
        findings.append(
            _below_threshold(
                "COV-DIFF",
                "Diff coverage below threshold",
                (worst_path, worst_ranges[0][0], worst_ranges[0][1]),
                (changed_hit, changed_total),
                threshold,
                "Coverage of the changed lines is "
                f"{format_percent(changed_hit, changed_total)} "
                f"({changed_hit} of {changed_total} changed executable lines), below the "
                f"threshold {format_threshold(threshold)}; {worst_path} has the most "
                f"uncovered changed lines ({worst_count}).",
            )
        )
    return findings


def _headline(metrics: dict[str, Any]) -> str:
    parts = [f"{metrics['total_percent']:.2f}% total"]
    if metrics.get("diff_percent") is not None:
        parts.append(f"{metrics['diff_percent']:.2f}% of changed lines")
    if metrics.get("branch_percent") is not None:
        parts.append(f"{metrics['branch_percent']:.2f}% branches")
    return " · ".join(parts)
