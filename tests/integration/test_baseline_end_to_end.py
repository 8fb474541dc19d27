"""Baseline mode through the CLI, on real git repositories judged by the real ruff.

The fixture: `main` holds a module with three old lint findings; the `feature` branch adds
lines above them (they move down), adds one new finding and removes one old one. With
`only-new`, only the new finding fails the run; the JSON report, SARIF, summary and the
step outputs say 1 new, 2 existing, 1 fixed; the user's checkout is byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from importspy_action.reporters.markdown import cell
from tests.helpers.composite import parse_outputs
from tests.helpers.gate_projects import BASE_CALC, DRIVER, calc_project, measure
from tests.helpers.git import git

CLI = [sys.executable, "-m", "importspy_action.cli"]

BASE = '''\
"""The app."""
# padding one
# padding two

import os
import sys


def f():
    x = 1
    return 2
'''

MOVED_DOWN = '''\
"""The app, now documented at length.

Three more lines above every old finding.
"""
# padding one
# padding two

import os


def g():
    y = 2
    return 3


def f():
    x = 1
    return 2
'''

MOVED_UP = '''\
"""The app."""

import os
import sys


def f():
    x = 1
    return 2
'''


def cli(
    repo: Path, tmp: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run `importspy-action run` in `repo`; returns the process, outputs and summary."""
    output, summary = tmp / "github_output", tmp / "summary.md"
    for path in (output, summary):
        path.write_text("", encoding="utf-8")
    environ = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "NO_COLOR": "1",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **(env or {}),
    }
    proc = subprocess.run(
        [*CLI, "run", "--workspace", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )
    outputs = parse_outputs(output.read_text(encoding="utf-8"))
    return proc, outputs, summary.read_text(encoding="utf-8")


def make_repo(root: Path, head: str) -> Path:
    """`main` with BASE, branch `feature` (checked out) with `head` as src/app.py."""
    repo = root / "repo"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "src" / "app.py").write_text(BASE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "src" / "app.py").write_text(head, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "feature")
    return repo


def checkout_state(repo: Path, *, skip: tuple[str, ...] = ()) -> str:
    """A digest of everything a user could notice: files, index, HEAD, refs, worktrees."""
    digest = hashlib.sha256()
    for path in sorted(repo.rglob("*")):
        relative = path.relative_to(repo).as_posix()
        if relative.startswith((".git/", *skip)) or relative == ".git" or not path.is_file():
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    for args in (
        ("rev-parse", "HEAD"),
        ("symbolic-ref", "HEAD"),
        ("ls-files", "-s"),
        ("status", "--porcelain=v2", "--untracked-files=all", "--no-renames"),
        ("for-each-ref",),
        ("worktree", "list", "--porcelain"),
    ):
        digest.update(git(repo, *args).encode() + b"\0")
    return digest.hexdigest()


MERGE_BASE = ("--lint", "true", "--baseline", "merge-base", "--base-ref", "main")


