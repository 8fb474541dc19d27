"""One source file's line and branch coverage, as the coverage readers hand it to the gate.

Both report formats (cobertura.py, coverage_report.py's JSON reader) end in these, and the
gate, the coverage delta and merge mode compute on them. Their memory is the point: a
report of millions of lines must fit next to everything else the run holds.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import caps


class FileCoverage:
    """Line (and branch) coverage of one source file, as named in one or more reports.

    Stored as sorted C arrays (4 bytes a line), not as sets of int objects: a set costs
    about 60 bytes per line once its table and the int objects are counted, which made a
    200 MB Cobertura report (4.5 million lines) take 785 MB before anything was computed.
    `statements`, `covered` and `branches` still read and assign as a set, a set and a
    dict -- built on access, one file at a time, so the gate's set algebra is unchanged and
    the memory it needs is that of the largest file, not of the whole report.
    """

    __slots__ = ("_branch_hit", "_branch_line", "_branch_total", "_covered", "_statements", "name")

    def __init__(
        self,
        name: str,
        statements: Iterable[int] = (),
        covered: Iterable[int] = (),
        branches: Mapping[int, tuple[int, int]] | None = None,
    ) -> None:
        self.name = name
        self._statements = _lines(statements)
        self._covered = _lines(covered)
        self._branch_line = array("i")
        self._branch_hit = array("i")
        self._branch_total = array("i")
        self.branches = branches or {}

    def __repr__(self) -> str:
        return (
            f"FileCoverage({self.name!r}, statements={len(self._statements)}, "
            f"covered={len(self._covered)}, branches={len(self._branch_line)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileCoverage):
            return NotImplemented
        return (self.name, self.statements, self.covered, self.branches) == (
            other.name,
            other.statements,
            other.covered,
            other.branches,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    @property
    def statements(self) -> set[int]:
        return set(self._statements)

    @statements.setter
    def statements(self, lines: Iterable[int]) -> None:
        self._statements = _lines(lines)

    @property
    def covered(self) -> set[int]:
        return set(self._covered)

    @covered.setter
    def covered(self, lines: Iterable[int]) -> None:
        self._covered = _lines(lines)

    @property
    def branches(self) -> dict[int, tuple[int, int]]:
        """line -> (branches taken, branches total)."""
        return {
            line: (hit, total)
            for line, hit, total in zip(
                self._branch_line, self._branch_hit, self._branch_total, strict=True
            )
        }

    @branches.setter
    def branches(self, counts: Mapping[int, tuple[int, int]]) -> None:
        lines = sorted(counts)
        self._branch_line = array("i", lines)
        self._branch_hit = array("i", (counts[line][0] for line in lines))
        self._branch_total = array("i", (counts[line][1] for line in lines))

    def merge(self, other: FileCoverage) -> None:
        """Union: a line ran if it ran in any report; per line the best branch count wins."""
        self._statements = _lines(self.statements | other.statements)
        self._covered = _lines(self.covered | other.covered)
        branches = self.branches
        for line, (hit, total) in other.branches.items():
            seen = branches.get(line)
            if seen is None or (hit, total) > seen:
                branches[line] = (hit, total)
        self.branches = branches

    @property
    def branch_counts(self) -> tuple[int, int]:
        return sum(self._branch_hit), sum(self._branch_total)


def _lines(numbers: Iterable[int]) -> array[int]:
    """Sorted, duplicate-free line numbers in a C array (4 bytes each)."""
    unique = numbers if isinstance(numbers, (set, frozenset)) else set(numbers)
    ordered = array("i", sorted(unique))
    if ordered and (ordered[0] < 1 or ordered[-1] > caps.LINE_NUMBER.limit):
        bad = ordered[0] if ordered[0] < 1 else ordered[-1]
        raise ValueError(f"line number {bad} is outside 1..{caps.LINE_NUMBER.limit:,}")
    return ordered


@dataclass
class ParsedReport:
    """One report file: its files (report names), `<sources>` and format."""

    path: Path
    format: str  # "cobertura" | "json"
    files: dict[str, FileCoverage]
    sources: list[str]
    has_branches: bool
