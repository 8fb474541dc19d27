"""The coverage gate's numbers and its section: the measures, their thresholds, worst files.

Diff coverage has three states the JSON report keeps apart, as it always has: not attempted
(no changed lines known: the keys are absent), attempted with no changed executable line
(`diff_percent: null`), and measured.

`per_file` (every measured file's covered and total statements) is what a later run needs
to compute per-file deltas against this one when it uses this report as its baseline; with
a baseline, `base` holds the comparison (`coverage_base.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeGuard

from ..blocks import Block, Code, Column, Table, paragraph
from .coverage_base import BaseComparison, Counts
from .metrics_json import (
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_opt_float,
    as_str,
)


@dataclass(frozen=True)
class FileRow:
    """A file that drags coverage down."""

    path: str
    percent: float
    covered: int
    statements: int
    missing: int

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "percent": self.percent,
            "covered": self.covered,
            "statements": self.statements,
            "missing": self.missing,
        }

    @classmethod
    def from_json(cls, raw: Any) -> FileRow:
        data = as_mapping(raw, "a coverage worst_files row")
        return cls(
            as_str(data, "path"),
            as_float(data, "percent"),
            as_int(data, "covered"),
            as_int(data, "statements"),
            as_int(data, "missing"),
        )


@dataclass(frozen=True)
class Measure:
    """A percentage with the counts it was computed from (floored for display)."""

    percent: float
    hit: int
    total: int


@dataclass(frozen=True)
class CoverageMetrics:
    reports: tuple[str, ...]
    files: int
    total: Measure
    threshold: float | None
    per_file_threshold: float | None
    diff_threshold: float | None
    branches: Measure | None = None
    worst_files: tuple[FileRow, ...] = ()
    diff_attempted: bool = False
    diff: Measure | None = None
    per_file: Mapping[str, Counts] = field(default_factory=dict)
    base: BaseComparison | None = None

    def with_base(self, base: BaseComparison) -> CoverageMetrics:
        return replace(self, base=base)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "reports": list(self.reports),
            "files": self.files,
            "total_percent": self.total.percent,
            "total_covered": self.total.hit,
            "total_statements": self.total.total,
            "threshold": self.threshold,
            "per_file_threshold": self.per_file_threshold,
            "diff_threshold": self.diff_threshold,
        }
        if self.branches is not None:
            data.update(
                branch_percent=self.branches.percent,
                branches_covered=self.branches.hit,
                branches_total=self.branches.total,
            )
        data["worst_files"] = [row.to_json() for row in self.worst_files]
        if self.diff is not None:
            data.update(
                diff_percent=self.diff.percent,
                diff_covered=self.diff.hit,
                diff_statements=self.diff.total,
            )
        elif self.diff_attempted:
            data["diff_percent"] = None
        data["per_file"] = {
            path: {"covered": hit, "statements": total}
            for path, (hit, total) in sorted(self.per_file.items())
        }
        if self.base is not None:
            data.update(self.base.to_json())
        data["headline"] = self.headline()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CoverageMetrics:
        branches = diff = None
        if as_opt_float(data, "branch_percent") is not None:
            branches = Measure(
                as_float(data, "branch_percent"),
                as_int(data, "branches_covered"),
                as_int(data, "branches_total"),
            )
        if as_opt_float(data, "diff_percent") is not None:
            diff = Measure(
                as_float(data, "diff_percent"),
                as_int(data, "diff_covered"),
                as_int(data, "diff_statements"),
            )
        reports = [item for item in as_list(data, "reports") if isinstance(item, str)]
        total = Measure(
            as_float(data, "total_percent"),
            as_int(data, "total_covered"),
            as_int(data, "total_statements"),
        )
        return cls(
            reports=tuple(reports),
            files=as_int(data, "files", 0),
            total=total,
            threshold=as_opt_float(data, "threshold"),
            per_file_threshold=as_opt_float(data, "per_file_threshold"),
            diff_threshold=as_opt_float(data, "diff_threshold"),
            branches=branches,
            worst_files=tuple(FileRow.from_json(row) for row in as_list(data, "worst_files")),
            diff_attempted="diff_percent" in data,
            diff=diff,
            per_file=_per_file(data.get("per_file")),
            base=BaseComparison.from_json(data, (total.hit, total.total)),
        )

    def headline(self) -> str:
        parts = [f"{self.total.percent:.2f}% total"]
        if self.diff is not None:
            parts.append(f"{self.diff.percent:.2f}% of changed lines")
        if self.branches is not None:
            parts.append(f"{self.branches.percent:.2f}% branches")
        return " · ".join(parts)

    def section(self) -> tuple[Block, ...]:
        measures: list[tuple[str, str, str]] = [
            ("Total line coverage", _measured(self.total, "lines"), _goal(self.threshold)),
            (
                "Diff coverage (changed lines)",
                _measured(self.diff, "lines") if self.diff else "not measured",
                _goal(self.diff_threshold),
            ),
        ]
        if self.branches is not None:
            measures.append(("Branch coverage", _measured(self.branches, "branches"), "—"))
        if self.base is not None:
            measures += self.base.measures()
        if self.per_file_threshold is not None:
            measures.append(("Every file", "", _goal(self.per_file_threshold)))
        blocks: list[Block] = [
            Table(
                (Column("Measure"), Column("Value", True), Column("Threshold", True)),
                tuple(measures),
            )
        ]
        if self.base is not None:
            blocks += self.base.section()
        if self.worst_files:
            blocks.append(paragraph("Files that drag coverage down (most uncovered lines first):"))
            blocks.append(
                Table(
                    (
                        Column("File"),
                        Column("Coverage", True),
                        Column("Covered", True),
                        Column("Missing", True),
                    ),
                    tuple(
                        (
                            Code(row.path),
                            f"{row.percent:.2f}%",
                            f"{row.covered}/{row.statements}",
                            str(row.missing),
                        )
                        for row in self.worst_files
                    ),
                )
            )
        sources: list[str | Code] = ["Measured from "]
        for index, report in enumerate(self.reports):
            sources += [", "] if index else []
            sources.append(Code(report))
        blocks.append(paragraph(*sources, "; percentages floored to 0.01."))
        return tuple(blocks)

    def outputs(self) -> Mapping[str, str]:
        values = {
            "coverage": f"{self.total.percent:.2f}",
            "diff-coverage": f"{self.diff.percent:.2f}" if self.diff is not None else "",
        }
        if self.base is not None:
            values.update(self.base.outputs())
        return values


def _per_file(raw: Any) -> dict[str, Counts]:
    """`per_file` of a report (untrusted): rows that are not counts are left out."""
    if not isinstance(raw, Mapping):
        return {}
    rows: dict[str, Counts] = {}
    for path, row in raw.items():
        hit = row.get("covered") if isinstance(row, Mapping) else None
        total = row.get("statements") if isinstance(row, Mapping) else None
        if _count(hit) and _count(total) and hit <= total:
            rows[str(path)] = (hit, total)
    return rows


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _measured(measure: Measure | None, unit: str) -> str:
    if measure is None:
        return "not measured"
    return f"{measure.percent:.2f}% ({measure.hit}/{measure.total} {unit})"


def _goal(value: float | None) -> str:
    return f"{value:g}%" if value is not None else "—"
