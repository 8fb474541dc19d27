"""The coverage gate's comparison with the base: base total, delta, changed files' deltas.

Kept as exact counts (covered, statements) rather than percentages, so the delta shown in
the summary, the `coverage-delta` output and the ratchet's verdict (`coverage-max-drop`,
decided in `coverage_delta`) are all computed from the same integers and cannot disagree.
The JSON keys are additive to the coverage metrics (schema v1): `base_covered`,
`base_statements`, `base_percent`, `coverage_delta`, `max_drop`, `changed_files`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..blocks import Block, Code, Column, Table, paragraph
from ..coverage_delta import CoverageDelta, Totals, compare, format_delta, format_percent
from .metrics_json import as_int, as_list, as_mapping, as_opt_float, as_str

Counts = tuple[int, int]  # (covered, statements)


@dataclass(frozen=True)
class ChangedFile:
    """A changed file's counts at base and head (None: that side did not measure it)."""

    path: str
    base: Counts | None
    head: Counts | None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path}
        for side, counts in (("base_", self.base), ("", self.head)):
            if counts is not None:
                data[f"{side}covered"], data[f"{side}statements"] = counts
        return data

    @classmethod
    def from_json(cls, raw: Any) -> ChangedFile:
        data = as_mapping(raw, "a coverage changed_files row")
        sides: list[Counts | None] = []
        for side in ("base_", ""):
            if f"{side}covered" in data:
                sides.append((as_int(data, f"{side}covered"), as_int(data, f"{side}statements")))
            else:
                sides.append(None)
        return cls(as_str(data, "path"), sides[0], sides[1])


@dataclass(frozen=True)
class BaseComparison:
    """The base's total and the changed files' counts on both sides."""

    covered: int
    statements: int
    head: Counts
    files: tuple[ChangedFile, ...] = ()
    max_drop: float | None = None

    @classmethod
    def of(
        cls, base: Totals, head: Totals, changed: tuple[str, ...], max_drop: float | None
    ) -> BaseComparison:
        delta = compare(base, head, changed)
        rows = tuple(
            ChangedFile(row.path, base.files.get(row.path), head.files.get(row.path))
            for row in delta.files
        )
        return cls(base.covered, base.statements, (head.covered, head.statements), rows, max_drop)

    def delta(self) -> CoverageDelta:
        base = Totals(self.covered, self.statements, _side(self.files, base=True))
        head = Totals(*self.head, _side(self.files, base=False))
        return compare(base, head, (row.path for row in self.files))

    def to_json(self) -> dict[str, Any]:
        delta = self.delta()
        return {
            "base_covered": self.covered,
            "base_statements": self.statements,
            "base_percent": float(format_percent(delta.base)),
            "coverage_delta": format_delta(delta.delta),
            "max_drop": self.max_drop,
            "changed_files": [row.to_json() for row in self.files],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], head: Counts) -> BaseComparison | None:
        if "base_covered" not in data:
            return None
        return cls(
            as_int(data, "base_covered"),
            as_int(data, "base_statements"),
            head,
            tuple(ChangedFile.from_json(row) for row in as_list(data, "changed_files")),
            as_opt_float(data, "max_drop"),
        )

    def measures(self) -> list[tuple[str, str, str]]:
        """Rows for the coverage section's measure table."""
        delta = self.delta()
        limit = f"fall ≤ {self.max_drop:g}" if self.max_drop is not None else "—"
        return [
            (
                "Base coverage",
                f"{format_percent(delta.base)}% ({self.covered}/{self.statements} lines)",
                "—",
            ),
            ("Change against the base", f"{format_delta(delta.delta)} points", limit),
        ]

    def section(self) -> tuple[Block, ...]:
        """Per-file deltas of the changed files either side measured."""
        rows = self.delta().files
        if not rows:
            return ()
        return (
            paragraph("Coverage of the changed files against the base:"),
            Table(
                (
                    Column("File"),
                    Column("Base", True),
                    Column("Head", True),
                    Column("Change", True),
                ),
                tuple(
                    (
                        Code(row.path),
                        "—" if row.base is None else f"{format_percent(row.base)}%",
                        "—" if row.head is None else f"{format_percent(row.head)}%",
                        "—" if row.delta is None else format_delta(row.delta),
                    )
                    for row in rows
                ),
            ),
        )

    def outputs(self) -> dict[str, str]:
        return self.delta().outputs()


def _side(rows: tuple[ChangedFile, ...], *, base: bool) -> dict[str, Counts]:
    picked = ((row.path, row.base if base else row.head) for row in rows)
    return {path: counts for path, counts in picked if counts is not None}