def test_only_new_fails_on_the_new_finding_only(tmp_path: Path):
    repo = make_repo(tmp_path, MOVED_DOWN)
    before = checkout_state(repo)
    out = tmp_path / "out"
    proc, outputs, summary = cli(
        repo,
        tmp_path,
        *MERGE_BASE,
        "--only-new",
        "true",
        "--json-report",
        str(out / "report.json"),
        "--sarif",
        str(out / "results.sarif"),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert checkout_state(repo) == before  # nothing in the user's checkout changed
    assert not list(tmp_path.glob("**/importspy-base-*"))  # the base worktree is gone
    assert (outputs["new-findings"], outputs["existing-findings"], outputs["fixed-findings"]) == (
        "1",
        "2",
        "1",
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    lint = next(gate for gate in report["gates"] if gate["gate"] == "lint")
    states = {(f["code"], f["start_line"]): f["baseline"] for f in lint["findings"]}
    assert states == {("F841", 12): "new", ("F401", 8): "existing", ("F841", 17): "existing"}
    assert lint["status"] == "failed"
    assert report["baseline"]["counts"] == {"new": 1, "existing": 2, "fixed": 1}
    assert [(f["code"], f["start_line"]) for f in report["baseline"]["fixed"]] == [("F401", 6)]
    assert all("fingerprint" in f for f in lint["findings"])
    sarif = json.loads((out / "results.sarif").read_text(encoding="utf-8"))
    by_line = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["baselineState"]
        for r in sarif["runs"][0]["results"]
    }
    assert by_line == {12: "new", 8: "unchanged", 17: "unchanged"}
    assert "**1 new** · 2 existing · 1 fixed" in summary
    assert "2 existing findings (the base has them too)" in summary
    assert "✅ 1 fixed: `src/app.py:6` F401" in summary
    # the new finding is listed before the existing ones in the terminal too
    assert proc.stdout.index("src/app.py:12") < proc.stdout.index("src/app.py:8")


def test_every_finding_counts_without_only_new(tmp_path: Path):
    repo = make_repo(tmp_path, MOVED_DOWN)
    fixed = MOVED_DOWN.replace("    y = 2\n    return 3", "    return 3")
    assert fixed != MOVED_DOWN
    (repo / "src" / "app.py").write_text(fixed, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "no new finding")
    passed, outputs, _ = cli(repo, tmp_path, *MERGE_BASE, "--only-new", "true")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert outputs["new-findings"] == "0" and outputs["existing-findings"] == "2"
    counted, _, _ = cli(repo, tmp_path, *MERGE_BASE)
    assert counted.returncode == 1  # the existing findings still count without `only-new`


def test_lines_moving_up_keep_old_findings_existing(tmp_path: Path):
    repo = make_repo(tmp_path, MOVED_UP)
    proc, outputs, _ = cli(repo, tmp_path, *MERGE_BASE, "--only-new", "true")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (outputs["new-findings"], outputs["existing-findings"], outputs["fixed-findings"]) == (
        "0",
        "3",
        "0",
    )


def test_baseline_report_from_an_earlier_run(tmp_path: Path):
    repo = make_repo(tmp_path, MOVED_DOWN)
    git(repo, "checkout", "-q", "main")
    base_report = repo / ".baseline" / "report.json"
    earlier, _, _ = cli(repo, tmp_path, "--lint", "true", "--json-report", str(base_report))
    assert earlier.returncode == 1  # main's own run fails on its three findings
    git(repo, "checkout", "-q", "feature")
    proc, outputs, _ = cli(
        repo,
        tmp_path,
        "--lint",
        "true",
        "--baseline-report",
        ".baseline/*.json",
        "--only-new",
        "true",
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (outputs["new-findings"], outputs["existing-findings"], outputs["fixed-findings"]) == (
        "1",
        "2",
        "1",
    )
    assert "Against the baseline report .baseline/report.json: 1 new" in proc.stdout


def test_merge_base_without_a_base_counts_every_finding(tmp_path: Path):
    repo = make_repo(tmp_path, MOVED_DOWN)
    proc, outputs, _ = cli(repo, tmp_path, "--lint", "true", "--baseline", "merge-base")
    assert proc.returncode == 1
    assert "this run has no base" in proc.stderr
    assert outputs["new-findings"] == ""  # no comparison: the outputs stay empty


@pytest.mark.parametrize("ref", ["--upload-pack=x", "main..feature"])
def test_a_hostile_base_ref_is_refused(tmp_path: Path, ref: str):
    repo = make_repo(tmp_path, MOVED_DOWN)
    proc, _, _ = cli(
        repo, tmp_path, "--lint", "true", "--baseline", "merge-base", f"--base-ref={ref}"
    )
    assert proc.returncode == 2
    assert "base-ref" in proc.stderr


def coverage_repo(root: Path) -> tuple[Path, float, float]:
    """`main` and `feature` of the calc project, each measured by coverage.py; the base's
    report is kept (untracked) in .base/. Returns the repo and both totals in percent."""
    repo = root / "cov"
    base_driver = DRIVER.replace("add, clamp, sign", "add, sign").replace("assert clamp", "# ")
    calc_project(repo, **{"src/pkg/calc.py": BASE_CALC, "driver.py": base_driver})
    (repo / ".gitignore").write_text(".coverage\ncoverage.*\n.base/\nbadges/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    measure(repo, branch=False)
    (repo / ".base").mkdir()
    (repo / "coverage.xml").rename(repo / ".base" / "coverage.xml")
    base_totals = json.loads((repo / "coverage.json").read_text(encoding="utf-8"))["totals"]
    git(repo, "checkout", "-q", "-b", "feature")
    calc_project(repo)  # the feature's calc.py and driver
    git(repo, "commit", "-q", "-am", "feature")
    measure(repo, branch=False)
    head_totals = json.loads((repo / "coverage.json").read_text(encoding="utf-8"))["totals"]
    return repo, base_totals["percent_covered"], head_totals["percent_covered"]


def test_coverage_delta_ratchet_and_badges(tmp_path: Path):
    repo, base, head = coverage_repo(tmp_path)
    assert head < base  # the feature adds uncovered code
    common = ("--coverage-file", "coverage.xml", "--base-coverage-file", ".base/coverage.xml")
    common += ("--base-ref", "main", "--badge", "badges")
    loose, outputs, summary = cli(repo, tmp_path, *common, "--coverage-max-drop", "100")
    assert loose.returncode == 0, loose.stdout + loose.stderr
    assert abs(float(outputs["coverage-delta"]) - (head - base)) <= 0.01
    assert abs(float(outputs["base-coverage"]) - base) <= 0.01
    assert "| Change against the base |" in summary
    assert "| `src/pkg/calc.py` |" in summary  # the changed file's own delta
    assert "COV-DROP" not in summary
    svg = (repo / "badges" / "coverage.svg").read_text(encoding="utf-8")
    assert f">{int(head)}%<" in svg
    assert ">passing<" in (repo / "badges" / "importspy.svg").read_text(encoding="utf-8")
    strict, outputs, summary = cli(repo, tmp_path, *common, "--coverage-max-drop", "0.1")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert cell("COV-DROP") in summary and cell("Total line coverage fell from") in summary
    assert ">failing<" in (repo / "badges" / "importspy.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("event", ["pull_request", "merge_group"])
def test_the_base_comes_from_the_event(tmp_path: Path, event: str):
    """A pull request's merge base, or the merge queue's base_sha: no `base-ref` needed."""
    repo = make_repo(tmp_path, MOVED_DOWN)
    base, head = git(repo, "rev-parse", "main"), git(repo, "rev-parse", "feature")
    payload: dict[str, object] = {
        "pull_request": {"number": 7, "base": {"sha": base}, "head": {"sha": head}},
        "merge_group": {"base_sha": base, "head_sha": head},
    }
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({event: payload[event]}), encoding="utf-8")
    env = {"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(event_file)}
    before = checkout_state(repo)
    flags = ("--lint", "true", "--baseline", "merge-base", "--only-new", "true")
    # the default json-report and sarif would be written into the checkout, as asked
    outside = ("--json-report", str(tmp_path / "out" / "r.json"), "--sarif", "")
    proc, outputs, _ = cli(repo, tmp_path, *flags, *outside, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"Against the merge base {base[:12]}: 1 new, 2 existing, 1 fixed" in proc.stdout
    assert outputs["new-findings"] == "1"
    assert checkout_state(repo) == before
