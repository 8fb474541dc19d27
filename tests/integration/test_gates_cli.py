"""The coverage and lint gates through the real CLI: exit codes, outputs, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from importspy_action.reporters.markdown import cell
from tests.helpers.gate_projects import (
    calc_project,
    git,
    measure,
    pr_project,
    run,
    write,
)


def _cli(root: Path, *args: str) -> tuple[int, str, dict[str, str], str]:
    output = root / "github_output"
    output.write_text("")
    summary = root / "summary.md"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "INPUT_", "RUNNER_"))
    }
    env["GITHUB_OUTPUT"] = str(output)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "importspy_action.cli",
            "run",
            "--workspace",
            str(root),
            "--summary-file",
            str(summary),
            "--json-report",
            "report.json",
            "--sarif",
            "",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    outputs = {}
    lines = output.read_text().splitlines()
    index = 0
    while index < len(lines):  # name<<DELIMITER / value / DELIMITER, or name=value
        line = lines[index]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            outputs[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
            index += 1
    return done.returncode, done.stderr, outputs, summary.read_text() if summary.exists() else ""


def _project(root: Path) -> None:
    calc_project(root, **{"ruff.toml": "[lint]\nselect = ['F']\n[format]\nexclude = ['*']\n"})
    measure(root, formats=("xml",))


def test_cli_outputs_and_exit_codes(tmp_path: Path) -> None:
    _project(tmp_path)
    code, stderr, outputs, summary = _cli(
        tmp_path, "--coverage-file", "coverage.xml", "--coverage-threshold", "50", "--lint"
    )
    assert code == 0, stderr
    assert outputs["coverage"] == "56.52"
    assert outputs["diff-coverage"] == ""
    assert outputs["result"] == "passed"
    assert "| coverage | ✅ passed |" in summary and "| lint | ✅ passed |" in summary
    report = json.loads((tmp_path / "report.json").read_text())
    gates = {gate["gate"]: gate for gate in report["gates"]}
    assert gates["coverage"]["metrics"]["total_percent"] == 56.52

    code, _, outputs, _ = _cli(
        tmp_path, "--coverage-file", "coverage.xml", "--coverage-threshold", "56.53"
    )
    assert code == 1 and outputs["result"] == "failed" and outputs["errors"] == "1"

    (tmp_path / "src/pkg/text.py").write_text("import os\n")
    code, _, outputs, _ = _cli(tmp_path, "--lint", "true", "--fail-on", "error")
    assert code == 1 and outputs["errors"] == "1"
    code, _, _, _ = _cli(tmp_path, "--lint", "true", "--ignore", "F401")
    assert code == 0


def test_hostile_report_is_exit_2_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "coverage.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<coverage>&b;</coverage>\n'
    )
    code, stderr, outputs, summary = _cli(tmp_path, "--coverage-file", "coverage.xml")
    assert code == 2
    assert "Traceback" not in stderr
    assert cell("Coverage report 'coverage.xml' was refused") in summary
    assert outputs["exit-code"] == "2"


def test_broken_ruff_config_is_exit_2_with_ruffs_message(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "X = 1\n", "pyproject.toml": "[tool.ruff.lint]\nselect = ['ZZZ']\n"})
    code, stderr, _, summary = _cli(tmp_path, "--lint", "true")
    assert code == 2
    assert "Traceback" not in stderr
    assert cell("Unknown rule selector `ZZZ`") in summary


def test_diff_coverage_from_base_ref_full_and_shallow_clone(tmp_path: Path) -> None:
    """Changed lines computed by the action's own git code, in a full and a depth-1 clone."""
    origin = tmp_path / "origin"
    origin.mkdir()
    pr_project(origin)
    git(origin, "branch", "base", "HEAD~1")
    args = ("--coverage-file", "coverage.xml", "--diff-coverage-threshold", "90")
    code, stderr, outputs, summary = _cli(origin, *args, "--base-ref", "base")
    assert code == 1, stderr
    assert outputs["diff-coverage"] == "45.45"
    assert cell("Changed lines 22-26 are not covered by tests.") in summary

    shallow = tmp_path / "shallow"
    run(["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(shallow)], tmp_path)
    assert git(shallow, "rev-parse", "--is-shallow-repository").strip() == "true"
    shutil.copy(origin / "coverage.xml", shallow / "coverage.xml")
    code, stderr, outputs, summary = _cli(shallow, *args, "--base-ref", "base")
    assert code == 1, stderr
    assert outputs["diff-coverage"] == "45.45"  # history fetched, same answer as the full clone

    code, _, outputs, summary = _cli(shallow, *args)  # a push with no base: not measured
    assert code == 0 and outputs["diff-coverage"] == ""
    assert "Diff coverage not measured" in summary
