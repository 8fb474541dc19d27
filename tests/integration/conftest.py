from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from importspy_action.model import Report
from tests.helpers import builders
from tests.helpers.github_server import GitHubServer


@pytest.fixture
def api() -> Iterator[GitHubServer]:
    with GitHubServer(repository="octo/demo", token="test-token") as server:
        yield server


@pytest.fixture
def actions_env(
    api: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """A pull_request run's environment, also in os.environ (actions-toolkit reads it there)."""
    event = builders.pr_event(tmp_path / "event.json")
    env = builders.actions_env(api.url, tmp_path, event_path=event)
    env["GITHUB_WORKSPACE"] = str(tmp_path)
    env["INPUT_GITHUB-TOKEN"] = "test-token"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("RUNNER_DEBUG", raising=False)
    return env


def write_report(path: Path, report: Report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json()), encoding="utf-8")
    return path
