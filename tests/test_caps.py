"""caps: every limit ends in a ConfigError (exit 2) that names the input, and is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action import caps
from importspy_action.errors import EXIT_CONFIG, ConfigError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "report-schema.md"


@pytest.mark.parametrize("cap", caps.ALL, ids=lambda cap: cap.name)
def test_at_the_limit_passes_and_one_over_is_exit_2_naming_the_input(cap: caps.Cap) -> None:
    cap.check(cap.limit, subject="reports/a.json")
    with pytest.raises(ConfigError) as raised:
        cap.check(cap.limit + 1, subject="reports/a.json")
    assert raised.value.exit_code == EXIT_CONFIG
    message = str(raised.value)
    assert message.startswith("reports/a.json: ")
    assert f"{cap.limit + 1:,}" in message
    assert f"{cap.limit:,}" in message


@given(st.sampled_from(caps.ALL), st.integers(min_value=-(10**12), max_value=10**12))
def test_check_refuses_exactly_the_values_above_the_limit(cap: caps.Cap, value: int) -> None:
    if value <= cap.limit:
        cap.check(value, subject="x")
    else:
        with pytest.raises(ConfigError):
            cap.check(value, subject="x")


def test_every_cap_is_in_the_documented_table() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for cap in caps.ALL:
        assert f"| {cap.name} | {cap.amount(cap.limit)} |" in docs, cap.name
