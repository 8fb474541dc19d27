"""Coverage delta and ratchet: exact comparisons, real coverage.py reports, untrusted metrics."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.coverage_delta import (
    CODE_DROP,
    CoverageDelta,
    Totals,
    compare,
    drop_exceeds,
    format_delta,
    format_percent,
    max_drop_finding,
    totals_from_files,
    totals_from_metrics,
)
from importspy_action.errors import ConfigError
from importspy_action.gates.coverage_paths import PathMapper
from tests.helpers.gate_projects import BASE_CALC, DRIVER, calc_project, measure, write


def test_formatting_truncates_toward_zero():
    assert format_percent(Fraction(7999, 100)) == "79.99"
    assert format_percent(Fraction(79996, 1000)) == "79.99"
    assert format_percent(Fraction(100)) == "100.00"
    assert format_delta(Fraction(1, 1000)) == "+0.00"
    assert format_delta(Fraction(-1, 1000)) == "-0.00"
    assert format_delta(Fraction(-5, 2)) == "-2.50"
    assert format_delta(Fraction(0)) == "+0.00"


def test_drop_of_exactly_the_limit_passes():
    delta = compare(Totals(800, 1000), Totals(795, 1000))  # 80.0 -> 79.5
    assert delta.delta == Fraction(-1, 2)
    assert not drop_exceeds(delta, 0.5)
    assert drop_exceeds(delta, 0.49)
    assert max_drop_finding(delta, 0.5, "coverage.xml") is None
    finding = max_drop_finding(delta, 0.4, "coverage.xml")
    assert finding is not None and finding.code == CODE_DROP and finding.path == "coverage.xml"
    assert "80.00% to 79.50% (-0.50 points)" in finding.message
    assert delta.outputs() == {"base-coverage": "80.00", "coverage-delta": "-0.50"}


def test_a_rise_never_fails_and_no_statements_is_full():
    assert not drop_exceeds(compare(Totals(1, 3), Totals(2, 3)), 0)
    assert compare(Totals(0, 0), Totals(0, 0)).delta == 0


_counts = st.integers(1, 10**6).flatmap(
    lambda total: st.tuples(st.integers(0, total), st.just(total))
)


@given(_counts, _counts, st.decimals(0, 100, places=2))
def test_ratchet_is_exact(base: tuple[int, int], head: tuple[int, int], limit: Decimal):
    delta = compare(Totals(*base), Totals(*head))
    fell = Fraction(base[0] * 100, base[1]) - Fraction(head[0] * 100, head[1])
    assert drop_exceeds(delta, float(limit)) == (fell > Fraction(limit))


def test_per_file_deltas_only_for_changed_files_either_side_knows():
    base = Totals(3, 4, {"a.py": (1, 2), "b.py": (2, 2)})
    head = Totals(4, 6, {"a.py": (2, 2), "c.py": (1, 3), "b.py": (1, 2)})
    delta = compare(base, head, ["c.py", "a.py", "gone.py", "a.py"])
    assert [(f.path, f.base, f.head, f.delta) for f in delta.files] == [
        ("a.py", Fraction(50), Fraction(100), Fraction(50)),
        ("c.py", None, Fraction(100, 3), None),
    ]


def test_totals_from_metrics_reads_our_report_and_ignores_junk():
    metrics = {
        "total_covered": 8,
        "total_statements": 10,
        "worst_files": [
            {"path": "a.py", "covered": 1, "statements": 4},
            {"path": "b.py", "covered": 9, "statements": 4},  # impossible: ignored
            {"path": 3, "covered": 1, "statements": 1},
            "junk",
        ],
    }
    totals = totals_from_metrics(metrics)
    assert totals == Totals(8, 10, {"a.py": (1, 4)})
    full = totals_from_metrics(
        {
            "total_covered": 1,
            "total_statements": 2,
            "per_file": {"x.py": {"covered": 1, "statements": 2}},
        }
    )
    assert full is not None and full.files == {"x.py": (1, 2)}
    for covered in (True, 3, -1, "1", None):
        assert totals_from_metrics({"total_covered": covered, "total_statements": 2}) is None


def test_delta_between_two_real_reports_equals_the_difference_of_totals(tmp_path: Path):
    head_root, base_root = tmp_path / "head", tmp_path / "base"
    calc_project(head_root)
    measure(head_root)
    shutil.copytree(head_root, base_root)
    base_driver = DRIVER.replace("add, clamp, sign", "add, sign").replace("assert clamp", "# ")
    write(base_root, {"src/pkg/calc.py": BASE_CALC, "driver.py": base_driver})
    measure(base_root)
    mapper = PathMapper(head_root, head_root)
    totals = {}
    for name, root in (("head", head_root), ("base", base_root)):
        for fmt in ("xml", "json"):
            report = root / f"coverage.{fmt}"
            totals[name, fmt] = totals_from_files([report], [report.name], mapper)
    assert totals["head", "xml"] == totals["head", "json"]
    delta = compare(totals["base", "json"], totals["head", "xml"], ["src/pkg/calc.py"])
    reported = {}  # line coverage as coverage.py's own JSON totals state it
    for name, root in (("head", head_root), ("base", base_root)):
        own = json.loads((root / "coverage.json").read_text())["totals"]
        reported[name] = 100 * own["covered_lines"] / own["num_statements"]
    assert abs(float(delta.delta) - (reported["head"] - reported["base"])) < 0.01
    assert delta.delta < 0  # the head added uncovered functions
    (calc,) = delta.files
    assert calc.path == "src/pkg/calc.py" and calc.delta is not None and calc.delta < 0


def test_unreadable_base_file_names_the_input(tmp_path: Path):
    bad = tmp_path / "base.xml"
    bad.write_text("<nope/>")
    with pytest.raises(ConfigError, match="`base-coverage-file`"):
        totals_from_files([bad], ["base.xml"], PathMapper(tmp_path, tmp_path))


def test_delta_property_is_difference():
    delta = CoverageDelta(Fraction(80), Fraction(81, 2) * 2)
    assert delta.delta == 1
