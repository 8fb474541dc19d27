"""Percentages, thresholds, range coalescing and path mapping: exact, for any input."""

from __future__ import annotations

import posixpath
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.diff import ChangedLines
from importspy_action.gates.coverage import MergedCoverage, judge
from importspy_action.gates.coverage_paths import PathMapper
from importspy_action.gates.coverage_report import FileCoverage
from importspy_action.gates.line_ranges import (
    below,
    coalesce,
    describe_ranges,
    floor_percent,
    format_percent,
)
from importspy_action.model import Severity
from importspy_action.settings import build_settings
from tests.helpers.builders import judged

counts = st.integers(min_value=1, max_value=10**7).flatmap(
    lambda total: st.tuples(st.integers(min_value=0, max_value=total), st.just(total))
)
two_decimal_thresholds = st.integers(min_value=0, max_value=10_000).map(lambda n: n / 100)


@given(counts, two_decimal_thresholds)
def test_a_failure_is_never_displayed_as_a_pass(pair: tuple[int, int], threshold: float) -> None:
    covered, total = pair
    shown = floor_percent(covered, total)
    exact = Fraction(covered * 100, total)
    decimal = Fraction(repr(shown))  # what users read
    assert decimal <= exact < decimal + Fraction(1, 100)
    if below(covered, total, threshold):
        assert shown < threshold
    else:
        assert shown >= threshold


def test_the_classic_cases() -> None:
    assert format_percent(1999, 2500) == "79.96%" and below(1999, 2500, 80)
    assert format_percent(19999, 25000) == "79.99%" and below(19999, 25000, 80)  # 79.996
    assert not below(799, 1000, 79.9)  # exactly 79.9 meets 79.9 (no float artefacts)
    assert below(7989, 10000, 79.9)
    assert floor_percent(0, 0) == 100.0 and not below(0, 0, 100)
    assert format_percent(7, 8) == "87.50%"


@st.composite
def file_lines(draw: st.DrawFn) -> tuple[list[int], set[int]]:
    statements = sorted(draw(st.sets(st.integers(min_value=1, max_value=300), max_size=120)))
    chosen = (
        draw(st.sets(st.sampled_from(statements), max_size=len(statements)))
        if statements
        else set()
    )
    noise = draw(st.sets(st.integers(min_value=1, max_value=300), max_size=20))
    return statements, chosen | (noise - set(statements))


@given(file_lines())
def test_coalesced_ranges_are_exact_and_maximal(data: tuple[list[int], set[int]]) -> None:
    statements, lines = data
    uncovered = lines & set(statements)
    ranges = coalesce(lines, statements)
    # every uncovered statement is in exactly one range; no other statement is in any range
    inside = {s for s in statements for a, b in ranges if a <= s <= b}
    assert inside == uncovered
    assert all(a in uncovered and b in uncovered for a, b in ranges)
    assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(ranges))
    # maximal: between two neighbouring ranges lies at least one statement not uncovered
    for (_, b1), (a2, _) in pairwise(ranges):
        assert any(b1 < s < a2 for s in statements)


def test_ranges_join_across_comments_not_across_code() -> None:
    statements = [1, 2, 5, 6, 7, 10]
    assert coalesce({2, 5, 6}, statements) == [(2, 6)]
    assert coalesce({2, 6}, statements) == [(2, 2), (6, 6)]
    assert describe_ranges([(1, 1), (3, 5)]) == "1, 3-5"
    assert describe_ranges([(n, n) for n in range(1, 30, 2)], limit=2) == "1, 3, … 13 more"


segment = st.text(alphabet="abcxyz_-.0189", min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
)
relative_paths = st.lists(segment, min_size=1, max_size=5).map("/".join)


@settings(max_examples=200)
@given(relative_paths, st.sampled_from(["", "sub", "sub/dir"]))
def test_absolute_and_relative_names_map_to_the_same_repo_path(rel: str, base: str) -> None:
    root = Path("/ws/repo")
    mapper = PathMapper(root, root / base if base else root)
    expected = posixpath.join(base, rel) if base else rel
    assert mapper.candidates(rel, ()) == [expected]
    assert mapper.candidates(f"/ws/repo/{expected}", ()) == [expected]
    assert mapper.candidates(f"/elsewhere/app/{rel}", ()) == []
    for prefix in ("/elsewhere/app/", "/elsewhere/app"):
        prefixed = PathMapper(root, root / base if base else root, prefix)
        found = prefixed.candidates(f"/elsewhere/app/{rel}", ())
        assert found[0] == expected  # relative to the working directory first ...
        assert found[-1] == posixpath.normpath(rel)  # ... then to the repository root
        assert prefixed.candidates(f"/elsewhere/app2/{rel}", ()) == []  # whole components only


@given(st.lists(st.sampled_from(["..", ".", "a", "b", "/"]), min_size=1, max_size=8))
def test_no_name_ever_maps_outside_the_repository(parts: list[str]) -> None:
    name = "/".join(parts)
    mapper = PathMapper(Path("/ws/repo"), Path("/ws/repo/sub"))
    for candidate in mapper.candidates(name, ("/ws/repo/sub", "../..", "/")):
        assert not candidate.startswith(("/", "../")) and candidate not in ("..", ".", "")


def test_prefix_of_another_jobs_workspace_with_a_working_directory() -> None:
    """ci.yml passes the build job's github.workspace (no trailing slash) as the prefix."""
    mapper = PathMapper(Path("/ws/repo"), Path("/ws/repo/svc"), "/home/runner/work/r/r")
    source = "/home/runner/work/r/r/svc/src"
    assert mapper.candidates("pkg/m.py", (source,)) == [
        "svc/svc/src/pkg/m.py",
        "svc/src/pkg/m.py",
        "svc/pkg/m.py",
    ]


def test_sources_are_tried_in_order_and_windows_names_work() -> None:
    mapper = PathMapper(Path("/ws/repo"), Path("/ws/repo"), "C:/work/")
    assert mapper.candidates("pkg/m.py", ("/ws/repo/src", "/ws/repo/lib")) == [
        "src/pkg/m.py",
        "lib/pkg/m.py",
        "pkg/m.py",
    ]
    assert mapper.candidates("C:\\work\\pkg\\m.py", ()) == ["pkg/m.py"]


def _merged(covered: int, total: int) -> MergedCoverage:
    data = FileCoverage("m.py", set(range(1, total + 1)), set(range(1, covered + 1)))
    return MergedCoverage(["coverage.xml"], {"m.py": data}, {}, {}, False)


def test_judging_79_96_against_80_fails_and_says_79_96(tmp_path: Path) -> None:
    settings = build_settings(
        {"coverage-threshold": "80", "diff-coverage-threshold": "80"}, tmp_path
    )
    changes = ChangedLines(files={"m.py": frozenset(range(1, 2501))})
    result = judged(judge(_merged(1999, 2500), settings, changes), "coverage", settings)
    by_code = {f.code: f for f in result.findings}
    assert "79.96% (1999 of 2500 lines) is below the threshold 80%" in by_code["COV-TOTAL"].message
    assert by_code["COV-DIFF"].observed == "79.96%"
    assert by_code["COV-UNCOVERED"].severity is Severity.ERROR
    assert (by_code["COV-UNCOVERED"].start_line, by_code["COV-UNCOVERED"].end_line) == (2000, 2500)
    assert result.metrics["total_percent"] == 79.96 and result.exit_code == 1
    passing = judged(judge(_merged(2000, 2500), settings, changes), "coverage", settings)
    assert passing.exit_code == 0 and passing.metrics["total_percent"] == 80.0
