"""What makes 100,000 findings cheap must not change what is written.

Large JSON reports and SARIF are encoded compact and item by item (`json_stream`), findings
are deduplicated once per Report, fingerprints are computed once per source, summary and
check-run rows are rendered only when they fit, and a read report shares repeated strings.
Each test here compares the cheap path with the plain one.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.fingerprint import SourceLines, fingerprint_all
from importspy_action.github import limits
from importspy_action.json_stream import Document
from importspy_action.lazy_rows import LazyRows
from importspy_action.model import (
    Classification,
    Finding,
    GateResult,
    GateStatus,
    Report,
    Severity,
    dedupe,
)
from importspy_action.report_reader import read_gate
from importspy_action.reporters import json_report, sarif
from importspy_action.workspace import Workspace

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


def _finding(i: int, *, gate: str = "lint", message: str = "", path: str = "") -> Finding:
    return Finding(
        gate,
        f"E{i % 3}",
        (Severity.ERROR, Severity.WARNING, Severity.NOTICE)[i % 3],
        path or f"pkg/m{i % 4}.py",
        1 + i % 5,
        f"title {i}",
        message or f"message {i}",
        start_column=1 + i % 2,
    )


def _report(lint: list[Finding], contracts: list[Finding], note: str = "") -> Report:
    gates = (
        GateResult("lint", GateStatus.FAILED, tuple(lint), notes=(note,), exit_code=1),
        GateResult("contracts", GateStatus.PASSED, tuple(contracts)),
        GateResult("coverage", GateStatus.SKIPPED, notes=("Off: set `coverage-file`.",)),
    )
    existing = frozenset(f.identity for f in lint[::2])
    baseline = Classification("merge base 1234", existing, tuple(contracts[:1]))
    return Report("0.1.0", "0.5.0", gates, "error", 1, {"job": note}, baseline=baseline)


def _workspace(tmp_path: Path) -> SourceLines:
    for i in range(4):
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / f"m{i}.py").write_text("a = 1\n\nb = 2\nc = 3\na = 1\n")
    return SourceLines(Workspace(tmp_path))


@settings(max_examples=30, deadline=None)
@given(messages=st.lists(TEXT, min_size=0, max_size=12), note=TEXT)
def test_streamed_documents_parse_to_the_indented_ones(
    tmp_path_factory: Any, messages: list[str], note: str
) -> None:
    """Any texts (quotes, backslashes, unicode, text that looks like JSON) come out the same
    whether the document is indented whole or streamed compact, in every list."""
    source = _workspace(tmp_path_factory.mktemp("ws"))
    lint = [_finding(i, message=m) for i, m in enumerate(messages)]
    contracts = [_finding(i, gate="contracts", message=m) for i, m in enumerate(messages[:3])]
    report = _report(lint, contracts, note)
    for render in (
        lambda limit: json_report.render(report, source=source, pretty_max=limit),
        lambda limit: sarif.render(report, report.baseline, source=source, pretty_max=limit),
    ):
        pretty, compact = render(10**6), render(-1)
        assert json.loads(compact) == json.loads(pretty)
        assert compact.endswith("}\n") and "\n" not in compact[:-1]
        assert pretty.startswith("{\n  ")


def test_a_document_without_holes_or_with_empty_ones_streams_too() -> None:
    document = Document(pretty=False)
    skeleton = {"a": document.hole([], str), "b": [document.hole([1, 2], lambda n: {"n": n})]}
    assert json.loads(document.encode(skeleton)) == {"a": [], "b": [[{"n": 1}, {"n": 2}]]}
    assert json.loads(Document(pretty=False).encode({"x": "y"})) == {"x": "y"}


def test_long_lists_stream_across_blocks() -> None:
    for count in (999, 1000, 1001, 2345):
        document = Document(pretty=False)
        items = list(range(count))
        skeleton = {"items": document.hole(items, lambda n: {"n": n}), "after": 1}
        assert json.loads(document.encode(skeleton)) == {
            "items": [{"n": n} for n in items],
            "after": 1,
        }


def test_findings_are_deduplicated_once_and_handed_out_as_fresh_lists() -> None:
    items = [_finding(i) for i in range(6)] + [_finding(2)]
    report = _report(items, [])
    first = report.findings
    assert first == dedupe(items) and len(first) == 6
    first.clear()
    assert report.findings == dedupe(items)  # the memo is not the caller's list
    assert report == _report(items, [])  # equality and repr ignore the memo
    assert "_findings_memo" not in repr(report)
    fewer = replace(report, gates=report.gates[1:])
    assert fewer.findings == []


def test_fingerprints_are_reused_only_for_the_same_findings(tmp_path: Path) -> None:
    source = _workspace(tmp_path)
    (tmp_path / "pkg" / "twins.py").write_text("x = 1\n" * 5)
    first = replace(_finding(0, path="pkg/twins.py"), start_line=2)
    twins = [first, replace(first, start_line=4)]
    both = fingerprint_all(twins, source)
    assert [p.occurrence for p in both] == [1, 2]  # same line, same neighbours
    again = fingerprint_all(twins, source)
    assert again == both and again is not both
    alone = fingerprint_all(twins[1:], source)
    assert alone[0].occurrence == 1  # a different list is computed, not recalled
    fresh = fingerprint_all(twins, SourceLines(source.workspace))
    assert fresh == both


def test_a_read_gate_shares_repeated_strings_and_keeps_every_value() -> None:
    items = [_finding(i, path="pkg/same.py") for i in range(3)]
    data = {
        "gate": "lint",
        "status": "failed",
        "findings": [json.loads(json.dumps(f.to_json())) for f in items],
    }
    read = read_gate(data).outcome.findings
    assert [f.to_json() for f in read] == [f.to_json() for f in items]
    assert read[0].path is read[1].path is read[2].path
    assert read[0].gate is read[2].gate


def test_lazy_rows_render_only_what_is_read() -> None:
    rendered: list[int] = []

    def render(n: int) -> str:
        rendered.append(n)
        return f"row {n}"

    rows = LazyRows(list(range(10_000)), render)
    assert len(rows) == 10_000 and rendered == []
    assert rows[3] == "row 3" and rows[1:3] == ["row 1", "row 2"]
    text = limits.join_within(["head"], rows, max_chars=200)
    eager = limits.join_within(["head"], [f"row {n}" for n in range(10_000)], max_chars=200)
    assert text == eager and "9983 more" in text  # 17 rows fit in 200 characters
    assert len(rendered) < 30
