"""The contract gate's numbers and its section: one row per module with its decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..blocks import Block, Code, Column, Table, paragraph
from .base import GateOutcome
from .contracts_matrix import RuntimeMatrix, build_matrix, worst_decision
from .metrics_json import as_int, as_list, as_str

MAX_ROWS = 200


@dataclass(frozen=True)
class SubjectRow:
    """One module and the contract it was judged against."""

    module: str
    contract: str
    decision: str  # ADMIT, DENY, CONTRACT ERROR, TOO LARGE, TIMED OUT, CRASHED, ENGINE ERROR
    violations: int

    def to_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "contract": self.contract,
            "decision": self.decision,
            "violations": self.violations,
        }

    @classmethod
    def from_json(cls, data: Any) -> SubjectRow:
        if not isinstance(data, Mapping):
            raise ValueError("a contracts subject must be an object")
        return cls(
            module=as_str(data, "module"),
            contract=as_str(data, "contract"),
            decision=as_str(data, "decision"),
            violations=as_int(data, "violations"),
        )


@dataclass(frozen=True)
class ContractMetrics:
    engine_version: str
    engine_processes: int
    subjects: tuple[SubjectRow, ...]
    matrix: RuntimeMatrix | None = None  # merge mode over several runtimes

    @property
    def modules(self) -> int:
        return len(self.subjects)

    def _count(self, decision: str) -> int:
        return sum(1 for row in self.subjects if row.decision == decision)

    @property
    def admitted(self) -> int:
        return self._count("ADMIT")

    @property
    def denied(self) -> int:
        return self._count("DENY")

    @property
    def not_judged(self) -> int:
        return self.modules - self.admitted - self.denied

    def to_json(self) -> dict[str, Any]:
        return {
            "modules": self.modules,
            "admitted": self.admitted,
            "denied": self.denied,
            "not_judged": self.not_judged,
            "engine_version": self.engine_version,
            "engine_processes": self.engine_processes,
            "subjects": [row.to_json() for row in self.subjects],
            **({"matrix": self.matrix.to_json()} if self.matrix is not None else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ContractMetrics:
        return cls(
            engine_version=as_str(data, "engine_version"),
            engine_processes=as_int(data, "engine_processes"),
            subjects=tuple(SubjectRow.from_json(row) for row in as_list(data, "subjects")),
            matrix=RuntimeMatrix.from_json(data["matrix"]) if data.get("matrix") else None,
        )

    def headline(self) -> str:
        return f"{self.admitted}/{self.modules} modules admitted"

    def section(self) -> tuple[Block, ...]:
        if not self.subjects:
            return ()
        matrix = self.matrix.section() if self.matrix is not None else ()
        return matrix + self._module_table()

    def _module_table(self) -> tuple[Block, ...]:
        ranked = sorted(
            self.subjects, key=lambda row: (1 if row.decision == "ADMIT" else 0, row.module)
        )
        rows = tuple(
            (
                Code(row.module),
                Code(row.contract),
                f"{'✅' if row.decision == 'ADMIT' else '❌'} {row.decision}",
                str(row.violations),
            )
            for row in ranked[:MAX_ROWS]
        )
        more = None
        if len(ranked) > MAX_ROWS:
            more = f"… {len(ranked) - MAX_ROWS} more modules in the JSON report"
        return (
            paragraph(
                f"{self.admitted} admitted, {self.denied} denied, {self.not_judged} not judged, "
                f"of {self.modules} modules (importspy {self.engine_version or '?'})."
            ),
            Table(
                (
                    Column("Module"),
                    Column("Contract"),
                    Column("Decision"),
                    Column("Findings", True),
                ),
                rows,
                more,
            ),
        )

    def outputs(self) -> Mapping[str, str]:
        return {}


def merged_metrics(parts: Sequence[tuple[str, GateOutcome]]) -> ContractMetrics | None:
    """The contract gate of several jobs: one row per module (its worst decision over the
    jobs) and, when the jobs ran in more than one runtime, the runtime matrix."""
    known = [(label, o, o.metrics) for label, o in parts if isinstance(o.metrics, ContractMetrics)]
    if not known:
        return None
    by_module: dict[str, list[SubjectRow]] = {}
    for _, _, metrics in known:
        for row in metrics.subjects:
            by_module.setdefault(row.module, []).append(row)
    subjects = tuple(
        SubjectRow(
            module,
            rows[0].contract,
            worst_decision([row.decision for row in rows]),
            max(row.violations for row in rows),
        )
        for module, rows in sorted(by_module.items())
    )
    runtimes = {label for label, _, _ in known}
    matrix = None
    if len(runtimes) > 1 and "" not in runtimes:
        matrix = build_matrix(
            [
                (
                    label,
                    [(row.module, row.contract, row.decision) for row in metrics.subjects],
                    outcome.findings,
                )
                for label, outcome, metrics in known
            ]
        )
    return ContractMetrics(
        engine_version=known[0][2].engine_version,
        engine_processes=sum(metrics.engine_processes for _, _, metrics in known),
        subjects=subjects,
        matrix=matrix,
    )
