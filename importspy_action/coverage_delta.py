"""Coverage delta against the base, and the ratchet (`coverage-max-drop`), computed exactly.

The base's coverage is never measured by running the user's tests: it comes from a baseline
JSON report of ours (the coverage gate's `total_covered` / `total_statements` metrics) or
from a second coverage.py report (`base-coverage-file`, read by the same readers as the
gate). Percentages are `Fraction`s of covered and total statements, so "fell by more than
0.5 points" is decided on exact numbers: 80.0 -> 79.5 is a drop of exactly 0.5 and passes
`coverage-max-drop: 0.5`; no binary float decides a verdict. Shown numbers are truncated
toward zero to two decimals, like the gate's own percentages, so a fall is never displayed
as a rise and a failure never as a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeGuard

from .errors import ConfigError
from .gates.coverage_paths import PathMapper
from .gates.coverage_report import FileCoverage, read_report
from .model import Finding, Severity

CODE_DROP = "COV-DROP"
DOCS = "https://github.com/importspy-action/importspy-action/blob/main/docs/baselines.md"


@dataclass(frozen=True)
class Totals:
    """Line coverage as exact counts: the total, and per file where known."""

    covered: int
    statements: int
    files: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # path -> (hit, total)

    @property
    def percent(self) -> Fraction:
        return _percent(self.covered, self.statements)


@dataclass(frozen=True)
class FileDelta:
    """One changed file: its coverage at base and head (None when that side has no data)."""

    path: str
    base: Fraction | None
    head: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        return None if self.base is None or self.head is None else self.head - self.base


@dataclass(frozen=True)
class CoverageDelta:
    base: Fraction
    head: Fraction
    files: tuple[FileDelta, ...] = ()

    @property
    def delta(self) -> Fraction:
        return self.head - self.base

    def outputs(self) -> dict[str, str]:
        """The `base-coverage` and `coverage-delta` step outputs."""
        return {
            "base-coverage": format_percent(self.base),
            "coverage-delta": format_delta(self.delta),
        }


def _percent(covered: int, statements: int) -> Fraction:
    """covered/statements in percent; 100 when there is nothing to cover (as the gate)."""
    if statements <= 0:
        return Fraction(100)
    return Fraction(covered * 100, statements)


def _truncate(value: Fraction) -> str:
    """Two decimals, truncated toward zero, without a sign."""
    hundredths = abs(value) * 100
    whole = hundredths.numerator // hundredths.denominator
    return f"{whole // 100}.{whole % 100:02d}"


def format_percent(value: Fraction) -> str:
    """'87.50' (the form of the `coverage` output)."""
    return ("-" if value < 0 else "") + _truncate(value)


def format_delta(value: Fraction) -> str:
    """'+1.25', '-0.50', '+0.00'; a fall too small to show is '-0.00', never '+0.00'."""
    return ("-" if value < 0 else "+") + _truncate(value)


def exact_points(value: float) -> Fraction:
    """A user-typed number of points, read through its shortest decimal spelling."""
    return Fraction(Decimal(repr(float(value))))


def compare(base: Totals, head: Totals, changed: Iterable[str] = ()) -> CoverageDelta:
    """Total base vs head, and per-file coverage of the changed files either side knows."""
    files = []
    for path in sorted(set(changed)):
        before, after = base.files.get(path), head.files.get(path)
        if before is None and after is None:
            continue
        files.append(
            FileDelta(
                path,
                None if before is None else _percent(*before),
                None if after is None else _percent(*after),
            )
        )
    return CoverageDelta(base.percent, head.percent, tuple(files))


def drop_exceeds(delta: CoverageDelta, max_drop: float) -> bool:
    """True when total coverage fell by strictly more than `max_drop` points."""
    return -delta.delta > exact_points(max_drop)


def max_drop_finding(delta: CoverageDelta, max_drop: float, report_path: str) -> Finding | None:
    """The ratchet's failure, pointing at the head's coverage report; None when it holds."""
    if not drop_exceeds(delta, max_drop):
        return None
    return Finding(
        gate="coverage",
        code=CODE_DROP,
        severity=Severity.ERROR,
        path=report_path,
        start_line=1,
        title="Total coverage fell more than allowed",
        message=(
            f"Total line coverage fell from {format_percent(delta.base)}% to "
            f"{format_percent(delta.head)}% ({format_delta(delta.delta)} points); "
            f"`coverage-max-drop` allows a fall of at most {max_drop:g} points."
        ),
        expected=f"a fall of at most {max_drop:g} points",
        observed=f"{format_delta(delta.delta)} points",
        help="Cover the new code, or raise `coverage-max-drop` if the fall is intended.",
        url=DOCS,
    )


# -- where the numbers come from ---------------------------------------------------------


def totals_from_metrics(metrics: Mapping[str, Any]) -> Totals | None:
    """Base totals from a baseline report's coverage gate metrics; None if not measured.

    Per-file numbers are taken from `per_file` (`{path: {"covered", "statements"}}`) when
    the report has it, else from `worst_files` (so only those files get a per-file delta).
    The report is untrusted data: anything not a non-negative count is ignored.
    """
    covered, statements = metrics.get("total_covered"), metrics.get("total_statements")
    if not (_count(covered) and _count(statements)) or covered > statements:
        return None
    files: dict[str, tuple[int, int]] = {}
    per_file = metrics.get("per_file")
    rows: Iterable[Any]
    if isinstance(per_file, dict):
        rows = ({"path": path, **row} for path, row in per_file.items() if isinstance(row, dict))
    else:
        worst = metrics.get("worst_files")
        rows = worst if isinstance(worst, list) else []
    for row in rows:
        if not isinstance(row, dict):
            continue
        path, hit, total = row.get("path"), row.get("covered"), row.get("statements")
        if isinstance(path, str) and _count(hit) and _count(total) and hit <= total:
            files[path] = (hit, total)
    return Totals(covered, statements, files)


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def totals_from_files(paths: Sequence[Path], displays: Sequence[str], mapper: PathMapper) -> Totals:
    """Base totals from coverage.py report files (`base-coverage-file`), merged as the gate
    merges its own reports: a line counts as covered when any report ran it."""
    merged: dict[str, FileCoverage] = {}
    for path, display in zip(paths, displays, strict=True):
        try:
            parsed = read_report(path, display)
        except ConfigError as exc:
            raise ConfigError(f"Input `base-coverage-file`: {exc}") from None
        for name, data in parsed.files.items():
            key = mapper.map(name, parsed.sources).path or name
            seen = merged.get(key)
            if seen is None:
                merged[key] = FileCoverage(key, set(data.statements), set(data.covered))
            else:
                seen.merge(data)
    files = {
        key: (len(data.covered & data.statements), len(data.statements))
        for key, data in merged.items()
    }
    return Totals(
        sum(hit for hit, _ in files.values()), sum(total for _, total in files.values()), files
    )
