"""The one writer: every file the action writes goes through here.

JSON report, SARIF, dry-run payloads, badges, the job summary and the step outputs: one
module owns their paths, encoding (UTF-8, `\\n`; text that cannot be encoded -- lone
surrogates from undecodable file names -- is replaced, never a crash), atomic replace (a
crash mid-write never leaves a truncated document behind), a size cap, and errors.

Where it may write is decided by `safe_paths.WriteRoots`: the workspace, `RUNNER_TEMP`, the
runner's own summary/output files (append only), and -- for a local CLI run only -- the
folders of output paths the user named on the command line. Nothing is written through a
symlink, so a pull request cannot plant one to make the action write, truncate, chown or
remove a file anywhere else.

A file that cannot be written is recorded as a failure naming the input that configured it;
the run goes on to write everything else and then ends with exit 2 (`Writer.failures`), so
nothing the user asked for is lost silently.
"""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import safe_paths
from .safe_paths import OutputError, WriteRoots

MAX_FILE_BYTES = 256 * 1024 * 1024
"""No report the action writes should come near this; past it something is wrong."""


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
    """Writes files inside `roots` and remembers which could not be written."""

    roots: WriteRoots
    failures: list[WriteFailure] = field(default_factory=list)

    @classmethod
    def for_run(
        cls, workspace: Path, environ: Mapping[str, str], *, local_outputs: tuple[Path, ...] = ()
    ) -> Writer:
        """The roots of a run; `local_outputs` (CLI runs only) adds the nearest existing
        folder of each, so the folders the user named can be created."""
        extra = tuple(_existing_ancestor(path.parent) for path in local_outputs)
        return cls(WriteRoots.for_run(workspace, environ, extra=extra))

    def write(self, path: Path, text: str, *, what: str) -> bool:
        """Replace `path` atomically with `text`; False (and a failure recorded) if not."""
        return self._attempt(
            path,
            what,
            lambda data: safe_paths.atomic_write(path, data, self.roots, what=what),
            encode(text),
        )

    def append(self, path: Path, text: str, *, what: str) -> bool:
        """Append to a file the runner gave us ($GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT)."""
        return self._attempt(
            path,
            what,
            lambda data: safe_paths.append(path, data, self.roots, what=what),
            encode(text),
        )

    def outputs(self, path: Path, values: Mapping[str, str]) -> bool:
        """Step outputs in the runner's `name<<DELIMITER` form (values may hold newlines)."""
        chunks = []
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        return self.append(path, "".join(chunks), what="step outputs ($GITHUB_OUTPUT)")

    def clear(self, directory: Path, pattern: str, *, what: str) -> bool:
        """Remove our own earlier files matching `pattern` from `directory` (dry-run re-runs).

        Names are listed without following a symlinked folder, and each file is removed
        through `safe_paths`, which never follows a symlink either.
        """

        def remove(_: bytes) -> None:
            folder = self.roots.resolve(directory, what=what)
            if folder.is_symlink() or not folder.is_dir():
                return
            for entry in sorted(folder.iterdir()):
                if fnmatch.fnmatchcase(entry.name, pattern):
                    safe_paths.remove_file(entry, self.roots, what=what)

        return self._attempt(directory, what, remove, b"")

    def _attempt(
        self, path: Path, what: str, action: Callable[[bytes], object], data: bytes
    ) -> bool:
        if len(data) > MAX_FILE_BYTES:
            reason = f"{len(data)} bytes is above the {MAX_FILE_BYTES // 2**20} MiB cap"
            self.failures.append(WriteFailure(what, str(path), reason))
            return False
        try:
            action(data)
        except OutputError as exc:
            self.failures.append(WriteFailure(what, str(exc.path), exc.why))
            return False
        except (OSError, ValueError) as exc:
            self.failures.append(WriteFailure(what, str(path), _reason(exc)))
            return False
        return True


def _existing_ancestor(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"
