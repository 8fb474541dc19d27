"""Delivering a Report: files first, the log next, the network last, then the exit code.

The JSON report, SARIF and job summary are written before any GitHub API call, so whatever
the API does the findings are already safe. Every file goes through the one `Writer`; each
reporter is isolated -- one failing is logged and the others still run. The exit code is
the gates' verdict, except that an output the user configured and that could not be written
makes it at least 2 (after everything else was written), and a check run that could not be
delivered makes it at least 3 when the user opted in with `fail-on-report-error`.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from . import badge
from . import view as views
from .console import Console, log
from .diff import ChangedLines
from .errors import EXIT_CONFIG, EXIT_INTERNAL, ActionError
from .fingerprint import SourceLines
from .github.context import GitHubContext
from .model import Report
from .ranking import select
from .reporters import check_run, commands, json_report, outputs, sarif, summary, terminal
from .settings import Settings
from .untrusted_report import Locator
from .writer import Writer


@dataclass
class Delivery:
    """What the reporters did: outputs to set and problems to mention."""

    writer: Writer
    outputs: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lost: bool = False  # an output crashed while being made: nothing may be lost silently
    check_run_delivered: bool = False
    check_run_failed: bool = False


def _safely(
    delivery: Delivery, what: str, action: Callable[[], object], *, essential: bool = True
) -> None:
    """Run one reporter; a crash is logged and the others still run. A crashed *essential*
    reporter (a file, the outputs, the fallback annotations) makes the run end with exit 3:
    the user asked for that output and did not get it. The check run is not essential here:
    whether its failure fails the step is the user's choice (`fail-on-report-error`)."""
    try:
        action()
    except Exception as exc:  # one reporter failing never stops the others
        delivery.problems.append(f"Could not write the {what}: {type(exc).__name__}: {exc}")
        delivery.lost = delivery.lost or essential
        debug_traceback()


def _write_file(
    delivery: Delivery, name: str, what: str, target: Path, render: Callable[[], str]
) -> None:
    """One file an input asked for: rendered and written by the writer, isolated."""
    _safely(
        delivery,
        what,
        lambda: delivery.writer.write(target, render(), what=f"Input `{name}`"),
    )


def writer_for(settings: Settings, context: GitHubContext, environ: Mapping[str, str]) -> Writer:
    """In Actions: the workspace and RUNNER_TEMP. Locally the user may also name output files
    elsewhere on the command line (e.g. `make demo` writes to demo-output/)."""
    named = (settings.json_report, settings.sarif)
    local = () if context.in_actions else tuple(path for path in named if path is not None)
    return Writer.for_run(settings.workspace.root, environ, local_outputs=local)


def _write_files(
    report: Report,
    view: views.ReportView,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
) -> Delivery:
    delivery = Delivery(writer_for(settings, context, environ))
    writer, ws = delivery.writer, settings.workspace
    lines = SourceLines(ws)  # one cache: the JSON report and SARIF read each file once
    machine_files = (
        # each finding's fingerprint, so a later run can use this report as its baseline
        (
            "json-report",
            "JSON report",
            settings.json_report,
            lambda: json_report.render(report, source=lines),
        ),
        # fingerprints read the flagged lines from the workspace (safely, size-capped)
        (
            "sarif",
            "SARIF file",
            settings.sarif,
            lambda: sarif.render(
                report, report.baseline, source=lines, category=settings.sarif_category
            ),
        ),
    )
    for name, what, target, render in machine_files:
        if target is not None:
            _write_file(delivery, name, what, target, render)
            delivery.outputs[name] = ws.display(target)
    if settings.badge is not None:
        _safely(delivery, "badges", lambda: _write_badges(report, settings.badge, writer))
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and summary.should_write(view, settings.summary):
        _safely(
            delivery,
            "job summary",
            lambda: writer.append(
                Path(summary_file), summary.render(view), what="job summary ($GITHUB_STEP_SUMMARY)"
            ),
        )
    return delivery


def _write_badges(report: Report, folder: Path | None, writer: Writer) -> None:
    """`importspy.svg` and, when a gate measured coverage, `coverage.svg` (input `badge`)."""
    if folder is None:
        return
    measured = (gate.metrics.outputs().get("coverage", "") for gate in report.gates if gate.metrics)
    coverage = next((Fraction(value) for value in measured if value), None)
    for path, svg in badge.badges(folder, passed=report.passed, coverage=coverage).items():
        writer.write(path, svg, what="Input `badge`")


