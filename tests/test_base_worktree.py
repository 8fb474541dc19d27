"""The base worktree: real git, the user's checkout untouched, always cleaned up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from importspy_action.base_worktree import base_worktree, check_ref, renamed_paths
from importspy_action.errors import ConfigError
from importspy_action.github.changes import GitError
from tests.helpers.git import git


def _repo(root: Path) -> tuple[Path, list[str]]:
    """A repository with three commits of `mod.py`; returns it and the SHAs, oldest first."""
    root.mkdir(parents=True)
    git(root, "init", "-q")
    shas = []
    for version in range(3):
        (root / "mod.py").write_text(f"version = {version}\n", encoding="utf-8")
        git(root, "add", "mod.py")
        git(root, "commit", "-q", "-m", f"v{version}")
        shas.append(git(root, "rev-parse", "HEAD"))
    return root, shas


def _worktrees(repo: Path) -> list[str]:
    return [
        line
        for line in git(repo, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def test_checks_out_the_base_and_leaves_the_checkout_alone(tmp_path: Path):
    repo, shas = _repo(tmp_path / "repo")
    (repo / "mod.py").write_text("version = 'uncommitted'\n", encoding="utf-8")
    env = {"RUNNER_TEMP": str(tmp_path / "runner-temp")}
    (tmp_path / "runner-temp").mkdir()
    with base_worktree(repo, shas[0], environ=env) as tree:
        assert (tree / "mod.py").read_text() == "version = 0\n"
        assert tree.is_relative_to(tmp_path / "runner-temp")
        assert git(tree, "rev-parse", "HEAD") == shas[0]
        assert len(_worktrees(repo)) == 2
        kept = tree
    assert not kept.exists() and not kept.parent.exists()
    assert len(_worktrees(repo)) == 1
    assert (repo / "mod.py").read_text() == "version = 'uncommitted'\n"
    assert git(repo, "rev-parse", "HEAD") == shas[2]
    assert git(repo, "status", "--porcelain") == "M mod.py"
    assert git(repo, "branch", "--list") == "* main"


def test_removed_when_the_block_fails(tmp_path: Path):
    repo, shas = _repo(tmp_path / "repo")
    with pytest.raises(RuntimeError), base_worktree(repo, shas[1], environ={}) as tree:
        kept = tree
        raise RuntimeError("gate crashed")
    assert not kept.exists()
    assert len(_worktrees(repo)) == 1


@pytest.mark.parametrize(
    "ref", ["", "-x", "--upload-pack=touch pwned", "main..evil", "a b", "x\x00y", "@{-1}", "HEAD~1"]
)
def test_refuses_unsafe_refs_before_git_runs(tmp_path: Path, ref: str):
    repo, _ = _repo(tmp_path / "repo")
    with pytest.raises(ConfigError, match="merge-base"), base_worktree(repo, ref, environ={}):
        pytest.fail("the block must not run")
    assert not (repo / "pwned").exists()
    with pytest.raises(ValueError):
        check_ref(ref)


def test_accepts_shas_and_branch_names():
    assert check_ref("a" * 40) == "a" * 40
    assert check_ref("feature/x-1.2") == "feature/x-1.2"


def test_unknown_commit_is_a_git_error(tmp_path: Path):
    repo, _ = _repo(tmp_path / "repo")
    with pytest.raises(GitError), base_worktree(repo, "f" * 40, environ={}):
        pytest.fail("the block must not run")
    assert len(_worktrees(repo)) == 1


def test_shallow_clone_fetches_the_base_commit(tmp_path: Path):
    source, shas = _repo(tmp_path / "source")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    with pytest.raises(subprocess.CalledProcessError):  # the base is really missing at first
        git(clone, "cat-file", "-e", f"{shas[0]}^{{commit}}")
    with base_worktree(clone, shas[0], environ={}) as tree:
        assert (tree / "mod.py").read_text() == "version = 0\n"
    assert git(clone, "rev-parse", "HEAD") == shas[2]
    assert len(_worktrees(clone)) == 1


def test_renamed_paths(tmp_path: Path):
    repo, shas = _repo(tmp_path / "repo")
    (repo / "other.py").write_text("a = 1\n" * 20, encoding="utf-8")
    git(repo, "add", "other.py")
    git(repo, "commit", "-q", "-m", "other")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "pkg").mkdir()
    git(repo, "mv", "other.py", "pkg/moved one.py")
    git(repo, "commit", "-q", "-m", "move")
    head = git(repo, "rev-parse", "HEAD")
    assert renamed_paths(repo, base, head, environ={}) == {"other.py": "pkg/moved one.py"}
    assert renamed_paths(repo, shas[0], shas[1], environ={}) == {}
