"""git_source.py against real temporary repositories, hostile refs included."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.api_breaks.git_source import GitSource, GitSourceError, validate_ref
from tests.helpers.git import git

from .project import make_repo


def diverged(root: Path) -> tuple[str, str, str]:
    """main: A -> C, feature: A -> B. Returns (A, B, C)."""
    root.mkdir()
    git(root, "init", "-q")
    (root / "m.py").write_text("def f(): ...\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A")
    a = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "m.py").write_text("def f(x): ...\n")
    git(root, "commit", "-qam", "B")
    b = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "main")
    (root / "n.py").write_text("")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "C")
    c = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "feature")
    return a, b, c


def test_merge_base_of_diverged_branches(tmp_path: Path) -> None:
    a, b, c = diverged(tmp_path / "r")
    source = GitSource(tmp_path / "r", {})
    assert source.merge_base(c, b) == a
    assert source.merge_base("main", "HEAD") == a
    assert source.resolve_branch("main") == c
    assert source.commit("feature") == b
    assert source.commit("no-such-branch") is None


def test_read_list_and_batch_read(tmp_path: Path) -> None:
    a, b, _ = diverged(tmp_path / "r")
    source = GitSource(tmp_path / "r", {})
    assert source.read(a, "m.py") == b"def f(): ...\n"
    assert source.read(a, "n.py") is None
    assert source.list_files(a) == {"m.py": 13}
    assert source.read_many(b, ["m.py", "missing.py", "m.py"]) == {"m.py": b"def f(x): ...\n"}


def test_renames_between_base_and_worktree(tmp_path: Path) -> None:
    root = tmp_path / "r"
    base, _ = make_repo(
        root,
        {"pkg/a.py": "def f(a, b, c):\n    return a + b + c\n" * 5},
        {},
        renames={"pkg/a.py": "pkg/b.py"},
    )
    assert GitSource(root, {}).renames(base) == {"pkg/a.py": "pkg/b.py"}


def test_prefix_of_a_subdirectory(tmp_path: Path) -> None:
    diverged(tmp_path / "r")
    (tmp_path / "r" / "sub").mkdir()
    assert GitSource(tmp_path / "r" / "sub", {}).prefix() == "sub/"


@pytest.mark.parametrize(
    "ref",
    [
        "--upload-pack=touch /tmp/x",
        "-c",
        "--output=/tmp/owned",
        "main..evil",
        "a b",
        "x\ny",
        "",
        "ref:path",
        "HEAD@{1}",
        ".hidden",
        "x" * 300,
    ],
)
def test_hostile_refs_are_refused(ref: str) -> None:
    with pytest.raises(GitSourceError, match="refusing git ref"):
        validate_ref(ref)


def test_a_hostile_ref_never_reaches_git(tmp_path: Path) -> None:
    diverged(tmp_path / "r")
    source = GitSource(tmp_path / "r", {})
    marker = tmp_path / "x"
    hostile = f"--upload-pack=touch {marker}"
    for call in (
        lambda: source.commit(hostile),
        lambda: source.resolve_branch(hostile),
        lambda: source.merge_base(hostile, "HEAD"),
        lambda: source.fetch(hostile, depth=1),
        lambda: source.read(hostile, "m.py"),
        lambda: source.list_files(hostile),
        lambda: source.renames(hostile),
    ):
        with pytest.raises(GitSourceError):
            call()
    assert not marker.exists()


def test_a_branch_named_like_an_option_is_still_data(tmp_path: Path) -> None:
    """Even a ref that passes validation is placed after --end-of-options: a file named
    `--output=...` in the tree is read as a path, never taken as an option."""
    root = tmp_path / "r"
    a, _, _ = diverged(root)
    source = GitSource(root, {})
    assert source.read(a, "--output=owned") is None
    assert not (root / "owned").exists()


@given(st.text(min_size=1, max_size=40).map(lambda text: "-" + text))
def test_anything_starting_with_a_dash_is_refused(ref: str) -> None:
    with pytest.raises(GitSourceError):
        validate_ref(ref)


@given(st.from_regex(r"[a-z][a-z0-9_]{0,10}(/[a-z0-9_]{1,8}){0,2}", fullmatch=True))
def test_plain_branch_names_are_accepted(ref: str) -> None:
    assert validate_ref(ref) == ref
