"""The runtime matrix: which contract breaks in which runtime (merge mode over a matrix).

ImportSpy contracts constrain the runtime (Python version, OS, architecture, installed
distributions), so the same module can be admitted in one job of an OS x Python matrix and
denied in another. Merging the jobs' reports builds one table, module x runtime, each cell
✓ or ✗ with the finding codes that broke it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..blocks import Block, Code, Column, Inline, Table, paragraph
from ..model import Finding
from .metrics_json import as_list, as_mapping, as_str

MAX_ROWS = 200
NOT_JUDGED = "—"


@dataclass(frozen=True)
class MatrixRow:
    module: str
    cells: tuple[str, ...]  # one per runtime: ✓, ✗ CODES, or — (not judged there)


@dataclass(frozen=True)
class RuntimeMatrix:
    runtimes: tuple[str, ...]
    rows: tuple[MatrixRow, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "runtimes": list(self.runtimes),
            "rows": [{"module": row.module, "cells": list(row.cells)} for row in self.rows],
        }

    @classmethod
    def from_json(cls, raw: Any) -> RuntimeMatrix:
        data = as_mapping(raw, "the contracts runtime matrix")
        runtimes = tuple(str(item) for item in as_list(data, "runtimes"))
        rows = []
        for item in as_list(data, "rows"):
            row = as_mapping(item, "a runtime matrix row")
            cells = tuple(str(cell) for cell in as_list(row, "cells"))
            if len(cells) != len(runtimes):
                raise ValueError("a runtime matrix row must have one cell per runtime")
            rows.append(MatrixRow(as_str(row, "module"), cells))
        return cls(runtimes, tuple(rows))

    def section(self) -> tuple[Block, ...]:
        failing = sum(1 for row in self.rows if any(c.startswith("✗") for c in row.cells))
        shown = sorted(self.rows, key=lambda row: (all(c == "✓" for c in row.cells), row.module))
        rows: list[tuple[Inline, ...]] = [
            (Code(row.module), *row.cells) for row in shown[:MAX_ROWS]
        ]
        more = None
        if len(shown) > MAX_ROWS:
            more = f"… {len(shown) - MAX_ROWS} more modules in the JSON report"
        return (
            paragraph(
                f"Runtime matrix: {failing} of {len(self.rows)} modules break their contract in "
                f"at least one of {len(self.runtimes)} runtimes."
            ),
            Table((Column("Module"), *(Column(name) for name in self.runtimes)), tuple(rows), more),
        )


def build_matrix(
    parts: Sequence[tuple[str, Sequence[tuple[str, str, str]], Sequence[Finding]]],
) -> RuntimeMatrix:
    """`parts`: (runtime, its subject rows as (module, contract, decision), its findings)."""
    runtimes = tuple(dict.fromkeys(label for label, _, _ in parts))
    cells: dict[str, dict[str, str]] = {}
    for label, subjects, findings in parts:
        for module, contract, decision in subjects:
            codes = sorted({f.code for f in findings if f.path in (module, contract)})
            mark = "✓" if decision == "ADMIT" else f"✗ {', '.join(codes) or decision}"
            cells.setdefault(module, {})[label] = mark
    rows = tuple(
        MatrixRow(module, tuple(by_runtime.get(label, NOT_JUDGED) for label in runtimes))
        for module, by_runtime in sorted(cells.items())
    )
    return RuntimeMatrix(runtimes, rows)


def worst_decision(decisions: Sequence[str]) -> str:
    """The module table's decision over runtimes: anything but ADMIT wins."""
    refused = [decision for decision in decisions if decision != "ADMIT"]
    return refused[0] if refused else "ADMIT"
