"""The `make demo` run, pinned: its JSON report, SARIF and step outputs match checked-in files.

The redesign of issue 10 had to leave these three byte-for-byte equal (apart from what is
volatile: the timestamp, the interpreter version the runtime check reports); this test keeps
them so. A deliberate change of format updates the golden files with UPDATE_GOLDEN=1, and
the diff shows in review.
"""

from __future__ import annotations

import json
import platform
import re
from pathlib import Path
from typing import Any

from tests.conftest import Runner
from tests.helpers.gate_projects import assert_golden

DEMO_INPUTS = {
    "contracts": "src/plugins/*.py\nsrc/core/api.py: contracts/api.yml",
    "json-report": "demo-output/importspy-report.json",
    "sarif": "demo-output/importspy.sarif",
    "github-token": "",
}


def _masked(value: Any) -> Any:
    """Volatile facts out: when it ran, and which interpreter (runtime) judged it."""
    if isinstance(value, dict):
        return {
            key: _masked(item)
            for key, item in value.items()
            if key != "generated_at" and not key.startswith("runtime")
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        return value.replace(platform.python_version(), "<python>")
    return value


def _document(path: Path) -> str:
    return json.dumps(_masked(json.loads(path.read_text("utf-8"))), indent=2, sort_keys=True) + "\n"


def test_demo_outputs_match_the_golden_files(example_project: Path, run_step: Runner) -> None:
    result = run_step(example_project, DEMO_INPUTS)
    assert result.exit_code == 1, result.stderr  # the examples break their contracts on purpose
    out = example_project / "demo-output"
    assert_golden("demo/importspy-report.json", _document(out / "importspy-report.json"))
    assert_golden("demo/importspy.sarif", _document(out / "importspy.sarif"))
    outputs = {key: _masked(value) for key, value in sorted(result.outputs.items())}
    assert_golden("demo/outputs.json", json.dumps(outputs, indent=2) + "\n")
    # the figures a reader checks first, stated here so a golden update cannot hide them
    report = json.loads((out / "importspy-report.json").read_text("utf-8"))
    assert report["counts"] == {"error": 5, "warning": 0, "notice": 0}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]+\+00:00", report["generated_at"])
