"""Open flags and small file-system steps both walks share.

The flags are looked up with `getattr` because Windows lacks `O_NOFOLLOW`, `O_DIRECTORY`
and `O_CLOEXEC` (and only Windows has `O_BINARY`); a missing flag is 0, and `HAVE_DIR_FD`
says whether the race-free `openat` walk can be used at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import OutputError, strerror

O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
O_DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)
O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
O_BINARY: int = getattr(os, "O_BINARY", 0)
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)

HAVE_DIR_FD = (
    bool(O_NOFOLLOW and O_DIRECTORY)
    and {
        os.open,
        os.mkdir,
        os.stat,
        os.rename,
        os.unlink,
    }
    <= os.supports_dir_fd
)
"""True where the race-free `openat` walk is available (Linux, macOS); else the lstat walk.

The package re-exports it and reads it from there (`safe_paths.HAVE_DIR_FD`), which is
the attribute tests switch off to run the portable walk on Linux."""

DIR_FLAGS = os.O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC


def adopt(fd: int, parent: int | Path) -> None:
    """As root, give what we just created to the owner of its directory (never by path)."""
    if sys.platform == "win32" or not is_root():
        return
    owner = os.fstat(parent) if isinstance(parent, int) else parent.stat()
    os.fchown(fd, owner.st_uid, owner.st_gid)


def is_root() -> bool:
    return bool(getattr(os, "geteuid", lambda: -1)() == 0)


def write_all(fd: int, data: bytes) -> None:
    """`os.write` until everything is written (it may write less than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_trusted(path: Path, what: str) -> int:
    """A runner file named by the runner's environment: append, never through a final symlink."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_BINARY
    try:
        return os.open(path, flags, 0o666)
    except OSError as exc:
        raise OutputError(what, path, strerror(exc)) from None
