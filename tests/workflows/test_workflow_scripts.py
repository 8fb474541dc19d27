"""The `run:` scripts of the workflows, executed here the way the runner executes them.

A linter proves a script is well-formed, not that it does what the job promises. These tests
take the script text out of the parsed workflow (so they test what is committed), run it with
`bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) and the step's `env:` filled
in as the runner would, on small projects made in a temporary directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.workflows import workflow_checks as wc

pytestmark = pytest.mark.workflows


@dataclass(frozen=True)
class ScriptRun:
    returncode: int
    output: str
    outputs: dict[str, str]


def step(workflow: str, job: str, name: str) -> dict[str, Any]:
    for candidate in wc.steps(wc.jobs(wc.load(wc.WORKFLOWS_DIR / workflow))[job]):
        if candidate.get("name") == name:
            return candidate
    raise AssertionError(f"{workflow}: job {job} has no step named {name!r}")


def run_step(found: dict[str, Any], cwd: Path, env: dict[str, str], tmp_path: Path) -> ScriptRun:
    """Run one step's script like the runner: bash -eo pipefail, env from the caller."""
    script = tmp_path / "step.sh"
    script.write_text(found["run"], encoding="utf-8")
    output_file = tmp_path / "github_output"
    output_file.write_text("", encoding="utf-8")
    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir(exist_ok=True)
    environment = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(output_file),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "2",
        "PIP_NO_INDEX": "1",  # nothing here may reach a package index
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **env,
    }
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = dict(
        line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
    )
    return ScriptRun(completed.returncode, completed.stdout + completed.stderr, outputs)


