"""The gates, listed once, in the order they run and are shown.

Nothing else in the package names a gate: the orchestrator runs what is listed here, the
reporters draw what the gates' metrics describe, and merge mode rebuilds typed metrics
through `gate_named`. Adding a gate is adding its object to GATES.
"""

from __future__ import annotations

from ..api_breaks.gate import ApiBreaksGate
from .base import Gate
from .contracts import ContractsGate
from .coverage import CoverageGate
from .lint import LintGate

GATES: tuple[Gate, ...] = (ContractsGate(), CoverageGate(), LintGate(), ApiBreaksGate())


def gate_named(name: str) -> Gate | None:
    return next((gate for gate in GATES if gate.name == name), None)


def gate_names() -> tuple[str, ...]:
    return tuple(gate.name for gate in GATES)
