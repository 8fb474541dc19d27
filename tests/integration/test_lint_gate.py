"""The lint gate running the real ruff on fixture code, with the project's own config."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from importspy_action import view
from importspy_action.diff import parse_unified_diff
from importspy_action.errors import ConfigError
from importspy_action.gates import lint, ruff_binary
from importspy_action.model import GateStatus, Report
from importspy_action.reporters import summary
from importspy_action.reporters.markdown import cell
from tests.helpers.builders import run_lint
from tests.helpers.gate_projects import assert_golden, findings_json, git, settings_for, write

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lint_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_findings_and_summary_golden(project: Path) -> None:
    before = _digest(project)
    result = run_lint(settings_for(project, lint="true"), None)
    assert result.status is GateStatus.FAILED
    by_code: dict[str, list[object]] = {}
    for finding in result.findings:
        by_code.setdefault(finding.code, []).append(finding)
    assert sorted(by_code) == ["B006", "E501", "F401", "F821", "I001", "RUFF-FORMAT", "RUFF-SYNTAX"]
    e501 = next(f for f in result.findings if f.code == "E501")
    assert (e501.path, e501.start_line, e501.start_column, e501.end_column) == (
        "pkg/messy.py",
        11,
        89,
        97,
    )
    assert e501.url == "https://docs.astral.sh/ruff/rules/line-too-long"
    f401 = next(f for f in result.findings if f.code == "F401")
    assert f401.help is not None and f401.help.startswith("Fix available (safe")
    b006 = next(f for f in result.findings if f.code == "B006")
    assert b006.help is not None and "unsafe" in b006.help
    f821 = next(f for f in result.findings if f.code == "F821")
    assert f821.help == "No automatic fix."
    # per-file-ignores of the project's ruff.toml are honoured
    assert not any(f.path == "pkg/legacy.py" for f in result.findings)
    # `fix = true` in the project's config is not applied, and no cache is left behind
    assert _digest(project) == before
    assert not (project / ".ruff_cache").exists()
    assert result.metrics["ruff_version"] == ruff_binary.bundled_version()
    assert_golden("lint/project.findings.json", findings_json(result))
    report = Report("test", "test", (result.result,), "error", result.exit_code)
    assert_golden("lint/project.summary.md", summary.render(view.build(report)))


def test_clean_project_passes(tmp_path: Path) -> None:
    write(tmp_path, {"ruff.toml": "[lint]\nselect = ['E', 'F']\n", "a.py": "X = 1\n"})
    result = run_lint(settings_for(tmp_path, lint="true"), None)
    assert result.status is GateStatus.PASSED and not result.findings
    assert result.metrics["headline"] == "clean"
    report = Report("test", "test", (result.result,), "error", 0)
    assert cell("no diagnostics, every file formatted") in summary.render(view.build(report))


def test_changed_files_scope_lints_only_what_the_diff_touched(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    write(
        project,
        {"pkg/clean.py": "import os\n\n\ndef double(value: int) -> int:\n    return value * 2\n"},
    )
    (project / "pkg" / "legacy.py").unlink()
    (project / "notes.txt").write_text("not python\n")
    git(project, "add", "-A")
    changes = parse_unified_diff(git(project, "diff", "--cached", "--unified=0"))
    assert "pkg/legacy.py" in changes.deleted
    result = run_lint(settings_for(project, lint="true", lint_scope="changed-files"), changes)
    assert [(f.code, f.path) for f in result.findings] == [("F401", "pkg/clean.py")]
    assert result.notes == ("`lint-scope: changed-files`: 1 changed Python file linted.",)


def test_changed_files_scope_with_nothing_to_lint(project: Path) -> None:
    changes = parse_unified_diff(
        "diff --git a/README b/README\n--- a/README\n+++ b/README\n@@ -0,0 +1 @@\n+x\n"
    )
    result = run_lint(settings_for(project, lint="true", lint_scope="changed-files"), changes)
    assert result.status is GateStatus.PASSED and not result.findings
    assert result.metrics["headline"] == "no changed Python files"


def test_changed_files_scope_without_changes_lints_everything(project: Path) -> None:
    result = run_lint(settings_for(project, lint="true", lint_scope="changed-files"), None)
    assert any(f.path == "pkg/messy.py" for f in result.findings)
    assert "every file was linted" in result.notes[0]


def test_changed_files_scope_still_honours_project_excludes(project: Path) -> None:
    (project / "ruff.toml").write_text(
        'extend-exclude = ["pkg/messy.py"]\n' + (project / "ruff.toml").read_text()
    )
    changes = parse_unified_diff(
        "diff --git a/pkg/messy.py b/pkg/messy.py\n--- a/pkg/messy.py\n+++ b/pkg/messy.py\n"
        "@@ -1 +1 @@\n+import sys\n"
    )
    result = run_lint(settings_for(project, lint="true", lint_scope="changed-files"), changes)
    assert not result.findings


def test_broken_config_is_exit_2_with_ruffs_own_message(project: Path) -> None:
    (project / "ruff.toml").write_text('[lint]\nselect = ["NOPE999"]\n')
    with pytest.raises(ConfigError) as caught:
        run_lint(settings_for(project, lint="true"), None)
    assert caught.value.exit_code == 2
    assert "Unknown rule selector `NOPE999`" in str(caught.value)

    (project / "ruff.toml").write_text('line-length = "long"\n')
    with pytest.raises(ConfigError, match="Failed to parse"):
        run_lint(settings_for(project, lint="true"), None)


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_crashing_ruff_is_reported_not_raised(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = _script(tmp_path / "ruff", 'echo "thread main panicked" >&2\nkill -SEGV $$\n')
    monkeypatch.setattr(
        lint, "resolve_ruff", lambda version: ruff_binary.RuffBinary(crashing, "x", "bundled")
    )
    with pytest.raises(ConfigError, match=r"crashed \(signal 11\): thread main panicked"):
        run_lint(settings_for(project, lint="true"), None)

    garbage = _script(tmp_path / "ruff2", "echo '{not json'\nexit 1\n")
    monkeypatch.setattr(
        lint, "resolve_ruff", lambda version: ruff_binary.RuffBinary(garbage, "x", "bundled")
    )
    with pytest.raises(ConfigError, match=r"did not print JSON diagnostics: \{not json"):
        run_lint(settings_for(project, lint="true"), None)


def test_missing_ruff_is_a_clear_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ruff

    def not_found() -> str:
        raise FileNotFoundError

    monkeypatch.setattr(ruff, "find_ruff_bin", not_found)
    monkeypatch.setattr(ruff_binary.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="no ruff executable was found"):
        ruff_binary.bundled_ruff()


@pytest.fixture(scope="session")
def tools_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tools")


def test_install_the_pinned_version_into_a_private_directory(tools_dir: Path) -> None:
    pinned = ruff_binary.bundled_version()
    assert pinned is not None
    installed = ruff_binary.install_ruff(pinned, tools_dir)
    assert installed.source == "installed"
    assert installed.path.is_relative_to(tools_dir)
    version = subprocess.run(
        [installed.path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert version == f"ruff {pinned}"
    again = ruff_binary.install_ruff(pinned, tools_dir)  # reused, not reinstalled
    assert again.path == installed.path


def test_ruff_version_input_runs_that_version(
    project: Path, tools_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ruff_binary.TOOLS_DIR_ENV, str(tools_dir))
    result = run_lint(settings_for(project, lint="true", ruff_version="0.17.5"), None)
    assert result.metrics["ruff_version"] == "0.17.5"
    assert result.metrics["ruff_source"] == "installed"
    assert (tools_dir / "ruff-0.17.5" / "bin" / "ruff").is_file()
    assert any(f.code == "F821" for f in result.findings)
    bundled = run_lint(settings_for(project, lint="true", ruff_version="0.17.6"), None)
    assert bundled.metrics["ruff_source"] == "bundled"


def test_a_ruff_version_pip_cannot_install_is_exit_2(
    project: Path, tools_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ruff_binary.TOOLS_DIR_ENV, str(tools_dir))
    with pytest.raises(ConfigError) as caught:
        run_lint(settings_for(project, lint="true", ruff_version="99.99.99"), None)
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert message.startswith("Input `ruff-version`: pip could not install ruff==99.99.99")
    assert "No matching distribution" in message
    assert not (tools_dir / "ruff-99.99.99").exists()
