"""One run, in one direction: Settings -> gates -> Report -> reporters -> exit code.

Files first, network last: the JSON report, SARIF and job summary are written before any
GitHub API call, so whatever the API does the findings are already safe. Each reporter is
isolated -- one failing is logged and the others still run -- and the exit code reflects the
gates, not the reporting, unless the user opts in with `fail-on-report-error`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from . import __version__
from .diff import ChangedLines
from .errors import EXIT_CONFIG, EXIT_FAILED, EXIT_INTERNAL, EXIT_PASSED, ActionError
from .fingerprint import SourceLines
from .gates import GATES
from .gates.engine_runner import ENGINE_VERSION
from .github.context import GitHubContext
from .model import GateResult, GateStatus, Report, Severity, dedupe
from .ranking import select
from .reporters import check_run, commands, json_report, outputs, sarif, summary, terminal
from .settings import Settings

_NOT_CONFIGURED = {
    "contracts": "Off: set `contracts` to check modules against their ImportSpy contracts.",
    "coverage": "Off: set `coverage-file` to gate on a coverage.py report.",
    "lint": "Off: set `lint: true` to run ruff.",
}
_FAIL_RANK = {"error": 0, "warning": 1}


def apply_rules(result: GateResult, settings: Settings) -> GateResult:
    """Apply `ignore` and `severity` overrides, merge duplicates (worst first), then judge
    the gate against `fail-on`."""
    findings = tuple(
        dedupe(
            finding.with_severity(settings.severity[finding.code])
            if finding.code in settings.severity
            else finding
            for finding in result.findings
            if finding.code not in settings.ignore
        )
    )
    if result.status in (GateStatus.ERROR, GateStatus.SKIPPED):
        return replace(result, findings=findings)
    failing = fails(findings_severities=[f.severity for f in findings], fail_on=settings.fail_on)
    status = GateStatus.FAILED if failing else GateStatus.PASSED
    return replace(
        result,
        findings=findings,
        status=status,
        exit_code=EXIT_FAILED if failing else EXIT_PASSED,
    )


def fails(*, findings_severities: list[Severity], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = _FAIL_RANK[fail_on]
    return any(severity.rank <= threshold for severity in findings_severities)


def run_gates(settings: Settings, changes: ChangedLines | None) -> list[GateResult]:
    results = []
    configured = settings.gates_configured()
    for name in _NOT_CONFIGURED:  # every gate is listed, off ones say how to turn them on
        if name not in configured:
            results.append(
                GateResult(gate=name, status=GateStatus.SKIPPED, notes=(_NOT_CONFIGURED[name],))
            )
            continue
        try:
            result = GATES[name](settings, changes)
        except ActionError as exc:
            result = GateResult(
                gate=name, status=GateStatus.ERROR, error=str(exc), exit_code=exc.exit_code
            )
        except Exception as exc:  # a bug in a gate must not hide the other gates' results
            result = GateResult(
                gate=name,
                status=GateStatus.ERROR,
                error=f"Internal error in the {name} gate: {type(exc).__name__}: {exc}",
                exit_code=EXIT_INTERNAL,
            )
            _debug_traceback()
        results.append(apply_rules(result, settings))
    return results


def exit_code_of(results: list[GateResult]) -> int:
    return max((result.exit_code for result in results), default=EXIT_PASSED)


def build_report(results: list[GateResult], settings: Settings, context: GitHubContext) -> Report:
    facts = context.describe()
    code = exit_code_of(results)
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
    )


@dataclass
class Delivery:
    """What the reporters did: outputs to set and problems to mention."""

    outputs: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    published: bool = False
    publish_failed: bool = False


def _safely(delivery: Delivery, what: str, action: Callable[[], None]) -> None:
    try:
        action()
    except Exception as exc:  # one reporter failing never stops the others
        delivery.problems.append(f"Could not write the {what}: {type(exc).__name__}: {exc}")
        _debug_traceback()


def deliver(
    report: Report,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    out: TextIO,
    changes: ChangedLines | None = None,
) -> Delivery:
    delivery = Delivery()
    ws = settings.workspace
    if settings.json_report is not None:
        path = settings.json_report
        _safely(delivery, "JSON report", lambda: json_report.write(report, path))
        delivery.outputs["json-report"] = ws.display(path)
    if settings.sarif is not None:
        sarif_path = settings.sarif
        lines = SourceLines(ws)  # fingerprints read the flagged lines from the workspace
        category = settings.sarif_category
        _safely(
            delivery,
            "SARIF file",
            lambda: sarif.write(report, sarif_path, source=lines, category=category),
        )
        delivery.outputs["sarif"] = ws.display(sarif_path)
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and summary.should_write(report, settings.summary):
        _safely(delivery, "job summary", lambda: summary.write(report, Path(summary_file)))

    in_actions = context.in_actions
    if in_actions:
        out.write("::group::ImportSpy report\n")
    out.write(terminal.render(report, color=terminal.use_color(out)))
    if in_actions:
        out.write("::endgroup::\n")
    out.flush()

    # network last: everything above is already on disk / in the log
    _safely(
        delivery,
        "check run",
        lambda: _publish(report, settings, context, environ, changes, delivery),
    )
    if in_actions and not delivery.published:
        _safely(delivery, "annotations", lambda: _annotate(report, settings, changes))
    if in_actions or environ.get("GITHUB_OUTPUT"):
        _safely(delivery, "step outputs", lambda: _outputs(report, delivery))
    for problem in delivery.problems:
        print(f"importspy-action: {problem}", file=sys.stderr)
    return delivery


def _publish(
    report: Report,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    changes: ChangedLines | None,
    delivery: Delivery,
) -> None:
    """The check run; on any failure the caller's fallback (workflow commands) takes over."""
    # if publishing crashes, an attempted publish counts as failed (`fail-on-report-error`)
    delivery.publish_failed = bool(settings.github_token) and not settings.dry_run
    outcome = check_run.deliver_check_run(report, settings, context, environ, changes)
    delivery.published = outcome.published
    delivery.publish_failed = outcome.failed
    delivery.outputs.update(outcome.outputs)
    if outcome.problem:
        print(f"importspy-action: check run: {outcome.problem}", file=sys.stderr)
    if outcome.notice:
        if context.in_actions:
            commands.notice_line(outcome.notice, title="ImportSpy: check run")
        else:
            print(f"importspy-action: {outcome.notice}", file=sys.stderr)


