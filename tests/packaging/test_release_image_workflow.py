"""The release path for the prebuilt image: what .github/workflows/release-image.yml promises."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

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


def test_runs_on_version_tags_only(workflow: dict[str, Any]):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert list(triggers) == ["push"]
    assert triggers["push"] == {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}


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
    assert "refs/heads/$branch" in scripts and "releases/${TAG%%.*}" in scripts


def test_every_checkout_drops_credentials(workflow: dict[str, Any]):
    for job in workflow["jobs"]:
        for step in _steps(workflow, job):
            if _uses(step, "actions/checkout"):
                assert step["with"]["persist-credentials"] is False
