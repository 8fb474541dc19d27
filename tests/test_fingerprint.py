"""The finding fingerprint: survives moved lines, changes with the flagged text, reads safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from importspy_action.fingerprint import (
    SourceLines,
    fingerprint,
    fingerprint_all,
    normalise,
)
from importspy_action.model import Finding, Severity
from importspy_action.workspace import Workspace


def _finding(path: str, line: int, *, code: str = "E501", end: int | None = None) -> Finding:
    return Finding("lint", code, Severity.ERROR, path, line, f"{code} title", "msg", end_line=end)


def _write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_normalise_folds_whitespace():
    assert normalise("  x  =\t1  ") == "x = 1"
    assert normalise("\x0c\x1f") == ""


def test_moving_lines_down_keeps_the_fingerprint(tmp_path: Path):
    source = "import os\nx = 1\nprint(x)\n"
    _write(tmp_path, "a.py", source)
    before = fingerprint(_finding("a.py", 2), SourceLines(Workspace(tmp_path)))
    _write(tmp_path, "a.py", "\n\n\n" + source.replace("x = 1", "  x  =  1"))
    after = fingerprint(_finding("a.py", 5), SourceLines(Workspace(tmp_path)))
    assert before == after
    assert before.located and len(before.context) == 32


def test_changed_line_or_neighbour_changes_digests(tmp_path: Path):
    _write(tmp_path, "a.py", "a\nx = 1\nb\n")
    base = fingerprint(_finding("a.py", 2), SourceLines(Workspace(tmp_path)))
    _write(tmp_path, "a.py", "a\nx = 2\nb\n")
    edited = fingerprint(_finding("a.py", 2), SourceLines(Workspace(tmp_path)))
    _write(tmp_path, "a.py", "c\nx = 1\nb\n")
    neighbour = fingerprint(_finding("a.py", 2), SourceLines(Workspace(tmp_path)))
    assert edited.line != base.line and edited.context != base.context
    assert neighbour.line == base.line and neighbour.context != base.context


def test_gate_and_code_are_part_of_the_identity(tmp_path: Path):
    _write(tmp_path, "a.py", "x = 1\n")
    source = SourceLines(Workspace(tmp_path))
    one = fingerprint(_finding("a.py", 1, code="E1"), source)
    two = fingerprint(_finding("a.py", 1, code="E2"), source)
    assert one.context != two.context and one.line != two.line


def test_missing_line_or_file_falls_back_to_the_title(tmp_path: Path):
    _write(tmp_path, "a.py", "x = 1\n")
    source = SourceLines(Workspace(tmp_path))
    past_end = fingerprint(_finding("a.py", 99), source)
    missing = fingerprint(_finding("gone.py", 1), source)
    assert not past_end.located and not missing.located
    assert past_end.context == missing.context  # same gate, code and title; path kept apart
    assert (past_end.path, missing.path) == ("a.py", "gone.py")


def test_occurrence_numbers_identical_lines_in_line_order(tmp_path: Path):
    _write(tmp_path, "a.py", "x = 1\n\nx = 1\n\nx = 1\n")
    source = SourceLines(Workspace(tmp_path))
    findings = [_finding("a.py", 5), _finding("a.py", 1), _finding("a.py", 3)]
    prints = fingerprint_all(findings, source)
    # lines 1, 3 and 5 have different neighbours at the file's ends: 1 and 5 are unique
    by_line = {f.start_line: p for f, p in zip(findings, prints, strict=True)}
    assert by_line[3].occurrence == 1
    assert len({p.sarif_value for p in prints}) == 3
    _write(tmp_path, "b.py", "y\nx = 1\ny\nx = 1\ny\n")
    twins = fingerprint_all([_finding("b.py", 4), _finding("b.py", 2)], source)
    assert twins[0].context == twins[1].context
    assert [twins[1].occurrence, twins[0].occurrence] == [1, 2]


def test_multi_line_finding_covers_its_lines(tmp_path: Path):
    _write(tmp_path, "a.py", "a\nb\nc\nd\n")
    source = SourceLines(Workspace(tmp_path))
    whole = fingerprint(_finding("a.py", 2, end=3), source)
    _write(tmp_path, "a.py", "a\nb\nC\nd\n")
    changed = fingerprint(_finding("a.py", 2, end=3), SourceLines(Workspace(tmp_path)))
    assert whole.line != changed.line


def test_non_utf8_is_replaced_not_fatal(tmp_path: Path):
    _write(tmp_path, "a.py", b"x = '\xff\xfe'\r\ny = 2\r\n")
    source = SourceLines(Workspace(tmp_path))
    assert source.lines("a.py") == ("x = '\ufffd\ufffd'", "y = 2", "")
    assert fingerprint(_finding("a.py", 2), source).located


def test_reads_are_cached_per_run(tmp_path: Path):
    path = _write(tmp_path, "a.py", "x = 1\n")
    source = SourceLines(Workspace(tmp_path))
    first = fingerprint(_finding("a.py", 1), source)
    path.write_text("changed\n", encoding="utf-8")
    assert fingerprint(_finding("a.py", 1), source) == first


@pytest.mark.parametrize("name", ["../outside.py", "/etc/passwd", "a\x00b", "", "link.py"])
def test_never_reads_outside_the_workspace(tmp_path: Path, name: str):
    root = tmp_path / "ws"
    root.mkdir()
    secret = _write(tmp_path, "outside.py", "secret = 1\n")
    os.symlink(secret, root / "link.py")
    source = SourceLines(Workspace(root))
    assert source.lines(name) is None
    assert not fingerprint(_finding(name or "x", 1), source).located


def test_oversized_files_are_not_read(tmp_path: Path):
    _write(tmp_path, "big.py", "x = 1\n" * 100)
    source = SourceLines(Workspace(tmp_path), max_bytes=100)
    assert source.lines("big.py") is None
    assert SourceLines(Workspace(tmp_path)).lines("big.py") is not None
