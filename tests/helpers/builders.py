"""Small builders for reports, settings and contexts shared by unit and integration tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from importspy_action.diff import ChangedLines
from importspy_action.gates.base import Gate, GateOutcome
from importspy_action.gates.contracts import ContractsGate
from importspy_action.gates.coverage import CoverageGate
from importspy_action.gates.lint import LintGate
from importspy_action.github.context import GitHubContext
from importspy_action.model import Finding, GateResult, GateStatus, Report, Severity
from importspy_action.run import rules_of, run_gate
from importspy_action.settings import Settings, build_settings
from importspy_action.verdict import judge

HEAD_SHA = "1" * 40
MERGE_SHA = "2" * 40
BASE_SHA = "3" * 40
FAST_API = {
    "IMPORTSPY_ACTION_REQUEST_INTERVAL": "0",
    "IMPORTSPY_ACTION_WRITE_INTERVAL": "0",
    "IMPORTSPY_ACTION_TIME_SCALE": "0.001",
    "IMPORTSPY_ACTION_API_TIMEOUT": "1",
}


def finding(i: int, severity: Severity = Severity.ERROR, **extra: Any) -> Finding:
    values: dict[str, Any] = {
        "gate": "contracts",
        "code": "ISPY-S101",
        "severity": severity,
        "path": f"src/mod{i % 7}.py",
        "start_line": i + 1,
        "title": f"missing thing {i}",
        "message": f"module breaks its contract #{i}",
    }
    values.update(extra)
    return Finding(**values)


def report(
    findings: list[Finding] | None = None,
    *,
    fail_on: str = "error",
    context: Mapping[str, str] | None = None,
    job: str = "gates",
) -> Report:
    items = tuple(findings or ())
    failing = any(f.severity is Severity.ERROR for f in items) and fail_on != "never"
    gate = GateResult(
        gate="contracts",
        status=GateStatus.FAILED if failing else GateStatus.PASSED,
        findings=items,
        exit_code=1 if failing else 0,
    )
    return Report(
        tool_version="0.0.0",
        engine_version="0.5.0",
        gates=(gate,),
        fail_on=fail_on,
        exit_code=1 if failing else 0,
        context=dict(context or {"repository": "octo/demo", "sha": HEAD_SHA, "job": job}),
        jobs=({"job": job, "result": "failed" if failing else "passed"},),
    )


def settings(workspace: Path, **inputs: str) -> Settings:
    raw = {"contracts": "", "json-report": "importspy-report.json", "sarif": ""}
    raw.update({key.replace("_", "-"): value for key, value in inputs.items()})
    return build_settings(raw, workspace)


def pr_event(path: Path, *, number: int = 7, fork: bool = False) -> Path:
    event = {
        "number": number,
        "pull_request": {
            "number": number,
            "head": {
                "sha": HEAD_SHA,
                "ref": "feature",
                "repo": {"full_name": "someone/demo" if fork else "octo/demo"},
            },
            "base": {"sha": BASE_SHA, "ref": "main", "repo": {"full_name": "octo/demo"}},
        },
    }
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


def actions_env(
    api_url: str, tmp: Path, *, event: str = "pull_request", event_path: Path | None = None
) -> dict[str, str]:
    """The environment a container action sees, pointed at the test server."""
    output = tmp / "github_output"
    summary = tmp / "step_summary"
    output.touch()
    summary.touch()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": api_url,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SHA": MERGE_SHA,
        "GITHUB_EVENT_NAME": event,
        "GITHUB_RUN_ID": "42",
        "GITHUB_JOB": "gates",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **FAST_API,
    }
    if event_path is not None:
        env["GITHUB_EVENT_PATH"] = str(event_path)
    return env


def context(env: Mapping[str, str]) -> GitHubContext:
    return GitHubContext.from_environ(env)


def outputs(env: Mapping[str, str]) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT (actions-toolkit writes `name<<delimiter` blocks)."""
    lines = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    values: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            j = i + 1
            body = []
            while lines[j] != delimiter:
                body.append(lines[j])
                j += 1
            values[name] = "\n".join(body)
            i = j + 1
        else:
            name, _, value = line.partition("=")
            values[name] = value
            i += 1
    return values


@dataclass(frozen=True)
class Judged:
    """A gate's result as the report shows it: judged by the one verdict, metrics as JSON."""

    result: GateResult

    @property
    def metrics(self) -> dict[str, Any]:
        return self.result.metrics.to_json() if self.result.metrics is not None else {}

    @property
    def status(self) -> GateStatus:
        return self.result.status

    @property
    def exit_code(self) -> int:
        return self.result.exit_code

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings

    @property
    def notes(self) -> tuple[str, ...]:
        return self.result.notes

    @property
    def error(self) -> str | None:
        return self.result.error


def judged(outcome: GateOutcome, gate: str, settings: Settings) -> Judged:
    return Judged(judge(gate, outcome, rules_of(settings)))


def run_gate_judged(gate: Gate, settings: Settings, changes: ChangedLines | None) -> Judged:
    """Run one gate as the orchestrator does (errors become the gate's error) and judge it."""
    return judged(run_gate(gate, settings, changes), gate.name, settings)


def run_contracts(settings: Settings) -> Judged:
    return run_gate_judged(ContractsGate(), settings, None)


def run_coverage(settings: Settings, changes: ChangedLines | None) -> Judged:
    """The coverage gate; a ConfigError propagates, as the tests of bad input expect."""
    return judged(CoverageGate().run(settings, changes), "coverage", settings)


def run_lint(settings: Settings, changes: ChangedLines | None) -> Judged:
    """The lint gate; a ConfigError propagates, as the tests of bad input expect."""
    return judged(LintGate().run(settings, changes), "lint", settings)


def workspace_files(root: Path, findings: list[Finding]) -> None:
    """Create the files `findings` point at, so merge mode may annotate them."""
    for item in findings:
        path = root / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("x = 1\n" * max(item.last_line, 1), encoding="utf-8")
