"""settings/parsers.py: each raw string -> one typed value, or a ValueError saying what fits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.model import Severity
from importspy_action.settings.parsers import (
    LineProblems,
    list_items,
    parse_bool,
    parse_check_name,
    parse_choice,
    parse_codes,
    parse_contracts,
    parse_count,
    parse_duration,
    parse_list,
    parse_percent,
    parse_severity_overrides,
    parse_size,
    parse_version,
)
from importspy_action.settings.values import ContractEntry

# --------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------


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
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "-1", "0", "1TB", "1.2.3MB"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


@given(st.integers(min_value=1, max_value=10**12))
def test_parse_size_plain_bytes(number: int) -> None:
    assert parse_size(str(number)) == number


@pytest.mark.parametrize(
    ("text", "seconds"), [("20", 20.0), ("1.5s", 1.5), ("500ms", 0.5), ("2m", 120.0)]
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "0", "-2s", "1h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_bool_is_githubs_core_schema() -> None:
    assert parse_bool("true") and parse_bool("TRUE") and parse_bool("True")
    assert not parse_bool("false") and not parse_bool("")
    for bad in ("yes", "1", "on"):
        with pytest.raises(ValueError):
            parse_bool(bad)


def test_parse_choice_is_exact_and_lists_the_choices() -> None:
    assert parse_choice("warning", ("error", "warning")) == "warning"
    with pytest.raises(ValueError, match="'Warning' is not allowed; use one of: error, warning"):
        parse_choice("Warning", ("error", "warning"))


def test_parse_count() -> None:
    assert parse_count("0") == 0
    assert parse_count("1000") == 1000
    for bad in ("-1", "1.5", "", "ten"):
        with pytest.raises(ValueError, match="whole number"):
            parse_count(bad)


@pytest.mark.parametrize(("text", "value"), [("", None), ("0", 0.0), ("80%", 80.0), ("92.5", 92.5)])
def test_parse_percent(text: str, value: float | None) -> None:
    assert parse_percent(text) == value


@pytest.mark.parametrize("text", ["101", "-1", "eighty", "nan%"])
def test_parse_percent_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="percentage between 0 and 100"):
        parse_percent(text)


def test_parse_check_name() -> None:
    assert parse_check_name("ImportSpy (3.12)") == "ImportSpy (3.12)"
    with pytest.raises(ValueError, match="must not be empty"):
        parse_check_name("")
    with pytest.raises(ValueError, match="at most 100"):
        parse_check_name("x" * 101)


@pytest.mark.parametrize("text", ["", "0.17.6", "1.2", "0.5.0rc1"])
def test_parse_version_accepts(text: str) -> None:
    assert parse_version(text) == text


@pytest.mark.parametrize("text", ["latest", "1", ">=0.5", "0.5; rm -rf /"])
def test_parse_version_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a version number"):
        parse_version(text)


# --------------------------------------------------------------------------------------
# The one list syntax
# --------------------------------------------------------------------------------------

# Every character str.splitlines() breaks a line at, plus the item separator and the comment.
LINE_BREAK_CHARS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
SEPARATOR_CHARS = LINE_BREAK_CHARS + ",#"

items = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=SEPARATOR_CHARS),
    min_size=1,
    max_size=12,
).map(str.strip)
comments = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=LINE_BREAK_CHARS),
    max_size=15,
).map(lambda text: "#" + text)
blanks = st.sampled_from(["", " ", "\t", "  "])
line_ends = st.builds(
    lambda comment, brk: comment + brk,
    st.one_of(st.just(""), comments),
    st.sampled_from(["\n", "\r\n", "\r", "\u2028"]),
)
# A separator holds at least one comma or line break; extra ones make blank items.
separators = st.lists(
    st.builds(lambda a, core, b: a + core + b, blanks, st.one_of(st.just(","), line_ends), blanks),
    min_size=1,
    max_size=3,
).map("".join)


@given(
    st.lists(items.filter(bool), max_size=8),
    st.data(),
)
def test_any_mix_of_separators_and_comments_parses_back_to_the_items(
    wanted: list[str], data: st.DataObject
) -> None:
    lead = data.draw(st.one_of(st.just(""), separators), label="lead")
    tail = data.draw(st.one_of(st.just(""), separators, comments), label="tail")
    text = lead
    for index, item in enumerate(wanted):
        if index:
            text += data.draw(separators, label=f"separator {index}")
        text += item
    text += tail
    assert parse_list(text) == tuple(wanted)


def test_list_items_carry_their_line_number() -> None:
    text = "a, b  # c, d\n\n  # only a comment\ne,,f#g\n"
    assert list_items(text) == [(1, "a"), (1, "b"), (4, "e"), (4, "f")]


def test_a_comment_starts_anywhere_and_runs_to_the_end_of_the_line() -> None:
    assert parse_list("E501#W291, F401\nB008") == ("E501", "B008")


def test_blank_and_comment_only_values_are_empty_lists() -> None:
    assert parse_list("") == ()
    assert parse_list(" , ,\n\t# nothing\n") == ()


def test_parse_codes() -> None:
    assert parse_codes("W291,ISPY-R102\n E501 ") == frozenset({"W291", "ISPY-R102", "E501"})
    with pytest.raises(ValueError, match=r"'not a code', 'e501': rule codes look like"):
        parse_codes("not a code, e501, F401")


def test_parse_severity_overrides() -> None:
    assert parse_severity_overrides("ISPY-S103=warning, E501=note\nISPY-D101 = error") == {
        "ISPY-S103": Severity.WARNING,
        "E501": Severity.NOTICE,
        "ISPY-D101": Severity.ERROR,
    }
    with pytest.raises(ValueError, match=r"'E501' is not CODE=level"):
        parse_severity_overrides("E501")
    with pytest.raises(ValueError, match=r"level 'fatal' is not one of error, warning, notice"):
        parse_severity_overrides("E501=fatal")


def test_parse_contracts_entries() -> None:
    text = "\n".join(
        [
            "src/plugins/*.py   # sidecars",
            "",
            "  src/core/api.py: contracts/api.yml",
            "pyproject",
            "# a comment line",
        ]
    )
    assert parse_contracts(text) == (
        (
            ContractEntry("src/plugins/*.py", None),
            ContractEntry("src/core/api.py", "contracts/api.yml"),
        ),
        True,
    )


def test_a_comma_separates_two_contracts_entries_even_on_one_line() -> None:
    entries, from_pyproject = parse_contracts("src/a.py: contracts/a.yml, src/b/*.py,pyproject")
    assert entries == (
        ContractEntry("src/a.py", "contracts/a.yml"),
        ContractEntry("src/b/*.py", None),
    )
    assert from_pyproject


def test_a_colon_without_whitespace_is_part_of_the_glob() -> None:
    assert parse_contracts("src/a.py:contracts/a.yml") == (
        (ContractEntry("src/a.py:contracts/a.yml", None),),
        False,
    )


def test_every_entry_without_a_contract_is_reported_with_its_line() -> None:
    with pytest.raises(LineProblems) as caught:
        parse_contracts("src/ok.py\nsrc/x.py:\n\nsrc/y.py: c.yml, src/z.py:")
    assert caught.value.problems == (
        (2, "'src/x.py:' names no contract after the colon"),
        (4, "'src/z.py:' names no contract after the colon"),
    )
