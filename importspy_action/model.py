"""The one currency between gates and reporters: Finding, GateResult and Report.

Gates produce findings; reporters consume a Report. Neither knows the other exists, so a new
gate needs no reporter change and a new reporter needs no gate change. The Report is also
the versioned JSON document of `docs/report-schema.md`, which is what merge mode reads back,
so (de)serialisation lives here and refuses documents of another schema version.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

REPORT_SCHEMA_VERSION = 1


class Severity(str, enum.Enum):
    """Finding severity, ordered error > warning > notice (GitHub's three levels)."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """0 for the worst; sorting by rank puts errors first."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Accept GitHub/SARIF spellings too (note, failure) so contracts and tools map 1:1."""
        lowered = value.strip().lower()
        aliases = {"note": "notice", "info": "notice", "failure": "error", "warn": "warning"}
        return cls(aliases.get(lowered, lowered))


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


class GateStatus(str, enum.Enum):
    """What a gate concluded. `error` means it could not judge (config or tool failure)."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One thing a gate found, located in a repo-relative file.

    Every finding points somewhere (path + line >= 1): annotations, SARIF and the check run
    all need a location, so gates point location-less problems at the file that configured
    them (a contract's key, a coverage report's first line).
    """

    gate: str
    code: str
    severity: Severity
    path: str
    start_line: int
    title: str
    message: str
    end_line: int | None = None
    start_column: int | None = None
    end_column: int | None = None
    expected: str | None = None
    observed: str | None = None
    help: str | None = None
    url: str | None = None
    context: str | None = None

    def __post_init__(self) -> None:
        if self.start_line < 1:
            object.__setattr__(self, "start_line", 1)
        if self.end_line is None or self.end_line < self.start_line:
            object.__setattr__(self, "end_line", self.start_line)

    @property
    def last_line(self) -> int:
        return self.end_line if self.end_line is not None else self.start_line

    @property
    def identity(self) -> tuple[str, str, str, int, int, str]:
        """Two findings with the same identity are the same problem reported twice."""
        return (
            self.gate,
            self.code,
            self.path,
            self.start_line,
            self.start_column or 0,
            self.message,
        )

    def sort_key(self) -> tuple[int, str, int, int, str]:
        """Worst first, then by place, so every reporter lists findings in the same order."""
        return (self.severity.rank, self.path, self.start_line, self.start_column or 0, self.code)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "gate": self.gate,
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.last_line,
            "start_column": self.start_column,
            "end_column": self.end_column,
            "title": self.title,
            "message": self.message,
            "expected": self.expected,
            "observed": self.observed,
            "help": self.help,
            "url": self.url,
            "context": self.context,
        }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            gate=_str(data, "gate"),
            code=_str(data, "code"),
            severity=Severity.parse(_str(data, "severity")),
            path=_str(data, "path"),
            start_line=_int(data, "start_line"),
            end_line=_opt_int(data, "end_line"),
            start_column=_opt_int(data, "start_column"),
            end_column=_opt_int(data, "end_column"),
            title=_str(data, "title"),
            message=_str(data, "message"),
            expected=_opt_str(data, "expected"),
            observed=_opt_str(data, "observed"),
            help=_opt_str(data, "help"),
            url=_opt_str(data, "url"),
            context=_opt_str(data, "context"),
        )


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Merge duplicates (same identity), keeping the most severe copy, in worst-first order."""
    best: dict[tuple[str, str, str, int, int, str], Finding] = {}
    for finding in findings:
        seen = best.get(finding.identity)
        if seen is None or finding.severity.rank < seen.severity.rank:
            best[finding.identity] = finding
    return sorted(best.values(), key=Finding.sort_key)


@dataclass(frozen=True)
class GateResult:
    """What one gate concluded, with its findings and the numbers its summary section shows.

    `metrics` is a flat-ish JSON object owned by the gate (e.g. coverage percentages, module
    counts); reporters may render known keys but never require them.
    """

    gate: str
    status: GateStatus
    findings: tuple[Finding, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    error: str | None = None
    exit_code: int = 0

    @classmethod
    def judged(
        cls,
        gate: str,
        findings: Iterable[Finding],
        *,
        metrics: Mapping[str, Any],
        notes: Iterable[str] = (),
    ) -> GateResult:
        """A gate's provisional verdict: failed when any finding is an error. The orchestrator
        re-judges every gate with the user's `fail-on`, `severity` and `ignore`."""
        items = tuple(findings)
        failed = any(finding.severity is Severity.ERROR for finding in items)
        return cls(
            gate=gate,
            status=GateStatus.FAILED if failed else GateStatus.PASSED,
            findings=items,
            metrics=metrics,
            notes=tuple(notes),
            exit_code=1 if failed else 0,
        )

    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "status": self.status.value,
            "error": self.error,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "metrics": dict(self.metrics),
            "notes": list(self.notes),
            "findings": [finding.to_json() for finding in self.findings],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GateResult:
        raw_findings = data.get("findings", [])
        raw_notes = data.get("notes", [])
        metrics = data.get("metrics", {})
        if not isinstance(raw_findings, list) or not isinstance(raw_notes, list):
            raise ValueError("gate 'findings' and 'notes' must be lists")
        if not isinstance(metrics, dict):
            raise ValueError("gate 'metrics' must be an object")
        return cls(
            gate=_str(data, "gate"),
            status=GateStatus(_str(data, "status")),
            findings=tuple(Finding.from_json(item) for item in raw_findings),
            metrics=metrics,
            notes=tuple(str(item) for item in raw_notes),
            error=_opt_str(data, "error"),
            exit_code=int(data.get("exit_code", 0)),
        )


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


