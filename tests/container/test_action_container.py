"""The action's image, really built and really run the way the Actions runner runs it."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from importspy_action import __version__
from importspy_action.reporters.markdown import cell
from tests.conftest import EXAMPLES

from .conftest import RUNNER_UID, ActionRunner, copy_project, prepare_step
from .engines import BuildFailed, Engine

pytestmark = pytest.mark.container

ALL_CONTRACTS = "src/plugins/*.py\nsrc/core/api.py: contracts/api.yml\n"
COMPLIANT = "src/plugins/greeter.py\nsrc/core/api.py: contracts/api.yml\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(EXAMPLES, tmp_path / "repo")


def _no_traceback(step: Any) -> None:
    assert "Traceback" not in step.stdout + step.stderr, step.stdout + step.stderr


def _readable_by_runner(path: Path) -> None:
    """Later steps run as the runner's user: they must be able to read and remove reports."""
    info = path.stat()
    assert info.st_uid == RUNNER_UID, f"{path} belongs to uid {info.st_uid}"
    assert info.st_mode & stat.S_IROTH, f"{path} mode {oct(info.st_mode)}"


def test_image_is_lean_and_labelled(engine: Engine, action_image: str):
    labels = engine.image_labels(action_image)
    assert labels["org.opencontainers.image.source"].startswith("https://github.com/")
    assert labels["org.opencontainers.image.version"] == __version__
    assert labels["org.opencontainers.image.licenses"] == "MIT"

    inspected = engine.call(
        "image", "inspect", "--format", "{{json .Config.Entrypoint}}", action_image
    )
    assert json.loads(inspected.stdout) == ["python", "/opt/importspy-action/entrypoint.py"]

    probe = engine.run(
        action_image,
        mounts={},
        env={},
        entrypoint="/bin/sh",
        args=[
            "-c",
            "for tool in gcc cc c++ make; do command -v $tool && echo found $tool; done;"
            " ls /root/.cache/pip /var/lib/apt/lists/*_Packages 2>/dev/null && echo found cache;"
            " echo PYTHONDONTWRITEBYTECODE=$PYTHONDONTWRITEBYTECODE;"
            " echo PYTHONUNBUFFERED=$PYTHONUNBUFFERED; echo PYTHONPATH=$PYTHONPATH;"
            " git config --system --get-all safe.directory;"
            " python -c 'import importspy, ruff; print(\"importspy\", importspy.__version__)'",
        ],
    )
    assert probe.exit_code == 0, probe.stderr
    assert "found" not in probe.stdout, probe.stdout
    assert "PYTHONDONTWRITEBYTECODE=1" in probe.stdout
    assert "PYTHONUNBUFFERED=1" in probe.stdout
    assert "PYTHONPATH=\n" in probe.stdout  # nothing of ours leaks into the gates' tools
    assert "\n*\n" in probe.stdout  # safe.directory
    assert "importspy 0.5.0" in probe.stdout


