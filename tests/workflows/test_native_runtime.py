"""native/action.yml's steps, run with real CPython 3.10-3.13: the engine sees the job's
interpreter, so a `runtime.python` contract passes on some and fails on others.

Each interpreter is put first on PATH as `python` (what actions/setup-python does), and the
composite's bash steps run as a runner would run them (tests/helpers/composite.py). The
first run per interpreter installs requirements.lock into a virtualenv (a minute or so);
RUNNER_TEMP is kept in the system temp folder so later runs hit the emulated cache, as a
real job would with actions/cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers.composite import CompositeRun, CompositeRunner, runner_env
from tests.workflows.workflow_checks import REPO, load

pytestmark = pytest.mark.native

NATIVE = REPO / "native" / "action.yml"
RUNNER_TEMP = Path(tempfile.gettempdir()) / "importspy-action-native-runner-temp"

MODULE = "def run(payload):\n    return payload\n"
CONTRACT = """\
schema_version: 1
functions:
  - name: run
runtime:
  python: ">=3.11"
"""


def _interpreter(minor: int) -> Path | None:
    """CPython 3.<minor> from pyenv or PATH, if this machine has it."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(root.glob(f"versions/3.{minor}.*/bin/python3"))
    candidates = [*found, *filter(None, [shutil.which(f"python3.{minor}")])]
    for candidate in candidates:
        probe = subprocess.run(
            [str(candidate), "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == f"(3, {minor})":
            return Path(candidate)
    return None


def _run_native(minor: int, tmp_path: Path) -> tuple[CompositeRun, Path, Path]:
    interpreter = _interpreter(minor)
    if interpreter is None:
        pytest.skip(f"no CPython 3.{minor} on this machine")
    # A stable folder, like setup-python's tool cache: the virtualenv (and so its cache key)
    # depends on the path of the interpreter that made it.
    bin_dir = RUNNER_TEMP.parent / "importspy-action-native-setup-python" / f"3.{minor}"
    bin_dir.mkdir(parents=True, exist_ok=True)
    if not (bin_dir / "python").is_symlink():
        (bin_dir / "python").symlink_to(interpreter)
    workspace = tmp_path / "ws"
    (workspace / "plugins").mkdir(parents=True)
    (workspace / "plugins" / "modern.py").write_text(MODULE)
    (workspace / "plugins" / "modern.importspy.yml").write_text(CONTRACT)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    RUNNER_TEMP.mkdir(exist_ok=True)
    runner = CompositeRunner(
        NATIVE,
        load(NATIVE),
        workspace=workspace,
        runner_temp=RUNNER_TEMP,
        base_env=runner_env(bin_dir, summary),
    )
    result = runner.run({"contracts": "plugins/*.py", "workers": "1"}, tmp_path / "steps")
    if result.steps.get("run") is not None:
        runner.save_cache()
    return result, interpreter, workspace


@pytest.mark.parametrize(("minor", "verdict"), [(10, "DENY"), (12, "ADMIT"), (13, "ADMIT")])
def test_the_job_interpreter_is_what_the_contract_judges(
    minor: int, verdict: str, tmp_path: Path
) -> None:
    result, interpreter, workspace = _run_native(minor, tmp_path)
    run = result.steps["run"]
    assert result.failed in (None, "run"), result.steps[str(result.failed)].stderr
    report = json.loads((workspace / "importspy-report.json").read_text())
    (subject,) = report["gates"][0]["metrics"]["subjects"]
    assert subject["decision"] == verdict, run.stdout + run.stderr
    assert run.outputs["result"] == ("passed" if verdict == "ADMIT" else "failed")
    assert run.returncode == (0 if verdict == "ADMIT" else 1)
    if verdict == "DENY":
        (finding,) = report["findings"] if "findings" in report else report["gates"][0]["findings"]
        assert finding["code"] == "ISPY-R102"
        assert "3.10" in json.dumps(finding)
    # dependency checks default to the job interpreter's own site-packages
    purelib = subprocess.run(
        [str(interpreter), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert result.steps["prepare"].outputs["site-packages"] == purelib
    assert result.steps["prepare"].outputs["tag"].startswith(f"cpython-3.{minor}.")


def test_a_missing_interpreter_stops_with_exit_2(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    runner = CompositeRunner(
        NATIVE,
        load(NATIVE),
        workspace=tmp_path,
        runner_temp=tmp_path / "temp",
        base_env=runner_env(tmp_path / "empty-bin", summary),
    )
    result = runner.run({"contracts": "x.py", "python": "python9.9"}, tmp_path / "steps")
    assert result.failed == "prepare"
    step = result.steps["prepare"]
    assert step.returncode == 2
    assert "Input `python`: no interpreter 'python9.9' on PATH" in step.stderr


def test_the_merged_reports_show_which_runtime_breaks_the_contract(tmp_path: Path) -> None:
    """Issue 13's runtime matrix: the jobs' reports merged into one table, module x runtime."""
    from importspy_action.cli import main
    from importspy_action.reporters.markdown import cell

    reports = tmp_path / "reports"
    for minor in (10, 12):
        _, _, workspace = _run_native(minor, tmp_path / f"py3{minor}")
        target = reports / f"py3{minor}" / "importspy-report.json"
        target.parent.mkdir(parents=True)
        shutil.copy(workspace / "importspy-report.json", target)
    merged = tmp_path / "merged.json"
    summary = tmp_path / "merged.md"
    code = main(
        [
            "merge",
            "reports/*/importspy-report.json",
            "--workspace",
            str(tmp_path),
            "--json-report",
            str(merged),
            "--sarif",
            "",
            "--summary-file",
            str(summary),
        ],
        environ={"PATH": os.environ["PATH"]},
    )
    assert code == 1  # denied on 3.10
    (gate,) = [g for g in json.loads(merged.read_text())["gates"] if g["gate"] == "contracts"]
    matrix = gate["metrics"]["matrix"]
    assert [runtime.split(" · ")[0][:12] for runtime in matrix["runtimes"]] == [
        "CPython 3.10",
        "CPython 3.12",
    ]
    assert matrix["rows"] == [{"module": "plugins/modern.py", "cells": ["✗ ISPY-R102", "✓"]}]
    (finding,) = gate["findings"]
    assert "(on CPython 3.10" in finding["message"]  # named once, with where it occurs
    text = summary.read_text()
    assert cell("Runtime matrix: 1 of 1 modules break their contract") in text
    assert f"| `plugins/modern.py` | {cell('✗ ISPY-R102')} | ✓ |" in text
