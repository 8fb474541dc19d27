"""SARIF for code scanning: schema-valid, fingerprinted, categorised, baseline states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from importspy_action.baseline import Located, classify
from importspy_action.fingerprint import SourceLines, fingerprint_all
from importspy_action.model import Finding, GateResult, GateStatus, Report, Severity
from importspy_action.reporters import sarif
from importspy_action.workspace import Workspace

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def _finding(path: str, line: int, code: str = "E501", gate: str = "lint") -> Finding:
    return Finding(
        gate, code, Severity.ERROR, path, line, f"{code} title", f"{code} at {line}",
        start_column=1, end_column=4, url="https://docs.invalid/rule",
    )  # fmt: skip


def _report(findings: list[Finding], *, job: str = "test") -> Report:
    gates = (
        GateResult("lint", GateStatus.FAILED, tuple(findings), exit_code=1),
        GateResult("contracts", GateStatus.PASSED),
        GateResult("coverage", GateStatus.SKIPPED),
    )
    return Report("0.1.0", "0.5.0", gates, "error", 1, context={"job": job} if job else {})


def _doc(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    return data


def test_document_is_valid_sarif_2_1_0(tmp_path: Path, validator: jsonschema.Draft7Validator):
    (tmp_path / "a.py").write_text("import os\nx  =  1\n", encoding="utf-8")
    head = [_finding("a.py", 2), _finding("a.py", 1, "F401"), _finding("gone.py", 3)]
    base = [_finding("a.py", 1, "F401"), _finding("a.py", 9, "E999")]
    source = SourceLines(Workspace(tmp_path))
    located = [
        [Located(f, p) for f, p in zip(items, fingerprint_all(items, source), strict=True)]
        for items in (head, base)
    ]
    classified = classify(located[0], located[1])
    for baseline, absent in ((None, False), (classified, False), (classified, True)):
        text = sarif.render(_report(head), baseline, source=source, include_absent=absent)
        errors = sorted(validator.iter_errors(_doc(text)), key=str)
        assert not errors, errors[0].message
    # a broken document is caught, so the validation above can fail
    broken = _doc(sarif.render(_report(head), source=source))
    broken["runs"][0]["results"][0]["baselineState"] = "sort-of-new"
    assert list(validator.iter_errors(broken))


def test_partial_fingerprints_survive_moved_lines(tmp_path: Path):
    (tmp_path / "a.py").write_text("import os\nbad()\n", encoding="utf-8")
    before = _doc(
        sarif.render(_report([_finding("a.py", 2)]), source=SourceLines(Workspace(tmp_path)))
    )
    (tmp_path / "a.py").write_text("\n\nimport os\nbad()\n", encoding="utf-8")
    after = _doc(
        sarif.render(_report([_finding("a.py", 4)]), source=SourceLines(Workspace(tmp_path)))
    )
    key = sarif.FINGERPRINT_KEY
    one = before["runs"][0]["results"][0]["partialFingerprints"]
    two = after["runs"][0]["results"][0]["partialFingerprints"]
    assert set(one) == {key} and "primaryLocationLineHash" not in one
    assert one == two and one[key].endswith(":1")
    (tmp_path / "a.py").write_text("import os\nbad(2)\n", encoding="utf-8")
    edited = _doc(
        sarif.render(_report([_finding("a.py", 2)]), source=SourceLines(Workspace(tmp_path)))
    )
    assert edited["runs"][0]["results"][0]["partialFingerprints"] != one


def test_identical_lines_get_distinct_fingerprints(tmp_path: Path):
    (tmp_path / "a.py").write_text("y\nbad()\ny\nbad()\ny\n", encoding="utf-8")
    doc = _doc(
        sarif.render(
            _report([_finding("a.py", 2), _finding("a.py", 4)]),
            source=SourceLines(Workspace(tmp_path)),
        )
    )
    values = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in doc["runs"][0]["results"]]
    assert [v.split(":")[1] for v in values] == ["1", "2"]
    assert values[0].split(":")[0] == values[1].split(":")[0]


def test_automation_details_category():
    doc = _doc(sarif.render(_report([_finding("a.py", 1)], job="build py3.12")))
    assert doc["runs"][0]["automationDetails"] == {
        "id": "importspy-action/build-py3.12/contracts+lint/"
    }
    assert sarif.automation_id(_report([], job="")) == "importspy-action/local/contracts+lint/"
    assert sarif.automation_id(_report([]), "mine") == "mine/"
    assert sarif.automation_id(_report([]), "mine/") == "mine/"


def test_baseline_states(tmp_path: Path):
    (tmp_path / "a.py").write_text("old()\nnew()\n", encoding="utf-8")
    source = SourceLines(Workspace(tmp_path))
    head = [_finding("a.py", 1), _finding("a.py", 2)]
    base = [_finding("a.py", 1), _finding("b.py", 7, "E302")]
    head_prints = fingerprint_all(head, source)
    base_prints = fingerprint_all(base, source)
    classified = classify(
        [Located(f, p) for f, p in zip(head, head_prints, strict=True)],
        [Located(f, p) for f, p in zip(base, base_prints, strict=True)],
    )
    plain = _doc(sarif.render(_report(head), classified, source=source))
    states = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["baselineState"]
              for r in plain["runs"][0]["results"]}  # fmt: skip
    assert states == {1: "unchanged", 2: "new"}
    full = _doc(sarif.render(_report(head), classified, source=source, include_absent=True))
    absent = [r for r in full["runs"][0]["results"] if r["baselineState"] == "absent"]
    assert len(absent) == 1 and absent[0]["ruleId"] == "E302"
    assert absent[0]["kind"] == "pass" and absent[0]["level"] == "none"
    rules = full["runs"][0]["tool"]["driver"]["rules"]
    assert rules[absent[0]["ruleIndex"]]["id"] == "E302"
    without = _doc(sarif.render(_report(head), source=source))
    assert all("baselineState" not in r for r in without["runs"][0]["results"])


def test_the_category_names_the_run(tmp_path: Path):
    text = sarif.render(_report([_finding("a.py", 1)]), category="x")
    assert _doc(text)["runs"][0]["automationDetails"]["id"] == "x/"
