"""entrypoint.py run as the runner runs a container action, over the bundled examples."""

from __future__ import annotations

import json
from pathlib import Path

from importspy_action.reporters.markdown import cell
from tests.conftest import Runner

ALL_CONTRACTS = "src/plugins/*.py\nsrc/core/api.py: contracts/api.yml  # explicit pair\n"


def test_examples_fail_with_every_kind_of_violation(example_project: Path, run_step: Runner):
    result = run_step(example_project, {"contracts": ALL_CONTRACTS})

    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # outputs
    assert result.outputs["result"] == "failed"
    assert result.outputs["exit-code"] == "1"
    assert result.outputs["errors"] == "5"
    assert result.outputs["warnings"] == "0"
    assert result.outputs["json-report"] == "importspy-report.json"
    assert result.outputs["sarif"] == "importspy.sarif"
    # annotations: one per finding, on repo-relative paths and lines
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 5
    assert any("file=src/plugins/fetcher.py,line=3" in line for line in annotations)
    assert any("file=src/plugins/exporter.importspy.yml,line=10" in line for line in annotations)
    # summary: verdict, gate table, module table, every finding
    summary = result.summary
    assert "## ImportSpy: ❌ Gates failed" in summary
    assert "| contracts | ❌ failed | 5 | 0 | 0 | 2/6 modules admitted |" in summary
    for module in ("exporter", "fetcher", "legacy", "scorer"):
        assert f"`src/plugins/{module}.py`" in summary
    assert cell("Required declaration `flush` is missing in class `Exporter`") in summary
    assert cell("Dependency `pyyaml` is not permitted by policy") in summary
    assert cell("Host Python version is not permitted") in summary
    assert cell("Required parameter `weight` is missing from `score`") in summary
    assert "coverage: ➖ off" in summary and "lint: ➖ off" in summary
    # JSON report
    report = json.loads((example_project / "importspy-report.json").read_text())
    assert report["schema_version"] == 1
    assert report["result"] == "failed" and report["exit_code"] == 1
    assert report["context"]["repository"] == "octo/example"
    contracts = report["gates"][0]
    assert contracts["gate"] == "contracts" and contracts["status"] == "failed"
    assert contracts["metrics"]["admitted"] == 2 and contracts["metrics"]["denied"] == 4
    assert contracts["metrics"]["engine_processes"] == 1
    codes = sorted(f["code"] for f in contracts["findings"])
    assert codes == ["ISPY-D101", "ISPY-R102", "ISPY-S101", "ISPY-S101", "ISPY-S102"]
    # SARIF: every result located, every rule described
    sarif = json.loads((example_project / "importspy.sarif").read_text())
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert len(run["results"]) == 5
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    for res in run["results"]:
        location = res["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert rules[res["ruleId"]]["fullDescription"]["text"]
    # fingerprints read from the module lines (distinct), category from the job and gates
    prints = [res["partialFingerprints"]["importspyFindingHash/v1"] for res in run["results"]]
    assert len(set(prints)) == len(prints)
    assert run["automationDetails"] == {"id": "importspy-action/gates/contracts/"}


def test_compliant_modules_pass(example_project: Path, run_step: Runner):
    result = run_step(
        example_project,
        {"contracts": "src/plugins/greeter.py\nsrc/core/api.py: contracts/api.yml"},
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.outputs["result"] == "passed"
    assert result.outputs["errors"] == "0"
    assert "## ImportSpy: ✅ All gates passed" in result.summary
    assert "::error" not in result.stdout


def test_pyproject_subjects(example_project: Path, run_step: Runner):
    result = run_step(example_project, {"contracts": "pyproject"})
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads((example_project / "importspy-report.json").read_text())
    assert [row["module"] for row in report["gates"][0]["metrics"]["subjects"]] == [
        "src/core/api.py"
    ]


def test_working_directory_and_output_paths(
    tmp_path: Path, example_project: Path, run_step: Runner
):
    workspace = tmp_path / "repo"
    workspace.mkdir()
    example_project.rename(workspace / "pkg")
    result = run_step(
        workspace,
        {
            "contracts": "src/plugins/greeter.py",
            "working-directory": "pkg",
            "json-report": "out/report.json",
            "sarif": "",
        },
    )
    assert result.exit_code == 0, result.stderr
    assert (workspace / "pkg" / "out" / "report.json").is_file()
    assert result.outputs["json-report"] == "pkg/out/report.json"
    assert result.outputs["sarif"] == ""
    assert not (workspace / "pkg" / "importspy.sarif").exists()


def test_fail_on_and_severity_overrides(example_project: Path, run_step: Runner):
    never = run_step(example_project, {"contracts": ALL_CONTRACTS, "fail-on": "never"})
    assert never.exit_code == 0
    assert never.outputs["errors"] == "5"

    downgraded = run_step(
        example_project,
        {
            "contracts": "src/plugins/fetcher.py",
            "severity": "ISPY-D101=warning",
        },
    )
    assert downgraded.exit_code == 0, downgraded.stdout
    assert downgraded.outputs["warnings"] == "1"
    assert "::warning file=src/plugins/fetcher.py,line=3" in downgraded.stdout

    strict = run_step(
        example_project,
        {
            "contracts": "src/plugins/fetcher.py",
            "severity": "ISPY-D101=warning",
            "fail-on": "warning",
        },
    )
    assert strict.exit_code == 1

    ignored = run_step(
        example_project, {"contracts": "src/plugins/fetcher.py", "ignore": "ISPY-D101"}
    )
    assert ignored.exit_code == 0
    assert ignored.outputs["errors"] == "0"


def test_summary_on_failure_only(example_project: Path, run_step: Runner):
    passing = run_step(
        example_project, {"contracts": "src/plugins/greeter.py", "summary": "on-failure"}
    )
    assert passing.exit_code == 0 and passing.summary == ""
    failing = run_step(
        example_project, {"contracts": "src/plugins/scorer.py", "summary": "on-failure"}
    )
    assert failing.exit_code == 1 and "Gates failed" in failing.summary
    silent = run_step(example_project, {"contracts": "src/plugins/scorer.py", "summary": "never"})
    assert silent.exit_code == 1 and silent.summary == ""