def _annotate(report: Report, settings: Settings, changes: ChangedLines | None) -> None:
    """Workflow-command annotations: the same selection and order as the check run's."""
    chosen = select(report.findings, mode=settings.annotations, changes=changes, limit=None)
    commands.emit(report, findings=chosen.findings)


def _outputs(report: Report, delivery: Delivery) -> None:
    delivery.outputs = outputs.write(report, delivery.outputs)


def execute(
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    *,
    out: TextIO = sys.stdout,
    changes: ChangedLines | None = None,
) -> int:
    results = run_gates(settings, changes)
    report = build_report(results, settings, context)
    return finish(report, settings, context, environ, out=out, changes=changes)


def finish(
    report: Report,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    *,
    out: TextIO = sys.stdout,
    changes: ChangedLines | None = None,
) -> int:
    """Deliver a report (from the gates or merged from files) and choose the exit code.

    The exit code is the gates' verdict; a check run that could not be published changes it
    only when the user opted in with `fail-on-report-error` (then at least 3).
    """
    delivery = deliver(report, settings, context, environ, out, changes)
    if delivery.publish_failed and settings.fail_on_report_error:
        return max(report.exit_code, EXIT_INTERNAL)
    return report.exit_code


def fail_early(error: ActionError, environ: Mapping[str, str], *, in_actions: bool) -> int:
    """Report an error that happened before any gate ran (bad inputs, nothing configured).

    Still a summary line, an annotation and outputs -- the user sees why in the PR checks.
    """
    message = str(error)
    lines = message.splitlines() or [message]
    print("importspy-action: " + "\n  ".join(lines), file=sys.stderr)
    kind = "Configuration error" if error.exit_code == EXIT_CONFIG else "Internal error"
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        try:
            with Path(summary_file).open("a", encoding="utf-8") as stream:
                stream.write(f"## ImportSpy: ⚠️ {kind}\n\n")
                stream.writelines(f"- {summary.cell(line)}\n" for line in lines)
                stream.write("\n")
        except OSError as exc:
            print(f"importspy-action: could not write the job summary: {exc}", file=sys.stderr)
    if in_actions:
        try:
            commands.error_line(message, title=f"ImportSpy: {kind.lower()}")
            if environ.get("GITHUB_OUTPUT"):
                outputs_ = {"result": "failed", "exit-code": str(error.exit_code)}
                from actions_toolkit import core

                for name, value in outputs_.items():
                    core.set_output(name, value)
        except Exception as exc:
            print(f"importspy-action: could not annotate: {exc}", file=sys.stderr)
    return error.exit_code


def _debug_traceback() -> None:
    import os

    if os.environ.get("RUNNER_DEBUG") == "1" or os.environ.get("IMPORTSPY_ACTION_DEBUG"):
        traceback.print_exc(file=sys.stderr)
