"""Adding a gate touches four files: its module, the registry, its input spec, action.yml.

This test adds a real (small) fifth gate the way docs/ARCHITECTURE.md says -- a gate object
with typed metrics, one line in the registry, one `InputSpec` with its own `parse` -- and runs
the whole pipeline: settings, the one verdict, the view, every file reporter. Nothing else
names the gate, so nothing else needs to change.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from importspy_action import run
from importspy_action.blocks import Block, paragraph
from importspy_action.diff import ChangedLines
from importspy_action.errors import ConfigError
from importspy_action.gates import registry
from importspy_action.gates.base import GateOutcome
from importspy_action.github.context import GitHubContext
from importspy_action.model import Finding, Severity
from importspy_action.settings import Settings, build, build_settings, inputs, parsers


@dataclass(frozen=True)
class TodoMetrics:
    files: int

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files}

    def headline(self) -> str:
        return f"{self.files} files read"

    def section(self) -> tuple[Block, ...]:
        return (paragraph(f"Looked for TODO in {self.files} files."),)

    def outputs(self) -> Mapping[str, str]:
        return {}


class TodoGate:
    """Fails on `TODO` in the globs of its own input."""

    name = "todo"
    off_note = "Off: set `todo` to fail on TODO comments."

    def configured(self, settings: Settings) -> bool:
        return bool(settings.option("todo", tuple))

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
        files = [
            path
            for pattern in settings.option("todo", tuple)
            for path in settings.workspace.glob(pattern, base=settings.working_directory)
        ]
        findings = tuple(
            Finding(
                "todo",
                "TODO-1",
                Severity.ERROR,
                settings.workspace.display(path),
                number,
                "TODO left",
                f"TODO on line {number}",
            )
            for path in files
            for number, line in enumerate(path.read_text().splitlines(), start=1)
            if "TODO" in line
        )
        return GateOutcome(findings, TodoMetrics(len(files)))

    def metrics_from_json(self, data: Mapping[str, Any]) -> TodoMetrics:
        return TodoMetrics(int(data["files"]))

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> None:
        return None


def test_a_fifth_gate_needs_its_module_the_registry_and_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = inputs.InputSpec("todo", "", "Globs to search for TODO.", parse=parsers.parse_list)
    most = inputs.InputSpec("todo-max", "0", "TODOs allowed.", parse=parsers.parse_count)
    monkeypatch.setattr(build, "INPUTS", (*inputs.INPUTS, spec, most))
    by_name = {**inputs.INPUTS_BY_NAME, "todo": spec, "todo-max": most}
    monkeypatch.setattr(build, "INPUTS_BY_NAME", by_name)
    gates = (*registry.GATES, TodoGate())
    monkeypatch.setattr(registry, "GATES", gates)
    monkeypatch.setattr(run, "GATES", gates)

    (tmp_path / "a.py").write_text("x = 1  # TODO: remove\n")
    settings = build_settings({"todo": "*.py", "sarif": ""}, tmp_path)
    (tmp_path / "summary.md").write_text("")
    environ = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    code = run.execute(settings, GitHubContext(), environ, out=io.StringIO())

    assert code == 1  # the one verdict judged it
    report = json.loads((tmp_path / "importspy-report.json").read_text())
    (todo,) = [gate for gate in report["gates"] if gate["gate"] == "todo"]
    assert todo["status"] == "failed" and todo["metrics"] == {"files": 1}
    assert [f["start_line"] for f in todo["findings"]] == [1]
    summary = (tmp_path / "summary.md").read_text()
    assert (
        "### todo: ❌ failed" in summary
        and "| todo | ❌ failed | 1 | 0 | 0 | 1 files read |" in summary
    )
    # a bad value of its input is named like any other input's
    with pytest.raises(ConfigError, match="Input `todo-max`: 'x' is not a whole number"):
        build_settings({"todo": "*.py", "todo-max": "x"}, tmp_path)
