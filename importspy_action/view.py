"""The report, made render-ready once: headline, one row per gate, sections, findings.

The job summary, the check run's title/summary/text and the terminal report are thin
renderers of this view, so a fact (a count, a verdict, a gate's detail, a truncation note)
is worded in one place and cannot disagree between them. Building the view reads only the
Report -- live or merged -- and the typed metrics' own `section()`s.

With a baseline, each gate's findings are split: `findings` are the new ones (listed and
annotated), `existing` the ones the base already had (counted, listed apart), `fixed` the
base's findings this change removed; the report-level `baseline` carries the totals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .blocks import Block
from .errors import EXIT_CONFIG, EXIT_INTERNAL
from .model import Classification, Finding, GateResult, GateStatus, Report


@dataclass(frozen=True)
class GateView:
    """One gate, ready to draw."""

    name: str
    status: GateStatus
    counts: Mapping[str, int]
    headline: str  # the metrics' one line, built from their numbers ("" when none)
    error: str | None
    notes: tuple[str, ...]
    section: tuple[Block, ...]
    findings: tuple[Finding, ...]  # worst first; with a baseline, the new ones only
    existing: tuple[Finding, ...] = ()  # with a baseline: findings the base already had
    fixed: tuple[Finding, ...] = ()  # with a baseline: the base's findings now gone

    @property
    def off(self) -> bool:
        return self.status is GateStatus.SKIPPED

    @property
    def off_hint(self) -> str:
        """How to turn an off gate on (its note without the leading `Off: `)."""
        return (self.notes[0] if self.notes else "not configured").removeprefix("Off: ")


@dataclass(frozen=True)
class JobRow:
    """One job a merged report came from."""

    job: str
    result: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class BaselineView:
    """What the comparison with the base found, in totals."""

    source: str
    new: int
    existing: int
    fixed: int
    only_new: bool  # whether only new findings counted toward the verdict

    def phrase(self) -> str:
        """`1 new, 4 existing, 3 fixed`: the same words everywhere."""
        return f"{self.new} new, {self.existing} existing, {self.fixed} fixed"


@dataclass(frozen=True)
class ReportView:
    verdict: str  # passed | failed | configuration error | internal error
    passed: bool
    counts: Mapping[str, int]
    fail_on: str
    exit_code: int
    gates: tuple[GateView, ...]
    jobs: tuple[JobRow, ...]  # only when the report merged several jobs
    findings: tuple[Finding, ...]  # every finding, deduplicated; new first, then worst first
    run_url: str
    unlocated: tuple[Finding, ...] = ()  # counted, but no file here to annotate
    baseline: BaselineView | None = None
    annotated: tuple[Finding, ...] = ()  # what annotations may show: the new findings

    @property
    def annotatable(self) -> tuple[Finding, ...]:
        """What may become annotations: the new findings (all without a baseline), less the
        unlocated ones."""
        if not self.unlocated:
            return self.annotated
        away = {finding.identity for finding in self.unlocated}
        return tuple(f for f in self.annotated if f.identity not in away)

    @property
    def errors(self) -> tuple[GateView, ...]:
        return tuple(gate for gate in self.gates if gate.error)


def verdict_of(report: Report) -> str:
    if report.exit_code == EXIT_CONFIG:
        return "configuration error"
    if report.exit_code == EXIT_INTERNAL:
        return "internal error"
    return "passed" if report.passed else "failed"


def _gate_view(gate: GateResult, baseline: Classification | None) -> GateView:
    headline = gate.metrics.headline() if gate.metrics is not None else ""
    ordered = tuple(sorted(gate.findings, key=Finding.sort_key))
    existing: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    if baseline is not None:
        existing = tuple(f for f in ordered if not baseline.is_new(f))
        ordered = tuple(f for f in ordered if baseline.is_new(f))
        fixed = tuple(f for f in baseline.fixed if f.gate == gate.gate)
    return GateView(
        name=gate.gate,
        status=gate.status,
        counts=gate.counts(),
        headline=headline,
        error=gate.error,
        notes=gate.notes,
        section=gate.metrics.section() if gate.metrics is not None else (),
        findings=ordered,
        existing=existing,
        fixed=fixed,
    )


def _job_row(job: Mapping[str, Any]) -> JobRow:
    raw = job.get("counts")
    counts = raw if isinstance(raw, Mapping) else {}
    return JobRow(
        job=str(job.get("job", "?")),
        result=str(job.get("result", "")),
        counts={
            level: value if isinstance(value := counts.get(level, 0), int) else 0
            for level in ("error", "warning", "notice")
        },
    )


def _baseline_view(report: Report, findings: Sequence[Finding]) -> BaselineView | None:
    if report.baseline is None:
        return None
    counts = report.baseline.counts(findings)
    return BaselineView(
        report.baseline.source,
        counts["new"],
        counts["existing"],
        counts["fixed"],
        report.baseline.only_new,
    )


def build(report: Report, located: Callable[[Finding], bool] | None = None) -> ReportView:
    """The view of `report`; `located` says which findings name a file that can be annotated
    (merge mode: a report from another job may name paths that are not here)."""
    jobs: Sequence[Mapping[str, Any]] = report.jobs if len(report.jobs) > 1 else ()
    findings = report.findings
    new = findings
    if report.baseline is not None:
        new = [f for f in findings if report.baseline.is_new(f)]
        findings = new + [f for f in findings if not report.baseline.is_new(f)]
    return ReportView(
        verdict=verdict_of(report),
        passed=report.passed,
        counts=report.counts(),
        fail_on=report.fail_on,
        exit_code=report.exit_code,
        gates=tuple(_gate_view(gate, report.baseline) for gate in report.gates),
        jobs=tuple(_job_row(job) for job in jobs),
        findings=tuple(findings),
        run_url=report.context.get("run_url", ""),
        unlocated=tuple(f for f in findings if not located(f)) if located else (),
        baseline=_baseline_view(report, findings),
        annotated=tuple(new),
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def counts_phrase(counts: Mapping[str, int]) -> str:
    """`2 errors, 1 warning, 0 notices`: the same words in the check run and the terminal."""
    return ", ".join(plural(counts[level], level) for level in ("error", "warning", "notice"))


def location(finding: Finding) -> str:
    """`path:line` or `path:first-last`."""
    where = f"{finding.path}:{finding.start_line}"
    if finding.last_line != finding.start_line:
        where += f"-{finding.last_line}"
    return where
