"""scripts/pin_action_image.py: the released action.yml runs the prebuilt image by digest."""

from __future__ import annotations

import importlib.util
import string
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "pin_action_image.py"
IMAGE = "ghcr.io/importspy-action/importspy-action"
DIGEST = "sha256:" + "0123456789abcdef" * 4


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pin_action_image", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pin_action_image = _load()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_development_action_builds_the_dockerfile():
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    assert spec["runs"] == {"using": "docker", "image": "Dockerfile"}
    assert pin_action_image.runs_image(text) == "Dockerfile"
    assert not pin_action_image.is_pinned(text)
    check = _run("check", "--action", str(REPO / "action.yml"))
    assert check.returncode == 1 and "not docker://" in check.stdout


def test_release_action_pins_the_image_by_digest(tmp_path: Path):
    released = tmp_path / "action.yml"
    done = _run(
        "pin",
        "--image",
        IMAGE,
        "--digest",
        DIGEST,
        "--action",
        str(REPO / "action.yml"),
        "--output",
        str(released),
    )
    assert done.returncode == 0, done.stderr

    dev_text = (REPO / "action.yml").read_text(encoding="utf-8")
    release_text = released.read_text(encoding="utf-8")
    release, dev = yaml.safe_load(release_text), yaml.safe_load(dev_text)
    assert release["runs"] == {"using": "docker", "image": f"docker://{IMAGE}@{DIGEST}"}
    dev["runs"]["image"] = release["runs"]["image"]
    assert release == dev  # inputs, outputs, branding: untouched
    changed = [
        (old, new)
        for old, new in zip(dev_text.splitlines(), release_text.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [('  image: "Dockerfile"', f'  image: "docker://{IMAGE}@{DIGEST}"')]
    assert _run("check", "--action", str(released)).returncode == 0


@pytest.mark.parametrize(
    ("image", "digest", "complaint"),
    [
        (IMAGE, "sha256:abc", "--digest"),
        (IMAGE, "sha256:" + "A" * 64, "--digest"),
        (IMAGE, "latest", "--digest"),
        ("ghcr.io/Owner/importspy-action", DIGEST, "--image"),
        (IMAGE + ":v1", DIGEST, "--image"),
        ("docker.io/owner/importspy-action", DIGEST, "--image"),
    ],
)
def test_refuses_a_reference_that_is_not_a_digest_pin(
    tmp_path: Path, image: str, digest: str, complaint: str
):
    target = tmp_path / "action.yml"
    target.write_text((REPO / "action.yml").read_text(encoding="utf-8"), encoding="utf-8")
    done = _run("pin", "--image", image, "--digest", digest, "--action", str(target))
    assert done.returncode == 2
    assert complaint in done.stderr and "Traceback" not in done.stderr
    assert pin_action_image.runs_image(target.read_text(encoding="utf-8")) == "Dockerfile"


def test_only_the_runs_image_line_is_touched():
    text = (
        "name: x  # image: not this\n"
        "inputs:\n"
        "  image:\n"
        "    description: an input called image\n"
        "runs:\n"
        "  using: 'docker'\n"
        "  image: Dockerfile   # built on every run\n"
        "  env:\n"
        "    image: keep-me\n"
    )
    pinned = pin_action_image.pin(text, IMAGE, DIGEST)
    spec = yaml.safe_load(pinned)
    assert spec["runs"]["image"] == f"docker://{IMAGE}@{DIGEST}"
    assert spec["runs"]["env"] == {"image": "keep-me"}
    assert spec["inputs"]["image"]["description"] == "an input called image"
    assert "# built on every run" in pinned


@pytest.mark.parametrize(
    "text",
    [
        "runs:\n  using: composite\n  steps: []\n",
        "runs:\n  using: node24\n  main: index.js\n",
        "runs:\n  using: docker\n  image: a\n  image: b\n",
    ],
)
def test_refuses_actions_that_cannot_be_pinned(text: str):
    with pytest.raises(pin_action_image.ActionFileError):
        pin_action_image.pin(text, IMAGE, DIGEST)


owners = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=39)
digests = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(owner=owners, hexes=digests)
def test_any_valid_owner_and_digest_round_trip(owner: str, hexes: str):
    image, digest = f"ghcr.io/{owner}/importspy-action", f"sha256:{hexes}"
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    pinned = pin_action_image.pin(text, image, digest)
    assert yaml.safe_load(pinned)["runs"]["image"] == f"docker://{image}@{digest}"
    assert pin_action_image.is_pinned(pinned)


@given(junk=st.text(max_size=80))
def test_digest_must_be_exactly_sha256_hex(junk: str):
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    if pin_action_image.DIGEST.fullmatch(junk):
        return
    with pytest.raises(ValueError, match="--digest"):
        pin_action_image.pin(text, IMAGE, junk)


@given(major=st.integers(0, 999), minor=st.integers(0, 999), patch=st.integers(0, 999))
def test_release_tags_name_every_tag_users_pin(major: int, minor: int, patch: int):
    names = pin_action_image.release_tags(f"source/v{major}.{minor}.{patch}")
    assert names == {
        "version": f"{major}.{minor}.{patch}",
        "full": f"v{major}.{minor}.{patch}",
        "minor": f"v{major}.{minor}",
        "major": f"v{major}",
        "branch": f"releases/v{major}",
    }


@pytest.mark.parametrize(
    "tag",
    ["v1.2.3", "source/v1.2", "source/v1.2.3-rc1", "source/v01.2.3", "source/v1.2.3\n", "x"],
)
def test_release_tags_refuse_anything_but_a_final_source_tag(tag: str):
    done = _run("release-tags", "--source-tag", tag)
    assert done.returncode == 2 and "source/vX.Y.Z" in done.stderr
    assert "Traceback" not in done.stderr


def test_release_tags_print_github_output_lines():
    done = _run("release-tags", "--source-tag", "source/v2.0.1")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "version=2.0.1",
        "full=v2.0.1",
        "minor=v2.0",
        "major=v2",
        "branch=releases/v2",
    ]
