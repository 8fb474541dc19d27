"""The documentation and the definitions it describes say the same thing.

- every input, output and secret of ci.yml and publish.yml has a row in docs/workflows.md
  with the same type, required flag and default, and no row describes something that is gone;
- the README's input and output tables equal action.yml's (names, defaults, descriptions)
  and are exactly what scripts/gen_readme_tables.py generates between its markers;
- action.yml's inputs equal the settings table the code reads (`settings.INPUTS`), except the
  token, whose action default is `${{ github.token }}`;
- action.yml's outputs equal the names the outputs reporter writes (`OUTPUT_NAMES`).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest
import yaml

from importspy_action.reporters.outputs import OUTPUT_NAMES
from importspy_action.settings import INPUTS
from tests.workflows import workflow_checks as wc

pytestmark = pytest.mark.workflows

WORKFLOWS_DOC = wc.REPO / "docs" / "workflows.md"
README = wc.REPO / "README.md"
ACTION = wc.REPO / "action.yml"
TOKEN_DEFAULT = "${{ github.token }}"
NO_DEFAULT = "—"


def markdown_table(text: str, heading: str) -> dict[str, list[str]]:
    """Rows of the first table under `heading` (an exact heading line), keyed by the first
    cell with its backticks removed. Raises when the heading or its table is missing."""
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        raise AssertionError(f"heading {heading!r} not found") from None
    rows: dict[str, list[str]] = {}
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            in_table = True
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if set(cells[0]) <= {"-", " ", ":"} or not cells[0].startswith("`"):
                continue  # separator or header row
            name = cells[0].strip("`")
            if name in rows:
                raise AssertionError(f"{name!r} appears twice under {heading!r}")
            rows[name] = cells[1:]
        elif in_table:
            break
    if not in_table:
        raise AssertionError(f"no table under {heading!r}")
    return rows


def code(cell: str) -> str:
    """`` `value` `` -> value; the em dash means "no default"."""
    if cell == NO_DEFAULT:
        return NO_DEFAULT
    match = re.fullmatch(r"`(.*)`", cell)
    if not match:
        raise AssertionError(f"default cell {cell!r} is not a code span or {NO_DEFAULT}")
    return match.group(1)


def yaml_default(spec: dict[str, Any]) -> str:
    if "default" not in spec:
        return NO_DEFAULT
    value = spec["default"]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_inputs_table(inputs: dict[str, dict[str, Any]], rows: dict[str, list[str]]) -> list[str]:
    """Differences between declared workflow_call inputs and a docs table
    (`| name | type | required | default | description |`)."""
    problems = [f"undocumented input {name!r}" for name in inputs.keys() - rows.keys()]
    problems += [f"documented input {name!r} does not exist" for name in rows.keys() - inputs]
    for name in inputs.keys() & rows.keys():
        spec, (kind, required, default, description) = inputs[name], rows[name]
        if kind != spec["type"]:
            problems.append(f"{name}: documented type {kind!r}, declared {spec['type']!r}")
        declared_required = "yes" if spec.get("required") else "no"
        if required != declared_required:
            problems.append(
                f"{name}: documented required {required!r}, declared {declared_required!r}"
            )
        if code(default) != yaml_default(spec):
            problems.append(
                f"{name}: documented default {default!r}, declared {yaml_default(spec)!r}"
            )
        if not description:
            problems.append(f"{name}: no description")
    return problems


def check_names(declared: set[str], rows: dict[str, list[str]], what: str) -> list[str]:
    return [f"undocumented {what} {n!r}" for n in sorted(declared - rows.keys())] + [
        f"documented {what} {n!r} does not exist" for n in sorted(rows.keys() - declared)
    ]


# -- docs/workflows.md -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["ci.yml", "publish.yml"])
def test_every_workflow_input_output_and_secret_is_documented(name: str) -> None:
    doc = WORKFLOWS_DOC.read_text(encoding="utf-8")
    call = wc.triggers(wc.load(wc.WORKFLOWS_DIR / name))["workflow_call"]
    inputs_rows = markdown_table(doc, f"### `{name}` inputs")
    assert check_inputs_table(call.get("inputs") or {}, inputs_rows) == []
    outputs_rows = markdown_table(doc, f"### `{name}` outputs")
    assert check_names(set(call.get("outputs") or {}), outputs_rows, "output") == []
    secrets = set(call.get("secrets") or {})
    if secrets:
        assert check_names(secrets, markdown_table(doc, f"### `{name}` secrets"), "secret") == []
    else:
        assert f"### `{name}` secrets\n\nNone." in doc


def test_publish_dry_run_defaults_are_documented() -> None:
    doc = WORKFLOWS_DOC.read_text(encoding="utf-8")
    dispatch = wc.triggers(wc.load(wc.WORKFLOWS_DIR / "publish.yml"))["workflow_dispatch"]
    rows = markdown_table(doc, "### `publish.yml` dry run (`workflow_dispatch`)")
    documented = {name: code(cells[0]) for name, cells in rows.items()}
    declared = {name: yaml_default(spec) for name, spec in dispatch["inputs"].items()}
    assert documented == declared


def test_inputs_table_check_catches_drift() -> None:
    inputs = {
        "kept": {"type": "string", "default": "a"},
        "new": {"type": "boolean", "default": True},
        "typed": {"type": "number", "default": 80},
    }
    rows = {
        "kept": ["string", "no", "`b`", "changed default"],
        "typed": ["string", "yes", "`80`", "wrong type and required"],
        "gone": ["string", "no", "``", "removed input"],
    }
    problems = check_inputs_table(inputs, rows)
    assert "undocumented input 'new'" in problems
    assert "documented input 'gone' does not exist" in problems
    assert any(p.startswith("kept: documented default") for p in problems)
    assert any(p.startswith("typed: documented type") for p in problems)
    assert any(p.startswith("typed: documented required") for p in problems)


def test_markdown_table_reader_refuses_missing_sections() -> None:
    with pytest.raises(AssertionError, match="not found"):
        markdown_table("# Title\n", "### `x.yml` inputs")
    with pytest.raises(AssertionError, match="no table"):
        markdown_table(
            "### `x.yml` inputs\n\nprose only\n\n## next\n| `a` | b |\n", "### `x.yml` inputs"
        )


# -- README, action.yml and the code ---------------------------------------------------


def action() -> dict[str, Any]:
    loaded = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_readme_inputs_table_equals_action_yml() -> None:
    rows = markdown_table(README.read_text(encoding="utf-8"), "## Inputs")
    declared = action()["inputs"]
    assert check_names(set(declared), rows, "input") == []
    for name, spec in declared.items():
        default, description = rows[name]
        assert code(default) == str(spec.get("default", "")), name
        assert one_line(description) == one_line(spec["description"]), name


def test_readme_outputs_table_equals_action_yml() -> None:
    rows = markdown_table(README.read_text(encoding="utf-8"), "## Outputs")
    declared = action()["outputs"]
    assert check_names(set(declared), rows, "output") == []
    for name, spec in declared.items():
        assert one_line(rows[name][0]) == one_line(spec["description"]), name


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_readme_tables", wc.REPO / "scripts" / "gen_readme_tables.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_are_what_the_generator_writes() -> None:
    gen = _generator()
    readme = README.read_text(encoding="utf-8")
    assert gen.render(readme, action()) == readme, "run `make readme-tables`"
    check = subprocess.run(
        [sys.executable, str(wc.REPO / "scripts" / "gen_readme_tables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_the_generator_notices_drift_and_missing_markers(tmp_path: Any) -> None:
    gen = _generator()
    readme = README.read_text(encoding="utf-8")
    changed = action()
    first = next(iter(changed["inputs"]))
    changed["inputs"][first]["description"] = "A new | description."
    rendered = gen.render(readme, changed)
    assert rendered != readme
    assert f"| `{first}` | `` | A new \\| description. |" in rendered
    assert markdown_table(rendered, "## Inputs")[first][1] == "A new \\| description."
    stale = tmp_path / "README.md"
    stale.write_text(rendered, encoding="utf-8")
    script = [sys.executable, str(wc.REPO / "scripts" / "gen_readme_tables.py")]
    check = subprocess.run(
        [*script, "--check", "--readme", str(stale)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 1 and "make readme-tables" in check.stderr
    assert stale.read_text(encoding="utf-8") == rendered  # --check never writes
    assert subprocess.run([*script, "--readme", str(stale)], check=False).returncode == 0
    assert stale.read_text(encoding="utf-8") == readme
    stale.write_text("# no markers\n", encoding="utf-8")
    missing = subprocess.run(
        [*script, "--readme", str(stale)], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2 and "BEGIN GENERATED inputs" in missing.stderr


def test_action_inputs_equal_the_settings_table() -> None:
    declared = action()["inputs"]
    assert set(declared) == {spec.name for spec in INPUTS}
    for spec in INPUTS:
        expected = TOKEN_DEFAULT if spec.name == "github-token" else spec.default
        assert declared[spec.name].get("default", "") == expected, spec.name
        assert one_line(declared[spec.name]["description"]) == one_line(spec.description)


def test_action_outputs_equal_what_the_outputs_reporter_writes() -> None:
    declared = list(action()["outputs"])
    assert sorted(declared) == sorted(OUTPUT_NAMES)
    assert len(declared) == len(set(declared))


def test_ci_report_job_passes_only_inputs_the_action_declares() -> None:
    report = wc.jobs(wc.load(wc.WORKFLOWS_DIR / "ci.yml"))["report"]
    gates = next(step for step in wc.steps(report) if step.get("id") == "gates")
    assert set(gates["with"]) <= set(action()["inputs"])


def test_e2e_job_asserts_outputs_the_action_declares() -> None:
    e2e = wc.jobs(wc.load(wc.WORKFLOWS_DIR / "main.yml"))["e2e"]
    gates = next(step for step in wc.steps(e2e) if step.get("id") == "gates")
    assert gates["uses"] == "./" and gates["continue-on-error"] is True
    assert set(gates["with"]) <= set(action()["inputs"])
    assert_step = wc.steps(e2e)[-1]
    referenced = set(re.findall(r"steps\.gates\.outputs\.([\w-]+)", str(assert_step["env"])))
    assert referenced == {"result", "errors", "exit-code", "json-report", "sarif"}
    assert referenced <= set(OUTPUT_NAMES)
    assert "steps.gates.outcome" in str(assert_step["env"])


# -- copy-paste examples ----------------------------------------------------------------

YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def example_calls(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(workflow file name, job) for every job in a ```yaml block that calls ci.yml/publish.yml."""
    calls = []
    for block in YAML_BLOCK.findall(text):
        document = wc.parse(block)
        for job in wc.jobs(document).values():
            ref = str(job.get("uses", ""))
            match = re.search(r"/\.github/workflows/(ci|publish)\.yml@", ref)
            if match:
                calls.append((f"{match.group(1)}.yml", job))
    return calls


