"""settings/inputs.py: the input table both front doors read (env variables, CLI flags)."""

from __future__ import annotations

from pathlib import Path

from importspy_action import cli
from importspy_action.settings import (
    INPUTS,
    INPUTS_BY_NAME,
    build_settings,
    raw_from_environ,
    secret_values,
)


def test_env_names_follow_githubs_rule() -> None:
    names = {spec.name: spec.env_name for spec in INPUTS}
    assert names["fail-on"] == "INPUT_FAIL-ON"
    assert names["working-directory"] == "INPUT_WORKING-DIRECTORY"
    raw = raw_from_environ({"INPUT_FAIL-ON": "warning"})
    assert raw["fail-on"] == "warning"
    assert raw["summary"] == "always"  # unset inputs take the documented default


def test_names_are_unique_and_indexed() -> None:
    assert len(INPUTS_BY_NAME) == len(INPUTS)
    assert all(INPUTS_BY_NAME[spec.name] is spec for spec in INPUTS)


def test_only_the_token_is_secret_and_only_when_set() -> None:
    assert [spec.name for spec in INPUTS if spec.secret] == ["github-token"]
    assert secret_values({"github-token": "", "check-name": "x"}) == []
    assert secret_values(raw_from_environ({"INPUT_GITHUB-TOKEN": "ghs_abc"})) == ["ghs_abc"]


def test_the_list_inputs() -> None:
    listed = {spec.name for spec in INPUTS if spec.is_list}
    assert listed == {
        "contracts",
        "severity",
        "ignore",
        "coverage-file",
        "reports",
        "baseline-report",
        "base-coverage-file",
        "api-breaks",
    }


def test_every_list_input_is_a_repeatable_cli_flag_whose_values_are_items(tmp_path: Path) -> None:
    argv = ["run"]
    for flag, values in {
        "--contracts": ["src/a.py", "src/b.py: b.yml, src/c.py"],
        "--severity": ["E501=warning", "W291=notice"],
        "--ignore": ["F401", "B008,S101"],
        "--coverage-file": ["a.xml", "b.json"],
        "--reports": ["r/*.json", "s/*.json"],
    }.items():
        for value in values:
            argv += [flag, value]
    raw = cli._raw_from_args(cli._parser().parse_args(argv))
    settings = build_settings(raw, tmp_path)
    assert [entry.pattern for entry in settings.contracts] == ["src/a.py", "src/b.py", "src/c.py"]
    assert set(settings.severity) == {"E501", "W291"}
    assert settings.ignore == frozenset({"F401", "B008", "S101"})
    assert settings.coverage_files == ("a.xml", "b.json")
    assert settings.reports == ("r/*.json", "s/*.json")
