"""The release path for the prebuilt image: what .github/workflows/release-image.yml promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.helpers.git import git
from tests.workflows.test_workflow_scripts import ScriptRun, run_step
from tests.workflows.test_workflow_scripts import step as workflow_step

pytestmark = pytest.mark.workflows

WORKFLOW = REPO / ".github" / "workflows" / "release-image.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def _uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).startswith(action + "@")


def test_runs_on_final_source_tags_only(workflow: dict[str, Any]):
    """Maintainers push source/vX.Y.Z; the v* tags users pin are written by the workflow,
    so pushing one by hand (or a pre-release) never starts a release."""
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert list(triggers) == ["push"]
    assert triggers["push"] == {"tags": ["source/v[0-9]+.[0-9]+.[0-9]+"]}


def test_packages_write_only_where_the_image_is_pushed(workflow: dict[str, Any]):
    assert workflow["permissions"] == {}
    grants = {job: spec.get("permissions") for job, spec in workflow["jobs"].items()}
    assert grants == {
        "image": {"contents": "read", "packages": "write"},
        "action": {"contents": "write"},
    }


def test_builds_both_platforms_and_pushes_to_ghcr(workflow: dict[str, Any]):
    (build,) = [s for s in _steps(workflow, "image") if _uses(s, "docker/build-push-action")]
    options = build["with"]
    assert options["platforms"] == "linux/amd64,linux/arm64"
    assert options["push"] is True
    assert options["tags"].startswith("${{ steps.name.outputs.image }}:")
    (login,) = [s for s in _steps(workflow, "image") if _uses(s, "docker/login-action")]
    assert login["with"]["registry"] == "ghcr.io"
    assert "cache-from" not in options and "cache-to" not in options  # nothing a PR wrote
    outputs = workflow["jobs"]["image"]["outputs"]
    assert outputs["digest"] == "${{ steps.build.outputs.digest }}"


def test_release_action_is_pinned_by_the_script_and_checked(workflow: dict[str, Any]):
    job = workflow["jobs"]["action"]
    assert job["needs"] == ["image"]
    scripts = "\n".join(str(step.get("run", "")) for step in job["steps"])
    assert re.search(r'pin_action_image\.py pin --image "\$IMAGE" --digest "\$DIGEST"', scripts)
    assert "pin_action_image.py check" in scripts
    pin_step = next(s for s in job["steps"] if "pin_action_image.py pin" in str(s.get("run")))
    assert pin_step["env"] == {
        "IMAGE": "${{ needs.image.outputs.image }}",
        "DIGEST": "${{ needs.image.outputs.digest }}",
    }
    assert "refs/heads/$BRANCH" in scripts
    name_step = next(s for s in _steps(workflow, "image") if s.get("id") == "name")
    assert "release-tags --source-tag" in name_step["run"]
    outputs = workflow["jobs"]["image"]["outputs"]
    for key in ("full", "minor", "major", "branch"):
        assert outputs[key] == f"${{{{ steps.name.outputs.{key} }}}}"


def test_every_checkout_drops_credentials(workflow: dict[str, Any]):
    for job in workflow["jobs"]:
        for step in _steps(workflow, job):
            if _uses(step, "actions/checkout"):
                assert step["with"]["persist-credentials"] is False


# -- the commit-and-tag step, run on real git ----------------------------------------------

COMMIT_STEP = "Commit to releases/vN and tag it vX.Y.Z, vX.Y, vX"
PINNED = '  image: "docker://ghcr.io/octo/importspy-action@sha256:' + "ab" * 32 + '"\n'


def _git(cwd: Path, *args: str) -> str:
    return git(cwd, *args)


def _release(origin: Path, tmp_path: Path, version: str, attempt: str = "") -> ScriptRun:
    """A source commit for `version` on origin's main, tagged source/v<version>, then the
    release step run in a checkout of it with action.yml pinned (as the job does)."""
    checkout = tmp_path / f"checkout-{version}{attempt}"
    _git(tmp_path, "clone", "-q", str(origin), str(checkout))
    if not attempt:
        (checkout / "VERSION").write_text(version + "\n", encoding="utf-8")
        _git(checkout, "add", "VERSION")
        _git(checkout, "commit", "-qm", f"version {version}")
        _git(checkout, "tag", f"source/v{version}")
        _git(checkout, "push", "-q", "origin", "main", f"source/v{version}")
    else:
        _git(checkout, "checkout", "-q", f"source/v{version}")
    source = _git(checkout, "rev-parse", "HEAD")
    action = checkout / "action.yml"
    action.write_text(action.read_text().replace('  image: "Dockerfile"\n', PINNED))
    names = dict(
        line.split("=", 1)
        for line in subprocess.run(
            [
                sys.executable,
                str(REPO / "scripts" / "pin_action_image.py"),
                "release-tags",
                "--source-tag",
                f"source/v{version}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    )
    env = {
        "TOKEN": "t0ken",
        "TAG": f"source/v{version}",
        "SOURCE_SHA": source,
        "IMAGE": "ghcr.io/octo/importspy-action",
        "DIGEST": "sha256:" + "ab" * 32,
        "BRANCH": names["branch"],
        "FULL": names["full"],
        "MINOR": names["minor"],
        "MAJOR": names["major"],
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    return run_step(
        workflow_step("release-image.yml", "action", COMMIT_STEP), checkout, env, tmp_path
    )


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository whose main holds a development action.yml (image: Dockerfile)."""
    author = tmp_path / "author"
    author.mkdir()
    _git(author, "init", "-q")
    (author / "action.yml").write_text(
        'name: "x"\nruns:\n  using: "docker"\n  image: "Dockerfile"\n', encoding="utf-8"
    )
    _git(author, "add", ".")
    _git(author, "commit", "-qm", "start")
    bare = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(author), str(bare))
    return bare


