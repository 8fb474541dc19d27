"""Baseline mode's pieces in the run: the one verdict, the view, the check run, the JSON
report's fingerprints read back, the ratchet finding, and the base's settings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from importspy_action import view
from importspy_action.baseline import Located, report_fingerprints
from importspy_action.baseline_run import Base, compare, rerooted
from importspy_action.coverage_delta import CODE_DROP, Totals
from importspy_action.fingerprint import SourceLines, fingerprint
from importspy_action.gates.base import GateOutcome
from importspy_action.gates.coverage_metrics import CoverageMetrics, Measure
from importspy_action.github.check_payloads import plan
from importspy_action.model import Classification, Finding, GateResult, GateStatus, Report, Severity
from importspy_action.ranking import select
from importspy_action.reporters import json_report, outputs, summary
from importspy_action.verdict import Rules, judge
from importspy_action.workspace import Workspace
from tests.helpers.builders import settings


def lint(line: int, code: str = "F401", severity: Severity = Severity.ERROR) -> Finding:
    return Finding("lint", code, severity, "src/app.py", line, f"{code} rule", f"{code} at {line}")


OLD, NEW = lint(3), lint(9, "F841")


def test_only_new_counts_new_findings_only():
    existing = frozenset({OLD.identity})
    outcome = GateOutcome(findings=(OLD,))
    assert judge("lint", outcome, Rules(existing=existing)).status is GateStatus.FAILED
    quiet = judge("lint", outcome, Rules(only_new=True, existing=existing))
    assert quiet.status is GateStatus.PASSED and quiet.findings == (OLD,)  # listed, not counted
    both = judge("lint", GateOutcome(findings=(OLD, NEW)), Rules(only_new=True, existing=existing))
    assert both.status is GateStatus.FAILED and both.exit_code == 1


def test_severity_overrides_keep_the_classification():
    rules = Rules(
        only_new=True, existing=frozenset({OLD.identity}), severity={"F841": Severity.NOTICE}
    )
    result = judge("lint", GateOutcome(findings=(OLD, NEW)), rules)
    assert result.status is GateStatus.PASSED  # the new one is a notice now; the old one is old


@given(st.lists(st.integers(1, 200), unique=True, max_size=12), st.data())
def test_only_new_fails_exactly_when_a_counted_error_is_new(lines: list[int], data: Any):
    findings = [lint(line) for line in lines]
    old = data.draw(st.sets(st.sampled_from(findings))) if findings else set()
    rules = Rules(only_new=True, existing=frozenset(f.identity for f in old))
    result = judge("lint", GateOutcome(findings=tuple(findings)), rules)
    assert (result.status is GateStatus.FAILED) == (len(old) < len(findings))


def baseline_report(fixed: tuple[Finding, ...] = (lint(5, "E711"),)) -> Report:
    gate = GateResult("lint", GateStatus.FAILED, (NEW, OLD), exit_code=1)
    classification = Classification("merge base abc", frozenset({OLD.identity}), fixed, True)
    return Report("0.1.0", "0.5.0", (gate,), "error", 1, baseline=classification)


def test_view_lists_new_first_and_annotates_new_only():
    shown = view.build(baseline_report())
    assert shown.findings == (NEW, OLD) and shown.annotated == (NEW,)
    assert shown.baseline is not None and shown.baseline.phrase() == "1 new, 1 existing, 1 fixed"
    gate = shown.gates[0]
    assert (gate.findings, gate.existing, [f.code for f in gate.fixed]) == (
        (NEW,),
        (OLD,),
        ["E711"],
    )
    check = plan(
        shown, select(shown.annotated, mode="all", changes=None, limit=None), name="x", head_sha="s"
    )
    output = check.create["output"]
    assert [a["start_line"] for a in output.get("annotations", [])] == [9]
    assert "**1 new** · 1 existing · 1 fixed" in output["summary"]
    assert "**1 existing** findings" in output["text"] and "✅ 1 fixed" in output["text"]
    assert output["text"].index("src/app.py:9") < output["text"].index("existing")
    values = outputs.values(baseline_report(), {})
    assert (values["new-findings"], values["existing-findings"], values["fixed-findings"]) == (
        "1",
        "1",
        "1",
    )


def test_summary_folds_existing_findings_and_counts_fixed():
    text = summary.render(view.build(baseline_report()))
    assert text.index("F841 at 9") < text.index("<details><summary>1 existing finding")
    assert "✅ 1 fixed: `src/app.py:5` E711" in text
    assert "only new findings count toward the verdict" in text


def test_json_report_fingerprints_round_trip(tmp_path: Path):
    (tmp_path / "src").mkdir()
    lines = [f"line {n}" for n in range(1, 12)]
    (tmp_path / "src" / "app.py").write_text("\n".join(lines), encoding="utf-8")
    data = json.loads(
        json_report.render(baseline_report(), source=SourceLines(Workspace(tmp_path)))
    )
    items = data["gates"][0]["findings"]
    assert [item["baseline"] for item in items] == ["new", "existing"]
    prints = report_fingerprints(data)
    assert set(prints) == {NEW.identity, OLD.identity}
    assert prints[OLD.identity].context == items[1]["fingerprint"]["context"]


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=40),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=10), c),
        max_leaves=20,
    )
)
def test_hostile_fingerprints_are_ignored_not_fatal(junk: Any):
    item = {**lint(3).to_json(), "fingerprint": junk}
    prints = report_fingerprints({"gates": [{"findings": [item, junk]}, junk]})
    assert prints == {}  # no 32-hex digests in the junk: nothing is believed


def coverage_outcome(covered: int, statements: int) -> GateOutcome:
    metrics = CoverageMetrics(
        reports=("coverage.xml",),
        files=1,
        total=Measure(0.0, covered, statements),
        threshold=None,
        per_file_threshold=None,
        diff_threshold=None,
        per_file={"src/app.py": (covered, statements)},
    )
    return GateOutcome(metrics=metrics)


def test_the_ratchet_is_a_coverage_finding_and_always_new(tmp_path: Path):
    chosen = settings(tmp_path, **{"coverage-max-drop": "0.5", "base-coverage-file": "b.xml"})
    base = Base("b", (), frozenset({"coverage"}), Totals(80, 100, {"src/app.py": (80, 100)}))
    fell, _ = compare({"coverage": coverage_outcome(79, 100)}, base, chosen, None)
    assert [f.code for f in fell["coverage"].findings] == [CODE_DROP]
    held, _ = compare({"coverage": coverage_outcome(795, 1000)}, base, chosen, None)
    assert held["coverage"].findings == ()  # exactly 0.5 points: allowed
    metrics = held["coverage"].metrics
    assert metrics is not None and metrics.outputs()["coverage-delta"] == "-0.50"
    assert CoverageMetrics.from_json(metrics.to_json()).outputs() == metrics.outputs()
    # the base's own COV-DROP, identical to the head's, never makes the head's one existing
    drop = fell["coverage"].findings[0]
    print_ = fingerprint(drop, SourceLines(Workspace(tmp_path)))
    again = replace(base, findings=(Located(drop, print_),))
    _, classification = compare({"coverage": coverage_outcome(79, 100)}, again, chosen, None)
    assert classification is not None and classification.is_new(drop)
    assert classification.fixed == ()


def test_the_base_settings_judge_the_worktree_and_write_nothing(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    head = settings(
        tmp_path,
        **{"working-directory": "pkg", "lint": "true", "badge": "badges", "sarif": "x.sarif"},
    )
    tree = tmp_path / "elsewhere"
    base = rerooted(head, tree)
    assert base.workspace.root == tree.resolve() and base.working_directory == tree / "pkg"
    assert (base.json_report, base.sarif, base.badge, base.write_contracts) == (None,) * 4
    assert base.lint and not base.coverage_enabled and not base.baseline_enabled