def test_a_dockerfile_that_does_not_build_is_a_failure(engine: Engine, tmp_path: Path):
    """The harness reports a broken build as BuildFailed (a test failure), never a skip."""
    context = tmp_path / "broken"
    context.mkdir()
    (context / "Dockerfile").write_text(
        "ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\nRUN echo building && exit 3\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed) as failure:
        engine.build(context, version="0.0.0")
    assert "build of" in str(failure.value) and "broken/Dockerfile" in str(failure.value)


def test_passing_project(run_action: ActionRunner, project: Path):
    step = run_action(project, {"contracts": COMPLIANT})

    assert step.exit_code == 0, step.stdout + step.stderr
    _no_traceback(step)
    assert step.outputs["result"] == "passed"
    assert step.outputs["exit-code"] == "0"
    assert step.outputs["errors"] == "0"
    assert "## ImportSpy: ✅ All gates passed" in step.summary
    assert "::error" not in step.stdout
    report = json.loads((project / "importspy-report.json").read_text(encoding="utf-8"))
    assert report["result"] == "passed"
    assert report["gates"][0]["metrics"]["admitted"] == 2
    # run by the engine child inside the image, under `python -I`, in one process
    assert report["gates"][0]["metrics"]["engine_processes"] == 1


def test_contract_violations(run_action: ActionRunner, project: Path):
    step = run_action(project, {"contracts": ALL_CONTRACTS, "json-report": "reports/gates.json"})

    assert step.exit_code == 1, step.stdout + step.stderr
    _no_traceback(step)
    annotations = [line for line in step.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 5
    assert any("file=src/plugins/fetcher.py,line=3" in line for line in annotations)
    assert any("file=src/plugins/exporter.importspy.yml,line=10" in line for line in annotations)
    # the container's own Python is what the runtime check describes
    assert "Host Python version is not permitted" in step.stdout

    assert "## ImportSpy: ❌ Gates failed" in step.summary
    assert cell("Required declaration `flush` is missing in class `Exporter`") in step.summary

    assert step.outputs["result"] == "failed"
    assert step.outputs["exit-code"] == "1"
    assert step.outputs["errors"] == "5"
    assert step.outputs["json-report"] == "reports/gates.json"
    assert step.outputs["sarif"] == "importspy.sarif"

    report_path = project / "reports" / "gates.json"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["exit_code"] == 1
    assert report["context"]["repository"] == "octo/example"
    codes = sorted(f["code"] for f in report["gates"][0]["findings"])
    assert codes == ["ISPY-D101", "ISPY-R102", "ISPY-S101", "ISPY-S101", "ISPY-S102"]
    sarif = json.loads((project / "importspy.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 5
    for written in (report_path.parent, report_path, project / "importspy.sarif"):
        _readable_by_runner(written)


def test_configuration_error(run_action: ActionRunner, project: Path):
    step = run_action(project, {"contracts": COMPLIANT, "fail-on": "sometimes"})

    assert step.exit_code == 2, step.stdout + step.stderr
    _no_traceback(step)
    assert "fail-on" in step.stderr
    assert "sometimes" in step.stderr
    assert "error, warning, never" in step.stderr or "`error`" in step.stderr
    assert "::error" in step.stdout and "configuration error" in step.stdout
    assert "Configuration error" in step.summary
    assert step.outputs == {"result": "failed", "exit-code": "2"}
    assert not (project / "importspy-report.json").exists()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "safe.directory=*", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.fixture
def git_project(project: Path) -> Path:
    """The examples as a git repository with one change on a branch, as checkout leaves it."""
    _git(project, "init", "-q", "-b", "main")
    _git(project, "config", "user.email", "ci@example.invalid")
    _git(project, "config", "user.name", "CI")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "base")
    _git(project, "switch", "-q", "-c", "topic")
    greeter = project / "src" / "plugins" / "greeter.py"
    greeter.write_text(greeter.read_text(encoding="utf-8") + "\nEXTRA = 1\n", encoding="utf-8")
    _git(project, "commit", "-q", "-am", "change")
    return project


def test_git_accepts_workspace_owned_by_another_user(
    engine: Engine, action_image: str, git_project: Path, tmp_path: Path
):
    setup = prepare_step(tmp_path / "_temp", git_project, {})
    assert git_project.stat().st_uid == RUNNER_UID  # not root's: the "dubious" case
    script = (
        "git rev-parse HEAD && git merge-base main HEAD"
        " && git diff --unified=0 --no-color main...HEAD -- src/plugins/greeter.py"
    )

    inside = engine.run(
        action_image, mounts=setup.mounts, env=setup.env, entrypoint="/bin/sh", args=["-c", script]
    )

    assert inside.exit_code == 0, inside.stderr
    assert "dubious ownership" not in inside.stderr
    lines = inside.stdout.splitlines()
    assert lines[0] == _git(git_project, "rev-parse", "HEAD")
    assert lines[1] == _git(git_project, "rev-parse", "main")
    assert "+EXTRA = 1" in inside.stdout

    # The control: without the image's system-wide safe.directory git does refuse it, so
    # the assertion above is about the image's configuration, not a lenient git.
    refused = engine.run(
        action_image,
        mounts=setup.mounts,
        env={**setup.env, "GIT_CONFIG_NOSYSTEM": "1"},
        entrypoint="/bin/sh",
        args=["-c", "git rev-parse HEAD"],
    )
    assert refused.exit_code != 0
    assert "dubious ownership" in refused.stderr


def test_action_runs_in_a_git_workspace_owned_by_another_user(
    run_action: ActionRunner, git_project: Path
):
    step = run_action(git_project, {"contracts": COMPLIANT})
    assert step.exit_code == 0, step.stdout + step.stderr
    _no_traceback(step)
    assert "dubious ownership" not in step.stderr
    # the reports the action wrote do not dirty the repository for root-owned reasons
    _readable_by_runner(git_project / "importspy-report.json")


def test_measure_image_size_and_time_to_first_output(
    engine: Engine, action_image: str, project: Path, tmp_path: Path, container_metrics: dict
):
    """Recorded for docs/benchmarks.md; the assertions are about behaviour, never timings."""
    image = engine.image_size(action_image)
    base = engine.image_size(engine.base_image_for_size)
    container_metrics["base_image"] = engine.base_image_for_size
    container_metrics["base_size_mb"] = round(base / 1e6, 1)
    container_metrics["image_size_mb"] = round(image / 1e6, 1)
    container_metrics["size_over_base_mb"] = round((image - base) / 1e6, 1)

    cases = {
        "first_output_no_gate_s": {"contracts": ""},  # exits 2 at once: pure start-up
        "first_output_one_module_s": {"contracts": "src/plugins/greeter.py"},
    }
    expected = {"first_output_no_gate_s": 2, "first_output_one_module_s": 0}
    for key, inputs in cases.items():
        samples = []
        for attempt in range(3):
            setup = prepare_step(tmp_path / f"_t_{key}_{attempt}", project, inputs)
            seconds, done = engine.time_to_first_output(
                action_image, mounts=setup.mounts, env=setup.env
            )
            assert done.exit_code == expected[key], done.stdout + done.stderr
            samples.append(seconds)
        container_metrics[key] = round(sorted(samples)[1], 2)  # median of three
    seconds, done = engine.time_to_first_output(
        action_image, mounts={}, env={}, entrypoint="/bin/echo", args=["ready"]
    )
    assert done.exit_code == 0 and done.stdout == "ready\n"
    container_metrics["first_output_engine_only_s"] = round(seconds, 2)


def test_pull_request_event_publishes_a_check_run_on_the_head_commit(
    run_action: ActionRunner, git_project: Path
):
    """The image on a PR checkout, talking to the local GitHub test server over the host
    network: changed lines come from git inside the container (workspace owned by another
    uid), the check run lands on the PR's head commit (not GITHUB_SHA, the merge commit)."""
    from tests.helpers.github_server import GitHubServer

    scorer = git_project / "src" / "plugins" / "scorer.py"
    scorer.write_text(
        scorer.read_text(encoding="utf-8").replace(
            "def score(text: str):", "def score(text: str):  # v2"
        ),
        encoding="utf-8",
    )
    _git(git_project, "commit", "-q", "-am", "touch score")
    head = _git(git_project, "rev-parse", "HEAD")
    base = _git(git_project, "rev-parse", "main")
    merge_sha = "c" * 40
    event = {
        "action": "synchronize",
        "number": 5,
        "pull_request": {
            "number": 5,
            "head": {"sha": head, "ref": "topic", "repo": {"full_name": "octo/example"}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": "octo/example"}},
        },
    }
    with GitHubServer(repository="octo/example", token="ghs_container-test") as api:
        api.add_pull(5, head_sha=head, base_sha=base, base_ref="main")
        step = run_action(
            git_project,
            {"contracts": "src/plugins/*.py", "annotations": "changed-lines", "sarif": ""},
            event_name="pull_request",
            event=event,
            token="ghs_container-test",
            env={
                "GITHUB_API_URL": api.url,
                "GITHUB_SHA": merge_sha,
                "GITHUB_REF": "refs/pull/5/merge",
                "GITHUB_HEAD_REF": "topic",
                "GITHUB_BASE_REF": "main",
            },
        )
        runs = list(api.check_runs.values())
        rejections = list(api.rejections)

    assert step.exit_code == 1, step.stdout + step.stderr
    _no_traceback(step)
    assert "dubious ownership" not in step.stderr
    assert rejections == []
    (run,) = runs
    assert run.head_sha == head != merge_sha
    assert run.name == "ImportSpy"
    assert run.conclusion == "failure"
    assert {(a["path"], a["start_line"]) for a in run.annotations} == {("src/plugins/scorer.py", 4)}
    assert "changed lines from git diff" in step.stderr
    assert step.outputs["check-run-id"] == str(run.id)
    assert step.outputs["check-run-url"]
    # the token is registered for masking first, and never printed otherwise
    assert step.stdout.startswith("::add-mask::ghs_container-test\n")
    assert "ghs_container-test" not in step.stdout.split("\n", 1)[1] + step.stderr
    # published as a check run: no fallback workflow-command annotations
    assert "::error file=" not in step.stdout
