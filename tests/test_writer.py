"""The one writer: files usable by the runner's user, nothing written outside its roots."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from importspy_action.safe_paths import WriteRoots
from importspy_action.writer import Writer


def write_atomic(path: Path, text: str, root: Path | None = None) -> None:
    writer = Writer(WriteRoots((root or path.parent,)))
    assert writer.write(path, text, what="test output"), writer.failures


def test_mode_follows_umask_not_mkstemp(tmp_path: Path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.json", "{}")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "report.json").stat().st_mode)
    assert mode == 0o644
    assert (tmp_path / "report.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand files to another user")
def test_root_hands_new_files_and_folders_to_the_workspace_owner(tmp_path: Path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    os.chown(workspace, 1001, 1002)

    write_atomic(workspace / "out" / "deep" / "report.json", "{}", workspace)

    for path in (workspace / "out", workspace / "out" / "deep", workspace / "out/deep/report.json"):
        info = path.stat()
        assert (info.st_uid, info.st_gid) == (1001, 1002), path


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand files to another user")
def test_root_owned_folder_keeps_root_files(tmp_path: Path):
    os.chown(tmp_path, 0, 0)
    write_atomic(tmp_path / "report.json", "{}")
    assert (tmp_path / "report.json").stat().st_uid == 0


def test_a_symlinked_output_is_refused_and_recorded_not_followed(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("keep me")
    (workspace / "report.json").symlink_to(victim)
    writer = Writer(WriteRoots((workspace,)))
    assert not writer.write(workspace / "report.json", "{}", what="Input `json-report`")
    assert victim.read_text() == "keep me"
    (failure,) = writer.failures
    assert failure.what == "Input `json-report`" and "symlink" in failure.reason


def test_outside_the_roots_is_refused(tmp_path: Path) -> None:
    writer = Writer(WriteRoots((tmp_path / "ws",)))
    assert not writer.write(tmp_path / "elsewhere.json", "{}", what="Input `sarif`")
    assert not (tmp_path / "elsewhere.json").exists()
    assert "outside" in writer.failures[0].reason


def test_text_that_cannot_be_encoded_is_replaced_not_a_crash(tmp_path: Path) -> None:
    write_atomic(tmp_path / "r.json", "bad \udcff name")
    assert (tmp_path / "r.json").read_bytes() == b"bad ? name"


def test_step_outputs_use_a_delimiter_a_value_cannot_close(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.write_text("")
    writer = Writer(WriteRoots((tmp_path / "ws",), frozenset({output})))
    assert writer.outputs(output, {"result": "line\nresult<<EOF\nforged"})
    text = output.read_text()
    assert text.startswith("result<<ghadelimiter_") and text.count("ghadelimiter_") == 2
