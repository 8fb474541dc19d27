"""Merge queues wait for required checks on the queue's commit, which only `merge_group`
runs produce: every workflow (and copy-paste caller) that reports on pull requests must
also run on `merge_group`, or a queued pull request waits for a check that never comes."""

from __future__ import annotations

import re

import pytest

from tests.workflows import workflow_checks as wc

pytestmark = pytest.mark.workflows

YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def missing_merge_group(workflow: wc.Workflow) -> bool:
    """A pull-request workflow that a merge queue would never run."""
    on = wc.triggers(workflow)
    return "pull_request" in on and "merge_group" not in on


def test_own_ci_runs_in_the_merge_queue() -> None:
    assert "merge_group" in wc.triggers(wc.load(wc.WORKFLOWS_DIR / "main.yml"))


@pytest.mark.parametrize("doc", ["README.md", "docs/workflows.md"])
def test_documented_pull_request_callers_list_merge_group(doc: str) -> None:
    """The quick start and the reusable-CI caller; the fork flow's collect workflow is a
    pull_request workflow too, but its merge-mode job has no merge-group counterpart."""
    text = (wc.REPO / doc).read_text(encoding="utf-8")
    callers = []
    for block in YAML_BLOCK.findall(text):
        document = wc.parse(block)
        if "on" in document or True in document:
            callers.append(document)
    assert callers, f"no workflow with triggers in {doc}"
    assert not [c for c in callers if missing_merge_group(c)]


def test_the_check_catches_a_pull_request_only_workflow() -> None:
    assert missing_merge_group(wc.parse("on:\n  pull_request:\njobs: {}\n"))
    assert not missing_merge_group(wc.parse("on: [pull_request, merge_group]\njobs: {}\n"))
    assert not missing_merge_group(wc.parse("on: push\njobs: {}\n"))
