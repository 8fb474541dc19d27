"""The api-breaks gate through the real action: the issue's "done when", end to end."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Runner

from .project import BASE_API, make_repo, package, pr_environ
from .test_gate import BREAKING_API, HARMLESS_API


def _run(tmp_path: Path, run_step: Runner, head_api: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    root = tmp_path / "repo"
    base, head = make_repo(root, package(BASE_API), package(head_api))
    env = pr_environ(root, base, head)
    env["GITHUB_EVENT_NAME"] = "pull_request"
    result = run_step(root, {"api-breaks": "src/**/*.py", "sarif": ""}, env=env)
    report = json.loads((root / "importspy-report.json").read_text("utf-8"))
    return result.exit_code, report, result.summary


def test_a_breaking_pr_fails_the_action_with_three_located_findings(
    tmp_path: Path, run_step: Runner
) -> None:
    code, report, summary = _run(tmp_path, run_step, BREAKING_API)
    assert code == 1
    (gate,) = [g for g in report["gates"] if g["gate"] == "api-breaks"]
    assert gate["status"] == "failed"
    located = sorted((f["code"], f["path"], f["start_line"]) for f in gate["findings"])
    assert located == [
        ("API-PARAM-RENAMED", "src/shapes/api.py", 8),
        ("API-PARAM-REQUIRED", "src/shapes/api.py", 4),
        ("API-REMOVED", "src/shapes/api.py", 1),
    ]
    assert "### api-breaks: ❌ failed" in summary and "3 breaks in 2 modules" in summary


def test_an_optional_parameter_and_a_new_function_pass(tmp_path: Path, run_step: Runner) -> None:
    code, report, _ = _run(tmp_path, run_step, HARMLESS_API)
    assert code == 0
    (gate,) = [g for g in report["gates"] if g["gate"] == "api-breaks"]
    assert gate["status"] == "passed" and gate["findings"] == []
