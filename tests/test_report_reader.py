"""Reading a report back: a round trip keeps every fact, a malformed document is named."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.gates.contracts_metrics import ContractMetrics, SubjectRow
from importspy_action.model import Finding, GateResult, GateStatus, Report
from importspy_action.report_reader import read_report
from tests.test_model import findings


@given(st.lists(findings, max_size=20))
def test_report_json_round_trip(items: list[Finding]) -> None:
    gate = GateResult(
        gate="contracts",
        status=GateStatus.FAILED,
        findings=tuple(items),
        metrics=ContractMetrics("0.5.0", 1, (SubjectRow("m.py", "m.yml", "DENY", len(items)),)),
        notes=("n",),
        exit_code=1,
    )
    report = Report(
        tool_version="1",
        engine_version="0.5.0",
        gates=(gate,),
        fail_on="error",
        exit_code=1,
        context={"sha": "abc"},
        generated_at="now",
    )
    again = read_report(json.loads(json.dumps(report.to_json())))
    (read,) = again.gates
    assert read.ran and read.outcome.findings == gate.findings
    assert read.outcome.metrics == gate.metrics
    assert (again.context, again.generated_at, again.fail_on) == ({"sha": "abc"}, "now", "error")


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ([], "must be a JSON object"),
        ({"schema_version": 2, "gates": []}, "schema_version 2 is not supported"),
        ({"schema_version": 1}, "'gates' must be a list"),
        ({"schema_version": 1, "gates": [{"gate": "contracts", "status": "odd"}]}, "odd"),
        ({"schema_version": 1, "gates": [{"gate": "x", "status": "passed"}]}, "not one of"),
        (
            {
                "schema_version": 1,
                "gates": [{"gate": "lint", "status": "passed", "findings": [{"gate": "x"}]}],
            },
            "code",
        ),
    ],
)
def test_report_from_json_names_the_problem(document: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        read_report(document)
