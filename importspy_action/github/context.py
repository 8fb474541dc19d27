"""The GitHub Actions run we are in, read from GITHUB_* variables and the event payload.

For a pull request the commit under test is the PR's head, not GITHUB_SHA (the merge commit
GitHub creates), so check runs and annotations land on the commit the author pushed. For a
`merge_group` event (a merge queue) it is the merge group's head commit: the required checks
the queue waits for are the ones reported on `merge_group.head_sha`, and the change under
test is everything between `merge_group.base_sha` and that commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})


@dataclass(frozen=True)
class GitHubContext:
    repository: str = ""
    sha: str = ""
    ref: str = ""
    event_name: str = ""
    run_id: str = ""
    job: str = ""
    server_url: str = "https://github.com"
    api_url: str = "https://api.github.com"
    in_actions: bool = False
    event: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> GitHubContext:
        return cls(
            repository=environ.get("GITHUB_REPOSITORY", ""),
            sha=environ.get("GITHUB_SHA", ""),
            ref=environ.get("GITHUB_REF", ""),
            event_name=environ.get("GITHUB_EVENT_NAME", ""),
            run_id=environ.get("GITHUB_RUN_ID", ""),
            job=environ.get("GITHUB_JOB", ""),
            server_url=(environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            api_url=(environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
            in_actions=environ.get("GITHUB_ACTIONS") == "true",
            event=_read_event(environ.get("GITHUB_EVENT_PATH", "")),
        )

    @property
    def pull_request(self) -> Mapping[str, Any] | None:
        if self.event_name not in PULL_REQUEST_EVENTS:
            return None
        pr = self.event.get("pull_request")
        return pr if isinstance(pr, dict) else None

    @property
    def workflow_run(self) -> Mapping[str, Any] | None:
        """The triggering run of a `workflow_run` event (the two-stage delivering flow)."""
        if self.event_name != "workflow_run":
            return None
        run = self.event.get("workflow_run")
        return run if isinstance(run, dict) else None

    @property
    def merge_group(self) -> Mapping[str, Any] | None:
        """The `merge_group` payload of a merge-queue run (`head_sha`, `base_sha`, ...)."""
        if self.event_name != "merge_group":
            return None
        group = self.event.get("merge_group")
        return group if isinstance(group, dict) else None

    @property
    def head_sha(self) -> str:
        """The commit to report on: the PR head for pull requests, the merge group's head
        commit for merge queues, the triggering run's head commit for `workflow_run`
        events, else GITHUB_SHA."""
        pr = self.pull_request
        if pr is not None:
            head = pr.get("head")
            if isinstance(head, dict) and isinstance(head.get("sha"), str):
                return str(head["sha"])
        group = self.merge_group
        if group is not None and isinstance(group.get("head_sha"), str):
            return str(group["head_sha"])
        run = self.workflow_run
        if run is not None and isinstance(run.get("head_sha"), str):
            return str(run["head_sha"])
        return self.sha

    @property
    def base_sha(self) -> str:
        """What the change is measured against: the PR's base commit, or the merge group's
        base (the target branch's tip the queue built on)."""
        pr = self.pull_request
        base = (pr or {}).get("base")
        if isinstance(base, dict) and isinstance(base.get("sha"), str):
            return str(base["sha"])
        group = self.merge_group
        if group is not None and isinstance(group.get("base_sha"), str):
            return str(group["base_sha"])
        return ""

    @property
    def pull_request_number(self) -> int | None:
        pr = self.pull_request
        if pr is not None:
            number = pr.get("number", self.event.get("number"))
            return number if isinstance(number, int) else None
        run = self.workflow_run
        pulls = (run or {}).get("pull_requests")
        if isinstance(pulls, list) and pulls and isinstance(pulls[0], dict):
            number = pulls[0].get("number")
            return number if isinstance(number, int) else None
        return None

    @property
    def run_url(self) -> str:
        if not (self.repository and self.run_id):
            return ""
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    def describe(self) -> dict[str, str]:
        """Flat facts for the JSON report's `context`."""
        facts = {
            "repository": self.repository,
            "sha": self.head_sha,
            "ref": self.ref,
            "event": self.event_name,
            "run_id": self.run_id,
            "job": self.job,
            "run_url": self.run_url,
            "pull_request": str(self.pull_request_number or ""),
            "base_sha": self.base_sha,
        }
        return {key: value for key, value in facts.items() if value}


def _read_event(path: str) -> Mapping[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
