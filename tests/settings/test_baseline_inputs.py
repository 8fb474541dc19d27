"""The baseline, ratchet, badge and SARIF category inputs: parsed once, checked together."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.errors import ConfigError
from tests.helpers.builders import settings


def test_defaults_keep_todays_behaviour(tmp_path: Path):
    chosen = settings(tmp_path)
    assert chosen.baseline == "none" and not chosen.baseline_enabled
    assert (chosen.only_new, chosen.coverage_max_drop, chosen.badge) == (False, None, None)
    assert chosen.baseline_report == chosen.base_coverage_files == ()
    assert chosen.sarif_category == ""


def test_values_are_parsed(tmp_path: Path):
    chosen = settings(
        tmp_path,
        **{
            "baseline": "merge-base",
            "only-new": "true",
            "coverage-max-drop": "0.5",
            "base-coverage-file": "base.xml",
            "badge": "badges",
            "sarif-category": "py3.12",
        },
    )
    assert chosen.baseline_enabled and chosen.only_new
    assert chosen.coverage_max_drop == 0.5
    assert chosen.badge == tmp_path.resolve() / "badges"
    assert chosen.sarif_category == "py3.12"
    from_report = settings(tmp_path, **{"baseline-report": "base/*.json", "only-new": "true"})
    assert from_report.baseline_enabled and from_report.baseline == "none"


@pytest.mark.parametrize(
    ("inputs", "says"),
    [
        ({"baseline": "main"}, "Input `baseline`: 'main' is not allowed"),
        ({"only-new": "true"}, "Input `only-new`: needs a baseline"),
        ({"coverage-max-drop": "0.5"}, "Input `coverage-max-drop`: needs the base's coverage"),
        (
            {"coverage-max-drop": "0.5", "baseline": "merge-base"},
            "Input `coverage-max-drop`: needs the base's coverage",
        ),
        ({"coverage-max-drop": "-1", "baseline": "merge-base"}, "Input `coverage-max-drop`"),
        ({"sarif-category": "a\nb"}, "Input `sarif-category`"),
    ],
)
def test_bad_values_name_the_input(tmp_path: Path, inputs: dict[str, str], says: str):
    with pytest.raises(ConfigError, match=says.replace("(", r"\(")):
        settings(tmp_path, **inputs)


def test_ratchet_accepts_a_base_coverage_file(tmp_path: Path):
    chosen = settings(tmp_path, **{"coverage-max-drop": "1", "base-coverage-file": "b.xml"})
    assert chosen.coverage_max_drop == 1.0 and chosen.base_coverage_files == ("b.xml",)
