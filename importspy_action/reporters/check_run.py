"""The check-run reporter: decide whether a check run can be made, then plan and send it.

Runs last (files first, network last). It never raises and never changes the gates' verdict:
it returns what happened, and `run.deliver` turns that into outputs, one notice, and -- when
no check run was delivered -- the workflow-command annotations instead.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import Github

from ..console import log
from ..diff import ChangedLines
from ..github.api_retry import ApiTuning, Budget
from ..github.check_payloads import CheckRunPlan, plan
from ..github.checks import CheckRunSender, SendResult, client
from ..github.context import GitHubContext
from ..model import Report
from ..ranking import rank, select
from ..settings import Settings
from ..view import ReportView
from ..writer import Writer

DRY_RUN_DIR = "importspy-check-run"
TWO_STAGE_HINT = (
    "To get a check run on pull requests from forks or Dependabot, use the two-stage flow in "
    "docs/forks.md: the pull_request workflow uploads the JSON report, a workflow_run "
    "workflow with `checks: write` delivers it."
)


@dataclass
class CheckRunOutcome:
    delivered: bool = False
    attempted: bool = False
    failed: bool = False  # attempted and not delivered (for `fail-on-report-error`)
    outputs: dict[str, str] = field(default_factory=dict)
    notice: str = ""  # at most one notice for the user
    problem: str = ""  # details for the log
    files: list[Path] = field(default_factory=list)


def head_sha_for(report: Report, context: GitHubContext) -> str:
    """The commit the report is about: the report's own record (merge mode), else the run's."""
    return report.context.get("sha") or context.head_sha


def build_plan(
    view: ReportView,
    settings: Settings,
    context: GitHubContext,
    changes: ChangedLines | None,
    *,
    head_sha: str,
    external_id: str = "",
) -> CheckRunPlan:
    findings = view.annotated  # with a baseline: the new findings only
    selection = select(
        view.annotatable,
        mode=settings.annotations,
        changes=changes,
        limit=settings.max_annotations,
    )
    return plan(
        view,
        selection,
        name=settings.check_name,
        head_sha=head_sha,
        details_url=view.run_url or context.run_url,
        external_id=external_id,
        ordered=rank(findings, changes),
    )


def write_dry_run(
    check_plan: CheckRunPlan, directory: Path, writer: Writer, *, api_url: str, repository: str
) -> list[Path]:
    """The exact bodies, with method and URL, one file per request, in sending order."""
    writer.clear(directory, "[0-9][0-9][0-9]-*.json", what="dry-run payloads")
    repo_url = f"{api_url.rstrip('/')}/repos/{repository or '{owner}/{repo}'}"
    written = []
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{repo_url}/check-runs", check_plan.create)
    ]
    requests += [
        ("PATCH", f"{repo_url}/check-runs/{{check_run_id}}", body) for body in check_plan.updates
    ]
    for number, (method, url, body) in enumerate(requests, start=1):
        kind = "create" if method == "POST" else "update"
        path = directory / f"{number:03d}-{kind}.json"
        document = {"method": method, "url": url, "body": body}
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if writer.write(path, text, what="dry-run payloads"):
            written.append(path)
    return written


def deliver_check_run(
    report: Report,
    view: ReportView,
    settings: Settings,
    context: GitHubContext,
    environ: Mapping[str, str],
    changes: ChangedLines | None,
    *,
    writer: Writer,
    github_factory: Callable[..., Github] = client,
    budget: Budget | None = None,
) -> CheckRunOutcome:
    """Write the requests (`dry-run`), or send the check run when a token and a commit allow."""
    head_sha = head_sha_for(report, context)
    repository = report.context.get("repository") or context.repository
    if settings.dry_run:
        return _dry_run(view, settings, context, changes, writer, head_sha, repository)
    outcome = CheckRunOutcome()
    if not settings.github_token:
        if context.in_actions:
            outcome.notice = (
                "No check run: `github-token` is empty. The findings are in the annotations, "
                "the job summary and the JSON report."
            )
        return outcome
    if not (repository and head_sha):
        outcome.attempted = outcome.failed = True
        outcome.problem = (
            "No check run: GITHUB_REPOSITORY and the commit SHA are needed to create one "
            "(they are set inside GitHub Actions)."
        )
        outcome.notice = outcome.problem
        return outcome
    tuning = ApiTuning.from_environ(environ)
    budget = budget or Budget(settings.report_budget, scale=tuning.time_scale)
    external_id = f"importspy-action:{context.run_id or 'local'}:{uuid.uuid4().hex[:16]}"
    check_plan = build_plan(
        view, settings, context, changes, head_sha=head_sha, external_id=external_id
    )
    github = github_factory(
        settings.github_token, context.api_url, tuning, ca_bundle=settings.ca_bundle
    )
    sender = CheckRunSender(github, repository, budget=budget, tuning=tuning)
    outcome.attempted = True
    result = sender.send(check_plan)
    for line in result.log:  # what the API answered, retries included: for the log only
        log(f"GitHub API: {line}")
    _record(outcome, result)
    return outcome


def _dry_run(
    view: ReportView,
    settings: Settings,
    context: GitHubContext,
    changes: ChangedLines | None,
    writer: Writer,
    head_sha: str,
    repository: str,
) -> CheckRunOutcome:
    """`dry-run`: the requests that would be sent, as files next to the JSON report."""
    outcome = CheckRunOutcome()
    base = settings.json_report.parent if settings.json_report else settings.working_directory
    check_plan = build_plan(view, settings, context, changes, head_sha=head_sha or "{head_sha}")
    outcome.files = write_dry_run(
        check_plan, base / DRY_RUN_DIR, writer, api_url=context.api_url, repository=repository
    )
    outcome.notice = (
        f"dry-run: no check run was created; the {len(outcome.files)} request(s) it would "
        f"send are in {settings.workspace.display(base / DRY_RUN_DIR)}/."
    )
    return outcome


def _record(outcome: CheckRunOutcome, result: SendResult) -> None:
    """What the sender reports, as outputs and one notice that says what to do about it."""
    outcome.delivered = result.delivered
    outcome.failed = not result.delivered
    if result.check_run_id:
        outcome.outputs["check-run-id"] = result.check_run_id
        outcome.outputs["check-run-url"] = result.check_run_url
    outcome.problem = result.problem
    if result.delivered and result.problem:
        outcome.notice = f"The check run is incomplete: {result.problem}."
    elif not result.delivered and result.denied:
        outcome.notice = (
            f"No check run: GitHub refused it ({result.problem}). This happens on pull "
            "requests from forks and Dependabot (read-only token) or when the job lacks "
            "`permissions: checks: write`. The findings are shown as annotations and in the "
            f"job summary instead. {TWO_STAGE_HINT}"
        )
    elif not result.delivered:
        outcome.notice = (
            f"No check run: {result.problem}. The findings are shown as annotations and in "
            "the job summary instead."
        )
