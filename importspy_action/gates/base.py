"""What every gate is and returns: the protocol the registry lists and the orchestrator runs.

A gate turns the workspace plus Settings into a `GateOutcome`: findings, the numbers its
section shows (a small frozen metrics dataclass per gate), notes, or -- when it could not
judge at all -- an error. It never decides pass or fail: `verdict.judge` does that, once, for
live runs and merged reports alike, so what "failed" means cannot drift between gates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..blocks import Block
from ..errors import EXIT_CONFIG
from ..model import Finding

if TYPE_CHECKING:
    from ..diff import ChangedLines
    from ..settings import Settings


class GateMetrics(Protocol):
    """A gate's typed numbers. Serialised under the gate's `metrics` key in the JSON report."""

    def to_json(self) -> dict[str, Any]: ...

    def headline(self) -> str:
        """One line for the gate table (e.g. `82.50% total`); empty when there is none."""
        ...

    def section(self) -> tuple[Block, ...]:
        """What the gate shows above its findings in the summary and the terminal."""
        ...

    def outputs(self) -> Mapping[str, str]:
        """Step outputs this gate fills (e.g. `coverage`); names must be in action.yml."""
        ...


@dataclass(frozen=True)
class GateOutcome:
    """What a gate found. `error` set means it could not judge (exit `error_exit`)."""

    findings: tuple[Finding, ...] = ()
    metrics: GateMetrics | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None
    error_exit: int = EXIT_CONFIG


class Gate(Protocol):
    """One gate: listed once in `gates.registry.GATES`, in the order gates run and show."""

    name: str
    off_note: str  # shown when the gate is not configured: how to turn it on

    def configured(self, settings: Settings) -> bool: ...

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome: ...

    def metrics_from_json(self, data: Mapping[str, Any]) -> GateMetrics | None:
        """Typed metrics back from a JSON report (merge mode); ValueError when malformed."""
        ...

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> GateMetrics | None:
        """Metrics of the gate run in several jobs, given as (runtime label, outcome);
        None when this gate's numbers do not add up across jobs (each job keeps its own
        in the report's `jobs`)."""
        ...
