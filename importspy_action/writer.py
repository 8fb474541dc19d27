"""The one writer: every file the action writes goes through here.

JSON report, SARIF, dry-run payloads, the job summary and the step outputs: one module owns
their paths, encoding (UTF-8, `\n`; text that cannot be encoded -- lone surrogates from
undecodable file names -- is replaced, never a crash), atomic replace (a crash mid-write
never leaves a truncated document behind), a size cap, and errors. A file that cannot be
written is recorded as a failure naming the input that configured it; the run goes on to
write everything else and then ends with exit 2 (`Writer.failures`), so nothing the user
asked for is lost silently.

In the container the action runs as root, but the workspace belongs to the runner's user,
and the steps after ours (upload-sarif, upload-artifact, the next checkout's clean-up) run
as that user. So a report gets the ordinary 0666-minus-umask mode (not mkstemp's 0600),
and when we are root, the file and any folder we had to create are handed to the owner of
the folder they were written into -- otherwise later steps could not read or delete them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 256 * 1024 * 1024
"""No report the action writes should come near this; past it something is wrong."""

_Action = Callable[[bytes], None]


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="replace")


@dataclass(frozen=True)
class WriteFailure:
    what: str  # e.g. "Input `json-report`"
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: cannot write {self.path}: {self.reason}"


@dataclass
class Writer:
    """Writes files and remembers which could not be written."""

    failures: list[WriteFailure] = field(default_factory=list)

    def write(self, path: Path, text: str, *, what: str) -> bool:
        """Replace `path` atomically with `text`; False (and a failure recorded) if not."""
        return self._attempt(path, what, lambda data: write_atomic(path, data), encode(text))

    def append(self, path: Path, text: str, *, what: str) -> bool:
        """Append to a file the runner gave us ($GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT)."""
        return self._attempt(path, what, lambda data: _append(path, data), encode(text))

    def outputs(self, path: Path, values: Mapping[str, str]) -> bool:
        """Step outputs in the runner's `name<<DELIMITER` form (values may hold newlines)."""
        chunks = []
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        return self.append(path, "".join(chunks), what="step outputs ($GITHUB_OUTPUT)")

    def clear(self, directory: Path, pattern: str, *, what: str) -> bool:
        """Remove our own earlier files matching `pattern` from `directory` (dry-run re-runs).

        Only regular files are removed; a symlink is left alone (unlink would remove the link,
        not its target, but it is not ours to remove).
        """

        def remove(_: bytes) -> None:
            if not directory.is_dir():
                return
            for stale in directory.glob(pattern):
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink()

        return self._attempt(directory, what, remove, b"")

    def _attempt(self, path: Path, what: str, action: _Action, data: bytes) -> bool:
        if len(data) > MAX_FILE_BYTES:
            reason = f"{len(data)} bytes is above the {MAX_FILE_BYTES // 2**20} MiB cap"
            self.failures.append(WriteFailure(what, str(path), reason))
            return False
        try:
            action(data)
        except (OSError, ValueError) as exc:
            self.failures.append(WriteFailure(what, str(path), _reason(exc)))
            return False
        return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as stream:
        stream.write(data)


def write_atomic(path: Path, data: bytes | str) -> None:
    if isinstance(data, str):
        data = encode(data)
    created = _make_parents(path.parent)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _hand_over([*created, path])


def _make_parents(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (outermost first)."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _hand_over(paths: list[Path]) -> None:
    """As root, give new paths to the owner of the folder that holds the first of them."""
    if not paths or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    holder = paths[0].parent.stat()
    if holder.st_uid == 0 and holder.st_gid == 0:
        return
    for path in paths:
        try:
            os.chown(path, holder.st_uid, holder.st_gid)
        except OSError:  # a read-only or foreign mount: the file is written, that matters most
            return


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
