from __future__ import annotations

import json
from pathlib import Path

from importspy_action.github.context import GitHubContext
from tests.helpers import builders


def test_pull_request_reports_on_the_head_commit_not_the_merge_commit(tmp_path: Path) -> None:
    event = builders.pr_event(tmp_path / "e.json", number=9, fork=True)
    context = GitHubContext.from_environ(
        {
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_SHA": builders.MERGE_SHA,
        }
    )
    assert context.head_sha == builders.HEAD_SHA
    assert context.base_sha == builders.BASE_SHA
    assert context.pull_request_number == 9
    assert context.describe()["pull_request"] == "9"


def test_workflow_run_reports_on_the_triggering_head(tmp_path: Path) -> None:
    event = tmp_path / "e.json"
    event.write_text(
        json.dumps(
            {
                "workflow_run": {
                    "head_sha": "4" * 40,
                    "pull_requests": [{"number": 3}],
                    "head_repository": {"full_name": "fork/x"},
                    "repository": {"full_name": "octo/x"},
                }
            }
        )
    )
    context = GitHubContext.from_environ(
        {
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_SHA": "5" * 40,
        }
    )
    assert context.head_sha == "4" * 40
    assert context.pull_request_number == 3


def test_push_uses_github_sha() -> None:
    context = GitHubContext.from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_SHA": "6" * 40})
    assert context.head_sha == "6" * 40
    assert context.pull_request_number is None
