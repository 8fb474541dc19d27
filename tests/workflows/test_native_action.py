"""native/action.yml: generated from action.yml, same inputs and outputs, lint-clean steps."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from importspy_action.settings import INPUTS
from tests.workflows.workflow_checks import REPO, actionlint, load

pytestmark = pytest.mark.workflows

NATIVE = REPO / "native" / "action.yml"
GENERATOR = REPO / "scripts" / "gen_native_action.py"


def _run_generator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *args], capture_output=True, text=True, check=False
    )


def test_checked_in_file_is_what_the_generator_writes() -> None:
    result = _run_generator("--check")
    assert result.returncode == 0, result.stderr


def test_check_notices_a_hand_edit(tmp_path: Path) -> None:
    edited = tmp_path / "action.yml"
    edited.write_text(NATIVE.read_text(encoding="utf-8").replace("(native)", "(edited)"))
    result = _run_generator("--check", "--target", str(edited))
    assert result.returncode == 1
    assert "out of date" in result.stderr


def test_same_inputs_and_outputs_as_the_container_action_plus_python() -> None:
    container, native = load(REPO / "action.yml"), load(NATIVE)
    extra = {
        name: spec for name, spec in native["inputs"].items() if name not in container["inputs"]
    }
    assert list(extra) == ["python"] and extra["python"]["default"] == "python"
    assert {k: v for k, v in native["inputs"].items() if k != "python"} == container["inputs"]
    assert list(native["outputs"]) == list(container["outputs"])
    for name, output in native["outputs"].items():
        assert output["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert output["description"] == container["outputs"][name]["description"]


def _steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    steps = action["runs"]["steps"]
    assert isinstance(steps, list)
    return steps


def test_every_input_reaches_the_cli_under_the_name_settings_reads() -> None:
    """A composite action exports no INPUT_* variables; the run step maps each one."""
    (run,) = [step for step in _steps(load(NATIVE)) if step.get("id") == "run"]
    for spec in INPUTS:
        assert run["env"][spec.env_name] == f"${{{{ inputs.{spec.name} }}}}"


def test_no_expression_is_expanded_inside_a_script() -> None:
    """Inputs go through `env:` only: `${{ }}` in `run:` would splice text into bash."""
    for step in _steps(load(NATIVE)):
        assert "${{" not in step.get("run", ""), step["name"]
        if "run" in step:
            assert step["shell"] == "bash"  # also on Windows runners (Git Bash); no pwsh


def test_cache_is_pinned_to_a_full_commit() -> None:
    uses = [step["uses"] for step in _steps(load(NATIVE)) if "uses" in step]
    assert uses and all(len(ref.partition("@")[2]) == 40 for ref in uses)


def composite_as_workflow(action: dict[str, Any]) -> dict[str, Any]:
    """The composite's steps as a reusable workflow, so actionlint (which does not lint
    composite actions) type-checks their expressions and runs shellcheck on their scripts."""
    inputs = {
        name: {"type": "string", "required": False, "default": ""} for name in action["inputs"]
    }
    return {
        "name": "native action steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {},
        "jobs": {"native": {"runs-on": "ubuntu-latest", "steps": copy.deepcopy(_steps(action))}},
    }


def _actionlint_composite(action: dict[str, Any], root: Path) -> str:
    workflow = root / ".github" / "workflows" / "native.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(yaml.safe_dump(composite_as_workflow(action), sort_keys=False))
    result = actionlint(workflow, cwd=root)
    return "" if result.returncode == 0 else result.output


def test_actionlint_and_shellcheck_pass_on_the_steps(tmp_path: Path) -> None:
    assert _actionlint_composite(load(NATIVE), tmp_path) == ""


def test_the_composite_lint_catches_a_broken_script(tmp_path: Path) -> None:
    action = load(NATIVE)
    _steps(action)[-1]["run"] += "echo $UNQUOTED_VARIABLE\n"
    assert "SC2086" in _actionlint_composite(action, tmp_path)
