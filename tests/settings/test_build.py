"""settings/build.py: raw inputs -> Settings, every problem named with its input, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.errors import ConfigError
from importspy_action.model import Severity
from importspy_action.run import configured_gates, require_a_gate
from importspy_action.settings import (
    ContractEntry,
    build_settings,
    workspace_root,
)


def test_defaults_build(tmp_path: Path) -> None:
    settings = build_settings({}, tmp_path)
    assert settings.fail_on == "error"
    assert settings.max_module_size == 1024 * 1024
    assert settings.timeout_per_module == 20.0
    assert settings.max_memory == 2 * 1024**3
    assert settings.json_report == tmp_path / "importspy-report.json"
    assert settings.sarif == tmp_path / "importspy.sarif"
    assert settings.check_name == "ImportSpy"
    assert settings.coverage_files == () and settings.reports == ()
    assert configured_gates(settings) == []
    with pytest.raises(ConfigError, match="No gate is configured"):
        require_a_gate(settings)


def test_contracts_lines(tmp_path: Path) -> None:
    raw = {
        "contracts": "src/plugins/*.py   # sidecars\n"
        "  src/core/api.py: contracts/api.yml\n"
        "pyproject"
    }
    settings = build_settings(raw, tmp_path)
    assert settings.contracts == (
        ContractEntry("src/plugins/*.py", None),
        ContractEntry("src/core/api.py", "contracts/api.yml"),
    )
    assert settings.contracts_from_pyproject
    assert configured_gates(settings) == ["contracts"]


def test_all_problems_reported_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        build_settings(
            {
                "fail-on": "sometimes",
                "annotations": "few",
                "max-annotations": "-1",
                "coverage-threshold": "101",
                "ignore": "not a code",
                "contracts": "src/ok.py\nsrc/x.py:",
                "working-directory": "nope",
                "ruff-version": "latest",
                "lint": "yes",
                "report-budget": "soon",
            },
            tmp_path,
        )
    message = str(caught.value)
    for name in (
        "fail-on",
        "annotations",
        "max-annotations",
        "coverage-threshold",
        "ignore",
        "working-directory",
        "ruff-version",
        "lint",
        "report-budget",
    ):
        assert f"Input `{name}`: " in message, name
    assert "'sometimes' is not allowed; use one of: error, warning, never" in message
    assert "Input `contracts`, line 2: 'src/x.py:' names no contract after the colon" in message
    assert len(message.splitlines()) == 10  # one line per problem


def test_severity_overrides_and_ignore(tmp_path: Path) -> None:
    settings = build_settings(
        {"severity": "ISPY-S103=warning, E501=note\nISPY-D101 = error", "ignore": "W291,ISPY-R102"},
        tmp_path,
    )
    assert settings.severity == {
        "ISPY-S103": Severity.WARNING,
        "E501": Severity.NOTICE,
        "ISPY-D101": Severity.ERROR,
    }
    assert settings.ignore == frozenset({"W291", "ISPY-R102"})


def test_glob_lists_are_tuples_in_the_one_list_syntax(tmp_path: Path) -> None:
    settings = build_settings(
        {
            "coverage-file": "unit/coverage.xml, e2e/*.json  # both\n\n",
            "reports": "reports/**/*.json\n# the merger's own\nextra.json,",
        },
        tmp_path,
    )
    assert settings.coverage_files == ("unit/coverage.xml", "e2e/*.json")
    assert settings.coverage_enabled
    assert settings.reports == ("reports/**/*.json", "extra.json")
    assert settings.merge_mode
    require_a_gate(settings)  # merge mode needs no gate


def test_a_list_of_only_comments_turns_its_gate_off(tmp_path: Path) -> None:
    settings = build_settings({"coverage-file": "# later", "contracts": " , "}, tmp_path)
    assert not settings.coverage_enabled
    assert not settings.contracts_enabled


def test_paths_must_stay_in_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    with pytest.raises(ConfigError, match=r"`working-directory`.*outside the workspace"):
        build_settings({"working-directory": ".."}, tmp_path / "ws")
    with pytest.raises(ConfigError, match=r"`site-packages`.*does not exist"):
        build_settings({"site-packages": "venv/lib"}, tmp_path / "ws")
    with pytest.raises(ConfigError, match=r"`ca-bundle`.*outside the workspace"):
        build_settings({"ca-bundle": "../ca.pem"}, tmp_path / "ws")


def test_paths_are_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "venv").mkdir(parents=True)
    (tmp_path / "pkg" / "ca.pem").write_text("", encoding="utf-8")
    settings = build_settings(
        {
            "working-directory": "pkg",
            "site-packages": "venv",
            "ca-bundle": "ca.pem",
            "sarif": "out/x.sarif",
            "json-report": "",
        },
        tmp_path,
    )
    assert settings.working_directory == tmp_path / "pkg"
    assert settings.site_packages == tmp_path / "pkg" / "venv"
    assert settings.ca_bundle == tmp_path / "pkg" / "ca.pem"
    assert settings.sarif == tmp_path / "pkg" / "out" / "x.sarif"
    assert settings.json_report is None


def test_directories_must_be_directories(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        build_settings({"working-directory": "file.txt"}, tmp_path)
    assert str(caught.value) == "Input `working-directory`: 'file.txt' is not a directory"
    with pytest.raises(ConfigError) as caught:
        build_settings({"site-packages": "file.txt"}, tmp_path)
    assert str(caught.value) == "Input `site-packages`: 'file.txt' is not a directory"


def test_values_are_stripped(tmp_path: Path) -> None:
    settings = build_settings({"fail-on": " warning\n", "check-name": "  Gates  "}, tmp_path)
    assert settings.fail_on == "warning"
    assert settings.check_name == "Gates"


def test_workspace_root(tmp_path: Path) -> None:
    assert workspace_root({"GITHUB_WORKSPACE": str(tmp_path)}) == tmp_path.resolve()
    assert workspace_root({"GITHUB_WORKSPACE": "/nowhere"}, str(tmp_path)) == tmp_path.resolve()
    with pytest.raises(ConfigError, match="is not a directory"):
        workspace_root({"GITHUB_WORKSPACE": str(tmp_path / "missing")})
