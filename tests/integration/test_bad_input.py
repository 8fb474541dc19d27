"""Bad input gets a clear error, never a traceback, and the right exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importspy_action.reporters.markdown import cell
from tests.conftest import Runner, StepResult

PLUGINS = Path("src/plugins")


def _no_traceback(result: StepResult) -> None:
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr


def _findings(result: StepResult) -> list[dict[str, object]]:
    report = json.loads((result.workspace / "importspy-report.json").read_text())
    return [finding for gate in report["gates"] for finding in gate["findings"]]


def test_no_gate_configured_names_what_to_configure(example_project: Path, run_step: Runner):
    result = run_step(example_project, {})
    assert result.exit_code == 2
    _no_traceback(result)
    assert "No gate is configured" in result.stderr
    assert "`contracts`" in result.stderr and "`coverage-file`" in result.stderr
    assert "::error title=ImportSpy%3A configuration error::No gate is configured" in result.stdout
    assert "Configuration error" in result.summary
    assert result.outputs == {"result": "failed", "exit-code": "2"}


def test_every_bad_input_is_named_at_once(example_project: Path, run_step: Runner):
    result = run_step(
        example_project,
        {
            "contracts": "src/plugins/greeter.py",
            "fail-on": "fatal",
            "summary": "sometimes",
            "max-module-size": "big",
            "timeout-per-module": "-3",
            "severity": "ISPY-S103=loud",
            "lint": "yes",
        },
    )
    assert result.exit_code == 2
    _no_traceback(result)
    for name in ("fail-on", "summary", "max-module-size", "timeout-per-module", "severity", "lint"):
        assert f"Input `{name}`" in result.stderr, name
    assert "use one of: error, warning, never" in result.stderr


@pytest.mark.parametrize(
    ("contracts", "message"),
    [
        ("src/plugins/missing.py", "module 'src/plugins/missing.py' does not exist"),
        ("src/nothing/*.py", "'src/nothing/*.py' matched no Python module"),
        ("src/plugins/greeter.py: contracts/none.yml", "contract 'contracts/none.yml'"),
        ("src/core/api.py", "has no sidecar contract 'src/core/api.importspy.yml'"),
        ("../outside.py", "points outside the workspace"),
    ],
)
def test_missing_or_escaping_paths_are_configuration_errors(
    example_project: Path, run_step: Runner, contracts: str, message: str
):
    result = run_step(example_project, {"contracts": contracts})
    assert result.exit_code == 2, result.stdout
    _no_traceback(result)
    assert message in result.stdout + result.stderr
    assert cell(message) in result.summary


def test_symlink_escaping_the_workspace_is_refused(
    tmp_path: Path, example_project: Path, run_step: Runner
):
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 'x'\n")
    (example_project / PLUGINS / "sneaky.py").symlink_to(secret)
    result = run_step(example_project, {"contracts": "src/plugins/*.py"})
    assert result.exit_code == 2
    _no_traceback(result)
    assert "symlink that points outside the workspace" in result.stdout + result.stderr

    contract_link = example_project / "contracts" / "linked.yml"
    contract_link.symlink_to(tmp_path / "elsewhere.yml")
    (tmp_path / "elsewhere.yml").write_text("schema_version: 1\n")
    linked = run_step(example_project, {"contracts": "src/core/api.py: contracts/linked.yml"})
    assert linked.exit_code == 2
    assert "points outside the workspace" in linked.stdout + linked.stderr


def _contract(project: Path, text: str | bytes) -> None:
    target = project / PLUGINS / "greeter.importspy.yml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text)


def test_malformed_yaml_points_at_its_line(example_project: Path, run_step: Runner):
    _contract(example_project, "schema_version: 1\nfunctions:\n  - name: register\n   bad: [\n")
    result = run_step(example_project, {"contracts": "src/plugins/*.py"})
    assert result.exit_code == 2
    _no_traceback(result)
    bad = [f for f in _findings(result) if f["code"] == "ISPY-C101"]
    assert len(bad) == 1
    assert bad[0]["path"] == "src/plugins/greeter.importspy.yml"
    assert bad[0]["start_line"] == 4
    assert "not valid YAML" in str(bad[0]["message"])
    # the other modules were still judged
    assert any(f["code"] == "ISPY-D101" for f in _findings(result))


def test_alias_bomb_is_refused_before_parsing(example_project: Path, run_step: Runner):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        prev, cur = chr(ord("a") + index - 1), chr(ord("a") + index)
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    _contract(example_project, "schema_version: 1\n" + "\n".join(levels) + "\n")
    result = run_step(example_project, {"contracts": "src/plugins/greeter.py"}, timeout=60)
    assert result.exit_code == 2
    _no_traceback(result)
    (finding,) = _findings(result)
    assert finding["code"] == "ISPYA-C102"
    assert finding["start_line"] == 2
    assert "anchors or aliases" in str(finding["message"])


@pytest.mark.parametrize(
    ("text", "expected_line", "words"),
    [
        ("- just\n- a list\n", 1, "must be a YAML mapping"),
        (
            "schema_version: 1\nfunctions:\n  - name: register\n    colour: blue\n",
            4,
            "`functions[0].colour` is not a field",
        ),
        ("schema_version: 1\nclasses:\n  - methods: []\n", 3, "`classes[0].name` is required"),
        ("schema_version: 7\n", 1, "`schema_version` is invalid"),
    ],
)
def test_contract_schema_errors_point_at_their_key(
    example_project: Path, run_step: Runner, text: str, expected_line: int, words: str
):
    _contract(example_project, text)
    result = run_step(example_project, {"contracts": "src/plugins/greeter.py"})
    assert result.exit_code == 2, result.stdout
    _no_traceback(result)
    findings = _findings(result)
    assert findings, result.stdout
    assert findings[0]["path"] == "src/plugins/greeter.importspy.yml"
    assert findings[0]["start_line"] == expected_line
    assert words in str(findings[0]["message"])


def test_non_utf8_contract(example_project: Path, run_step: Runner):
    _contract(example_project, b"schema_version: 1\npolicy_id: caf\xe9\n")
    result = run_step(example_project, {"contracts": "src/plugins/greeter.py"})
    assert result.exit_code == 2
    (finding,) = _findings(result)
    assert finding["start_line"] == 2 and "not UTF-8" in str(finding["message"])


def test_non_utf8_and_broken_modules_are_findings_not_crashes(
    example_project: Path, run_step: Runner
):
    plugins = example_project / PLUGINS
    (plugins / "latin.py").write_bytes(b"NAME = 'caf\xe9'\n")
    (plugins / "latin.importspy.yml").write_text("schema_version: 1\n")
    (plugins / "broken.py").write_text("def oops(:\n    pass\n")
    (plugins / "broken.importspy.yml").write_text("schema_version: 1\n")
    result = run_step(example_project, {"contracts": "src/plugins/latin.py\nsrc/plugins/broken.py"})
    assert result.exit_code == 1
    _no_traceback(result)
    by_path = {f["path"]: f for f in _findings(result)}
    assert by_path["src/plugins/broken.py"]["code"] == "ISPY-S001"
    assert by_path["src/plugins/broken.py"]["start_line"] == 1
    assert by_path["src/plugins/latin.py"]["code"] == "ISPY-S001"


def test_oversize_module_is_not_read(example_project: Path, run_step: Runner):
    result = run_step(
        example_project, {"contracts": "src/plugins/greeter.py", "max-module-size": "10B"}
    )
    assert result.exit_code == 1
    (finding,) = _findings(result)
    assert finding["code"] == "ISPYA-S002" and "max-module-size" in str(finding["message"])


def test_a_module_that_hangs_the_engine_is_named_and_the_rest_judged(
    example_project: Path, run_step: Runner
):
    plugins = example_project / PLUGINS
    # ~7 MB of source takes the engine ~25 s here, far past a 2 s deadline.
    body = "".join(f"value_{i} = [{i}, {i + 1}, {{'k': ({i},)}}]\n" for i in range(150_000))
    (plugins / "huge.py").write_text(body)
    (plugins / "huge.importspy.yml").write_text("schema_version: 1\n")
    result = run_step(
        example_project,
        {
            "contracts": "src/plugins/huge.py\nsrc/plugins/fetcher.py\nsrc/plugins/greeter.py",
            "timeout-per-module": "2s",
            "max-module-size": "100MB",
        },
    )
    assert result.exit_code == 1
    _no_traceback(result)
    findings = _findings(result)
    codes = {f["path"]: f["code"] for f in findings}
    assert codes["src/plugins/huge.py"] == "ISPYA-T001"
    assert codes["src/plugins/fetcher.py"] == "ISPY-D101"  # judged after the restart
    report = json.loads((result.workspace / "importspy-report.json").read_text())
    decisions = {r["module"]: r["decision"] for r in report["gates"][0]["metrics"]["subjects"]}
    assert decisions["src/plugins/greeter.py"] == "ADMIT"
    assert decisions["src/plugins/huge.py"] == "TIMED OUT"


def test_unwritable_report_path_does_not_lose_the_other_reporters(
    example_project: Path, run_step: Runner
):
    (example_project / "blocker").write_text("a file, not a directory")
    result = run_step(
        example_project,
        {"contracts": "src/plugins/scorer.py", "json-report": "blocker/report.json"},
    )
    # everything else is written, then the run says what it could not write: exit 2
    assert result.exit_code == 2
    assert "Input `json-report`: cannot write" in result.stderr
    assert "Gates failed" in result.summary
    assert result.outputs["result"] == "failed"
    assert (example_project / "importspy.sarif").is_file()
