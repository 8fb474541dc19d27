"""safe_paths: writes stay inside the roots and never go through a symlink a pull request planted.

Every hostile case checks that nothing outside the workspace changed, by hashing the whole
"outside" directory (names, types, link targets, contents, modes, owners) before and after.
Each test runs twice: with the openat walk (Linux, macOS) and with the lstat walk that
Windows uses, forced here by turning `HAVE_DIR_FD` off -- both are real code on real files.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action import safe_paths
from importspy_action.errors import EXIT_CONFIG, ConfigError
from importspy_action.safe_paths import (
    OutputError,
    UnsafePath,
    WriteRoots,
    append,
    atomic_write,
    make_dirs,
    open_for_write,
    remove_file,
)

WHAT = "Input `json-report`"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def tree_digest(top: Path) -> str:
    """A hash of everything under `top`, symlinks not followed."""
    digest = hashlib.sha256()
    for directory, dirs, files in os.walk(top, followlinks=False):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(directory, name)
            info = path.lstat()
            digest.update(
                f"{path.relative_to(top)}|{info.st_mode}|{info.st_uid}|{info.st_nlink}".encode()
            )
            if stat.S_ISLNK(info.st_mode):
                digest.update(os.readlink(path).encode())
            elif stat.S_ISREG(info.st_mode):
                digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(params=["openat", "lstat"])
def impl(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with both walks."""
    if request.param == "lstat":
        monkeypatch.setattr(safe_paths, "HAVE_DIR_FD", False)
    elif not safe_paths.HAVE_DIR_FD:
        pytest.skip("no openat on this platform")
    return str(request.param)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Path]:
    """A directory standing for /etc: it must be byte-for-byte the same after every test."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    (directory / "sub").mkdir()
    before = tree_digest(directory)
    yield directory
    assert tree_digest(directory) == before, "a file outside the workspace changed"


@pytest.fixture
def roots(ws: Path) -> WriteRoots:
    return WriteRoots((ws,))


def test_writes_a_new_file_and_its_parents(impl: str, ws: Path, roots: WriteRoots) -> None:
    written = atomic_write("out/deep/report.json", b'{"ok": 1}', roots, what=WHAT)
    assert written == ws / "out" / "deep" / "report.json"
    assert written.read_bytes() == b'{"ok": 1}'
    assert [p.name for p in ws.iterdir()] == ["out"]  # no temporary file left behind


def test_replaces_an_existing_file(impl: str, ws: Path, roots: WriteRoots) -> None:
    (ws / "r.json").write_text("old")
    atomic_write(ws / "r.json", b"new", roots, what=WHAT)
    assert (ws / "r.json").read_text() == "new"


def test_default_mode_follows_the_umask_and_an_explicit_mode_is_exact(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    old = os.umask(0o027)
    try:
        atomic_write("a.txt", b"a", roots, what=WHAT)
        atomic_write("b.txt", b"b", roots, what=WHAT, mode=0o604)
        fd = open_for_write("c.txt", roots, what=WHAT)
        os.close(fd)
    finally:
        os.umask(old)
    assert stat.S_IMODE((ws / "a.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((ws / "b.txt").stat().st_mode) == 0o604
    assert stat.S_IMODE((ws / "c.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize("operation", ["atomic", "open", "append"])
def test_a_symlinked_target_to_a_file_outside_is_refused(
    impl: str, operation: str, ws: Path, outside: Path, roots: WriteRoots
) -> None:
    (ws / "report.json").symlink_to(outside / "passwd")
    with pytest.raises(UnsafePath) as caught:
        _write(operation, ws / "report.json", roots)
    message = str(caught.value)
    assert WHAT in message and str(ws / "report.json") in message
    assert "symbolic link" in message
    assert (ws / "report.json").is_symlink()


def test_a_symlink_pointing_inside_is_refused_too(impl: str, ws: Path, roots: WriteRoots) -> None:
    (ws / "real.json").write_text("keep")
    (ws / "report.json").symlink_to("real.json")
    with pytest.raises(UnsafePath, match="symbolic link"):
        atomic_write("report.json", b"x", roots, what=WHAT)
    assert (ws / "real.json").read_text() == "keep"


@pytest.mark.parametrize("operation", ["atomic", "open", "append"])
def test_a_dangling_symlink_never_creates_its_target(
    impl: str, operation: str, ws: Path, outside: Path, roots: WriteRoots
) -> None:
    (ws / "report.json").symlink_to(outside / "created-by-attacker")
    with pytest.raises(UnsafePath):
        _write(operation, ws / "report.json", roots)
    assert not (outside / "created-by-attacker").exists()


@pytest.mark.parametrize("operation", ["atomic", "open", "append", "mkdir"])
def test_a_symlinked_parent_directory_is_refused(
    impl: str, operation: str, ws: Path, outside: Path, roots: WriteRoots
) -> None:
    (ws / "out").symlink_to(outside / "sub")
    with pytest.raises(UnsafePath, match="symbolic link") as caught:
        _write(operation, ws / "out" / "deeper" / "report.json", roots)
    assert str(ws / "out") in str(caught.value)


def test_a_symlinked_grandparent_pointing_inside_is_refused(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    (ws / "real").mkdir()
    (ws / "alias").symlink_to("real")
    with pytest.raises(UnsafePath):
        atomic_write("alias/x/report.json", b"x", roots, what=WHAT)
    assert list((ws / "real").iterdir()) == []


@pytest.mark.parametrize(
    "path", ["../outside/passwd", "out/../../outside/new", "/etc/importspy-test", "../ws2/x"]
)
def test_paths_that_leave_the_roots_are_refused(
    impl: str, path: str, outside: Path, roots: WriteRoots
) -> None:
    with pytest.raises(UnsafePath, match="outside the directories") as caught:
        atomic_write(path, b"x", roots, what=WHAT)
    assert caught.value.exit_code == EXIT_CONFIG
    assert isinstance(caught.value, ConfigError)
    assert not Path("/etc/importspy-test").exists()


def test_dot_dot_that_stays_inside_is_resolved_lexically(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    written = atomic_write("out/../report.json", b"x", roots, what=WHAT)
    assert written == ws / "report.json" and written.read_bytes() == b"x"
    assert not (ws / "out").exists()


@pytest.mark.parametrize("operation", ["atomic", "open", "append"])
def test_a_directory_in_the_way_is_an_output_error(
    impl: str, operation: str, ws: Path, roots: WriteRoots
) -> None:
    (ws / "report.json").mkdir()
    with pytest.raises(OutputError, match="directory is in the way") as caught:
        _write(operation, ws / "report.json", roots)
    assert caught.value.exit_code == EXIT_CONFIG
    assert caught.value.what == WHAT


def test_writing_the_root_itself_is_refused(impl: str, ws: Path, roots: WriteRoots) -> None:
    with pytest.raises(UnsafePath, match="directory"):
        atomic_write(ws, b"x", roots, what=WHAT)


@pytest.mark.parametrize("operation", ["atomic", "mkdir"])
def test_a_file_where_a_directory_should_be_is_an_output_error(
    impl: str, operation: str, ws: Path, roots: WriteRoots
) -> None:
    (ws / "out").write_text("a file")
    with pytest.raises(OutputError, match="not a directory"):
        _write(operation, ws / "out" / "report.json", roots)
    assert (ws / "out").read_text() == "a file"


def test_a_nul_byte_is_refused(impl: str, roots: WriteRoots) -> None:
    with pytest.raises(UnsafePath, match="NUL byte") as caught:
        atomic_write("report\0.json", b"x", roots, what=WHAT)
    assert "\0" not in str(caught.value)


def test_an_empty_path_is_refused(impl: str, roots: WriteRoots) -> None:
    with pytest.raises(UnsafePath, match="empty"):
        atomic_write("", b"x", roots, what=WHAT)


def test_a_read_only_location_is_an_output_error(impl: str, tmp_path: Path) -> None:
    """Root ignores permission bits, so as root the read-only place is sysfs (root cannot
    create files there); otherwise a directory without write permission."""
    if IS_ROOT:
        place = Path("/sys/fs")
        if not place.is_dir():
            pytest.skip("no /sys/fs here")
    else:
        place = tmp_path / "ro"
        place.mkdir()
        place.chmod(0o555)
    roots = WriteRoots((place,))
    try:
        with pytest.raises(OutputError) as caught:
            atomic_write(place / "importspy-report.json", b"x", roots, what=WHAT)
        assert str(place / "importspy-report.json") in str(caught.value)
        with pytest.raises(OutputError):
            make_dirs(place / "importspy-out", roots, what=WHAT)
    finally:
        if not IS_ROOT:
            place.chmod(0o755)
    assert not (place / "importspy-report.json").exists()
    assert not (place / "importspy-out").exists()


def test_a_hard_link_to_a_file_outside_is_never_written_through(
    impl: str, ws: Path, outside: Path, roots: WriteRoots
) -> None:
    os.link(outside / "passwd", ws / "report.json")
    with pytest.raises(UnsafePath, match="hard links"):
        os.close(open_for_write("report.json", roots, what=WHAT))
    with pytest.raises(UnsafePath, match="hard links"):
        append("report.json", b"x", roots, what=WHAT)
    # An atomic replace only swaps the directory entry: the outside file keeps its bytes.
    os.unlink(ws / "report.json")
    os.link(outside / "passwd", ws / "report.json")
    atomic_write("report.json", b"new", roots, what=WHAT)
    assert (ws / "report.json").read_bytes() == b"new"
    os.unlink(ws / "report.json")  # the outside file's link count is back to what it was


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_in_place_of_the_output_is_refused_without_blocking(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    os.mkfifo(ws / "report.json")
    with pytest.raises(UnsafePath, match="not a regular file"):
        os.close(open_for_write("report.json", roots, what=WHAT))
    with pytest.raises(UnsafePath, match="not a regular file"):
        atomic_write("report.json", b"x", roots, what=WHAT)


def test_open_for_write_truncates_and_append_appends(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    (ws / "log.txt").write_text("old content")
    fd = open_for_write("log.txt", roots, what=WHAT)
    try:
        os.write(fd, b"one\n")
    finally:
        os.close(fd)
    append("log.txt", b"two\n", roots, what=WHAT)
    assert (ws / "log.txt").read_text() == "one\ntwo\n"


def test_make_dirs_returns_what_it_created(impl: str, ws: Path, roots: WriteRoots) -> None:
    assert make_dirs("a/b/c", roots, what=WHAT) == [ws / "a", ws / "a" / "b", ws / "a" / "b" / "c"]
    assert make_dirs("a/b/c", roots, what=WHAT) == []
    assert make_dirs(ws, roots, what=WHAT) == []
    assert (ws / "a" / "b" / "c").is_dir()


@pytest.mark.skipif(not IS_ROOT, reason="chown needs root")
def test_as_root_new_files_and_dirs_get_the_owner_of_their_directory(
    impl: str, ws: Path, roots: WriteRoots
) -> None:
    os.chown(ws, 12345, 23456)
    (ws / "existing").mkdir()  # made by someone else: left as it is
    atomic_write("new/report.json", b"x", roots, what=WHAT)
    os.close(open_for_write("streamed.sarif", roots, what=WHAT))
    append("existing/log.txt", b"x", roots, what=WHAT)
    for path in ("new", "new/report.json", "streamed.sarif"):
        info = (ws / path).stat()
        assert (info.st_uid, info.st_gid) == (12345, 23456), path
    info = (ws / "existing" / "log.txt").stat()
    assert (info.st_uid, info.st_gid) == (0, 0)  # the owner of `existing`, i.e. root
    assert (ws / "existing").stat().st_uid == 0


def test_runner_files_outside_the_roots_can_be_appended_to(
    impl: str, tmp_path: Path, ws: Path
) -> None:
    summary = tmp_path / "file_commands" / "step_summary_1"
    summary.parent.mkdir()
    summary.write_text("earlier\n")
    roots = WriteRoots.for_run(ws, {"GITHUB_STEP_SUMMARY": str(summary)})
    append(summary, b"## importspy\n", roots, what="the job summary")
    assert summary.read_text() == "earlier\n## importspy\n"
    with pytest.raises(UnsafePath, match="only appends"):
        atomic_write(summary, b"x", roots, what="the job summary")
    with pytest.raises(UnsafePath):  # a sibling of a trusted file is not trusted
        append(summary.parent / "other", b"x", roots, what="the job summary")


def test_a_runner_file_that_is_a_symlink_is_not_followed(
    tmp_path: Path, ws: Path, outside: Path
) -> None:
    summary = tmp_path / "step_summary"
    summary.symlink_to(outside / "passwd")
    roots = WriteRoots.for_run(ws, {"GITHUB_OUTPUT": str(summary)})
    with pytest.raises(OutputError, match="symbolic link"):
        append(summary, b"x", roots, what="$GITHUB_OUTPUT")


def test_for_run_adds_runner_temp_and_explicit_extra_directories(tmp_path: Path, ws: Path) -> None:
    temp = tmp_path / "runner_temp"
    extra = tmp_path / "extra"
    temp.mkdir()
    extra.mkdir()
    roots = WriteRoots.for_run(ws, {"RUNNER_TEMP": str(temp)}, extra=[extra])
    atomic_write(temp / "scratch" / "x", b"1", roots, what="scratch")
    atomic_write(extra / "y", b"2", roots, what="Option --json-report")
    assert (temp / "scratch" / "x").read_bytes() == b"1"
    assert (extra / "y").read_bytes() == b"2"
    with pytest.raises(UnsafePath):
        atomic_write(tmp_path / "z", b"3", WriteRoots.for_run(ws, {}), what="scratch")


def test_a_root_reached_through_a_symlink_accepts_both_spellings(impl: str, tmp_path: Path) -> None:
    real = tmp_path / "real-ws"
    real.mkdir()
    (tmp_path / "ws-link").symlink_to(real)
    roots = WriteRoots((tmp_path / "ws-link",))
    atomic_write(tmp_path / "ws-link" / "a", b"a", roots, what=WHAT)
    atomic_write(real / "b", b"b", roots, what=WHAT)
    assert sorted(p.name for p in real.iterdir()) == ["a", "b"]


def test_remove_file_removes_a_symlink_itself_never_its_target(
    impl: str, ws: Path, outside: Path, roots: WriteRoots
) -> None:
    (ws / "stale.json").symlink_to(outside / "passwd")
    assert remove_file("stale.json", roots, what=WHAT) is True
    assert not (ws / "stale.json").is_symlink()
    assert remove_file("stale.json", roots, what=WHAT) is False
    assert remove_file("missing/dir/x", roots, what=WHAT) is False
    (ws / "d").mkdir()
    with pytest.raises(UnsafePath, match="directory"):
        remove_file("d", roots, what=WHAT)
    (ws / "via").symlink_to(outside)
    with pytest.raises(UnsafePath):
        remove_file("via/passwd", roots, what=WHAT)


# -- a property: whatever path a pull request asks for, in whatever tree it planted -------------

COMPONENTS = ["a", "b", "..", ".", "link-out", "link-in", "dangling", "file", "x.json"]


@settings(max_examples=150)
@given(
    parts=st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=5),
    absolute=st.booleans(),
    operation=st.sampled_from(["atomic", "open", "append", "mkdir"]),
    portable=st.booleans(),
)
def test_any_path_either_lands_inside_without_a_symlink_or_is_refused(
    parts: list[str], absolute: bool, operation: str, portable: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        top = Path(scratch)
        ws, out = top / "ws", top / "outside"
        (out / "sub").mkdir(parents=True)
        (out / "x.json").write_text("secret")
        (ws / "a" / "b").mkdir(parents=True)
        (ws / "file").write_text("f")
        for directory in (ws, ws / "a"):
            (directory / "link-out").symlink_to(out)
            (directory / "link-in").symlink_to(ws / "a")
            (directory / "dangling").symlink_to(out / "nothing")
        before = tree_digest(out)
        path = (str(ws) + "/" if absolute else "") + "/".join(parts)
        saved = safe_paths.HAVE_DIR_FD
        safe_paths.HAVE_DIR_FD = saved and not portable
        try:
            _write(operation, path, WriteRoots((ws,)))
        except OutputError as exc:
            assert exc.exit_code == EXIT_CONFIG
        else:
            normal = Path(os.path.normpath(ws / path))
            assert normal.is_relative_to(ws)
            # No component below the root is a symlink: the write did not go through one.
            for depth in range(len(ws.parts), len(normal.parts) + 1):
                assert not Path(*normal.parts[:depth]).is_symlink()
        finally:
            safe_paths.HAVE_DIR_FD = saved
        assert tree_digest(out) == before
        assert not (out / "nothing").exists()


def _write(operation: str, path: str | Path, roots: WriteRoots) -> None:
    if operation == "atomic":
        atomic_write(path, b"payload", roots, what=WHAT)
    elif operation == "open":
        os.close(open_for_write(path, roots, what=WHAT))
    elif operation == "append":
        append(path, b"payload", roots, what=WHAT)
    else:
        make_dirs(path, roots, what=WHAT)
