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
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

__all__ = [
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

RUNNER_FILE_VARIABLES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")
"""Environment variables naming runner files the action may append to (trusted by origin)."""

_O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: Windows symlinks and junctions

HAVE_DIR_FD = (
    bool(_O_NOFOLLOW and _O_DIRECTORY)
    and {
        os.open,
        os.mkdir,
        os.stat,
        os.rename,
        os.unlink,
    }
    <= os.supports_dir_fd
)
"""True where the race-free `openat` walk is available (Linux, macOS); else the lstat walk."""

_DIR_FLAGS = os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC


class OutputError(ConfigError):
    """An output the user asked for cannot be written; exit 2, naming the input and path."""

    def __init__(self, what: str, path: str | os.PathLike[str], why: str) -> None:
        self.what = what
        self.path = os.fspath(path)
        self.why = why
        super().__init__(f"{what}: cannot write {self.path}: {why}")


class UnsafePath(OutputError):
    """Writing would leave the allowed directories or go through a symlink."""


@dataclass(frozen=True)
class WriteRoots:
    """The directories the action may write into, and the runner files it may append to.

    `roots[0]` (the workspace) is the base for relative paths. Roots and trusted files come
    from the runner's environment or the user's command line, never from the pull request,
    so a root that is itself a symlink (macOS `/tmp`) is followed once, when it is opened.
    """

    roots: tuple[Path, ...]
    trusted_files: frozenset[Path] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.roots:
            raise ValueError("WriteRoots needs at least one root")
        roots = tuple(_absolute(root) for root in self.roots)
        trusted = frozenset(_absolute(f) for f in self.trusted_files)
        object.__setattr__(self, "roots", roots)
        object.__setattr__(self, "trusted_files", trusted)

    @classmethod
    def for_run(
        cls,
        workspace: str | os.PathLike[str],
        environ: Mapping[str, str],
        *,
        extra: Iterable[str | os.PathLike[str]] = (),
    ) -> WriteRoots:
        """The workspace, `RUNNER_TEMP` when set, and the runner's summary/output files.

        `extra` is for local CLI runs only: directories the user named explicitly (for
        example an output directory outside the project). The action itself passes none.
        """
        roots = [Path(workspace)]
        if environ.get("RUNNER_TEMP"):
            roots.append(Path(environ["RUNNER_TEMP"]))
        roots.extend(Path(p) for p in extra)
        trusted = frozenset(Path(environ[v]) for v in RUNNER_FILE_VARIABLES if environ.get(v))
        return cls(tuple(roots), trusted)

    def resolve(self, path: str | os.PathLike[str], *, what: str) -> Path:
        """The normalised absolute path, if it lies inside a root or is a trusted file.

        Lexical only (`..` collapsed without looking at the disk): that is sound because the
        writes below never pass through a symlink, so the disk cannot reinterpret the path.
        """
        return self._locate(path, what)[0]

    def _locate(
        self, path: str | os.PathLike[str], what: str
    ) -> tuple[Path, Path | None, tuple[str, ...]]:
        """(normalised path, the root it is in or None for a trusted file, parts below it)."""
        text = os.fspath(path)
        if "\0" in text:
            raise UnsafePath(what, text.replace("\0", "\\0"), "the path contains a NUL byte")
        if not text.strip():
            raise UnsafePath(what, text, "the path is empty")
        candidate = Path(text)
        if not candidate.is_absolute():
            candidate = self.roots[0] / candidate
        normal = Path(os.path.normpath(candidate))
        if normal in self.trusted_files:
            return normal, None, ()
        for root in sorted(self.roots, key=lambda r: len(r.parts), reverse=True):
            for alias in _aliases(root):
                if normal == alias or normal.is_relative_to(alias):
                    return normal, root, normal.relative_to(alias).parts
        allowed = ", ".join(str(root) for root in self.roots)
        raise UnsafePath(
            what, text, f"it is outside the directories the action writes to ({allowed})"
        )


def _absolute(path: str | os.PathLike[str]) -> Path:
    """Absolute and lexically normal, without resolving symlinks (the exact path given)."""
    return Path(os.path.normpath(Path(path).absolute()))


def _aliases(root: Path) -> tuple[Path, ...]:
    real = Path(os.path.realpath(root))
    return (root,) if real == root else (root, real)


# -- public operations ------------------------------------------------------------------------


def make_dirs(path: str | os.PathLike[str], roots: WriteRoots, *, what: str) -> list[Path]:
    """`mkdir -p` inside the roots that never follows a symlink; returns the dirs created."""
    normal, root, parts = roots._locate(path, what)
    if root is None:
        raise UnsafePath(what, normal, "it is a runner file, not a directory")
    created: list[Path] = []
    try:
        if HAVE_DIR_FD:
            os.close(_open_dir_at(root, parts, what=what, created=created))
        else:
            _walk_portable(root, parts, what=what, created=created)
    except OSError as exc:
        raise OutputError(what, normal, _strerror(exc)) from None
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
            _atomic_write_at(root, parts, data, mode, what=what, shown=normal)
        else:
            _atomic_write_portable(root, parts, data, mode, what=what, shown=normal)
    except OSError as exc:
        raise OutputError(what, normal, _strerror(exc)) from None
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
        return _open_trusted(normal, what)
    if not parts:
        raise UnsafePath(what, normal, "it is a directory")
    try:
        if HAVE_DIR_FD:
            return _open_file_at(root, parts, append, what=what, shown=normal)
        return _open_file_portable(root, parts, append, what=what, shown=normal)
    except OSError as exc:
        raise OutputError(what, normal, _strerror(exc)) from None


def append(path: str | os.PathLike[str], data: bytes, roots: WriteRoots, *, what: str) -> Path:
    """Append `data` to the file (created if missing); the way to write the runner's files."""
    fd = open_for_write(path, roots, what=what, append=True)
    normal = roots.resolve(path, what=what)
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise OutputError(what, normal, _strerror(exc)) from None
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
            try:
                parent = _open_dir_at(root, parts[:-1], what=what, created=None)
            except FileNotFoundError:
                return False
            try:
                info = _lstat_at(parent, parts[-1])
                if info is None:
                    return False
                if stat.S_ISDIR(info.st_mode):
                    raise UnsafePath(what, normal, "it is a directory")
                os.unlink(parts[-1], dir_fd=parent)
            finally:
                os.close(parent)
        else:
            try:
                parent_path = _walk_portable(root, parts[:-1], what=what, created=None)
            except FileNotFoundError:
                return False
            target = parent_path / parts[-1]
            info = _lstat(target)
            if info is None:
                return False
            if stat.S_ISDIR(info.st_mode) and not _is_link(info):
                raise UnsafePath(what, normal, "it is a directory")
            target.unlink()
    except OSError as exc:
        raise OutputError(what, normal, _strerror(exc)) from None
    return True


# -- openat walk (POSIX) ----------------------------------------------------------------------


def _open_dir_at(root: Path, parts: Iterable[str], *, what: str, created: list[Path] | None) -> int:
    """A descriptor of root/parts..., creating missing components when `created` is a list."""
    fd = os.open(root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    current = root
    try:
        for name in parts:
            current = current / name
            made = False
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if created is None:
                    raise
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                    made = True
                except FileExistsError:
                    pass  # appeared meanwhile: the O_NOFOLLOW open below judges it
                try:
                    child = os.open(name, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise _refusal(fd, name, exc, what, current, want_dir=True) from None
            except OSError as exc:
                raise _refusal(fd, name, exc, what, current, want_dir=True) from None
            if made and created is not None:
                _adopt(child, fd)
                created.append(current)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _atomic_write_at(
    root: Path, parts: tuple[str, ...], data: bytes, mode: int | None, *, what: str, shown: Path
) -> None:
    parent = _open_dir_at(root, parts[:-1], what=what, created=[])
    name = parts[-1]
    try:
        _check_existing_at(parent, name, what, shown, for_rename=True)
        temp = f".importspy-{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
        fd = os.open(temp, flags, 0o666, dir_fd=parent)
        try:
            try:
                _adopt(fd, parent)
                if mode is not None and sys.platform != "win32":  # never reached on Windows
                    os.fchmod(fd, mode)
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.rename(temp, name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException:
            _unlink_quietly(temp, parent)
            raise
    finally:
        os.close(parent)


def _open_file_at(
    root: Path, parts: tuple[str, ...], append: bool, *, what: str, shown: Path
) -> int:
    parent = _open_dir_at(root, parts[:-1], what=what, created=[])
    name = parts[-1]
    base = os.O_WRONLY | _O_NOFOLLOW | _O_CLOEXEC | _O_NONBLOCK | (os.O_APPEND if append else 0)
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
                _check_open_file(fd, what, shown)
                if not append:
                    os.ftruncate(fd, 0)
            except BaseException:
                os.close(fd)
                raise
        else:
            _adopt(fd, parent)
        return fd
    finally:
        os.close(parent)


def _check_existing_at(parent: int, name: str, what: str, shown: Path, *, for_rename: bool) -> None:
    info = _lstat_at(parent, name)
    if info is None:
        return
    _judge_existing(info, what, shown, for_rename=for_rename)


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
    return _explain(info, exc, what, shown, want_dir=want_dir)


def _adopt(fd: int, parent: int | Path) -> None:
    """As root, give what we just created to the owner of its directory (never by path)."""
    if sys.platform == "win32" or not _is_root():
        return
    owner = os.fstat(parent) if isinstance(parent, int) else parent.stat()
    os.fchown(fd, owner.st_uid, owner.st_gid)


def _is_root() -> bool:
    return bool(getattr(os, "geteuid", lambda: -1)() == 0)


def _unlink_quietly(name: str, parent: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name, dir_fd=parent)


# -- lstat walk (Windows and anywhere without openat) -----------------------------------------


def _walk_portable(
    root: Path, parts: Iterable[str], *, what: str, created: list[Path] | None
) -> Path:
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
                if _is_root():
                    made = os.open(current, os.O_RDONLY | _O_NOFOLLOW | _O_CLOEXEC)
                    try:
                        _adopt(made, current.parent)
                    finally:
                        os.close(made)
            except FileExistsError:
                pass
            info = _lstat(current)
        if info is None or _is_link(info) or not stat.S_ISDIR(info.st_mode):
            raise _explain(info, None, what, current, want_dir=True)
    return current


def _atomic_write_portable(
    root: Path, parts: tuple[str, ...], data: bytes, mode: int | None, *, what: str, shown: Path
) -> None:
    parent = _walk_portable(root, parts[:-1], what=what, created=[])
    target = parent / parts[-1]
    info = _lstat(target)
    if info is not None:
        _judge_existing(info, what, shown, for_rename=True)
    temp = parent / f".importspy-{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_NOFOLLOW | _O_CLOEXEC
    fd = os.open(temp, flags, 0o666)
    try:
        try:
            _adopt(fd, parent)
            _write_all(fd, data)
        finally:
            os.close(fd)
        if mode is not None:
            temp.chmod(mode)
        _walk_portable(root, parts[:-1], what=what, created=None)  # the parents, once more
        info = _lstat(target)
        if info is not None:
            _judge_existing(info, what, shown, for_rename=True)
        temp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _open_file_portable(
    root: Path, parts: tuple[str, ...], append: bool, *, what: str, shown: Path
) -> int:
    parent = _walk_portable(root, parts[:-1], what=what, created=[])
    target = parent / parts[-1]
    info = _lstat(target)
    if info is not None:
        _judge_existing(info, what, shown, for_rename=False)
    flags = os.O_WRONLY | _O_BINARY | _O_NOFOLLOW | _O_CLOEXEC | (os.O_APPEND if append else 0)
    try:
        fd = os.open(target, flags | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
    except FileExistsError:
        fd = os.open(target, flags | _O_NONBLOCK)
        created = False
    try:
        if created:
            _adopt(fd, parent)
        _check_open_file(fd, what, shown)
        after = _lstat(target)
        if after is None or _is_link(after):
            raise _explain(after, None, what, shown, want_dir=False)
        _walk_portable(root, parts[:-1], what=what, created=None)
        if not append:
            os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _is_link(info: os.stat_result) -> bool:
    attributes: int = getattr(info, "st_file_attributes", 0)
    return stat.S_ISLNK(info.st_mode) or bool(attributes & _REPARSE_POINT)


# -- shared -----------------------------------------------------------------------------------


def _open_trusted(path: Path, what: str) -> int:
    """A runner file named by the runner's environment: append, never through a final symlink."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
    try:
        return os.open(path, flags, 0o666)
    except OSError as exc:
        raise OutputError(what, path, _strerror(exc)) from None


def _judge_existing(info: os.stat_result, what: str, shown: Path, *, for_rename: bool) -> None:
    """Refuse an existing target that is not a plain file we may replace or write through."""
    if _is_link(info):
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


def _check_open_file(fd: int, what: str, shown: Path) -> None:
    """After opening: the descriptor must be the plain, singly linked file we judged."""
    _judge_existing(os.fstat(fd), what, shown, for_rename=False)


def _explain(
    info: os.stat_result | None, exc: OSError | None, what: str, shown: Path, *, want_dir: bool
) -> OutputError:
    if info is not None and _is_link(info):
        return UnsafePath(
            what, shown, "it is a symbolic link (symlinks are never followed for writes)"
        )
    if info is not None and want_dir and not stat.S_ISDIR(info.st_mode):
        return OutputError(what, shown, "it exists and is not a directory")
    if info is not None and not want_dir and stat.S_ISDIR(info.st_mode):
        return OutputError(what, shown, "a directory is in the way")
    if exc is not None:
        return OutputError(what, shown, _strerror(exc))
    return OutputError(what, shown, "it could not be opened")


def _strerror(exc: OSError) -> str:
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
