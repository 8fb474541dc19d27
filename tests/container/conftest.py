"""Fixtures that build the action image once per session and run it as the Actions runner does.

The runner starts a Docker container action roughly as

    docker run --rm --workdir /github/workspace -e INPUT_... -e GITHUB_... -e HOME ...
      -v <_temp>/_github_home:/github/home -v <_temp>/_github_workflow:/github/workflow
      -v <_temp>/_runner_file_commands:/github/file_commands -v <repo>:/github/workspace IMAGE

with every input of action.yml present as INPUT_<NAME> (upper case, hyphens kept; defaults
filled in), the file commands as uniquely named files under /github/file_commands, and the
event payload at /github/workflow/event.json. The workspace belongs to the runner's user
(uid 1001), not to root, which is what makes git inside the container see "dubious
ownership". `run_action` reproduces all of that; `--network=host` lets the container reach
a test server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from importspy_action import __version__
from tests.conftest import REPO, parse_file_command

from .engines import BuildFailed, Engine, Unavailable, open_engine

# The workspace owner: the `runner` user (1001) on GitHub's hosted runners, where the tests
# themselves run as that user; as root here, the harness hands the workspace to uid 1001.
RUNNER_UID = 1001 if os.geteuid() == 0 else os.geteuid()
METRICS_FILE = REPO / "build" / "container-metrics.json"
_METRICS: dict[str, Any] = {}


def action_inputs() -> dict[str, str]:
    """Every input of action.yml with its default, as the runner fills them in."""
    spec = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return {name: str(data.get("default", "")) for name, data in spec["inputs"].items()}


def input_variable(name: str) -> str:
    """The runner's variable name for an input: upper case, spaces to `_`, hyphens kept."""
    return "INPUT_" + name.replace(" ", "_").upper()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    try:
        opened = open_engine()
    except Unavailable as exc:
        message = f"CONTAINER TESTS NOT RUN: {exc}"
        if os.environ.get("IMPORTSPY_REQUIRE_CONTAINER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def action_image(engine: Engine) -> str:
    """The project's Dockerfile, built once for the whole session."""
    import time

    started = time.perf_counter()
    try:
        image = engine.build(REPO, version=__version__)
    except BuildFailed as exc:
        pytest.fail(str(exc), pytrace=False)
    _METRICS["engine"] = engine.name
    _METRICS["engine_notes"] = list(engine.notes)
    _METRICS["build_seconds"] = round(time.perf_counter() - started, 1)
    return image


@pytest.fixture(scope="session")
def container_metrics() -> dict[str, Any]:
    """Measurements the tests record (printed at the end, written to build/; never asserted)."""
    return _METRICS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _METRICS:
        return
    METRICS_FILE.parent.mkdir(exist_ok=True)
    METRICS_FILE.write_text(json.dumps(_METRICS, indent=2) + "\n", encoding="utf-8")
    terminalreporter.section("container measurements (recorded, not asserted)")
    for key, value in _METRICS.items():
        terminalreporter.write_line(f"{key}: {value}")
    terminalreporter.write_line(f"written to {METRICS_FILE.relative_to(REPO)}")


@dataclass
class ContainerStep:
    exit_code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]
    workspace: Path


@dataclass
class StepSetup:
    """Host folders mounted into the container and the environment it gets."""

    mounts: dict[Path, str]
    env: dict[str, str]
    summary: Path
    output: Path


ActionRunner = Callable[..., ContainerStep]


def prepare_step(
    root: Path,
    workspace: Path,
    inputs: Mapping[str, str],
    *,
    event_name: str = "push",
    event: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    token: str = "",
) -> StepSetup:
    root.mkdir(parents=True, exist_ok=True)
    temp = Path(os.path.realpath(root))
    home, workflow, files = temp / "_github_home", temp / "_github_workflow", temp / "_fc"
    for folder in (home, workflow, files):
        folder.mkdir(exist_ok=True)
    step = uuid.uuid4()
    names = {
        "GITHUB_OUTPUT": f"set_output_{step}",
        "GITHUB_STEP_SUMMARY": f"step_summary_{step}",
        "GITHUB_ENV": f"set_env_{step}",
        "GITHUB_PATH": f"add_path_{step}",
        "GITHUB_STATE": f"save_state_{step}",
    }
    for name in names.values():
        (files / name).write_text("")
    (workflow / "event.json").write_text(json.dumps(event or {}), encoding="utf-8")
    for path in (workspace, home, workflow, files):
        _chown_tree(path, RUNNER_UID)

    environ = {
        "HOME": "/github/home",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_REPOSITORY": "octo/example",
        "GITHUB_REPOSITORY_OWNER": "octo",
        "GITHUB_SHA": "a" * 40,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_NUMBER": "7",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_JOB": "gates",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_WORKFLOW": "CI",
        "GITHUB_ACTION": "importspy",
        "GITHUB_SERVER_URL": "https://github.com",
        # nothing may leave the machine: an unused local port unless a test sets a server
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "GITHUB_GRAPHQL_URL": "http://127.0.0.1:9/graphql",
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "RUNNER_TEMP": "/home/runner/work/_temp",
        **{name: f"/github/file_commands/{file}" for name, file in names.items()},
    }
    values = action_inputs()
    values["github-token"] = token
    values.update(inputs)
    environ.update({input_variable(name): value for name, value in values.items()})
    environ.update(env or {})
    return StepSetup(
        mounts={
            workspace: "/github/workspace",
            home: "/github/home",
            workflow: "/github/workflow",
            files: "/github/file_commands",
        },
        env=environ,
        summary=files / names["GITHUB_STEP_SUMMARY"],
        output=files / names["GITHUB_OUTPUT"],
    )


@pytest.fixture
def run_action(engine: Engine, action_image: str, tmp_path: Path) -> ActionRunner:
    """Run the built image on `workspace` with `inputs`, like the runner; read what it wrote."""

    def run(
        workspace: Path,
        inputs: Mapping[str, str],
        *,
        event_name: str = "push",
        event: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        token: str = "",
        timeout: float = 300,
    ) -> ContainerStep:
        setup = prepare_step(
            tmp_path / f"_temp_{uuid.uuid4().hex[:8]}",
            workspace,
            inputs,
            event_name=event_name,
            event=event,
            env=env,
            token=token,
        )
        done = engine.run(action_image, mounts=setup.mounts, env=setup.env, timeout=timeout)
        return ContainerStep(
            exit_code=done.exit_code,
            stdout=done.stdout,
            stderr=done.stderr,
            summary=setup.summary.read_text(encoding="utf-8"),
            outputs=parse_file_command(setup.output.read_text(encoding="utf-8")),
            workspace=workspace,
        )

    return run


def _chown_tree(path: Path, uid: int) -> None:
    if os.geteuid() != 0:
        return
    os.chown(path, uid, uid)
    for folder, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
