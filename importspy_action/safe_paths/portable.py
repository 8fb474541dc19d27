"""The lstat walk, for Windows and anywhere without `openat`.

Windows has neither `O_NOFOLLOW` nor `dir_fd`, so the same rules are enforced with `lstat`
on every component before and after the write (symlinks and junctions refused). That
leaves a race an attacker with a concurrent process could win, which a pull request's files
alone cannot.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import UnsafePath, check_open_file, explain, is_link, judge_existing
from .fs import O_BINARY, O_CLOEXEC, O_NOFOLLOW, O_NONBLOCK, adopt, is_root, write_all


def walk_portable(
    root: Path, parts: Iterable[str], *, what: str, created: list[Path] | None
) -> Path:
    """root/parts... after checking every component is a real directory (made if `created`)."""
    current = root
    for name in parts:
        current = current / name
        info = _lstat(current)
        if info is None:
            if created is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(current))
            try:
                current.mkdir()
                created.append(current)
                if is_root():
                    made = os.open(current, os.O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                    try:
                        adopt(made, current.parent)
                    finally:
                        os.close(made)
            except FileExistsError:
                pass
            info = _lstat(current)
        if info is None or is_link(info) or not stat.S_ISDIR(info.st_mode):
            raise explain(info, None, what, current, want_dir=True)
    return current


def atomic_write_portable(
    root: Path, parts: tuple[str, ...], data: bytes, mode: int | None, *, what: str, shown: Path
) -> None:
    """Temporary file beside the target, parents checked again, then `replace`."""
    parent = walk_portable(root, parts[:-1], what=what, created=[])
    target = parent / parts[-1]
    info = _lstat(target)
    if info is not None:
        judge_existing(info, what, shown, for_rename=True)
    temp = parent / f".importspy-{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY | O_NOFOLLOW | O_CLOEXEC
    fd = os.open(temp, flags, 0o666)
    try:
        try:
            adopt(fd, parent)
            write_all(fd, data)
        finally:
            os.close(fd)
        if mode is not None:
            temp.chmod(mode)
        walk_portable(root, parts[:-1], what=what, created=None)  # the parents, once more
        info = _lstat(target)
        if info is not None:
            judge_existing(info, what, shown, for_rename=True)
        temp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def open_file_portable(
    root: Path, parts: tuple[str, ...], append: bool, *, what: str, shown: Path
) -> int:
    """A write descriptor on the target, judged by lstat before and fstat/lstat after."""
    parent = walk_portable(root, parts[:-1], what=what, created=[])
    target = parent / parts[-1]
    info = _lstat(target)
    if info is not None:
        judge_existing(info, what, shown, for_rename=False)
    flags = os.O_WRONLY | O_BINARY | O_NOFOLLOW | O_CLOEXEC | (os.O_APPEND if append else 0)
    try:
        fd = os.open(target, flags | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
    except FileExistsError:
        fd = os.open(target, flags | O_NONBLOCK)
        created = False
    try:
        if created:
            adopt(fd, parent)
        check_open_file(fd, what, shown)
        after = _lstat(target)
        if after is None or is_link(after):
            raise explain(after, None, what, shown, want_dir=False)
        walk_portable(root, parts[:-1], what=what, created=None)
        if not append:
            os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def remove_portable(root: Path, parts: tuple[str, ...], *, what: str, shown: Path) -> bool:
    """Unlink the target (a link itself, never its target); False when it is absent."""
    try:
        parent_path = walk_portable(root, parts[:-1], what=what, created=None)
    except FileNotFoundError:
        return False
    target = parent_path / parts[-1]
    info = _lstat(target)
    if info is None:
        return False
    if stat.S_ISDIR(info.st_mode) and not is_link(info):
        raise UnsafePath(what, shown, "it is a directory")
    target.unlink()
    return True


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
