"""The run's changed lines, worked out before any gate runs.

Diff coverage, `lint-scope: changed-files`, `annotations: changed-lines` and ranking all read
them. `changes_for` asks git (the merge base of a pull request, or `base-ref`), falling back
to the pull request files API; `merged_changes` is merge mode's variant, which must not check
out a fork's code and so asks the API for the pull request the reports name. Unknown changed
lines never fail the run (a refused `base-ref` does: exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping

from .console import log
from .diff import ChangedLines
from .errors import ConfigError
from .github.api_retry import ApiTuning
from .github.changes import ChangesResult, PullFiles, changes_from_api, compute_changes
from .github.changes import github_pull_files as _github_pull_files
from .github.checks import with_extra_cas
from .github.context import GitHubContext
from .model import Report
from .settings import Settings


def pull_files_client(
    settings: Settings, context: GitHubContext, environ: Mapping[str, str]
) -> PullFiles | None:
    """The pull-request files API, when there is a token and a repository to ask."""
    if not (settings.github_token and context.repository) or settings.dry_run:
        return None
    tuning = ApiTuning.from_environ(environ)
    return _github_pull_files(
        settings.github_token,
        context.api_url,
        context.repository,
        timeout=tuning.timeout,
        retry=None,
        seconds_between_requests=tuning.request_interval or None,
        verify=with_extra_cas(settings.ca_bundle),
    )


def _log(result: ChangesResult) -> None:
    changes = result.changes
    if changes is not None:
        log(
            f"changed lines from {changes.source}: "
            f"{len(changes.changed_files())} files, {changes.line_count()} lines"
        )
    for note in result.notes:
        log(note)


def changes_for(
    settings: Settings, context: GitHubContext, environ: Mapping[str, str]
) -> ChangedLines | None:
    """Changed lines of this run, or None when unknown (never fails the run)."""
    if context.pull_request is None and context.merge_group is None and not settings.base_ref:
        return None
    try:
        result = compute_changes(
            settings.workspace.root,
            context,
            base_ref=settings.base_ref,
            list_files=pull_files_client(settings, context, environ),
        )
    except ConfigError:
        raise  # a bad `base-ref` input is the user's to fix: exit 2
    except Exception as exc:  # changed lines refine reporting; their absence is not fatal
        result = ChangesResult(None, (f"changed lines unknown: {type(exc).__name__}: {exc}",))
    _log(result)
    return result.changes


def merged_changes(
    report: Report, settings: Settings, context: GitHubContext, environ: Mapping[str, str]
) -> ChangedLines | None:
    """In merge mode: git when this run is the pull request's own; else the files API.

    A `workflow_run` sender must not check out the pull request's code, so it asks the API
    for the pull request the reports name.
    """
    if context.pull_request is not None or context.merge_group is not None or settings.base_ref:
        return changes_for(settings, context, environ)
    raw_number = report.context.get("pull_request") or ""
    list_files = pull_files_client(settings, context, environ)
    if not raw_number.isdigit() or list_files is None:
        return None
    try:
        result = changes_from_api(int(raw_number), list_files)
    except Exception as exc:
        result = ChangesResult(None, (f"changed lines unknown: {type(exc).__name__}: {exc}",))
    _log(result)
    return result.changes
