"""Write files without ever leaving the allowed directories or following a symlink.

The action runs on pull requests, and everything in the workspace -- including symlinks and
directories planted where an output will go -- is written by whoever opened the pull
request. A naive `open(path, "w")` on `json-report: out/report.json` follows `out` if it is
a symlink to `/etc` and truncates a file outside the workspace, as root. So every write here:

- is resolved lexically (`..` collapsed, relative paths taken from the first root) and must
  land inside one of the `WriteRoots` (the workspace, `RUNNER_TEMP`, and for local CLI runs
  only, directories the user named explicitly);
- walks from the root one component at a time with `openat`-style calls
  (`os.open(name, O_DIRECTORY | O_NOFOLLOW, dir_fd=parent)`, `os.mkdir(name, dir_fd=...)`),
  so no component -- not the parents, not the file itself -- is ever a followed symlink, even
  if one is swapped in between two checks;
- creates new files with `O_CREAT | O_EXCL | O_NOFOLLOW` inside the parent's descriptor, and
  replaces targets atomically with `rename` inside that same descriptor (a rename replaces a
  symlink itself, never what it points to);
- refuses an existing target that is a symlink (even one pointing inside), a directory, a
  FIFO/device, or a file with other hard links (truncating or appending to it would change a
  file that may live elsewhere);
- changes ownership only with `os.fchown` on a descriptor of a file or directory it has just
  created (when running as root in the container, new files get the owner of the directory
  they are in, so the runner user can clean the workspace up afterwards).

Every refusal is an `OutputError` (exit 2) whose message names the input (`what`), the path
and the reason, so the user learns which setting to fix and nothing is silently skipped.

The runner's own files (`$GITHUB_STEP_SUMMARY`, `$GITHUB_OUTPUT`) live outside the workspace
in the runner's `file_commands` directory. They come from the runner's environment, not
from the pull request, so `WriteRoots.trusted_files` names them exactly; they can only be
appended to, opened with `O_APPEND | O_NOFOLLOW` and no other check.

Windows has neither `O_NOFOLLOW` nor `dir_fd`: there the same rules are enforced with
`lstat` on every component before and after the write (symlinks and junctions refused).
That leaves a race an attacker with a concurrent process could win, which a pull request's
files alone cannot.

Layout: `roots` (where writes may go), `posix` (the `openat` walk), `portable` (the lstat
walk), `errors` (refusals and their reasons), `fs` (flags and shared steps). The public
operations below choose a walk by reading `HAVE_DIR_FD` from this package, so switching
that one attribute off runs the portable walk anywhere (the tests do).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import portable, posix
from .errors import OutputError, UnsafePath, strerror
from .fs import HAVE_DIR_FD, open_trusted, write_all
from .roots import RUNNER_FILE_VARIABLES, WriteRoots

__all__ = [
    "HAVE_DIR_FD",
    "RUNNER_FILE_VARIABLES",
    "OutputError",
    "UnsafePath",
    "WriteRoots",
    "append",
    "atomic_write",
    "make_dirs",
    "open_for_write",
    "remove_file",
]


def make_dirs(path: str | os.PathLike[str], roots: WriteRoots, *, what: str) -> list[Path]:
    """`mkdir -p` inside the roots that never follows a symlink; returns the dirs created."""
    normal, root, parts = roots._locate(path, what)
    if root is None:
        raise UnsafePath(what, normal, "it is a runner file, not a directory")
    created: list[Path] = []
    try:
        if HAVE_DIR_FD:
            os.close(posix.open_dir_at(root, parts, what=what, created=created))
        else:
            portable.walk_portable(root, parts, what=what, created=created)
    except OSError as exc:
        raise OutputError(what, normal, strerror(exc)) from None
    return created


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes,
    roots: WriteRoots,
    *,
    what: str,
    mode: int | None = None,
) -> Path:
    """Replace the file with `data` in one step (readers see the old or the new file).

    Missing parent directories are created. `mode` defaults to 0o666 less the umask, like
    `open()`. Returns the normalised path written.
    """
    normal, root, parts = roots._locate(path, what)
    if root is None:
        raise UnsafePath(what, normal, "it is a runner file; the action only appends to it")
    if not parts:
        raise UnsafePath(what, normal, "it is a directory")
    try:
        if HAVE_DIR_FD:
            posix.atomic_write_at(root, parts, data, mode, what=what, shown=normal)
        else:
            portable.atomic_write_portable(root, parts, data, mode, what=what, shown=normal)
    except OSError as exc:
        raise OutputError(what, normal, strerror(exc)) from None
    return normal


def open_for_write(
    path: str | os.PathLike[str], roots: WriteRoots, *, what: str, append: bool = False
) -> int:
    """A write-only file descriptor on the file (created if missing), truncated unless `append`.

    For writers that stream. The caller owns the descriptor and closes it. Trusted runner
    files can only be opened with `append=True`.
    """
    normal, root, parts = roots._locate(path, what)
    if root is None:
        if not append:
            raise UnsafePath(what, normal, "it is a runner file; the action only appends to it")
        return open_trusted(normal, what)
    if not parts:
        raise UnsafePath(what, normal, "it is a directory")
    try:
        if HAVE_DIR_FD:
            return posix.open_file_at(root, parts, append, what=what, shown=normal)
        return portable.open_file_portable(root, parts, append, what=what, shown=normal)
    except OSError as exc:
        raise OutputError(what, normal, strerror(exc)) from None


def append(path: str | os.PathLike[str], data: bytes, roots: WriteRoots, *, what: str) -> Path:
    """Append `data` to the file (created if missing); the way to write the runner's files."""
    fd = open_for_write(path, roots, what=what, append=True)
    normal = roots.resolve(path, what=what)
    try:
        write_all(fd, data)
    except OSError as exc:
        raise OutputError(what, normal, strerror(exc)) from None
    finally:
        os.close(fd)
    return normal


def remove_file(path: str | os.PathLike[str], roots: WriteRoots, *, what: str) -> bool:
    """Remove a file (or a symlink itself, never its target) inside the roots.

    Returns False when there was nothing to remove. Directories are refused: removing a
    tree an attacker shaped is not something the action needs.
    """
    normal, root, parts = roots._locate(path, what)
    if root is None or not parts:
        raise UnsafePath(what, normal, "the action never removes this path")
    try:
        if HAVE_DIR_FD:
            return posix.remove_at(root, parts, what=what, shown=normal)
        return portable.remove_portable(root, parts, what=what, shown=normal)
    except OSError as exc:
        raise OutputError(what, normal, strerror(exc)) from None