def example_call_problems(name: str, job: dict[str, Any]) -> list[str]:
    inputs = wc.triggers(wc.load(wc.WORKFLOWS_DIR / name))["workflow_call"]["inputs"]
    given = set(job.get("with") or {})
    problems = [f"{name}: unknown input {key!r}" for key in sorted(given - set(inputs))]
    required = {key for key, spec in inputs.items() if spec.get("required")}
    problems += [f"{name}: required input {key!r} missing" for key in sorted(required - given)]
    perms = job.get("permissions") or {}
    for scope, level in (("contents", "read"), ("checks", "write")):
        if perms.get(scope) != level:
            problems.append(f"{name}: the calling job must grant {scope}: {level}")
    return problems


@pytest.mark.parametrize(
    "path",
    [WORKFLOWS_DOC, README, wc.EXAMPLE_WORKFLOWS_DIR / "release.yml"],
    ids=lambda p: p.name,
)
def test_copy_paste_examples_call_the_workflows_correctly(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yml":
        text = f"```yaml\n{text}```"
    calls = example_calls(text)
    assert calls, f"no example call in {path.name}"
    for name, job in calls:
        assert example_call_problems(name, job) == []


def test_example_call_check_catches_a_wrong_example() -> None:
    wrong = (
        "```yaml\njobs:\n  ci:\n    uses: org/x/.github/workflows/ci.yml@v1\n"
        "    permissions: { contents: read }\n    with:\n      python-version: '3.12'\n"
        "      pythons: '[]'\n```\n"
    )
    [(name, job)] = example_calls(wrong)
    assert example_call_problems(name, job) == [
        "ci.yml: unknown input 'pythons'",
        "ci.yml: required input 'package' missing",
        "ci.yml: the calling job must grant checks: write",
    ]