def _print_terminal(view: views.ReportView, context: GitHubContext, out: TextIO) -> None:
    """The terminal report; in Actions folded in a group, with workflow commands stopped."""
    console = Console(out)
    text = terminal.render(view, color=terminal.use_color(out))
    if not context.in_actions:
        console.write(text, paint=terminal.colorize)
        return
    console.command("group", message="ImportSpy report")
    with console.untrusted_block():
        console.write(text, paint=terminal.colorize)
    console.command("endgroup")


def deliver(
    report: Report,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    *,
    out: TextIO = sys.stdout,
    changes: ChangedLines | None = None,
    untrusted: bool = False,
) -> int:
    """Deliver a report (from the gates or merged from files) and return the exit code.

    `untrusted`: the report was read from files another job wrote (merge mode), so only its
    findings at clean paths of files here (or of the change) may become annotations.
    """
    located = None
    if untrusted:
        changed = frozenset(changes.files) if changes is not None else frozenset()
        located = Locator(settings.workspace, changed)
    view = views.build(report, located)
    delivery = _write_files(report, view, settings, context, environ)
    _print_terminal(view, context, out)
    # network last: everything above is already on disk / in the log
    _safely(
        delivery,
        "check run",
        lambda: _check_run(report, view, settings, context, environ, changes, delivery),
        essential=False,
    )
    if context.in_actions and not delivery.check_run_delivered:
        _safely(delivery, "annotations", lambda: _annotate(view, settings, changes))
    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        values = outputs.values(report, delivery.outputs)
        _safely(delivery, "step outputs", lambda: _set_outputs(delivery, Path(output_file), values))
    return _exit_code(report, settings, delivery, context)


def _exit_code(
    report: Report, settings: Settings, delivery: Delivery, context: GitHubContext
) -> int:
    for problem in delivery.problems:
        log(problem)
    code = report.exit_code
    for failure in delivery.writer.failures:
        log(str(failure))
        if context.in_actions:
            commands.error_line(str(failure), title="ImportSpy: output not written")
        code = max(code, EXIT_CONFIG)
    if delivery.lost or (delivery.check_run_failed and settings.fail_on_report_error):
        code = max(code, EXIT_INTERNAL)
    return code


def _set_outputs(delivery: Delivery, path: Path, values: Mapping[str, str]) -> None:
    delivery.writer.outputs(path, values)
    delivery.outputs = dict(values)


def _check_run(
    report: Report,
    view: views.ReportView,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    changes: ChangedLines | None,
    delivery: Delivery,
) -> None:
    """The check run; on any failure the caller's fallback (workflow commands) takes over."""
    # if delivering crashes, an attempted check run counts as failed (`fail-on-report-error`)
    delivery.check_run_failed = bool(settings.github_token) and not settings.dry_run
    outcome = check_run.deliver_check_run(
        report, view, settings, context, environ, changes, writer=delivery.writer
    )
    delivery.check_run_delivered = outcome.delivered
    delivery.check_run_failed = outcome.failed
    delivery.outputs.update(outcome.outputs)
    if outcome.problem:
        log(f"check run: {outcome.problem}")
    if outcome.notice:
        if context.in_actions:
            commands.notice_line(outcome.notice, title="ImportSpy: check run")
        else:
            log(outcome.notice)


def _annotate(view: views.ReportView, settings: Settings, changes: ChangedLines | None) -> None:
    """Workflow-command annotations: the same selection and order as the check run's."""
    chosen = select(view.annotatable, mode=settings.annotations, changes=changes, limit=None)
    commands.emit(chosen.findings)


def fail_early(error: ActionError, environ: Mapping[str, str], *, in_actions: bool) -> int:
    """Report an error that happened before any gate ran (bad inputs, nothing configured).

    Still a summary section, an annotation and outputs -- the user sees why in the PR checks.
    """
    message = str(error)
    lines = message.splitlines() or [message]
    log("\n  ".join(lines))
    kind = "Configuration error" if error.exit_code == EXIT_CONFIG else "Internal error"
    writer = Writer.for_run(Path(environ.get("GITHUB_WORKSPACE") or Path.cwd()), environ)
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        writer.append(
            Path(summary_file),
            summary.failure(kind, lines),
            what="job summary ($GITHUB_STEP_SUMMARY)",
        )
    if in_actions:
        commands.error_line(message, title=f"ImportSpy: {kind.lower()}")
    output_file = environ.get("GITHUB_OUTPUT")
    if output_file:
        writer.outputs(Path(output_file), {"result": "failed", "exit-code": str(error.exit_code)})
    for failure in writer.failures:
        log(str(failure))
    return error.exit_code


def debug_traceback() -> None:
    if os.environ.get("RUNNER_DEBUG") == "1" or os.environ.get("IMPORTSPY_ACTION_DEBUG"):
        traceback.print_exc(file=sys.stderr)
