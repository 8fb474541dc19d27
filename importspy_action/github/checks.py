"""Publish a planned check run through PyGithub: create, append annotation batches, complete.

The plan (`check_payloads.plan`) fixes every body in advance; this module only sends them,
under `api_retry`'s policy. Two guarantees beyond "send":

- no duplicate runs: each deliver carries a unique `external_id`; after an ambiguous failure
  of the create (timeout, dropped connection, 5xx) the runs for the head SHA are listed by
  name and that id before anything is sent again;
- no duplicate annotations: an update appends annotations, so after an ambiguous failure of an
  update the run's `annotations_count` tells whether the batch already landed.

A run that was created is always completed: when the budget runs out between batches, one
last update (outside the budget, one attempt) completes it and says what was left out.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import Auth, Github
from github.CheckRun import CheckRun
from github.Repository import Repository

from .. import __version__
from .api_retry import ApiTuning, Budget, DeliveryError, Kind, Retrier
from .check_payloads import CheckRunPlan, completion_only


@dataclass
class SendResult:
    delivered: bool
    check_run_id: str = ""
    check_run_url: str = ""
    annotations: int = 0
    denied: bool = False  # 401 / 403: the token may not create check runs here
    problem: str = ""  # why it was not delivered, or what is incomplete
    log: list[str] = field(default_factory=list)


def with_extra_cas(ca_bundle: Path | None) -> bool | str:
    """requests' `verify`: the default CAs plus the user's PEM (GitHub Enterprise Server).

    `verify=<file>` *replaces* the trust store, so the user's file is appended to certifi's
    bundle in a temporary file instead: github.com keeps working beside the private CA.
    """
    if ca_bundle is None:
        return True
    import certifi

    combined = Path(certifi.where()).read_text(encoding="utf-8") + "\n"
    combined += ca_bundle.read_text(encoding="utf-8")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - must outlive this function
        "w", prefix="importspy-ca-", suffix=".pem", delete=False, encoding="utf-8"
    )
    with handle:
        handle.write(combined)
    return handle.name


def client(token: str, api_url: str, tuning: ApiTuning, *, ca_bundle: Path | None = None) -> Github:
    return Github(
        auth=Auth.Token(token),
        base_url=api_url,
        timeout=tuning.timeout,
        user_agent=f"importspy-action/{__version__}",
        verify=with_extra_cas(ca_bundle),
        retry=None,  # our Retrier retries, within the report budget
        seconds_between_requests=tuning.request_interval or None,
        seconds_between_writes=tuning.write_interval or None,
        lazy=True,  # get_repo() and friends send nothing until needed
    )


class CheckRunSender:
    def __init__(
        self, github: Github, repository: str, *, budget: Budget, tuning: ApiTuning
    ) -> None:
        self._github = github
        self._repository = repository
        self._retrier = Retrier(budget, tuning)

    def send(self, plan: CheckRunPlan) -> SendResult:
        retrier = self._retrier
        repo = self._github.get_repo(self._repository)
        create = plan.create
        try:
            run = retrier.call(
                "create the check run",
                lambda: repo.create_check_run(**create),
                lookup=lambda: self._find_created(repo, create),
            )
        except DeliveryError as exc:
            return SendResult(
                delivered=False,
                denied=exc.failure.kind is Kind.DENIED,
                problem=str(exc),
                log=retrier.log,
            )
        result = SendResult(
            delivered=True,
            check_run_id=str(run.id),
            check_run_url=run.html_url or "",
            annotations=len(create.get("output", {}).get("annotations", [])),
        )
        sent = result.annotations
        for index, body in enumerate(plan.updates):
            batch = len(body.get("output", {}).get("annotations", []))
            last = index == len(plan.updates) - 1
            try:
                self._update(
                    run, body, expected=sent + batch, what=f"add annotations ({index + 2})"
                )
                sent += batch
            except DeliveryError as exc:
                left = plan.annotations - sent
                result.problem = f"{exc}; {left} annotations were not delivered"
                if exc.failure.kind is Kind.DENIED:
                    result.denied = True
                if not last or exc.failure.kind is not Kind.DENIED:
                    self._complete_anyway(run, plan, left, result)
                break
        result.annotations = sent
        result.log = retrier.log
        return result

    def _update(self, run: CheckRun, body: dict[str, Any], *, expected: int, what: str) -> None:
        completing = body.get("status") == "completed"
        self._retrier.call(
            what,
            lambda: run.edit(**body),
            lookup=lambda: self._applied(run.id, expected, completing),
        )

    def _complete_anyway(
        self, run: CheckRun, plan: CheckRunPlan, left: int, result: SendResult
    ) -> None:
        note = (
            f"{left} annotations could not be delivered ({result.problem.split(';')[0]}). "
            "The job summary and the JSON report list every finding."
        )
        body = completion_only(plan, note)
        try:
            self._retrier.call(
                "complete the check run", lambda: run.edit(**body), ignore_budget=True
            )
        except DeliveryError as exc:
            result.delivered = False
            result.problem += f"; the check run stays incomplete: {exc}"

    def _find_created(self, repo: Repository, create: dict[str, Any]) -> CheckRun | None:
        """The run this deliver created although the answer was lost, if any."""
        external_id = create.get("external_id")
        if not external_id:
            return None
        commit = repo.get_commit(create["head_sha"])
        for run in commit.get_check_runs(check_name=create["name"], filter="all"):
            if run.external_id == external_id:
                return run
        return None

    def _applied(self, run_id: int, expected: int, completing: bool) -> CheckRun | None:
        run = self._github.get_repo(self._repository).get_check_run(run_id)
        count = run.output.annotations_count if run.output else 0
        if count >= expected and (not completing or run.status == "completed"):
            return run
        return None
