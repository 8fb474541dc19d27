"""Inputs -> Settings: every value validated, every problem named with its input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import ConfigError
from importspy_action.model import Severity
from importspy_action.settings import (
    INPUTS,
    ContractEntry,
    build_settings,
    parse_bool,
    parse_duration,
    parse_size,
    raw_from_environ,
    require_a_gate,
)


def test_env_names_follow_githubs_rule():
    names = {spec.name: spec.env_name for spec in INPUTS}
    assert names["fail-on"] == "INPUT_FAIL-ON"
    assert names["working-directory"] == "INPUT_WORKING-DIRECTORY"
    raw = raw_from_environ({"INPUT_FAIL-ON": "warning"})
    assert raw["fail-on"] == "warning"
    assert raw["summary"] == "always"  # unset inputs take the documented default


def test_defaults_build(tmp_path: Path):
    settings = build_settings({}, tmp_path)
    assert settings.fail_on == "error"
    assert settings.max_module_size == 1024 * 1024
    assert settings.json_report == tmp_path / "importspy-report.json"
    assert settings.sarif == tmp_path / "importspy.sarif"
    assert settings.gates_configured() == []
    with pytest.raises(ConfigError, match="No gate is configured"):
        require_a_gate(settings)


def test_contracts_lines(tmp_path: Path):
    raw = {
        "contracts": "\n".join(
            [
                "src/plugins/*.py   # sidecars",
                "",
                "  src/core/api.py: contracts/api.yml",
                "pyproject",
                "# a comment line",
            ]
        )
    }
    settings = build_settings(raw, tmp_path)
    assert settings.contracts == (
        ContractEntry("src/plugins/*.py", None),
        ContractEntry("src/core/api.py", "contracts/api.yml"),
    )
    assert settings.contracts_from_pyproject
    assert settings.gates_configured() == ["contracts"]


def test_all_problems_reported_together(tmp_path: Path):
    with pytest.raises(ConfigError) as caught:
        build_settings(
            {
                "fail-on": "sometimes",
                "annotations": "few",
                "max-annotations": "-1",
                "coverage-threshold": "101",
                "ignore": "not a code",
                "contracts": "src/x.py:",
                "working-directory": "nope",
                "ruff-version": "latest",
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
        "contracts",
        "working-directory",
        "ruff-version",
    ):
        assert f"Input `{name}`" in message, name
    assert "'sometimes' is not allowed; use one of: error, warning, never" in message
    assert "names no contract after the colon" in message


def test_severity_overrides_and_ignore(tmp_path: Path):
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


def test_paths_must_stay_in_the_workspace(tmp_path: Path):
    (tmp_path / "ws").mkdir()
    with pytest.raises(ConfigError, match=r"`working-directory`.*outside the workspace"):
        build_settings({"working-directory": ".."}, tmp_path / "ws")
    with pytest.raises(ConfigError, match=r"`site-packages`.*does not exist"):
        build_settings({"site-packages": "venv/lib"}, tmp_path / "ws")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1", 1),
        ("2048", 2048),
        ("1KB", 1000),
        ("1KiB", 1024),
        ("1.5MiB", 1572864),
        ("2MB", 2_000_000),
        ("1GiB", 1024**3),
        ("3 k", 3072),
    ],
)
def test_parse_size(text: str, size: int):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "-1", "0", "1TB", "1.2.3MB"])
def test_parse_size_rejects(text: str):
    with pytest.raises(ValueError):
        parse_size(text)


@given(st.integers(min_value=1, max_value=10**12))
def test_parse_size_plain_bytes(number: int):
    assert parse_size(str(number)) == number


@pytest.mark.parametrize(
    ("text", "seconds"), [("20", 20.0), ("1.5s", 1.5), ("500ms", 0.5), ("2m", 120.0)]
)
def test_parse_duration(text: str, seconds: float):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "0", "-2s", "1h"])
def test_parse_duration_rejects(text: str):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_bool_is_githubs_core_schema():
    assert parse_bool("true") and parse_bool("TRUE") and parse_bool("True")
    assert not parse_bool("false") and not parse_bool("")
    for bad in ("yes", "1", "on"):
        with pytest.raises(ValueError):
            parse_bool(bad)
