"""Refs never reach git as options: validation first, `--end-of-options` as a second wall.

Each hostile ref tries to make git run a program (`--upload-pack=touch <marker>`) or write
a file (`--output=<marker>`); every test asserts the marker never appears. The repositories
are real, cloned at depth 1 the way actions/checkout leaves them.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import EXIT_CONFIG, ConfigError
from importspy_action.github import changes
from importspy_action.github.changes import (
    MIN_GIT,
    Git,
    GitError,
    compute_changes,
    git_version,
    is_commit_id,
    ref_problem,
)
from importspy_action.github.context import GitHubContext
from tests.conftest import Runner
from tests.helpers.git import git


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A depth-1 clone of `feature`, whose origin also has `main`."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q")
    (origin / "f.py").write_text("a\n")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "base")
    git(origin, "checkout", "-qb", "feature")
    (origin / "f.py").write_text("a\nb\n")
    git(origin, "commit", "-qam", "feature")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", f"file://{origin}", str(work))
    return work


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "git ran a program or wrote a file named by a ref"


def _hostile_refs(marker: Path) -> list[str]:
    return [
        f"--upload-pack=touch {marker}",
        f"--upload-pack=touch${{IFS}}{marker}",
        f"-u touch {marker}",
        f"--output={marker}",
        f"--exec=touch {marker}",
        f"-o{marker}",
    ]


def test_a_base_ref_input_that_is_an_option_is_a_config_error(clone: Path, marker: Path) -> None:
    for ref in _hostile_refs(marker):
        with pytest.raises(ConfigError) as caught:
            compute_changes(clone, GitHubContext(event_name="push"), base_ref=ref)
        assert caught.value.exit_code == EXIT_CONFIG
        assert "Input `base-ref`" in str(caught.value)
        assert "starts with `-`" in str(caught.value)


@pytest.mark.parametrize("ref", ["main..feature", "HEAD~1", "a b", "x:y", "refs/heads/.x", "@"])
def test_a_base_ref_input_that_is_not_a_ref_name_is_a_config_error(clone: Path, ref: str) -> None:
    with pytest.raises(ConfigError, match="Input `base-ref` must be a git ref name"):
        compute_changes(clone, GitHubContext(event_name="push"), base_ref=ref)


def test_a_valid_base_ref_still_works(clone: Path) -> None:
    result = compute_changes(clone, GitHubContext(event_name="push"), base_ref="main")
    assert result.changes is not None, result.notes
    assert result.changes.files == {"f.py": frozenset({2})}


def test_hostile_event_shas_leave_changes_unknown_with_a_note(clone: Path, marker: Path) -> None:
    head = git(clone, "rev-parse", "HEAD")
    for ref in _hostile_refs(marker):
        for base, head_sha in ((ref, head), (head, ref)):
            context = GitHubContext(
                event_name="pull_request",
                event={
                    "pull_request": {"number": 3, "base": {"sha": base}, "head": {"sha": head_sha}}
                },
            )
            result = compute_changes(clone, context)
            assert result.changes is None
            assert "not a commit id" in result.notes[0]


def test_a_hostile_event_sha_still_falls_back_to_the_files_api(clone: Path, marker: Path) -> None:
    context = GitHubContext(
        event_name="pull_request",
        event={
            "pull_request": {
                "number": 3,
                "base": {"sha": f"--upload-pack=touch {marker}"},
                "head": {"sha": "a" * 40},
            }
        },
    )
    result = compute_changes(
        clone, context, list_files=lambda n: [("f.py", None, "@@ -1 +1,2 @@\n a\n+b")]
    )
    assert result.changes is not None and result.changes.files == {"f.py": frozenset({2})}
    assert "not a commit id" in result.notes[0]


def test_end_of_options_holds_even_when_validation_is_bypassed(clone: Path, marker: Path) -> None:
    """The second wall on its own: hostile refs handed straight to every git call."""
    repo = Git(clone)
    for ref in _hostile_refs(marker):
        assert repo.has_commit(ref) is False
        assert repo.merge_base(ref, "HEAD") is None
        with pytest.raises(GitError):
            repo.fetch("--depth=1", refs=(ref,))
        with pytest.raises(GitError):
            repo.commit_id(ref)
        with pytest.raises(GitError):
            changes._diff(repo, ref, "HEAD", "label")
        with pytest.raises(GitError):
            changes._resolve_ref(repo, ref)


@pytest.mark.parametrize(
    "ref",
    ["main", "origin/main", "refs/heads/feature/x", "v1.2.3", "release-2024", "a" * 40, "é/ü"],
)
def test_ref_names_git_accepts_are_accepted(ref: str) -> None:
    assert ref_problem(ref) is None


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "-x",
        "--upload-pack=x",
        "a..b",
        "a b",
        "a\tb",
        "a\nb",
        "a\0b",
        "HEAD~1",
        "a^",
        "a:b",
        "x.lock",
        "a/x.lock/b",
        ".hidden",
        "a/.b",
        "a//b",
        "/a",
        "a/",
        "a.",
        "@",
        "a@{1}",
        "a\\b",
        "a*",
        "a?",
        "a[b",
        "a\x7f",
        "x" * 1025,
    ],
)
def test_everything_else_is_refused(ref: str) -> None:
    assert ref_problem(ref) is not None


REF_ALPHABET = st.sampled_from([*"ab-./@{}~^:?*[]\\ \t\x7f", ".lock", "..", "é", "//"])


@given(st.lists(REF_ALPHABET, min_size=1, max_size=12).map("".join))
def test_ref_problem_agrees_with_git_check_ref_format(ref: str) -> None:
    """Ours is git's rule (where it can ask git: not for a leading `-`, which git would parse)."""
    if ref.startswith("-"):
        assert ref_problem(ref) is not None
        return
    done = subprocess.run(
        ["git", "check-ref-format", "--allow-onelevel", ref], capture_output=True, check=False
    )
    assert (ref_problem(ref) is None) == (done.returncode == 0), ref


def test_commit_ids() -> None:
    assert is_commit_id("0123456789abcdef0123456789abcdef01234567")
    assert is_commit_id("f" * 64)
    assert not is_commit_id("F" * 40)
    assert not is_commit_id("a" * 39)
    assert not is_commit_id("a" * 40 + "\n")
    assert not is_commit_id("--upload-pack=x")


def test_this_git_supports_end_of_options() -> None:
    assert git_version() >= MIN_GIT


def test_a_git_too_old_for_end_of_options_is_refused(tmp_path: Path) -> None:
    """An old git cannot be installed here, so a two-line script on PATH plays git 2.20."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\necho 'git version 2.20.1'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(GitError, match=r"git 2\.20 is too old"):
        Git(tmp_path, {"PATH": str(bin_dir)})
    result = compute_changes(
        tmp_path, GitHubContext(event_name="push"), base_ref="main", environ={"PATH": str(bin_dir)}
    )
    assert result.changes is None and "too old" in result.notes[0]


def test_the_action_refuses_a_hostile_base_ref_with_exit_2(
    example_project: Path, run_step: Runner, marker: Path
) -> None:
    result = run_step(
        example_project,
        {"contracts": "src/plugins/greeter.py", "base-ref": f"--upload-pack=touch {marker}"},
    )
    assert result.exit_code == 2, result.stderr
    assert "Input `base-ref`" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert os.listdir(example_project)  # the workspace is still there, untouched otherwise
