"""Reporters over a hand-made Report: summary cap, annotation cap, SARIF shape, outputs."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

from importspy_action import view
from importspy_action.console import Console
from importspy_action.gates.base import GateOutcome
from importspy_action.gates.coverage_metrics import CoverageMetrics, Measure
from importspy_action.model import Finding, GateResult, GateStatus, Report, Severity
from importspy_action.reporters import commands, outputs, sarif, summary, terminal
from importspy_action.reporters.markdown import cell
from importspy_action.safe_paths import WriteRoots
from importspy_action.verdict import Rules, judge
from importspy_action.writer import Writer
from tests.conftest import parse_file_command


def _finding(i: int, severity: Severity = Severity.ERROR, message: str = "broken") -> Finding:
    return Finding(
        "lint",
        f"E{i % 7}",
        severity,
        f"pkg/mod_{i}.py",
        i + 1,
        f"E{i % 7} rule",
        f"{message} {i}",
        start_column=2,
        end_column=5,
        help="fix it",
        url="https://docs.invalid/E",
    )


def _report(findings: list[Finding], *, exit_code: int = 1) -> Report:
    gate = GateResult(
        "lint",
        GateStatus.FAILED if findings else GateStatus.PASSED,
        tuple(findings),
        exit_code=exit_code,
    )
    extra = GateResult("coverage", GateStatus.SKIPPED, notes=("Off: set `coverage-file`.",))
    return Report("0.1.0", "0.5.0", (gate, extra), "error", exit_code)


def test_summary_lists_every_finding_worst_first():
    items = [
        _finding(1, Severity.NOTICE),
        _finding(2, Severity.ERROR),
        _finding(3, Severity.WARNING),
    ]
    text = summary.render(view.build(_report(items)))
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| 🔴") or line.startswith("| 🟠") or line.startswith("| 🔵")
    ]
    assert [row.split("|")[1].strip() for row in rows] == ["🔴 error", "🟠 warning", "🔵 notice"]
    assert "| lint | ❌ failed | 1 | 1 | 1 |" in text
    assert "### coverage: ➖ off" in text and cell("Off: set `coverage-file`.") in text


def test_summary_is_capped_below_one_mebibyte():
    items = [_finding(i, message="x" * 400) for i in range(10_000)]
    text = summary.render(view.build(_report(items)))
    assert len(text.encode()) < summary.MAX_SUMMARY_BYTES
    shown = sum(1 for line in text.splitlines() if line.startswith("| 🔴"))
    assert 0 < shown < 10_000
    assert f"**… {10_000 - shown} more findings not shown**" in text


def test_summary_cells_cannot_break_the_table():
    text = summary.render(view.build(_report([_finding(1, message="a | b\nc <script>")])))
    row = next(line for line in text.splitlines() if line.startswith("| 🔴"))
    assert row.count(" | ") == 3  # 4 cells: the pipe in the message is escaped
    assert "\\|" in row and "\\<script\\>" in row and "<script>" not in row


def test_annotations_capped_per_level_with_pointer_to_summary():
    items = [_finding(i) for i in range(15)] + [
        _finding(100 + i, Severity.WARNING) for i in range(3)
    ]
    out = io.StringIO()
    with redirect_stdout(out):
        left = commands.emit(_report(items).findings)
    lines = out.getvalue().splitlines()
    assert left == 5
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 3
    assert lines[-1].startswith("::notice title=ImportSpy%3A more findings::5 more findings")
    first = lines[0]
    assert first.startswith(
        "::error file=pkg/mod_0.py,line=1,endLine=1,title=E0 rule,col=2,endColumn=5::"
    )


def test_annotation_message_escaping():
    out = io.StringIO()
    with redirect_stdout(out):
        commands.emit(_report([_finding(1, message="50%\nnext line")]).findings)
    assert "::50%25%0Anext line 1" in out.getvalue()


def test_sarif_every_result_located_every_rule_described(tmp_path: Path):
    items = [
        _finding(i, sev)
        for i, sev in enumerate([Severity.ERROR, Severity.WARNING, Severity.NOTICE])
    ]
    doc = json.loads(sarif.render(_report(items)))
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    levels = sorted(r["level"] for r in run["results"])
    assert levels == ["error", "note", "warning"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] == 2


def test_outputs_always_set(tmp_path: Path):
    output = tmp_path / "output"
    output.write_text("")
    report = _report([_finding(1)])
    metrics = CoverageMetrics((), 1, Measure(87.5, 7, 8), None, None, None, diff_attempted=True)
    cov = GateResult("coverage", GateStatus.PASSED, metrics=metrics)
    report = Report("0.1.0", "0.5.0", (report.gates[0], cov), "error", 1)
    Writer(WriteRoots((tmp_path,), frozenset({output}))).outputs(
        output, outputs.values(report, {"json-report": "r.json", "unknown": "x"})
    )
    values = parse_file_command(output.read_text())
    assert set(values) == set(outputs.OUTPUT_NAMES)
    assert values["coverage"] == "87.50" and values["diff-coverage"] == ""
    assert values["result"] == "failed" and values["errors"] == "1"
    assert values["json-report"] == "r.json"


def test_terminal_report_has_a_verdict():
    text = terminal.render(view.build(_report([_finding(1)])))
    assert "pkg/mod_1.py:2:2: error E1 broken 1" in text
    assert text.rstrip().endswith("(fail-on: error, exit code 1)")
    assert "\033[" not in text
    painted = terminal.render(view.build(_report([_finding(1)])), color=True)
    assert "\033[31m" in terminal.colorize(painted)
    assert "pkg/mod_1.py:2:2:" in terminal.plain_text(painted)


def test_terminal_colours_survive_cleaning_and_untrusted_escapes_do_not() -> None:
    hostile = _finding(1, message="\033]0;pwned\007 \033[2J::error::forged")
    out = io.StringIO()
    Console(out).write(
        terminal.render(view.build(_report([hostile])), color=True), paint=terminal.colorize
    )
    printed = out.getvalue()
    assert "\033[31m" in printed  # our own colour
    assert "\033[2J" not in printed and "\033]" not in printed
    assert not any(line.lstrip().startswith("::") for line in printed.splitlines())


def test_the_verdict_merges_duplicates_within_a_gate():
    twice = GateOutcome((_finding(1), _finding(1), _finding(2)))
    judged = judge("lint", twice, Rules(severity={"E1": Severity.WARNING}))
    assert [f.code for f in judged.findings] == ["E2", "E1"]  # merged, errors first
    assert judged.counts() == {"error": 1, "warning": 1, "notice": 0}
    assert judged.status is GateStatus.FAILED


def test_baseline_outputs_are_empty_without_a_baseline_and_taken_from_extra():
    report = _report([_finding(1)])
    plain = outputs.values(report, {})
    names = ("new-findings", "existing-findings", "fixed-findings", "base-coverage")
    assert all(plain[name] == "" for name in (*names, "coverage-delta"))
    given = {"new-findings": "1", "fixed-findings": "3", "coverage-delta": "-0.50"}
    assert {k: outputs.values(report, given)[k] for k in given} == given
