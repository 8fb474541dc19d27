"""Report files must be usable by the runner's user after a root container wrote them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from importspy_action.writer import write_atomic


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

    write_atomic(workspace / "out" / "deep" / "report.json", "{}")

    for path in (workspace / "out", workspace / "out" / "deep", workspace / "out/deep/report.json"):
        info = path.stat()
        assert (info.st_uid, info.st_gid) == (1001, 1002), path


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand files to another user")
def test_root_owned_folder_keeps_root_files(tmp_path: Path):
    os.chown(tmp_path, 0, 0)
    write_atomic(tmp_path / "report.json", "{}")
    assert (tmp_path / "report.json").stat().st_uid == 0
