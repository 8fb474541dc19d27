"""Finding: ordering, valid lines, dedupe and severity spellings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.model import Finding, Severity, dedupe

text = st.text(min_size=1, max_size=40)
findings = st.builds(
    Finding,
    gate=st.sampled_from(["contracts", "coverage", "lint"]),
    code=st.from_regex(r"[A-Z]{1,4}-?[0-9]{1,4}", fullmatch=True),
    severity=st.sampled_from(list(Severity)),
    path=st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8}){0,3}\.py", fullmatch=True),
    start_line=st.integers(min_value=-5, max_value=10**6),
    title=text,
    message=text,
    end_line=st.none() | st.integers(min_value=-5, max_value=10**6),
    start_column=st.none() | st.integers(min_value=1, max_value=500),
    end_column=st.none() | st.integers(min_value=1, max_value=500),
    expected=st.none() | text,
    observed=st.none() | text,
    help=st.none() | text,
    url=st.none() | st.just("https://example.invalid/rule"),
    context=st.none() | text,
)


@given(findings)
def test_lines_are_always_valid(finding: Finding):
    assert finding.start_line >= 1
    assert finding.last_line >= finding.start_line


@given(st.lists(findings, max_size=30))
def test_dedupe_is_worst_first_and_unique(items: list[Finding]):
    result = dedupe(items + items)
    assert len({f.identity for f in result}) == len(result)
    assert [f.severity.rank for f in result] == sorted(f.severity.rank for f in result)
    assert {f.identity for f in result} == {f.identity for f in items}


def test_dedupe_keeps_the_most_severe_copy():
    base = Finding("lint", "E1", Severity.NOTICE, "a.py", 3, "t", "m")
    worse = base.with_severity(Severity.ERROR)
    assert dedupe([base, worse]) == [worse]


def test_severity_parse_accepts_github_and_sarif_spellings():
    assert Severity.parse("note") is Severity.NOTICE
    assert Severity.parse("FAILURE") is Severity.ERROR
    assert Severity.parse(" warning ") is Severity.WARNING
    with pytest.raises(ValueError):
        Severity.parse("fatal")
