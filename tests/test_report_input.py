"""report_input.read_report: a hostile JSON report is either schema-valid data or exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from importspy_action import caps, report_reader
from importspy_action.errors import EXIT_CONFIG, ConfigError
from importspy_action.github.context import GitHubContext
from importspy_action.merge import merge
from importspy_action.model import Severity
from importspy_action.report_input import (
    first_error,
    flat_object_check,
    read_report,
    schema,
    shape,
)
from importspy_action.verdict import Rules
from tests.helpers import builders

MAX = 64 * 1024 * 1024


def _report(**extra: Any) -> dict[str, Any]:
    findings = [
        builders.finding(1, url="https://github.example/octo/demo/blob/x", help="h"),
        builders.finding(2, Severity.WARNING, start_column=3, end_column=9),
    ]
    data = builders.report(findings).to_json()
    data.update(extra)
    return data


def _write(tmp_path: Path, data: Any, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _refused(path: Path, *, max_bytes: int = MAX) -> str:
    with pytest.raises(ConfigError) as raised:
        read_report(path, max_bytes=max_bytes)
    assert raised.value.exit_code == EXIT_CONFIG
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    return message


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(schema())


def test_a_report_the_tool_writes_reads_back_unchanged(tmp_path: Path) -> None:
    data = _report()
    assert read_report(_write(tmp_path, data), max_bytes=MAX) == data
    read = report_reader.read_report(data)  # and back into data, the same findings
    assert [f.to_json() for g in read.gates for f in g.outcome.findings] == [
        f for g in data["gates"] for f in g["findings"]
    ]


def test_a_merged_report_matches_the_schema_too(tmp_path: Path) -> None:
    a = _write(tmp_path, builders.report([builders.finding(1)]).to_json(), "a.json")
    b = _write(tmp_path, builders.report([], fail_on="never").to_json(), "b.json")
    merged = merge([a, b], GitHubContext(), Rules()).to_json()
    assert merged["fail_on"] == "error"
    assert read_report(_write(tmp_path, merged, "m.json"), max_bytes=MAX) == merged


def test_the_size_cap_counts_bytes_read_not_a_stat(tmp_path: Path) -> None:
    path = _write(tmp_path, _report())
    size = path.stat().st_size
    assert read_report(path, max_bytes=size)["schema_version"] == 1
    message = _refused(path, max_bytes=size - 1)
    assert f"limit of {size - 1:,} bytes" in message


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "r.json"
    os.mkfifo(fifo)
    assert "not a regular file" in _refused(fifo)


def test_a_missing_file_or_empty_file_is_exit_2(tmp_path: Path) -> None:
    assert "cannot be opened" in _refused(tmp_path / "absent.json")
    (tmp_path / "empty.json").write_bytes(b" \n")
    assert "empty" in _refused(tmp_path / "empty.json")


def test_non_utf8_is_refused_with_the_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(b'{"schema_version": 1, "x": "\xff"}')
    assert "not UTF-8 (byte 28" in _refused(path)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_are_refused(tmp_path: Path, literal: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_report()).replace('"exit_code": 1', f'"exit_code": {literal}'))
    assert "not usable JSON" in _refused(path)


def test_an_integer_of_thousands_of_digits_is_exit_2_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"exit_code": ' + "9" * 5000 + "}")
    assert "not usable JSON" in _refused(path)


def test_duplicate_keys_are_refused_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_report())[:-1] + ', "exit_code": 0}')
    assert "duplicate key 'exit_code'" in _refused(path)


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_100000_deep_nesting_is_a_clear_exit_2(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    path = tmp_path / "deep.json"
    path.write_text(opening * 100_000 + "1" + closing * 100_000)
    message = _refused(path)
    assert "JSON nesting depth is 100,001 levels" in message or "100,000 levels" in message
    assert f"limit of {caps.JSON_DEPTH.limit} levels" in message


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    finding = builders.finding(1, message='[[[[{{{{ "\\" ' * 50)
    data = builders.report([finding]).to_json()
    assert read_report(_write(tmp_path, data), max_bytes=MAX) == data


def test_millions_of_tiny_values_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("[" + ",".join(["[]"] * (caps.JSON_VALUES.limit + 1)) + "]")
    assert "number of JSON values" in _refused(path)


def test_a_lone_surrogate_is_refused_but_an_escaped_emoji_is_text(tmp_path: Path) -> None:
    data = _report()
    data["gates"][0]["findings"][0]["message"] = "snake \U0001f40d"
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(data, ensure_ascii=True))
    assert "\\ud83d\\udc0d" in path.read_text()
    assert read_report(path, max_bytes=MAX) == data
    path.write_text(path.read_text().replace("\\udc0d", "!"))
    message = _refused(path)
    assert "$.gates[0].findings[0].message" in message and "surrogate" in message


@pytest.mark.parametrize(
    ("change", "where", "why"),
    [
        ({"exit_code": 256}, "at $.exit_code", "above the maximum 3"),
        ({"schema_version": 2}, "at $.schema_version", "must be 1"),
        ({"result": "passed; rm -rf"}, "at $.result", "must be one of passed, failed"),
        ({"evil": 1}, "at $ ", "Additional properties are not allowed"),
        ({"fail_on": "sometimes"}, "at $.fail_on", "does not match"),
    ],
)
def test_schema_problems_name_the_json_path(
    tmp_path: Path, change: dict[str, Any], where: str, why: str
) -> None:
    message = _refused(_write(tmp_path, _report(**change)))
    assert where in message and why in message


def test_a_bad_finding_deep_in_a_list_is_named_by_its_index(tmp_path: Path) -> None:
    data = _report()
    findings = data["gates"][0]["findings"]
    findings.extend(dict(findings[0], start_line=n) for n in range(3, 50))
    findings[40]["start_line"] = 0
    message = _refused(_write(tmp_path, data))
    assert "at $.gates[0].findings[40].start_line is below the minimum 1" in message


def test_the_message_quotes_the_schema_not_the_hostile_value(tmp_path: Path) -> None:
    data = _report()
    data["gates"][0]["findings"][1]["message"] = "<img src=x>" * 10_000
    message = _refused(_write(tmp_path, data))
    assert "at $.gates[0].findings[1].message is longer than 65,536 characters" in message
    assert "<img" not in message


def test_too_many_findings_in_one_gate_is_exit_2(tmp_path: Path) -> None:
    data = _report()
    one = data["gates"][0]["findings"][0]
    data["gates"][0]["findings"] = [one] * (caps.FINDINGS_PER_GATE.limit + 1)
    assert first_error(data) == (
        f"at $.gates[0].findings has more than {caps.FINDINGS_PER_GATE.limit:,} items"
    )


def test_the_findings_maxitems_in_the_schema_is_the_cap() -> None:
    gate = schema()["$defs"]["gate"]["properties"]
    assert gate["findings"]["maxItems"] == caps.FINDINGS_PER_GATE.limit
    line = schema()["$defs"]["finding"]["properties"]["start_line"]
    assert line["maximum"] == caps.LINE_NUMBER.limit


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=10**7 + 2),
    st.sampled_from([1.0, 2.5, -1.0, 1e7]),
    st.text(max_size=3),
    st.sampled_from(["contracts", "Lint", "a" * 33, "error", "warning", "x" * 1025, ""]),
)
_FINDING_KEYS = list(schema()["$defs"]["finding"]["properties"])


@st.composite
def _finding_like(draw: st.DrawFn) -> Any:
    base = builders.finding(1).to_json()
    for key in draw(st.lists(st.sampled_from([*_FINDING_KEYS, "extra"]), max_size=3)):
        if draw(st.booleans()):
            base.pop(key, None)
        else:
            base[key] = draw(_SCALARS)
    return base if draw(st.integers(0, 20)) else draw(_SCALARS)


@settings(max_examples=500, deadline=None)
@given(_finding_like())
def test_the_fast_finding_check_agrees_with_jsonschema(value: Any) -> None:
    authority = Draft202012Validator({"$defs": schema()["$defs"], "$ref": "#/$defs/finding"})
    assert flat_object_check(schema(), "finding")(value) == authority.is_valid(value)


def test_the_fast_check_refuses_a_definition_it_cannot_honour() -> None:
    with pytest.raises(ValueError, match="unsupported keywords"):
        flat_object_check(schema(), "job")


_JSON = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}",\\ab') | st.booleans(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _values(value: Any) -> int:
    if isinstance(value, list):
        return 1 + sum(map(_values, value))
    if isinstance(value, dict):
        return 1 + sum(map(_values, value.values())) + len(value)
    return 1


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_shape_measures_depth_exactly_and_bounds_the_values(value: Any) -> None:
    raw = json.dumps(value).encode()
    depth, values = shape(raw)
    assert depth == _depth(value)
    assert values >= _values(value) / 2  # keys and values, counted by their separators
