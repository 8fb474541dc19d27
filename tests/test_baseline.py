"""Baseline classification: new / existing / fixed, surviving moved lines and renames."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.baseline import Classified, Located, classify, load_report
from importspy_action.errors import ConfigError
from importspy_action.fingerprint import fingerprint_all
from importspy_action.model import Finding, GateResult, GateStatus, Report, Severity


class MemorySource:
    """A LineSource over in-memory files (the property tests build thousands of versions)."""

    def __init__(self, files: dict[str, list[str]]) -> None:
        self.files = files

    def lines(self, path: str) -> Sequence[str] | None:
        found = self.files.get(path)
        return None if found is None else tuple(found)


def _finding(path: str, line: int, code: str = "E1") -> Finding:
    return Finding("lint", code, Severity.ERROR, path, line, f"{code} title", f"at {line}")


def _located(findings: list[Finding], files: dict[str, list[str]]) -> list[Located]:
    prints = fingerprint_all(findings, MemorySource(files))
    return [Located(f, p) for f, p in zip(findings, prints, strict=True)]


def _lines_of(items: Sequence[Located]) -> list[int]:
    return sorted(item.finding.start_line for item in items)


def test_moved_new_and_fixed():
    base_file = ["import os", "bad_one()", "ok()", "bad_two()", ""]
    base = _located([_finding("a.py", 2), _finding("a.py", 4)], {"a.py": base_file})
    head_file = ["# header", "", "import os", "bad_one()", "ok()", "bad_three()", ""]
    head = _located([_finding("a.py", 4), _finding("a.py", 6)], {"a.py": head_file})
    result = classify(head, base)
    assert _lines_of(result.existing) == [4]
    assert _lines_of(result.new) == [6]
    assert _lines_of(result.fixed) == [4]  # base line 4: bad_two()
    assert result.fixed[0].finding.path == "a.py"
    assert result.counts() == {"new": 1, "existing": 1, "fixed": 1}
    assert result.state_of(head[0].finding) == "unchanged"
    assert result.state_of(head[1].finding) == "new"


def test_renamed_file_keeps_its_findings():
    base = _located([_finding("old.py", 1)], {"old.py": ["bad()", ""]})
    head = _located([_finding("new.py", 1)], {"new.py": ["bad()", ""]})
    assert _lines_of(classify(head, base).new) == [1]
    followed = classify(head, base, {"old.py": "new.py"})
    assert len(followed.existing) == 1 and not followed.fixed


def test_same_text_in_another_gate_code_or_file_is_new():
    files = {"a.py": ["bad()"], "b.py": ["bad()"]}
    base = _located([_finding("a.py", 1, "E1")], files)
    head = _located([_finding("a.py", 1, "E2"), _finding("b.py", 1, "E1")], files)
    result = classify(head, base)
    assert len(result.new) == 2 and len(result.fixed) == 1


def test_multiset_duplicated_line_makes_one_new():
    base = _located([_finding("a.py", 2)], {"a.py": ["x", "bad()", "y"]})
    head_file = ["x", "bad()", "y", "bad()", "y"]
    head = _located([_finding("a.py", 2), _finding("a.py", 4)], {"a.py": head_file})
    result = classify(head, base)
    assert len(result.existing) == 1 and len(result.new) == 1 and not result.fixed


def test_neighbour_changed_is_still_existing():
    base = _located([_finding("a.py", 2)], {"a.py": ["x", "bad()", "y"]})
    head = _located([_finding("a.py", 3)], {"a.py": ["x", "inserted()", "bad()", "y"]})
    assert len(classify(head, base).existing) == 1


def _report_with(findings: list[Finding]) -> Report:
    gate = GateResult("lint", GateStatus.FAILED, tuple(findings), exit_code=1)
    return Report("0.1.0", "0.5.0", (gate,), "error", 1)


def test_load_report_reads_our_json(tmp_path: Path):
    path = tmp_path / "base.json"
    path.write_text(json.dumps(_report_with([_finding("a.py", 3)]).to_json()))
    report = load_report(path, "base.json")
    assert [f.start_line for f in report.findings] == [3]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 99, "gates": []}', "required property"),
        ("[" * 100_000, "nesting depth"),
    ],
)
def test_load_report_refuses_bad_documents(tmp_path: Path, content: str, says: str):
    path = tmp_path / "base.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=says) as info:
        load_report(path, "base.json")
    assert "`baseline-report`" in str(info.value)


# -- properties --------------------------------------------------------------------------

_text = st.text(alphabet="abxy()= _#", min_size=0, max_size=8)
_file = st.lists(_text, min_size=1, max_size=25)


@st.composite
def _file_and_findings(draw: st.DrawFn) -> tuple[list[str], list[Finding]]:
    lines = draw(_file)
    numbers = draw(st.lists(st.integers(1, len(lines) + 2), max_size=12))
    codes = draw(st.lists(st.sampled_from(["E1", "E2"]), min_size=len(numbers)))
    return lines, [_finding("a.py", n, c) for n, c in zip(numbers, codes, strict=False)]


def _is_partition(result: Classified, head: list[Located], base: list[Located]) -> bool:
    head_ids = sorted(map(id, head))
    split = sorted(map(id, [*result.new, *result.existing]))
    fixed = sorted(map(id, result.fixed))
    matched_base = len(base) - len(result.fixed)
    return (
        head_ids == split
        and set(fixed) <= set(map(id, base))
        and len(set(fixed)) == len(fixed)
        and matched_base == len(result.existing)
    )


@given(_file_and_findings(), st.lists(_text, max_size=6), st.booleans())
def test_inserting_lines_above_never_makes_existing_new(
    case: tuple[list[str], list[Finding]], inserted: list[str], blank: bool
):
    lines, findings = case
    added = [""] * len(inserted) if blank else inserted
    base = _located(findings, {"a.py": lines})
    shift = len(added)
    moved = [
        Finding(f.gate, f.code, f.severity, f.path, f.start_line + shift, f.title, f.message)
        for f in findings
    ]
    head = _located(moved, {"a.py": added + lines})
    result = classify(head, base)
    assert not result.new and not result.fixed
    assert _is_partition(result, head, base)


@given(_file_and_findings(), st.data())
def test_changed_line_text_becomes_new(case: tuple[list[str], list[Finding]], data: st.DataObject):
    lines, findings = case
    in_file = [f for f in findings if f.start_line <= len(lines)]
    if not in_file:
        return
    target = data.draw(st.sampled_from(in_file))
    changed = list(lines)
    changed[target.start_line - 1] = lines[target.start_line - 1] + " CHANGED"
    base = _located(findings, {"a.py": lines})
    head = _located([target], {"a.py": changed})
    result = classify(head, base)
    assert [item.finding for item in result.new] == [target]
    assert _is_partition(result, head, base)


@given(_file_and_findings(), _file_and_findings(), st.booleans())
def test_classification_is_a_partition(
    one: tuple[list[str], list[Finding]], two: tuple[list[str], list[Finding]], rename: bool
):
    base = _located(one[1], {"a.py": one[0]})
    head = _located(two[1], {"a.py": two[0]})
    result = classify(head, base, {"a.py": "b.py"} if rename else None)
    assert _is_partition(result, head, base)
    if rename:  # every base path moved away: nothing can match
        assert len(result.new) == len(head) and len(result.fixed) == len(base)
