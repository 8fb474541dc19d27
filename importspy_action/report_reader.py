"""Reading a JSON report back (merge mode): an untrusted document becomes typed data.

A report may come from a fork's workflow, so it is read as data, never as a verdict: each
gate is rebuilt as a `GateOutcome` (findings, typed metrics through the gate registry,
notes, and an error only when the report says the gate could not run), and the one verdict
function judges it again with this run's rules. Anything malformed raises ValueError naming
what is wrong; the caller turns that into exit 2 naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import EXIT_CONFIG, EXIT_INTERNAL
from .gates.base import GateOutcome
from .gates.registry import gate_named, gate_names
from .model import REPORT_SCHEMA_VERSION, Finding


@dataclass(frozen=True)
class ReadGate:
    """One gate of a report: its name, whether it ran, and its outcome as data."""

    name: str
    ran: bool  # False: the gate was off in that run
    outcome: GateOutcome


@dataclass(frozen=True)
class ReadReport:
    """A report's facts; its own `result`, `status` and `exit_code` are not kept."""

    tool_version: str
    engine_version: str
    gates: tuple[ReadGate, ...]
    fail_on: str
    context: Mapping[str, str]
    jobs: tuple[Mapping[str, Any], ...]
    generated_at: str

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every gate that ran, as the report listed them."""
        return [f for gate in self.gates if gate.ran for f in gate.outcome.findings]


def _findings(items: list[Any]) -> tuple[Finding, ...]:
    """Findings from their JSON objects, each repeated text kept once.

    The JSON decoder makes a new string for every value, so 100,000 findings of one gate
    hold 100,000 copies of its name and of every path and rule code; shared, they cost
    about 20 MB less, and the decoder's scattered copies do not pin its memory after the
    document is freed.
    """
    shared: dict[str, str] = {}
    return tuple(
        Finding.from_json(
            {
                key: shared.setdefault(value, value) if isinstance(value, str) else value
                for key, value in item.items()
            }
            if isinstance(item, Mapping)
            else item
        )
        for item in items
    )


def read_gate(data: Any) -> ReadGate:
    if not isinstance(data, Mapping):
        raise ValueError("each entry of 'gates' must be an object")
    name = data.get("gate")
    gate = gate_named(name) if isinstance(name, str) else None
    if gate is None:
        raise ValueError(f"gate {name!r} is not one of {', '.join(gate_names())}")
    raw_findings, raw_notes = data.get("findings", []), data.get("notes", [])
    metrics = data.get("metrics") or {}
    if not isinstance(raw_findings, list) or not isinstance(raw_notes, list):
        raise ValueError(f"gate {name!r}: 'findings' and 'notes' must be lists")
    if not isinstance(metrics, Mapping):
        raise ValueError(f"gate {name!r}: 'metrics' must be an object")
    status = data.get("status")
    if status not in ("passed", "failed", "skipped", "error"):
        raise ValueError(f"gate {name!r}: status {status!r} is not a gate status")
    error = data.get("error")
    if status == "error" and not error:
        error = "The gate could not run in that job."
    claimed = data.get("exit_code")
    outcome = GateOutcome(
        findings=_findings(raw_findings),
        metrics=gate.metrics_from_json(metrics) if metrics else None,
        notes=tuple(str(item) for item in raw_notes),
        # a gate that could not run stays an error: 3 when the job said internal, else 2
        error=str(error) if status == "error" else None,
        error_exit=EXIT_INTERNAL if claimed == EXIT_INTERNAL else EXIT_CONFIG,
    )
    return ReadGate(str(name), status != "skipped", outcome)


def read_report(data: Any) -> ReadReport:
    """A report document -> ReadReport; ValueError naming the first problem."""
    if not isinstance(data, Mapping):
        raise ValueError("a report must be a JSON object")
    version = data.get("schema_version")
    if version != REPORT_SCHEMA_VERSION:
        raise ValueError(
            f"report schema_version {version!r} is not supported "
            f"(this tool reads version {REPORT_SCHEMA_VERSION})"
        )
    gates = data.get("gates")
    if not isinstance(gates, list):
        raise ValueError("report 'gates' must be a list")
    tool, engine = data.get("tool") or {}, data.get("engine") or {}
    context, jobs = data.get("context") or {}, data.get("jobs") or []
    if not all(isinstance(item, Mapping) for item in (tool, engine, context)):
        raise ValueError("report 'tool', 'engine' and 'context' must be objects")
    if not isinstance(jobs, list):
        raise ValueError("report 'jobs' must be a list")
    fail_on = data.get("fail_on", "error")
    return ReadReport(
        tool_version=str(tool.get("version", "")),
        engine_version=str(engine.get("version", "")),
        gates=tuple(read_gate(gate) for gate in gates),
        fail_on=str(fail_on),
        context={str(k): str(v) for k, v in context.items()},
        jobs=tuple(dict(job) for job in jobs if isinstance(job, Mapping)),
        generated_at=str(data.get("generated_at", "")),
    )
