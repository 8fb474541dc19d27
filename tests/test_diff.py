"""diff: changed lines parsed from real `git diff` output and from difflib-generated hunks."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.diff import from_patches, parse_unified_diff
from tests.helpers.git import git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """One commit touching every kind of file git diff reports, on top of a base commit."""
    git(tmp_path, "init", "-q")
    (tmp_path / "mod.py").write_text("".join(f"line{i}\n" for i in range(1, 11)))
    (tmp_path / "old_name.py").write_text("".join(f"keep{i}\n" for i in range(1, 21)))
    (tmp_path / "gone.py").write_text("bye\n")
    (tmp_path / "gone.bin").write_bytes(b"\0\1\2")
    (tmp_path / "tail.py").write_text("a\nb")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    (tmp_path / "mod.py").write_text(
        "line1\nCHANGED2\nline3\nline4\nline5\nline6\nline7\nline8\nline9\nline10\nadded11\n"
    )
    git(tmp_path, "mv", "old_name.py", "new_name.py")
    text = (tmp_path / "new_name.py").read_text().replace("keep20\n", "edited20\n")
    (tmp_path / "new_name.py").write_text(text)
    git(tmp_path, "rm", "-q", "gone.py", "gone.bin")
    (tmp_path / "pic.bin").write_bytes(b"\0\xff\0")
    (tmp_path / "spaced ü.py").write_text("one\n")
    (tmp_path / "tail.py").write_text("a\nB")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "change")
    return tmp_path


@pytest.mark.parametrize("context", ["--unified=0", "--unified=3"])
def test_every_kind_of_change_from_real_git(repo: Path, context: str) -> None:
    diff = git(repo, "diff", context, "-M", "HEAD~1", "HEAD")
    changes = parse_unified_diff(diff, source="git diff")
    assert dict(changes.files) == {
        "mod.py": frozenset({2, 11}),
        "new_name.py": frozenset({20}),
        "spaced ü.py": frozenset({1}),
        "tail.py": frozenset({2}),
    }
    assert dict(changes.renamed) == {"new_name.py": "old_name.py"}
    assert changes.deleted == frozenset({"gone.py", "gone.bin"})
    assert changes.binary == frozenset({"pic.bin"})
    assert changes.source == "git diff"
    assert changes.changed_files() == frozenset(changes.files) | {"pic.bin"}
    assert changes.line_count() == 5


def test_pure_rename_is_listed_with_no_lines() -> None:
    diff = "diff --git a/x.py b/y.py\nsimilarity index 100%\nrename from x.py\nrename to y.py\n"
    changes = parse_unified_diff(diff)
    assert dict(changes.files) == {"y.py": frozenset()}
    assert dict(changes.renamed) == {"y.py": "x.py"}


def test_from_patches_uses_the_api_paths() -> None:
    changes = from_patches(
        [("a.py", None, "@@ -1 +1,2 @@\n-x\n+y\n+z\n"), ("b.py", "old_b.py", "")],
        source="pull request files API",
    )
    assert dict(changes.files) == {"a.py": frozenset({1, 2}), "b.py": frozenset()}
    assert dict(changes.renamed) == {"b.py": "old_b.py"}
    assert changes.source == "pull request files API"


def _expected_lines(old: list[str], new: list[str]) -> frozenset[int]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    lines: set[int] = set()
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return frozenset(lines)


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=30),
    new=st.lists(st.sampled_from(["a", "b", "c", "e"]), max_size=30),
    context=st.integers(min_value=0, max_value=4),
)
def test_lines_match_difflib_opcodes(old: list[str], new: list[str], context: int) -> None:
    body = "".join(
        difflib.unified_diff(
            [f"{line}\n" for line in old],
            [f"{line}\n" for line in new],
            "a/f.py",
            "b/f.py",
            n=context,
        )
    )
    changes = parse_unified_diff("diff --git a/f.py b/f.py\n" + body)
    assert changes.files.get("f.py", frozenset()) == _expected_lines(old, new)
