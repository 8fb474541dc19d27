"""`importspy-action run`: flags named like the inputs, the same verdict as the action."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from importspy_action import __version__

CLI = [sys.executable, "-m", "importspy_action.cli"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_version(tmp_path: Path):
    proc = _run("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"importspy-action {__version__}"


def test_local_run_matches_the_action(example_project: Path, tmp_path: Path):
    summary = tmp_path / "summary.md"
    proc = _run(
        "run",
        "--contracts",
        "src/plugins/*.py",
        "--contracts",
        "src/core/api.py: contracts/api.yml",
        "--summary-file",
        str(summary),
        "--json-report",
        str(tmp_path / "out" / "report.json"),
        "--fail-on",
        "error",
        cwd=example_project,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Verdict: FAILED — 5 errors, 0 warnings, 0 notices" in proc.stdout
    assert "src/plugins/fetcher.py:3:1: error ISPY-D101" in proc.stdout
    assert "::" not in proc.stdout  # no workflow commands outside GitHub Actions
    assert "## ImportSpy: ❌ Gates failed" in summary.read_text()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["error"] == 5
    # no GitHub facts outside Actions; only the runtime that judged the contracts
    assert {key for key in report["context"] if not key.startswith("runtime")} == set()
    assert report["context"]["runtime"].startswith("CPython")


def test_local_run_bad_flag_value(example_project: Path):
    proc = _run(
        "run", "--contracts", "src/plugins/*.py", "--fail-on", "always", cwd=example_project
    )
    assert proc.returncode == 2
    assert "Input `fail-on`: 'always' is not allowed" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_lint_flag_without_value_means_true(example_project: Path):
    proc = _run("run", "--lint", "--fail-on", "bogus", cwd=example_project)
    assert proc.returncode == 2
    assert "Input `lint`" not in proc.stderr  # `--lint` alone parsed as true
    assert "Input `fail-on`" in proc.stderr
