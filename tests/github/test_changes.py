"""Changed lines from real git repositories shaped like actions/checkout leaves them."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.github.changes import ChangesResult, changes_from_api, compute_changes
from importspy_action.github.context import GitHubContext
from tests.helpers.git import git


@pytest.fixture
def origin(tmp_path: Path) -> dict[str, str]:
    """main with history; feature changes f.py lines 2 and 4, renames g.py; a PR merge ref."""
    repo = tmp_path / "origin"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "f.py").write_text("a\nb\nc\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    for i in range(5):
        (repo / "g.py").write_text("".join(f"x{j}\n" for j in range(i + 1)))
        git(repo, "add", ".")
        git(repo, "commit", "-qm", f"main {i}")
    git(repo, "checkout", "-qb", "feature")
    (repo / "f.py").write_text("a\nB\nc\nd\n")
    git(repo, "mv", "g.py", "h.py")
    git(repo, "commit", "-qam", "feature")
    head = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "main")
    (repo / "other.py").write_text("main moved on\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "main after branching")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "pr-merge")
    git(repo, "merge", "-q", "--no-edit", "feature")
    return {"url": f"file://{repo}", "base": base, "head": head}


def _pr_context(base: str, head: str) -> GitHubContext:
    return GitHubContext(
        event_name="pull_request",
        sha="0" * 40,
        event={
            "number": 4,
            "pull_request": {"number": 4, "base": {"sha": base}, "head": {"sha": head}},
        },
    )


def test_pull_request_in_a_depth_1_merge_checkout_fetches_and_diffs_from_the_merge_base(
    origin: dict[str, str], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "pr-merge", origin["url"], str(work))
    result = compute_changes(work, _pr_context(origin["base"], origin["head"]))
    assert result.changes is not None, result.notes
    assert dict(result.changes.files) == {"f.py": frozenset({2, 4}), "h.py": frozenset()}
    assert result.changes.renamed == {"h.py": "g.py"}
    assert "other.py" not in result.changes.files  # main's own change is not the PR's


def test_push_with_base_ref_diffs_against_its_merge_base(
    origin: dict[str, str], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", origin["url"], str(work))
    context = GitHubContext(event_name="push", sha=origin["head"])
    result = compute_changes(work, context, base_ref="main")
    assert result.changes is not None, result.notes
    assert result.changes.changed_files() == frozenset({"f.py", "h.py"})


def test_without_git_the_pull_request_files_api_is_used_and_its_limits_said(tmp_path: Path) -> None:
    def list_files(number: int) -> list[tuple[str, str | None, str | None]]:
        assert number == 4
        return [("a.py", None, "@@ -1 +1,2 @@\n+x\n+y"), ("logo.png", None, None)]

    result = compute_changes(tmp_path, _pr_context("b" * 40, "c" * 40), list_files=list_files)
    assert result.changes is not None
    assert result.changes.files["a.py"] == frozenset({1, 2})
    assert "logo.png" in result.changes.changed_files()
    assert any("not a git repository" in note for note in result.notes)
    assert any("no patch for 1 file" in note for note in result.notes)


def test_files_api_cap_is_reported() -> None:
    files = [(f"f{i}.py", None, "@@ -0,0 +1 @@\n+x") for i in range(3000)]
    result: ChangesResult = changes_from_api(1, lambda n: files)
    assert any("at most 3000 files" in note for note in result.notes)


def test_no_pull_request_and_no_base_ref_means_unknown(tmp_path: Path) -> None:
    assert compute_changes(tmp_path, GitHubContext(event_name="push")).changes is None


def test_git_failure_and_no_api_leaves_changes_unknown_with_a_reason(tmp_path: Path) -> None:
    result = compute_changes(tmp_path, _pr_context("b" * 40, "c" * 40))
    assert result.changes is None
    assert "not a git repository" in result.notes[0]
