"""The refusals `safe_paths` raises, and the judgement of what is in a write's way.

Shared by both walks (`posix`, `portable`) so a symlink, a directory or a hard-linked file
is refused with the same words whichever walk met it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import ConfigError

REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: Windows symlinks and junctions


class OutputError(ConfigError):
    """An output the user asked for cannot be written; exit 2, naming the input and path."""

    def __init__(self, what: str, path: str | os.PathLike[str], why: str) -> None:
        self.what = what
        self.path = os.fspath(path)
        self.why = why
        super().__init__(f"{what}: cannot write {self.path}: {why}")


class UnsafePath(OutputError):
    """Writing would leave the allowed directories or go through a symlink."""


def is_link(info: os.stat_result) -> bool:
    """A symlink, or on Windows any reparse point (junctions included)."""
    attributes: int = getattr(info, "st_file_attributes", 0)
    return stat.S_ISLNK(info.st_mode) or bool(attributes & REPARSE_POINT)


def judge_existing(info: os.stat_result, what: str, shown: Path, *, for_rename: bool) -> None:
    """Refuse an existing target that is not a plain file we may replace or write through."""
    if is_link(info):
        raise UnsafePath(
            what, shown, "it is a symbolic link (symlinks are never followed for writes)"
        )
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(what, shown, "a directory is in the way")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePath(what, shown, "it exists and is not a regular file")
    if not for_rename and info.st_nlink > 1:
        raise UnsafePath(
            what, shown, "the file has other hard links (writing it could change a file elsewhere)"
        )


def check_open_file(fd: int, what: str, shown: Path) -> None:
    """After opening: the descriptor must be the plain, singly linked file we judged."""
    judge_existing(os.fstat(fd), what, shown, for_rename=False)


def explain(
    info: os.stat_result | None, exc: OSError | None, what: str, shown: Path, *, want_dir: bool
) -> OutputError:
    """The refusal for a component that could not be opened, saying what is in the way."""
    if info is not None and is_link(info):
        return UnsafePath(
            what, shown, "it is a symbolic link (symlinks are never followed for writes)"
        )
    if info is not None and want_dir and not stat.S_ISDIR(info.st_mode):
        return OutputError(what, shown, "it exists and is not a directory")
    if info is not None and not want_dir and stat.S_ISDIR(info.st_mode):
        return OutputError(what, shown, "a directory is in the way")
    if exc is not None:
        return OutputError(what, shown, strerror(exc))
    return OutputError(what, shown, "it could not be opened")


def strerror(exc: OSError) -> str:
    """A reason a user can act on, instead of the C library's wording."""
    reasons = {
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a path component is not a directory",
        errno.ELOOP: "a path component is a symbolic link (symlinks are never followed)",
        errno.ENOSPC: "no space left on the device",
        errno.ENAMETOOLONG: "the file name is too long",
        errno.EISDIR: "a directory is in the way",
        errno.ENOENT: "a directory on the path does not exist",
        errno.ENXIO: "it is a FIFO or device without a reader",
    }
    return reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)
