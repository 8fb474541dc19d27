"""The one verdict: a gate's outcome plus the user's rules -> status and exit code.

Every pass/fail decision of the action is made here and nowhere else -- for gates that just
ran and for gates read back from JSON reports in merge mode (whose own `status` and
`exit_code` are never believed: a report is data). The rules, in order:

1. `ignore` drops findings by rule code; `severity` re-levels them by rule code;
2. duplicates (same gate, code, place and message) are merged, worst first;
3. a gate that could not judge (`error`) is status `error` with exit 2 (bad input) or 3;
4. otherwise `fail-on` decides: `error` fails on any error, `warning` on any warning or
   error, `never` passes whatever was found -- counting, with `only-new` and a baseline,
   only the findings the base did not have (existing ones are still listed, never counted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import EXIT_CONFIG, EXIT_FAILED, EXIT_INTERNAL, EXIT_PASSED
from .gates.base import GateOutcome
from .model import Finding, GateResult, GateStatus, Identity, Severity, dedupe

FailOn = Literal["error", "warning", "never"]
_FAIL_RANK = {"error": Severity.ERROR.rank, "warning": Severity.WARNING.rank}


@dataclass(frozen=True)
class Rules:
    """The user's judging rules (inputs `fail-on`, `severity`, `ignore`, `only-new`).

    `existing` holds the identities of findings the baseline already had; they count toward
    `fail-on` only when `only_new` is off.
    """

    fail_on: FailOn = "error"
    severity: Mapping[str, Severity] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    only_new: bool = False
    existing: frozenset[Identity] = frozenset()

    def counted(self, finding: Finding) -> bool:
        """Whether `finding` counts toward `fail-on`."""
        return not (self.only_new and finding.identity in self.existing)


def apply_overrides(findings: Iterable[Finding], rules: Rules) -> tuple[Finding, ...]:
    """`ignore` and `severity` applied, duplicates merged, worst first."""
    return tuple(
        dedupe(
            finding.with_severity(rules.severity[finding.code])
            if finding.code in rules.severity
            else finding
            for finding in findings
            if finding.code not in rules.ignore
        )
    )


def fails(findings: Iterable[Finding], fail_on: FailOn) -> bool:
    """Whether these findings fail a gate under `fail-on`."""
    if fail_on == "never":
        return False
    threshold = _FAIL_RANK[fail_on]
    return any(finding.severity.rank <= threshold for finding in findings)


def judge(name: str, outcome: GateOutcome, rules: Rules) -> GateResult:
    """The verdict of one gate."""
    findings = apply_overrides(outcome.findings, rules)
    if outcome.error is not None:
        code = outcome.error_exit if outcome.error_exit in (EXIT_CONFIG, EXIT_INTERNAL) else 3
        return GateResult(
            gate=name,
            status=GateStatus.ERROR,
            findings=findings,
            metrics=outcome.metrics,
            notes=outcome.notes,
            error=outcome.error,
            exit_code=code,
        )
    failing = fails((finding for finding in findings if rules.counted(finding)), rules.fail_on)
    return GateResult(
        gate=name,
        status=GateStatus.FAILED if failing else GateStatus.PASSED,
        findings=findings,
        metrics=outcome.metrics,
        notes=outcome.notes,
        exit_code=EXIT_FAILED if failing else EXIT_PASSED,
    )


def off(name: str, *notes: str) -> GateResult:
    """A gate that is not configured: listed, with how to turn it on, never failing."""
    return GateResult(gate=name, status=GateStatus.SKIPPED, notes=notes)


def overall(results: Iterable[GateResult]) -> int:
    """The run's exit code: the worst gate's (3 > 2 > 1 > 0)."""
    return max((result.exit_code for result in results), default=EXIT_PASSED)


def conclusion(exit_code: int, fail_on: str, any_findings: bool) -> str:
    """The check run's conclusion for a verdict: `failure` when the step fails; `neutral`
    when `fail-on: never` let findings pass (they are shown, not enforced); else `success`.
    Decided here so that `fail-on` is read in this module only."""
    if exit_code != 0:
        return "failure"
    if fail_on == "never" and any_findings:
        return "neutral"
    return "success"
