"""One run, in one direction: Settings -> gates -> verdict -> Report -> delivery -> exit code.

Each configured gate runs (a gate that raises is recorded as an error of that gate, never
hiding the others); with a baseline, the base is judged first and `baseline_run.compare`
adds the coverage comparison and classifies the findings into new and existing; then
`verdict.judge` decides every gate with the user's rules, and the Report goes to `deliver`,
which writes files first and calls the network last.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TextIO

from . import __version__
from .baseline_run import compare, judge_base
from .deliver import debug_traceback, deliver
from .diff import ChangedLines
from .errors import EXIT_INTERNAL, EXIT_PASSED, ActionError, ConfigError
from .gates.base import Gate, GateOutcome
from .gates.engine_runner import ENGINE_VERSION
from .gates.registry import GATES
from .github.context import GitHubContext
from .model import Classification, GateResult, Report
from .runtimes import runtime_facts
from .settings import Settings
from .verdict import Rules, judge, off, overall


def rules_of(settings: Settings, baseline: Classification | None = None) -> Rules:
    return Rules(
        fail_on=settings.fail_on,
        severity=settings.severity,
        ignore=settings.ignore,
        only_new=settings.only_new and baseline is not None,
        existing=baseline.existing if baseline is not None else frozenset(),
    )


def configured_gates(settings: Settings) -> list[str]:
    return [gate.name for gate in GATES if gate.configured(settings)]


def require_a_gate(settings: Settings) -> None:
    """With no gate configured there is nothing to judge: say what to configure (exit 2)."""
    if configured_gates(settings) or settings.merge_mode:
        return
    ways = "; ".join(gate.off_note.removeprefix("Off: ").rstrip(".") for gate in GATES)
    raise ConfigError(
        f"No gate is configured. Set at least one of the gates' inputs: {ways}; "
        "or `reports` to merge and report existing JSON reports."
    )


def run_gate(gate: Gate, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
    """A gate's outcome; a gate that raises becomes an outcome with an error, not a crash."""
    try:
        return gate.run(settings, changes)
    except ActionError as exc:
        return GateOutcome(error=str(exc), error_exit=exc.exit_code)
    except Exception as exc:  # a bug in a gate must not hide the other gates' results
        debug_traceback()
        return GateOutcome(
            error=f"Internal error in the {gate.name} gate: {type(exc).__name__}: {exc}",
            error_exit=EXIT_INTERNAL,
        )


def run_gates(
    settings: Settings,
    changes: ChangedLines | None,
    context: GitHubContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[GateResult], Classification | None]:
    """Every gate, in registry order; off ones say how to turn them on. With a baseline
    (`context` given), the base is judged first and the findings are classified."""
    base = None
    if context is not None and (settings.baseline_enabled or settings.base_coverage_files):
        base = judge_base(settings, context, changes, environ or {}, run_gate)
    outcomes = {
        gate.name: run_gate(gate, settings, changes) for gate in GATES if gate.configured(settings)
    }
    outcomes, baseline = compare(outcomes, base, settings, changes)
    rules = rules_of(settings, baseline)
    results = [
        judge(gate.name, outcomes[gate.name], rules)
        if gate.name in outcomes
        else off(gate.name, gate.off_note)
        for gate in GATES
    ]
    return results, baseline


def build_report(
    results: list[GateResult],
    settings: Settings,
    context: GitHubContext,
    baseline: Classification | None = None,
) -> Report:
    facts = context.describe() | runtime_facts()
    if settings.shard is not None:
        facts["shard"] = f"{settings.shard[0]}/{settings.shard[1]}"
    code = overall(results)
    return Report(
        tool_version=__version__,
        engine_version=ENGINE_VERSION,
        gates=tuple(results),
        fail_on=settings.fail_on,
        exit_code=code,
        context=facts,
        jobs=(
            {
                "job": facts.get("job", "local"),
                "result": "passed" if code == EXIT_PASSED else "failed",
                "run_url": facts.get("run_url", ""),
            },
        ),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        baseline=baseline,
    )


def execute(
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    *,
    out: TextIO = sys.stdout,
    changes: ChangedLines | None = None,
) -> int:
    results, baseline = run_gates(settings, changes, context, environ)
    report = build_report(results, settings, context, baseline)
    return deliver(report, settings, context, environ, out=out, changes=changes)
