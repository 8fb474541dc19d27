"""Merge queues: a `merge_group` run reports on the queue's head commit and diffs it
against the target branch's tip, in a real shallow clone like actions/checkout makes.

The merge queue waits for the required checks on `merge_group.head_sha`; a check run
anywhere else would leave the queue waiting. No pull request is in the payload, so git
(fetching the base by SHA from origin) is the only source of changed lines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from importspy_action.cli import main
from importspy_action.github.changes import compute_changes
from importspy_action.github.context import GitHubContext
from tests.helpers import builders
from tests.helpers.git import git
from tests.helpers.github_server import GitHubServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def merge_group_event(path: Path, base: str, head: str) -> Path:
    """The payload GitHub sends for `merge_group` (action `checks_requested`)."""
    queue_ref = f"refs/heads/gh-readonly-queue/main/pr-5-{base}"
    event = {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head,
            "head_ref": queue_ref,
            "base_sha": base,
            "base_ref": "refs/heads/main",
            "head_commit": {"id": head, "message": "Merge pull request #5"},
        },
        "repository": {"full_name": "octo/demo"},
    }
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


@pytest.fixture
def queue(tmp_path: Path) -> tuple[Path, str, str]:
    """(workspace, base_sha, head_sha): origin has main and the queue's branch, whose commit
    changes one line of scorer.py; the workspace is a depth-1 clone of the queue's commit."""
    author = tmp_path / "author"
    shutil.copytree(EXAMPLES, author)
    git(author, "init", "-q")
    git(author, "add", ".")
    git(author, "commit", "-qm", "base")
    base = git(author, "rev-parse", "HEAD")
    git(author, "checkout", "-qb", "gh-readonly-queue/main/pr-5")
    scorer = author / "src" / "plugins" / "scorer.py"
    scorer.write_text(
        scorer.read_text().replace("def score(text: str):", "def score(text: str):  # v2")
    )
    git(author, "commit", "-qam", "Merge pull request #5")
    head = git(author, "rev-parse", "HEAD")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(author), str(origin))
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub allows
    ws = tmp_path / "ws"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--branch=gh-readonly-queue/main/pr-5",
        f"file://{origin}",
        str(ws),
    )
    return ws, base, head


def test_context_reads_the_merge_group_payload(tmp_path: Path) -> None:
    event = merge_group_event(tmp_path / "event.json", "a" * 40, "b" * 40)
    context = GitHubContext.from_environ(
        {"GITHUB_EVENT_NAME": "merge_group", "GITHUB_EVENT_PATH": str(event), "GITHUB_SHA": "c"}
    )
    assert context.merge_group is not None
    assert (context.head_sha, context.base_sha) == ("b" * 40, "a" * 40)
    assert context.pull_request is None and context.pull_request_number is None
    assert context.describe()["sha"] == "b" * 40 and context.describe()["base_sha"] == "a" * 40
    # The same payload under another event name is not a merge group.
    other = GitHubContext.from_environ(
        {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event), "GITHUB_SHA": "c"}
    )
    assert other.merge_group is None and other.head_sha == "c" and other.base_sha == ""


def test_changed_lines_come_from_git_between_base_and_head(queue) -> None:
    ws, base, head = queue
    assert git(ws, "rev-parse", "--is-shallow-repository") == "true"
    context = GitHubContext(
        event_name="merge_group", event={"merge_group": {"head_sha": head, "base_sha": base}}
    )
    result = compute_changes(ws, context)
    assert result.notes == ()
    assert result.changes is not None
    assert result.changes.files == {"src/plugins/scorer.py": frozenset({4})}


@pytest.mark.parametrize("bad", ["--output=/tmp/owned", "main", "", "A" * 40])
def test_a_base_that_is_not_a_sha_never_reaches_git(queue, bad: str, tmp_path: Path) -> None:
    ws, _, head = queue
    context = GitHubContext(
        event_name="merge_group", event={"merge_group": {"head_sha": head, "base_sha": bad}}
    )
    result = compute_changes(ws, context)
    assert result.changes is None
    assert result.notes == ("changed lines unknown: the merge_group event's base_sha is not a SHA",)


def test_a_base_origin_does_not_have_is_a_note(queue) -> None:
    ws, _, head = queue
    context = GitHubContext(
        event_name="merge_group", event={"merge_group": {"head_sha": head, "base_sha": "0" * 40}}
    )
    result = compute_changes(ws, context)
    assert result.changes is None
    assert result.notes[0].startswith("changed lines unknown: merge group: git fetch")


def test_merge_queue_run_reports_on_the_group_head(
    queue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, base, head = queue
    event = merge_group_event(tmp_path / "event.json", base, head)
    with GitHubServer() as api:
        env = builders.actions_env(api.url, tmp_path, event="merge_group", event_path=event)
        env.update(
            {
                "GITHUB_SHA": head,
                "GITHUB_REF": "refs/heads/gh-readonly-queue/main/pr-5",
                "GITHUB_WORKSPACE": str(ws),
                "INPUT_CONTRACTS": "src/plugins/*.py",
                "INPUT_GITHUB-TOKEN": "test-token",
                "INPUT_ANNOTATIONS": "changed-lines",
                "INPUT_SARIF": "",
            }
        )
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code = main(["action"], environ=env)
        assert code == 1
        (run,) = api.check_runs.values()
        assert run.head_sha == head
        assert {(a["path"], a["start_line"]) for a in run.annotations} == {
            ("src/plugins/scorer.py", 4)
        }
        assert api.rejections == []
    err = capsys.readouterr().err
    assert "changed lines from git diff" in err
