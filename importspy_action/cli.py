"""`importspy-action`: the same gates locally (`run`) as in the container action (`action`).

`run` takes `--<input>` flags named exactly like the action's inputs, so a workflow's `with:`
block translates one to one into a local command (local parity with CI). `action` reads the
`INPUT_*` variables GitHub sets for a container action; `entrypoint.py` calls it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from . import __version__
from .changed_lines import changes_for
from .console import Console
from .deliver import fail_early
from .errors import ActionError, ConfigError, ToolError
from .github.context import GitHubContext
from .merge import deliver_reports
from .native import with_native_site_packages
from .run import execute, require_a_gate
from .settings import (
    INPUTS,
    Settings,
    build_settings,
    raw_from_environ,
    secret_values,
    workspace_root,
)

_BOOLEAN_FLAGS = {"lint", "dry-run", "fail-on-report-error", "only-new"}
_REPEATABLE = {spec.name for spec in INPUTS if spec.is_list}  # joined by new lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="importspy-action",
        description="Gate a Python project on ImportSpy contracts, coverage and ruff, and report.",
    )
    parser.add_argument("--version", action="version", version=f"importspy-action {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run the configured gates here and print the report",
        description="Run the gates locally. Every flag has the name of an action input.",
    )
    _add_input_flags(run)
    merge = commands.add_parser(
        "merge",
        aliases=["publish"],  # its name before 0.2; "publish" now means releasing to PyPI
        help="merge JSON reports and deliver them as one check run, summary and outputs",
        description=(
            "Read one or more JSON reports (matrix jobs, or the report an unprivileged "
            "pull_request workflow uploaded), merge them and deliver one check run. No gate "
            "runs. See docs/forks.md for the two-stage flow."
        ),
    )
    merge.add_argument(
        "report_globs",
        nargs="*",
        metavar="REPORTS",
        help="globs of JSON reports (default: the `--reports` flag / `reports` input)",
    )
    _add_input_flags(merge)
    commands.add_parser("action", help="run as the GitHub Action (reads INPUT_* variables)")
    return parser


def _add_input_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument("--workspace", help="repository root (default: $GITHUB_WORKSPACE or .)")
    command.add_argument(
        "--summary-file",
        help="also write the markdown job summary to this file (default: $GITHUB_STEP_SUMMARY)",
    )
    for spec in INPUTS:
        kwargs: dict[str, object] = {"dest": spec.name, "help": spec.description}
        if spec.name in _BOOLEAN_FLAGS:
            kwargs.update(nargs="?", const="true", metavar="true|false")
        elif spec.name in _REPEATABLE:
            kwargs.update(action="append", metavar="VALUE")
        else:
            kwargs.update(metavar="VALUE")
        command.add_argument(f"--{spec.name}", **kwargs)  # type: ignore[arg-type]


def _raw_from_args(args: argparse.Namespace) -> dict[str, str]:
    raw = {}
    for spec in INPUTS:
        value = getattr(args, spec.name, None)
        if value is None:
            raw[spec.name] = spec.default
        elif isinstance(value, list):
            raw[spec.name] = "\n".join(value)
        else:
            raw[spec.name] = str(value)
    return raw


def _mask(raw: Mapping[str, str], context: GitHubContext) -> None:
    """Mask every secret input (the token) in every later log line."""
    if not context.in_actions:
        return
    console = Console()
    for value in secret_values(raw):
        console.mask(value)


def _dispatch(settings: Settings, context: GitHubContext, environ: Mapping[str, str]) -> int:
    """Gates on the workspace, or -- with `reports` -- merge and deliver existing reports."""
    if settings.merge_mode:
        return deliver_reports(settings, context, environ)
    return execute(settings, context, environ, changes=changes_for(settings, context, environ))


def run_command(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    env = dict(environ)
    if args.summary_file:
        # written (appended) by the one writer like the runner's own summary file; a folder
        # that does not exist is a clear exit 2 from there, not a crash here
        env["GITHUB_STEP_SUMMARY"] = args.summary_file
    context = GitHubContext.from_environ(env)
    raw = _raw_from_args(args)
    if getattr(args, "report_globs", None):
        raw["reports"] = "\n".join(args.report_globs)
    _mask(raw, context)
    try:
        workspace = workspace_root(env, args.workspace)
        settings = build_settings(raw, workspace)
        if args.command in ("merge", "publish") and not settings.merge_mode:
            raise ConfigError(
                "merge needs reports: give globs of JSON reports as arguments or `--reports`."
            )
        require_a_gate(settings)
    except ActionError as exc:
        return fail_early(exc, env, in_actions=context.in_actions)
    return _dispatch(settings, context, env)


def action_command(environ: Mapping[str, str]) -> int:
    context = GitHubContext.from_environ(environ)
    raw = raw_from_environ(environ)
    _mask(raw, context)
    try:
        workspace = workspace_root(environ)
        settings = with_native_site_packages(build_settings(raw, workspace), environ)
        require_a_gate(settings)
    except ActionError as exc:
        return fail_early(exc, environ, in_actions=True)
    return _dispatch(settings, context, environ)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("run", "merge", "publish"):
            return run_command(args, env)
        if args.command == "action":
            return action_command(env)
        parser.print_help()
        return 2
    except KeyboardInterrupt:
        return 130
    except ActionError as exc:
        return fail_early(exc, env, in_actions=env.get("GITHUB_ACTIONS") == "true")
    except Exception as exc:  # last line of defence: a message, never a traceback
        if env.get("RUNNER_DEBUG") == "1" or env.get("IMPORTSPY_ACTION_DEBUG"):
            import traceback

            traceback.print_exc()
        message = (
            f"Internal error: {type(exc).__name__}: {exc}. Re-run with RUNNER_DEBUG=1 for "
            "details and please report it."
        )
        err = ToolError(message)
        return fail_early(err, env, in_actions=env.get("GITHUB_ACTIONS") == "true")


if __name__ == "__main__":
    sys.exit(main())
