"""The race-free walk: `openat`-style calls from the root, one component at a time.

Every component is opened with `O_DIRECTORY | O_NOFOLLOW` relative to its parent's
descriptor, so none of them -- not the parents, not the file -- is ever a followed symlink,
even if one is swapped in between two checks. Used wherever `fs.HAVE_DIR_FD` holds.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError, UnsafePath, check_open_file, explain, judge_existing
from .fs import DIR_FLAGS, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, adopt, write_all


def open_dir_at(root: Path, parts: Iterable[str], *, what: str, created: list[Path] | None) -> int:
    """A descriptor of root/parts..., creating missing components when `created` is a list."""
    fd = os.open(root, os.O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    current = root
    try:
        for name in parts:
            current = current / name
            made = False
            try:
                child = os.open(name, DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if created is None:
                    raise
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                    made = True
                except FileExistsError:
                    pass  # appeared meanwhile: the O_NOFOLLOW open below judges it
                try:
                    child = os.open(name, DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise _refusal(fd, name, exc, what, current, want_dir=True) from None
            except OSError as exc:
                raise _refusal(fd, name, exc, what, current, want_dir=True) from None
            if made and created is not None:
                adopt(child, fd)
                created.append(current)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def atomic_write_at(
    root: Path, parts: tuple[str, ...], data: bytes, mode: int | None, *, what: str, shown: Path
) -> None:
    """Write a temporary file beside the target, then `rename` it over, inside the parent fd."""
    parent = open_dir_at(root, parts[:-1], what=what, created=[])
    name = parts[-1]
    try:
        _check_existing_at(parent, name, what, shown, for_rename=True)
        temp = f".importspy-{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC
        fd = os.open(temp, flags, 0o666, dir_fd=parent)
        try:
            try:
                adopt(fd, parent)
                if mode is not None and sys.platform != "win32":  # never reached on Windows
                    os.fchmod(fd, mode)
                write_all(fd, data)
            finally:
                os.close(fd)
            os.rename(temp, name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            _unlink_quietly(temp, parent)
            raise
    finally:
        os.close(parent)


def open_file_at(
    root: Path, parts: tuple[str, ...], append: bool, *, what: str, shown: Path
) -> int:
    """A write descriptor on the target: created exclusively, or the plain file already there."""
    parent = open_dir_at(root, parts[:-1], what=what, created=[])
    name = parts[-1]
    base = os.O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (os.O_APPEND if append else 0)
    try:
        try:
            fd = os.open(name, base | os.O_CREAT | os.O_EXCL, 0o666, dir_fd=parent)
        except FileExistsError:
            _check_existing_at(parent, name, what, shown, for_rename=False)
            try:
                fd = os.open(name, base, dir_fd=parent)
            except OSError as exc:
                raise _refusal(parent, name, exc, what, shown, want_dir=False) from None
            try:
                check_open_file(fd, what, shown)
                if not append:
                    os.ftruncate(fd, 0)
            except BaseException:
                os.close(fd)
                raise
        else:
            adopt(fd, parent)
        return fd
    finally:
        os.close(parent)


def remove_at(root: Path, parts: tuple[str, ...], *, what: str, shown: Path) -> bool:
    """Unlink the last component inside its parent's descriptor; False when it is absent."""
    try:
        parent = open_dir_at(root, parts[:-1], what=what, created=None)
    except FileNotFoundError:
        return False
    try:
        info = _lstat_at(parent, parts[-1])
        if info is None:
            return False
        if stat.S_ISDIR(info.st_mode):
            raise UnsafePath(what, shown, "it is a directory")
        os.unlink(parts[-1], dir_fd=parent)
    finally:
        os.close(parent)
    return True


def _check_existing_at(parent: int, name: str, what: str, shown: Path, *, for_rename: bool) -> None:
    info = _lstat_at(parent, name)
    if info is None:
        return
    judge_existing(info, what, shown, for_rename=for_rename)


def _lstat_at(parent: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _refusal(
    parent: int, name: str, exc: OSError, what: str, shown: Path, *, want_dir: bool
) -> OutputError:
    """Turn a failed open into a message that says what is in the way."""
    try:
        info: os.stat_result | None = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except OSError:
        info = None
    return explain(info, exc, what, shown, want_dir=want_dir)


def _unlink_quietly(name: str, parent: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=parent)
