"""Paths stay inside the workspace, through `..` and symlinks alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import ConfigError
from importspy_action.workspace import Workspace, printable


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "a.py").write_text("")
    (root / "src" / "pkg" / "b.py").write_text("")
    (tmp_path / "outside.py").write_text("")
    return Workspace(root)


def test_resolve_inside(ws: Workspace):
    assert ws.resolve("src/pkg/a.py", must_exist=True) == ws.root / "src/pkg/a.py"
    assert ws.resolve("pkg/a.py", base=ws.root / "src", must_exist=True).name == "a.py"


def test_dotdot_escape_refused(ws: Workspace):
    with pytest.raises(ConfigError, match="outside the workspace"):
        ws.resolve("../outside.py", must_exist=False)
    with pytest.raises(ConfigError, match="outside the workspace"):
        ws.resolve("src/../../outside.py", must_exist=False)


def test_symlink_escape_refused(ws: Workspace):
    (ws.root / "link.py").symlink_to(ws.root.parent / "outside.py")
    with pytest.raises(ConfigError, match="outside the workspace"):
        ws.resolve("link.py", must_exist=True)
    with pytest.raises(ConfigError, match="symlink that points outside"):
        ws.glob("*.py", base=ws.root)


def test_missing_named(ws: Workspace):
    with pytest.raises(ConfigError, match=r"'src/pkg/c\.py' does not exist"):
        ws.resolve("src/pkg/c.py", must_exist=True)


def test_glob(ws: Workspace):
    found = ws.glob("src/**/*.py", base=ws.root)
    assert [ws.display(p) for p in found] == ["src/pkg/a.py", "src/pkg/b.py"]
    with pytest.raises(ConfigError, match="outside the workspace"):
        ws.glob("../*.py", base=ws.root)


@given(st.lists(st.sampled_from(["..", ".", "src", "pkg", "a.py", "x"]), min_size=1, max_size=8))
def test_resolved_paths_are_inside_or_refused(parts: list[str]):
    root = Path("/tmp/importspy-action-ws-prop")
    (root / "src" / "pkg").mkdir(parents=True, exist_ok=True)
    ws = Workspace(root)
    try:
        resolved = ws.resolve("/".join(parts), must_exist=False)
    except ConfigError:
        return
    assert resolved == ws.root or ws.root in resolved.parents
    assert not ws.display(resolved).startswith("/")


@given(st.text())
def test_printable_leaves_text_alone_and_always_encodes(text: str) -> None:
    shown = printable(text)
    shown.encode("utf-8")  # never raises: every output is UTF-8
    if not any("\ud800" <= char <= "\udfff" for char in text):
        assert shown == text


def test_printable_spells_file_name_bytes_and_stray_surrogates() -> None:
    assert printable(os.fsdecode(b"src/m\xff.py")) == "src/m\\xff.py"
    assert printable("x\ud800.py") == "x\\ud800.py"


def test_display_of_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"m\xfe.py")
    (tmp_path / name).write_text("")
    assert Workspace(tmp_path).display(tmp_path / name) == "m\\xfe.py"
