"""Reading ruff's output: concise lines (format --check) and JSON diagnostics (check)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import ConfigError
from importspy_action.gates.lint_findings import (
    iter_json,
    parse_concise,
    parse_json,
    rule_code,
    to_finding,
)

paths = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\n\r"),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: s.strip() + ".py")
    .filter(lambda s: s != ".py")
)


@given(paths, st.integers(1, 10**6), st.integers(1, 10**4), st.text(min_size=1, max_size=60))
def test_concise_lines_round_trip(path: str, row: int, column: int, message: str) -> None:
    message = " ".join(message.split()) or "x"
    text = f"{path}:{row}:{column}: unformatted: {message}\n1 file would be reformatted\n"
    [found] = parse_concise(text, command="ruff format", expect_some=True)
    assert (found["location"]["row"], found["location"]["column"]) == (row, column)
    assert found["code"] == "unformatted"
    # a path that itself contains ':<n>:<n>: ' could be split early; anything else is exact
    if ":" not in path:
        assert found["filename"] == path and found["message"] == message


def test_concise_summary_only_with_failure_is_an_error() -> None:
    assert parse_concise("2 files already formatted\n", command="c", expect_some=False) == []
    with pytest.raises(ConfigError, match=r"not understood: Would reformat: a\.py"):
        parse_concise("Would reformat: a.py\n", command="ruff format", expect_some=True)


def test_json_errors_quote_ruff() -> None:
    with pytest.raises(ConfigError, match="did not print JSON diagnostics: oops"):
        parse_json("oops", command="ruff check")
    with pytest.raises(ConfigError, match="not a list of diagnostics"):
        parse_json('{"a": 1}', command="ruff check")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


def _outcome(read: Any) -> Any:
    try:
        return list(read())
    except ConfigError as exc:
        return str(exc)


@given(json_values, st.sampled_from([None, 2]), st.sampled_from(["", " ", "\n", "x", ",]"]))
def test_diagnostics_decoded_one_at_a_time_match_the_whole_text(
    value: Any, indent: int | None, tail: str
) -> None:
    """Arrays of objects (ruff's output), other JSON and broken text: the same diagnostics
    or the same error as decoding the whole text at once."""
    for text in (json.dumps(value, indent=indent) + tail, json.dumps([value], indent=indent)):
        whole = _outcome(lambda text=text: parse_json(text, command="ruff check"))
        assert _outcome(lambda text=text: iter_json(text, command="ruff check")) == whole


@given(st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5)), max_size=6))
def test_arrays_of_objects_stream(items: list[dict[str, str]]) -> None:
    text = " \n" + json.dumps(items, indent=2) + "\n"
    assert list(iter_json(text, command="ruff check")) == items


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("F401", "unused-import", "F401"),
        ("invalid-syntax", "invalid-syntax", "RUFF-SYNTAX"),
        ("unformatted", "unformatted", "RUFF-FORMAT"),
        (None, "io-error", "RUFF-IO-ERROR"),
        (None, None, "RUFF"),
    ],
)
def test_rule_codes_are_addressable_in_ignore_and_severity(
    code: str | None, name: str | None, expected: str
) -> None:
    assert rule_code({"code": code, "name": name}) == expected


def test_a_minimal_diagnostic_still_has_a_location() -> None:
    finding = to_finding({"code": "E999", "filename": "/ws/a.py"}, lambda n: n.rsplit("/", 1)[1])
    assert (finding.path, finding.start_line, finding.start_column) == ("a.py", 1, None)
    notebook = to_finding(
        {"code": "F401", "filename": "nb.ipynb", "cell": 3, "message": "m"}, lambda n: n
    )
    assert notebook.message == "m (notebook cell 3)"
