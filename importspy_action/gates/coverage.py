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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import caps
from ..diff import ChangedLines
from ..errors import ConfigError
from ..model import Finding
from ..settings import Settings
from ..workspace import printable
from .base import GateOutcome
from .coverage_findings import (
    GATE,
    below_threshold,
    diff_findings,
    listed,
    per_file,
    unmapped_notes,
)
from .coverage_metrics import CoverageMetrics, FileRow, Measure
from .coverage_paths import PathMapper, check_mapping, no_file_maps_message
from .coverage_report import FileCoverage, ParsedReport, read_report
from .line_ranges import (
    below,
    coalesce,
    floor_percent,
    format_percent,
    format_threshold,
)

WORST_FILES = 10


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
    """Every file the `coverage-file` globs match; ConfigError if a glob matches none."""
    found: dict[Path, None] = {}
    for pattern in settings.coverage_files:
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
        found.update(dict.fromkeys(matches))
        # a glob such as `**/*.json` in a pull request's tree can match any number of files
        caps.COVERAGE_FILES.check(len(found), subject="Input `coverage-file`")
    return list(found)


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
            # From here on the path is shown (findings, summary, annotations): a file name
            # that is not UTF-8 is spelled as `Workspace.display` spells it.
            key = printable(key)
            seen = bucket.get(key)
            if seen is None:
                bucket[key] = FileCoverage(
                    key, set(data.statements), set(data.covered), dict(data.branches)
                )
            else:
                seen.merge(data)
    return merged


class CoverageGate:
    """Total, per-file and diff coverage from coverage.py's own reports."""

    name = GATE
    off_note = "Off: set `coverage-file` to gate on a coverage.py report."

    def configured(self, settings: Settings) -> bool:
        return settings.coverage_enabled

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
        return judge(read_coverage(settings), settings, changes)

    def metrics_from_json(self, data: Mapping[str, Any]) -> CoverageMetrics:
        return CoverageMetrics.from_json(data)

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> None:
        """Per-job numbers do not add up across jobs; the report's `jobs` keeps each."""
        return None


def read_coverage(settings: Settings) -> MergedCoverage:
    """Every configured report read, merged and mapped onto the workspace."""
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
    return merged


def judge(merged: MergedCoverage, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
    """Thresholds -> findings, metrics and notes (pure: no file access)."""
    notes: list[str] = []
    report_file = merged.reports[0]
    covered = sum(len(d.covered & d.statements) for d in merged.all_files())
    statements = sum(len(d.statements) for d in merged.all_files())
    findings = _total(covered, statements, settings.coverage_threshold, report_file)
    findings += per_file(merged, settings.coverage_per_file_threshold)
    notes += unmapped_notes(merged, findings, report_file)
    diff = _diff_measure(merged, changes, settings.diff_coverage_threshold, notes)
    if diff is not None:
        findings += diff_findings(diff, settings.diff_coverage_threshold)
    metrics = CoverageMetrics(
        reports=tuple(merged.reports),
        files=len(merged.files) + len(merged.missing) + len(merged.outside),
        total=Measure(floor_percent(covered, statements), covered, statements),
        threshold=settings.coverage_threshold,
        per_file_threshold=settings.coverage_per_file_threshold,
        diff_threshold=settings.diff_coverage_threshold,
        branches=_branches(merged),
        worst_files=_worst_files(merged),
        diff_attempted=changes is not None,
        diff=diff.measure if diff is not None and diff.total else None,
        per_file={
            path: (len(data.covered & data.statements), len(data.statements))
            for bucket in (merged.files, merged.missing)
            for path, data in bucket.items()
        },
    )
    return GateOutcome(findings=tuple(findings), metrics=metrics, notes=tuple(notes))


def _branches(merged: MergedCoverage) -> Measure | None:
    if not merged.has_branches:
        return None
    hit = sum(d.branch_counts[0] for d in merged.all_files())
    total = sum(d.branch_counts[1] for d in merged.all_files())
    return Measure(floor_percent(hit, total), hit, total)


def _total(covered: int, statements: int, threshold: float | None, report: str) -> list[Finding]:
    if threshold is None or not below(covered, statements, threshold):
        return []
    return [
        below_threshold(
            "COV-TOTAL",
            "Total coverage below threshold",
            (report, 1, None),
            (covered, statements),
            threshold,
            f"Total line coverage {format_percent(covered, statements)} "
            f"({covered} of {statements} lines) is below the threshold "
            f"{format_threshold(threshold)}.",
            help_text="The files that drag it down are listed in the job summary.",
        )
    ]


def _worst_files(merged: MergedCoverage) -> tuple[FileRow, ...]:
    rows: list[FileRow] = []
    for path, data in merged.files.items():
        total, hit = len(data.statements), len(data.covered & data.statements)
        if total == 0 or hit == total:
            continue
        rows.append(FileRow(path, floor_percent(hit, total), hit, total, total - hit))
    rows.sort(key=lambda row: (-row.missing, row.percent, row.path))
    return tuple(rows[:WORST_FILES])


@dataclass(frozen=True)
class DiffMeasure:
    """Changed executable lines, how many tests ran, and where the uncovered ones are."""

    hit: int
    total: int
    uncovered: tuple[tuple[str, tuple[tuple[int, int], ...], int], ...]  # path, ranges, count

    @property
    def measure(self) -> Measure:
        return Measure(floor_percent(self.hit, self.total), self.hit, self.total)


def _diff_measure(
    merged: MergedCoverage,
    changes: ChangedLines | None,
    threshold: float | None,
    notes: list[str],
) -> DiffMeasure | None:
    """Coverage of the changed lines; None (with a note when it matters) when unknown."""
    if changes is None:
        if threshold is not None:
            notes.append(
                f"Diff coverage not measured: no changed lines are available (this is not a "
                f"pull request and no `base-ref` was given, or the diff could not be read), so "
                f"`diff-coverage-threshold` {format_threshold(threshold)} was not applied."
            )
        return None
    uncovered = []
    total = hit = 0
    unmeasured = []
    for path in sorted(changes.files):
        lines = changes.files[path]
        data = merged.files.get(path) or merged.missing.get(path)
        if data is None:
            if path.endswith(".py") and lines:
                unmeasured.append(path)
            continue
        executable = lines & data.statements
        total += len(executable)
        hit += len(executable & data.covered)
        missed = executable - data.covered
        if missed:
            ranges = tuple(coalesce(missed, sorted(data.statements)))
            uncovered.append((path, ranges, len(missed)))
    if unmeasured:
        notes.append(
            f"{len(unmeasured)} changed Python file{'s are' if len(unmeasured) != 1 else ' is'} "
            f"not in the coverage report ({listed(unmeasured)}) and not counted in diff coverage."
        )
    if total == 0:
        notes.append(
            "No changed executable lines: diff coverage has nothing to measure and passes."
        )
    return DiffMeasure(hit, total, tuple(uncovered))
