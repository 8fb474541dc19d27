"""The one currency between gates and reporters: Finding, GateResult and Report.

Gates produce findings; reporters consume a Report. Neither knows the other exists, so a new
gate needs no reporter change and a new reporter needs no gate change. The Report is also
the versioned JSON document of `docs/report-schema.md`: writing it lives here, reading it
back (merge mode, where it is untrusted data) lives in `report_reader.py`, which needs the
gate registry to rebuild each gate's typed metrics.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gates.base import GateMetrics

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


Identity = tuple[str, str, str, int, int, str]
"""`Finding.identity`: gate, code, path, line, column, message."""


@dataclass(frozen=True, slots=True)
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
    def identity(self) -> Identity:
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
        """The finding as the JSON report (schema v1) holds it; texts longer than the schema
        allows are cut (with `…`), so every report the action writes can be read back."""
        data: dict[str, Any] = {
            "gate": self.gate,
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.last_line,
            "start_column": self.start_column,
            "end_column": self.end_column,
            "title": _clip(self.title, MAX_TITLE_CHARS),
            "message": _clip(self.message, MAX_TEXT_CHARS),
            "expected": _clip(self.expected, MAX_TEXT_CHARS),
            "observed": _clip(self.observed, MAX_TEXT_CHARS),
            "help": _clip(self.help, MAX_TEXT_CHARS),
            "url": self.url,
            "context": _clip(self.context, MAX_TEXT_CHARS),
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
    best: dict[Identity, Finding] = {}
    for finding in findings:
        seen = best.get(finding.identity)
        if seen is None or finding.severity.rank < seen.severity.rank:
            best[finding.identity] = finding
    return sorted(best.values(), key=Finding.sort_key)


FindingsJson = Callable[[tuple[Finding, ...]], Any]
"""How a gate's findings become JSON (see `GateResult.to_json`)."""


@dataclass(frozen=True)
class GateResult:
    """What one gate concluded (by `verdict.judge`), with its findings and typed metrics."""

    gate: str
    status: GateStatus
    findings: tuple[Finding, ...] = ()
    metrics: GateMetrics | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None
    exit_code: int = 0

    def counts(self) -> dict[str, int]:
        return count_by_severity(self.findings)

    def to_json(self, findings_json: FindingsJson | None = None) -> dict[str, Any]:
        """`findings_json` turns the findings into their JSON value (default: a list of
        `Finding.to_json()`); the JSON report uses it to add fingerprints and to stream."""
        return {
            "gate": self.gate,
            "status": self.status.value,
            "error": self.error,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "metrics": self.metrics.to_json() if self.metrics is not None else {},
            "notes": list(self.notes),
            "findings": (
                [finding.to_json() for finding in self.findings]
                if findings_json is None
                else findings_json(self.findings)
            ),
        }


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {severity.value: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


@dataclass(frozen=True)
class Classification:
    """The run's findings against a baseline: which are existing, and what was fixed.

    Kept by identity so it survives `severity` overrides (which replace Finding objects);
    a head finding is *new* unless its identity is in `existing`. `fixed` are the base's
    findings no head finding matched, as the base reported them.
    """

    source: str  # where the base came from, e.g. "merge base 1a2b3c4d5e6f"
    existing: frozenset[Identity] = frozenset()
    fixed: tuple[Finding, ...] = ()
    only_new: bool = False  # the rule it was judged with: only new findings counted

    def is_new(self, finding: Finding) -> bool:
        return finding.identity not in self.existing

    def state_of(self, finding: Finding) -> str:
        """SARIF `baselineState`: `new` or `unchanged`."""
        return "new" if self.is_new(finding) else "unchanged"

    def counts(self, findings: Iterable[Finding]) -> dict[str, int]:
        items = list(findings)
        new = sum(1 for finding in items if self.is_new(finding))
        return {"new": new, "existing": len(items) - new, "fixed": len(self.fixed)}

    def to_json(self, findings: Iterable[Finding]) -> dict[str, Any]:
        return {
            "source": self.source,
            "only_new": self.only_new,
            "counts": self.counts(findings),
            "fixed": [finding.to_json() for finding in self.fixed],
        }


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
    baseline: Classification | None = None

    @property
    def findings(self) -> list[Finding]:
        """Every gate's findings, deduplicated, worst first (a fresh list each time).

        Computed once per Report and kept: reporters ask for it about ten times per run, and
        with 100,000 findings each dedupe + sort costs about half a second. The Report is
        frozen, so the memo can never go stale; it is kept outside the dataclass fields so
        equality, `repr` and `replace` are unchanged.
        """
        memo: tuple[Finding, ...] | None = self.__dict__.get("_findings_memo")
        if memo is None:
            memo = tuple(dedupe(finding for gate in self.gates for finding in gate.findings))
            object.__setattr__(self, "_findings_memo", memo)
        return list(memo)

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

    def to_json(self, findings_json: FindingsJson | None = None) -> dict[str, Any]:
        """The report as schema v1 holds it; `findings_json` as in `GateResult.to_json`."""
        data: dict[str, Any] = {
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
            "gates": [gate.to_json(findings_json) for gate in self.gates],
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline.to_json(self.findings)
        return data


MAX_TITLE_CHARS = 1024
MAX_TEXT_CHARS = 65_536
"""The JSON report schema's limits for a finding's title and its other texts."""


def _clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


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