def _ref(origin: Path, ref: str) -> str:
    return _git(origin, "rev-parse", f"{ref}^{{commit}}")


def test_every_tag_users_pin_runs_the_pinned_image(origin: Path, tmp_path: Path):
    first = _release(origin, tmp_path, "1.2.3")
    assert first.returncode == 0, first.output
    release = _ref(origin, "refs/heads/releases/v1")
    for tag in ("v1.2.3", "v1.2", "v1"):
        assert _ref(origin, f"refs/tags/{tag}") == release
        shown = _git(origin, "show", f"{tag}:action.yml")
        assert "docker://ghcr.io/octo/importspy-action@sha256:" in shown, tag
    source = _ref(origin, "refs/tags/source/v1.2.3")
    assert _git(origin, "show", "source/v1.2.3:action.yml").endswith('image: "Dockerfile"')
    assert _git(origin, "rev-parse", f"{release}^@") == source  # first release: one parent

    second = _release(origin, tmp_path, "1.3.0")
    assert second.returncode == 0, second.output
    newer = _ref(origin, "refs/heads/releases/v1")
    assert _ref(origin, "refs/tags/v1.3.0") == _ref(origin, "refs/tags/v1.3") == newer
    assert _ref(origin, "refs/tags/v1") == newer  # the major tag moves
    assert _ref(origin, "refs/tags/v1.2.3") == _ref(origin, "refs/tags/v1.2") == release
    assert _git(origin, "rev-parse", f"{newer}^1") == release  # releases/v1 history kept


def test_a_rerun_never_moves_a_released_version(origin: Path, tmp_path: Path):
    assert _release(origin, tmp_path, "1.2.3").returncode == 0
    before = {
        ref: _ref(origin, ref)
        for ref in ("refs/tags/v1.2.3", "refs/tags/v1", "refs/heads/releases/v1")
    }
    again = _release(origin, tmp_path, "1.2.3", attempt="-rerun")
    assert again.returncode != 0
    assert "v1.2.3" in again.output  # git names the refused tag
    after = {ref: _ref(origin, ref) for ref in before}
    assert after == before  # atomic: not even the branch or the major tag moved
