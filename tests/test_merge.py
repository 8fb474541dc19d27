"""Merge mode: reports from several jobs become one, deduplicated, with a per-job breakdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.errors import ConfigError
from importspy_action.github.context import GitHubContext
from importspy_action.merge import find_reports, merge
from importspy_action.model import GateResult, GateStatus, Report, Severity
from importspy_action.verdict import Rules
from importspy_action.workspace import Workspace
from tests.helpers import builders


def _write(path: Path, report: Report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json()), encoding="utf-8")
    return path


def test_merge_dedupes_keeps_worst_status_and_breaks_down_per_job(tmp_path: Path) -> None:
    shared = builders.finding(1)
    a = builders.report([shared, builders.finding(2, Severity.WARNING)])
    b = builders.report([shared.with_severity(Severity.WARNING)], fail_on="never")
    paths = [_write(tmp_path / "a" / "r.json", a), _write(tmp_path / "b" / "r.json", b)]
    merged = merge(paths, GitHubContext(), Rules())
    assert len(merged.findings) == 2  # the shared finding once, at its worst severity
    assert merged.findings[0].severity is Severity.ERROR
    assert merged.exit_code == 1 and merged.result == "failed"
    (gate,) = merged.gates
    assert gate.status is GateStatus.FAILED
    assert [job["job"] for job in merged.jobs] == ["gates (a)", "gates (b)"]
    assert [job["counts"]["error"] for job in merged.jobs] == [1, 0]
    assert merged.context["merged_reports"] == "2"
    # a merged report merges again without losing the breakdown
    again = merge([_write(tmp_path / "m.json", merged)], GitHubContext(), Rules())
    assert [job["job"] for job in again.jobs] == ["gates (a)", "gates (b)"]


def test_gate_error_in_one_job_is_kept_with_its_job_name(tmp_path: Path) -> None:
    ok = builders.report([])
    broken = Report(
        tool_version="0",
        engine_version="0.5.0",
        gates=(
            GateResult(gate="contracts", status=GateStatus.ERROR, error="engine died", exit_code=3),
        ),
        fail_on="error",
        exit_code=3,
        context={"sha": builders.HEAD_SHA, "job": "py313"},
    )
    merged = merge(
        [_write(tmp_path / "1.json", ok), _write(tmp_path / "2.json", broken)],
        GitHubContext(),
        Rules(),
    )
    assert merged.exit_code == 3
    assert merged.gates[0].status is GateStatus.ERROR
    assert merged.gates[0].error == "py313: engine died"


def test_reports_about_different_commits_are_refused(tmp_path: Path) -> None:
    one = builders.report([], context={"sha": "1" * 40})
    two = builders.report([], context={"sha": "2" * 40})
    with pytest.raises(ConfigError, match="different commits"):
        merge(
            [_write(tmp_path / "1.json", one), _write(tmp_path / "2.json", two)],
            GitHubContext(),
            Rules(),
        )


def test_in_actions_the_reports_must_be_about_the_commit_being_published(tmp_path: Path) -> None:
    report = builders.report([], context={"sha": "9" * 40})
    context = GitHubContext(in_actions=True, sha="1" * 40, event_name="push")
    with pytest.raises(ConfigError, match="refusing to annotate"):
        merge([_write(tmp_path / "r.json", report)], context, Rules())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 99}', "required property"),
        (
            '{"schema_version": 99, "tool": {}, "engine": {}, "generated_at": "", '
            '"result": "passed", "exit_code": 0, "fail_on": "error", '
            '"counts": {"error": 0, "warning": 0, "notice": 0}, '
            '"context": {}, "jobs": [], "gates": []}',
            "schema_version",
        ),
    ],
)
def test_bad_report_files_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        merge([path], GitHubContext(), Rules())
    assert "bad.json" in str(caught.value)


def test_find_reports_globs_and_skips_the_merged_output(tmp_path: Path) -> None:
    a = _write(tmp_path / "reports" / "x" / "importspy-report.json", builders.report([]))
    own = _write(tmp_path / "importspy-report.json", builders.report([]))
    ws = Workspace(tmp_path)
    found = find_reports(("**/importspy-report.json",), ws, tmp_path, exclude=own)
    assert found == [a.resolve()]
    with pytest.raises(ConfigError, match="no file matches"):
        find_reports(("nothing/*.json",), ws, tmp_path)


def test_report_globs_stay_inside_the_workspace(tmp_path: Path) -> None:
    ws_root, outside = tmp_path / "ws", tmp_path / "outside"
    _write(outside / "r.json", builders.report([]))
    ws_root.mkdir()
    (ws_root / "link.json").symlink_to(outside / "r.json")
    ws = Workspace(ws_root)
    for pattern in (str(outside / "*.json"), "../outside/*.json", "*.json"):
        with pytest.raises(ConfigError, match="outside the workspace"):
            find_reports((pattern,), ws, ws_root)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=30), max_size=12), min_size=1, max_size=5)
)
def test_merge_loses_no_finding_and_invents_none(jobs: list[list[int]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = [
            _write(
                Path(tmp) / f"j{i}" / "r.json", builders.report([builders.finding(n) for n in ids])
            )
            for i, ids in enumerate(jobs)
        ]
        merged = merge(paths, GitHubContext(), Rules())
    expected = {builders.finding(n).identity for ids in jobs for n in ids}
    assert {f.identity for f in merged.findings} == expected
    assert len(merged.jobs) == len(jobs)


def test_a_reports_own_verdict_is_never_believed(tmp_path: Path) -> None:
    """The exit code and status a report claims are recomputed from its findings."""
    lying = builders.report([builders.finding(1)]).to_json()
    lying.update(exit_code=0, result="passed")
    lying["gates"][0].update(status="passed", exit_code=0)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(lying), encoding="utf-8")
    merged = merge([path], GitHubContext(), Rules())
    assert merged.exit_code == 1 and merged.gates[0].status is GateStatus.FAILED
    assert merged.jobs[0]["result"] == "failed"
    # and judged with this run's rules, not the rules the report claims
    assert merge([path], GitHubContext(), Rules(fail_on="never")).exit_code == 0
    lying["fail_on"] = "never"
    path.write_text(json.dumps(lying), encoding="utf-8")
    assert merge([path], GitHubContext(), Rules()).exit_code == 1


def test_an_unknown_gate_in_a_report_is_refused(tmp_path: Path) -> None:
    document = builders.report([]).to_json()
    document["gates"][0]["gate"] = "bogus"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match="is not one of contracts, coverage, lint, api-breaks"):
        merge([path], GitHubContext(), Rules())
    document["gates"][0]["gate"] = "<script>"  # not even a gate name: the schema refuses it
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\$\.gates\[0\]\.gate"):
        merge([path], GitHubContext(), Rules())


def test_an_impossible_exit_code_is_refused_not_wrapped(tmp_path: Path) -> None:
    """A claimed exit code of 256 would end as 0 if it were trusted and taken modulo 256."""
    document = builders.report([builders.finding(1)]).to_json()
    document["gates"][0]["exit_code"] = 256
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ConfigError, match="exit_code"):
        merge([path], GitHubContext(), Rules())
