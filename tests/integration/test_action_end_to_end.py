"""The action entry point on a real pull request checkout, with the real contract gate.

A git repository holds the bundled examples; the PR changes one line of scorer.py. The action
(`importspy-action action`, INPUT_* variables as the runner sets them) must diff against the
merge base, annotate only findings on changed lines (`annotations: changed-lines`), publish on
the PR head commit and never fall back to workflow commands.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from importspy_action.cli import main
from tests.helpers import builders
from tests.helpers.git import git as _git
from tests.helpers.github_server import GitHubServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_pull_request_run_annotates_changed_lines_on_the_head_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    _git(ws, "init", "-q")
    _git(ws, "add", ".")
    _git(ws, "commit", "-qm", "base")
    base = _git(ws, "rev-parse", "HEAD")
    scorer = ws / "src" / "plugins" / "scorer.py"
    scorer.write_text(
        scorer.read_text().replace("def score(text: str):", "def score(text: str):  # v2")
    )
    _git(ws, "commit", "-qam", "touch score")
    head = _git(ws, "rev-parse", "HEAD")
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "number": 5,
                "pull_request": {"number": 5, "head": {"sha": head}, "base": {"sha": base}},
            }
        )
    )
    with GitHubServer() as api:
        env = builders.actions_env(api.url, tmp_path, event_path=event)
        env.update(
            {
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
        assert len(run.annotations) == 2
        assert "2 of 5 findings" in run.output["summary"]
        assert api.rejections == []
    out = capsys.readouterr()
    assert "::error " not in out.out
    assert "changed lines from git diff" in out.err
    assert builders.outputs(env)["check-run-id"] == str(run.id)
