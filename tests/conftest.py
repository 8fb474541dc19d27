"""Shared fixtures: a copy of the bundled example project and a GitHub-like step runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge behaviour, not speed: on a loaded 2-core CI machine an example can take
# longer than Hypothesis' default 200 ms deadline, which would fail a correct test.
settings.register_profile("importspy-action", deadline=None, print_blob=True)
settings.load_profile("importspy-action")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
ENTRYPOINT = REPO / "entrypoint.py"


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A private copy of examples/ (tests may break or extend it)."""
    target = tmp_path / "ws"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def parse_file_command(text: str) -> dict[str, str]:
    """Parse GITHUB_OUTPUT's `name<<DELIM` heredoc (and `name=value`) format."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body = []
            index += 1
            while lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        index += 1
    return values


@dataclass
class StepResult:
    exit_code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    workspace: Path


Runner = Callable[..., StepResult]


@pytest.fixture
def run_step(tmp_path: Path) -> Runner:
    """Run entrypoint.py as GitHub runs a container action: INPUT_* and file commands."""

    def run(
        workspace: Path,
        inputs: Mapping[str, str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> StepResult:
        files = tmp_path / "file_commands"
        files.mkdir(exist_ok=True)
        summary = files / "step_summary"
        output = files / "output"
        summary.write_text("")
        output.write_text("")
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("INPUT_", "GITHUB_", "RUNNER_"))
        }
        environ.update(
            {
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_OUTPUT": str(output),
                "GITHUB_REPOSITORY": "octo/example",
                "GITHUB_SHA": "a" * 40,
                "GITHUB_EVENT_NAME": "push",
                "GITHUB_RUN_ID": "42",
                "GITHUB_JOB": "gates",
                "NO_COLOR": "1",
            }
        )
        for name, value in inputs.items():
            environ["INPUT_" + name.replace(" ", "_").upper()] = value
        environ.update(env or {})
        proc = subprocess.run(
            [sys.executable, str(ENTRYPOINT)],
            cwd=workspace,
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return StepResult(
            exit_code=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            summary=summary.read_text(encoding="utf-8"),
            outputs=parse_file_command(output.read_text(encoding="utf-8")),
            workspace=workspace,
        )

    return run
