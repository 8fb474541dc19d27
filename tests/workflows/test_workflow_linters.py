"""actionlint, zizmor and check-jsonschema over every workflow, the action and Dependabot.

All three run offline from the dev extra. Zero findings is the bar; a justified ignore is a
`# zizmor: ignore[...]` comment next to the line it excuses. Each linter is also fed a
broken snippet, so a linter that silently checks nothing cannot pass these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.workflow_checks import (
    REPO,
    actionlint,
    check_jsonschema,
    example_workflow_files,
    workflow_files,
    zizmor,
)

pytestmark = pytest.mark.workflows

ALL_WORKFLOWS = workflow_files() + example_workflow_files()

BROKEN_WORKFLOW = """\
name: broken
on:
  pull_request_target:
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo "${{ steps.nothing.outputs.here }}"
"""


def test_there_are_workflows_to_lint() -> None:
    names = {path.name for path in workflow_files()}
    assert {"ci.yml", "publish.yml", "main.yml", "release.yml"} <= names
    assert [path.name for path in example_workflow_files()] == [
        "badge.yml",
        "release.yml",
        "runtime-matrix.yml",
    ]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_actionlint_finds_nothing(path: Path) -> None:
    result = actionlint(path)
    assert result.returncode == 0, result.output


def test_actionlint_uses_shellcheck_on_run_scripts(tmp_path: Path) -> None:
    """actionlint only checks shell scripts when it finds shellcheck: prove it does."""
    workflow = tmp_path / ".github" / "workflows" / "sc.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo $UNQUOTED_VARIABLE\n",
        encoding="utf-8",
    )
    result = actionlint(workflow, cwd=tmp_path)
    assert result.returncode == 1
    assert "shellcheck" in result.output and "SC2086" in result.output


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "broken.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    result = actionlint(workflow, cwd=tmp_path)
    assert result.returncode == 1
    assert 'property "nothing" is not defined' in result.output


def test_zizmor_finds_nothing() -> None:
    """One run over the repository (workflows, action.yml, dependabot.yml) and the template."""
    result = zizmor(REPO, *example_workflow_files())
    assert result.returncode == 0, result.output
    assert "No findings to report" in result.output
    audited = [*workflow_files(), REPO / "action.yml", REPO / "native" / "action.yml"]
    for path in [*audited, REPO / ".github" / "dependabot.yml"]:
        assert f"completed {path}\n" in result.output, (
            f"zizmor did not audit {path}:\n{result.output}"
        )


def test_zizmor_rejects_a_broken_workflow(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "broken.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    result = zizmor(tmp_path, cwd=tmp_path)
    assert result.returncode != 0
    for audit in ("template-injection", "unpinned-uses", "artipacked", "dangerous-triggers"):
        assert audit in result.output, result.output


def test_zizmor_strict_collection_refuses_an_unparsable_workflow(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "bad.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs: [not, a, mapping]\n", encoding="utf-8")
    result = zizmor(tmp_path, cwd=tmp_path)
    assert result.returncode != 0
    assert "No findings to report" not in result.output


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflow_schema(path: Path) -> None:
    result = check_jsonschema("vendor.github-workflows", path)
    assert result.returncode == 0, result.output


@pytest.mark.parametrize("path", ["action.yml", "native/action.yml"])
def test_action_schema(path: str) -> None:
    result = check_jsonschema("vendor.github-actions", REPO / path)
    assert result.returncode == 0, result.output


def test_dependabot_schema() -> None:
    result = check_jsonschema("vendor.dependabot", REPO / ".github" / "dependabot.yml")
    assert result.returncode == 0, result.output


def test_schema_rejects_a_broken_workflow(tmp_path: Path) -> None:
    workflow = tmp_path / "broken.yml"
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n", encoding="utf-8"
    )
    result = check_jsonschema("vendor.github-workflows", workflow)
    assert result.returncode == 1
    assert "stepz" in result.output or "steps" in result.output