def project(tmp_path: Path, tests: str, markers: tuple[str, ...] = ()) -> Path:
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    lines = ["[pytest]"]
    if markers:
        lines.append("markers =")
        lines.extend(f"    {marker}: {marker} tests" for marker in markers)
    (root / "pytest.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "tests" / "test_sample.py").write_text(tests, encoding="utf-8")
    return root


MARKED = """\
import pytest

@pytest.mark.unit
def test_unit():
    pass

@pytest.mark.integration
def test_integration():
    pass

def test_plain():
    pass
"""

UNMARKED = """\
def test_one():
    pass

def test_two():
    pass
"""

FAILING = """\
def test_broken():
    assert 1 == 2
"""


def unit_env(marker: str = "unit") -> dict[str, str]:
    return {"MARKER": marker, "TEST_PATHS": "tests"}


# -- ci.yml: unit and integration -------------------------------------------------------


def test_unit_step_runs_only_the_marked_tests(tmp_path: Path) -> None:
    root = project(tmp_path, MARKED, markers=("unit", "integration"))
    result = run_step(step("ci.yml", "unit", "pytest -m unit"), root, unit_env(), tmp_path)
    assert result.returncode == 0, result.output
    assert "1 passed, 2 deselected" in result.output
    assert "::notice" not in result.output


def test_unit_step_runs_the_whole_suite_when_nothing_is_marked(tmp_path: Path) -> None:
    root = project(tmp_path, UNMARKED)
    result = run_step(step("ci.yml", "unit", "pytest -m unit"), root, unit_env(), tmp_path)
    assert result.returncode == 0, result.output
    assert "::notice title=No unit-marked tests::" in result.output
    assert "2 passed" in result.output


def test_unit_step_accepts_a_marker_expression(tmp_path: Path) -> None:
    root = project(tmp_path, MARKED, markers=("unit", "integration"))
    env = unit_env("not integration")
    result = run_step(step("ci.yml", "unit", "pytest -m unit"), root, env, tmp_path)
    assert result.returncode == 0, result.output
    assert "2 passed, 1 deselected" in result.output


def test_unit_step_fails_a_project_without_tests(tmp_path: Path) -> None:
    root = project(tmp_path, "")
    result = run_step(step("ci.yml", "unit", "pytest -m unit"), root, unit_env(), tmp_path)
    assert result.returncode == 5
    assert "::error title=No tests::" in result.output


def test_unit_step_fails_when_a_test_fails_in_the_fallback(tmp_path: Path) -> None:
    root = project(tmp_path, FAILING)
    result = run_step(step("ci.yml", "unit", "pytest -m unit"), root, unit_env(), tmp_path)
    assert result.returncode == 1
    assert "1 failed" in result.output


def test_integration_step_passes_without_integration_tests(tmp_path: Path) -> None:
    root = project(tmp_path, UNMARKED)
    found = step("ci.yml", "integration", "pytest -m integration")
    result = run_step(found, root, unit_env("integration"), tmp_path)
    assert result.returncode == 0, result.output
    assert "::notice title=No integration tests::" in result.output


def test_integration_step_fails_on_a_failing_integration_test(tmp_path: Path) -> None:
    root = project(tmp_path, "import pytest\n\n@pytest.mark.integration\n" + FAILING)
    found = step("ci.yml", "integration", "pytest -m integration")
    result = run_step(found, root, unit_env("integration"), tmp_path)
    assert result.returncode == 1, result.output


def test_artifact_names_are_unique_per_run_attempt(tmp_path: Path) -> None:
    found = step("ci.yml", "build", "Name the coverage artifact")
    result = run_step(found, tmp_path, {"PREFIX": "mine"}, tmp_path)
    assert result.outputs == {"coverage-artifact": "mine-coverage-4242-2"}
    found = step("ci.yml", "report", "Name the JSON report artifact")
    result = run_step(found, tmp_path, {"PREFIX": "mine"}, tmp_path)
    assert result.outputs == {"name": "mine-report-4242-2"}
    found = step("publish.yml", "build", "Name the artifact")
    result = run_step(found, tmp_path, {"PREFIX": "dists"}, tmp_path)
    assert result.outputs == {"artifact-name": "dists-4242-2"}


# -- wheels: clean-venv import, entry point, version against the tag -------------------


def make_wheel(directory: Path, *, version: str = "1.2.3", importable: bool = True) -> Path:
    """A minimal pure-Python wheel for `demopkg` with a `demopkg` console script."""
    directory.mkdir(parents=True, exist_ok=True)
    dist_info = f"demopkg-{version}.dist-info"
    files = {
        "demopkg/__init__.py": (
            f"__version__ = {version!r}\n\ndef main():\n    print('demopkg', __version__)\n"
            if importable
            else "raise ImportError('broken on purpose')\n"
        ),
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: demopkg\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": "[console_scripts]\ndemopkg = demopkg:main\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    wheel = directory / f"demopkg-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


def test_publish_installs_the_wheel_in_a_clean_venv_and_runs_the_entry_point(
    tmp_path: Path,
) -> None:
    make_wheel(tmp_path / "work" / "dist")
    found = step("publish.yml", "build", "Install the wheel in a clean venv and import it")
    env = {"PACKAGE": "demopkg", "ENTRY_POINT": "demopkg"}
    result = run_step(found, tmp_path / "work", env, tmp_path)
    assert result.returncode == 0, result.output
    assert "imported demopkg from" in result.output and "wheel-venv" in result.output
    assert "demopkg 1.2.3" in result.output


def test_publish_import_check_fails_for_a_broken_wheel(tmp_path: Path) -> None:
    make_wheel(tmp_path / "work" / "dist", importable=False)
    found = step("publish.yml", "build", "Install the wheel in a clean venv and import it")
    result = run_step(found, tmp_path / "work", {"PACKAGE": "demopkg", "ENTRY_POINT": ""}, tmp_path)
    assert result.returncode != 0
    assert "broken on purpose" in result.output


def test_ci_build_installs_the_wheel_it_built_outside_the_source_tree(tmp_path: Path) -> None:
    make_wheel(tmp_path / "runner_temp" / "dist")
    found = step("ci.yml", "build", "Install the wheel in a clean venv and import it")
    env = {"PACKAGE": "demopkg", "ENTRY_POINT": "demopkg"}
    source_tree = tmp_path / "checkout"
    (source_tree / "demopkg").mkdir(parents=True)  # must not be what gets imported
    result = run_step(found, source_tree, env, tmp_path)
    assert result.returncode == 0, result.output
    assert "wheel-venv" in result.output and str(source_tree) not in result.output


@pytest.mark.parametrize(
    ("tag", "event_tag", "ok"),
    [
        ("v1.2.3", "", True),
        ("", "1.2.3", True),
        ("v1.2.3.0", "", True),  # PEP 440: 1.2.3 == 1.2.3.0
        ("", "", True),  # no release: nothing to compare
        ("v1.2.4", "", False),
        ("", "v1.2.3rc1", False),
        ("release-candidate", "", False),
    ],
)
def test_built_version_must_equal_the_release_tag(
    tmp_path: Path, tag: str, event_tag: str, ok: bool
) -> None:
    make_wheel(tmp_path / "work" / "dist")
    found = step("publish.yml", "build", "Built version equals the release tag")
    env = {"RELEASE_TAG": tag, "EVENT_TAG": event_tag, "GITHUB_REF_TYPE": "branch"}
    result = run_step(found, tmp_path / "work", env, tmp_path)
    assert (result.returncode == 0) is ok, result.output
    assert result.outputs.get("version") == "1.2.3"
    if not ok:
        assert "::error title=" in result.output


def test_a_tag_push_is_compared_too(tmp_path: Path) -> None:
    make_wheel(tmp_path / "work" / "dist")
    found = step("publish.yml", "build", "Built version equals the release tag")
    env = {"GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v9.9.9"}
    result = run_step(found, tmp_path / "work", env, tmp_path)
    assert result.returncode == 1
    assert "does not equal release tag v9.9.9" in result.output


def test_exactly_one_sdist_and_one_wheel(tmp_path: Path) -> None:
    work = tmp_path / "work"
    make_wheel(work / "dist")
    found = step("publish.yml", "build", "Exactly one sdist and one wheel")
    assert run_step(found, work, {}, tmp_path).returncode == 1
    (work / "dist" / "demopkg-1.2.3.tar.gz").write_bytes(b"")
    assert run_step(found, work, {}, tmp_path).returncode == 0
    make_wheel(work / "dist", version="1.2.4")
    assert run_step(found, work, {}, tmp_path).returncode == 1


# -- main.yml: the end-to-end assertion -------------------------------------------------


def e2e_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    report = tmp_path / "examples" / "importspy-report.json"
    sarif = tmp_path / "examples" / "importspy.sarif"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("{}", encoding="utf-8")
    sarif.write_text("{}", encoding="utf-8")
    env = {
        "OUTCOME": "failure",
        "RESULT": "failed",
        "ERRORS": "5",
        "EXIT_CODE": "1",
        "JSON_REPORT": "examples/importspy-report.json",
        "SARIF": "examples/importspy.sarif",
    }
    env.update(overrides)
    return env


@pytest.mark.parametrize(
    "overrides",
    [
        {"OUTCOME": "success"},
        {"RESULT": "passed"},
        {"ERRORS": "4"},
        {"EXIT_CODE": "2"},
        {"JSON_REPORT": ""},
        {"SARIF": "examples/missing.sarif"},
    ],
    ids=lambda o: next(iter(o)),
)
def test_e2e_assertion_rejects_every_wrong_output(
    tmp_path: Path, overrides: dict[str, str]
) -> None:
    found = step("main.yml", "e2e", "Assert the expected failure and the step's outputs")
    result = run_step(found, tmp_path, e2e_env(tmp_path, **overrides), tmp_path)
    assert result.returncode == 1, result.output
    assert "::error title=e2e::" in result.output


def test_e2e_assertion_accepts_the_expected_outputs(tmp_path: Path) -> None:
    found = step("main.yml", "e2e", "Assert the expected failure and the step's outputs")
    result = run_step(found, tmp_path, e2e_env(tmp_path), tmp_path)
    assert result.returncode == 0, result.output
    assert os.linesep.join(["ok: step outcome = 'failure'", "ok: result = 'failed'"]) in (
        result.output
    )


# -- ci.yml: the coverage gate of the build job -----------------------------------------

HALF_COVERED = """\
def covered():
    return 1


def uncovered():
    return 2
"""


def coverage_project(tmp_path: Path) -> Path:
    root = project(
        tmp_path, "from demopkg import covered\n\ndef test_covered():\n    assert covered() == 1\n"
    )
    (root / "demopkg").mkdir()
    (root / "demopkg" / "__init__.py").write_text(HALF_COVERED, encoding="utf-8")
    return root


def coverage_env(threshold: str) -> dict[str, str]:
    return {"PACKAGE": "demopkg", "THRESHOLD": threshold, "TEST_PATHS": "tests"}


def test_build_coverage_gate_fails_under_the_threshold_and_still_writes_the_report(
    tmp_path: Path,
) -> None:
    root = coverage_project(tmp_path)
    found = step("ci.yml", "build", "Full test suite with coverage")
    result = run_step(found, root, coverage_env("80"), tmp_path)
    assert result.returncode != 0
    assert "Required test coverage of 80% not reached" in result.output
    assert (root / "coverage.xml").is_file()
    total = run_step(step("ci.yml", "build", "Total coverage"), root, {}, tmp_path)
    assert total.outputs == {"total": "75.00"}


def test_build_coverage_gate_passes_at_the_threshold(tmp_path: Path) -> None:
    root = coverage_project(tmp_path)
    found = step("ci.yml", "build", "Full test suite with coverage")
    result = run_step(found, root, coverage_env("75"), tmp_path)
    assert result.returncode == 0, result.output
    assert "Required test coverage of 75% reached" in result.output