@dataclass(frozen=True)
class Report:
    """Everything one run (or a merge of runs) found, plus where it ran.

    `context` holds repository/sha/event/run facts (strings) for reporters that need them;
    `jobs` lists the runs a merged report came from (a single run lists itself).
    """

    tool_version: str
    engine_version: str
    gates: tuple[GateResult, ...]
    fail_on: str
    exit_code: int
    context: Mapping[str, str] = field(default_factory=dict)
    jobs: tuple[Mapping[str, Any], ...] = ()
    generated_at: str = ""
    schema_version: int = REPORT_SCHEMA_VERSION

    @property
    def findings(self) -> list[Finding]:
        return dedupe(finding for gate in self.gates for finding in gate.findings)

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    @property
    def result(self) -> str:
        return "passed" if self.passed else "failed"

    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    def gate(self, name: str) -> GateResult | None:
        return next((gate for gate in self.gates if gate.gate == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "tool": {"name": "importspy-action", "version": self.tool_version},
            "engine": {"name": "importspy", "version": self.engine_version},
            "generated_at": self.generated_at,
            "result": self.result,
            "exit_code": self.exit_code,
            "fail_on": self.fail_on,
            "counts": self.counts(),
            "context": dict(self.context),
            "jobs": [dict(job) for job in self.jobs],
            "gates": [gate.to_json() for gate in self.gates],
        }

    @classmethod
    def from_json(cls, data: Any) -> Report:
        """Read a report back; raises ValueError naming what is wrong with the document."""
        if not isinstance(data, dict):
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
        tool = data.get("tool") or {}
        engine = data.get("engine") or {}
        context = data.get("context") or {}
        jobs = data.get("jobs") or []
        if not all(isinstance(item, dict) for item in (tool, engine, context)):
            raise ValueError("report 'tool', 'engine' and 'context' must be objects")
        if not isinstance(jobs, list):
            raise ValueError("report 'jobs' must be a list")
        try:
            return cls(
                tool_version=str(tool.get("version", "")),
                engine_version=str(engine.get("version", "")),
                gates=tuple(GateResult.from_json(gate) for gate in gates),
                fail_on=str(data.get("fail_on", "error")),
                exit_code=int(data.get("exit_code", 0)),
                context={str(k): str(v) for k, v in context.items()},
                jobs=tuple(dict(job) for job in jobs if isinstance(job, dict)),
                generated_at=str(data.get("generated_at", "")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"report is missing or mistypes a field: {exc}") from None


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} must be a string")
    return value


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"field {key!r} must be an integer")
    return value


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"field {key!r} must be an integer or null")
    return value
