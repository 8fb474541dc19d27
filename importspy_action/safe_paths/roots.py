"""Where the action may write: `WriteRoots`, and the lexical check that a path lies inside."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UnsafePath

RUNNER_FILE_VARIABLES = ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")
"""Environment variables naming runner files the action may append to (trusted by origin)."""


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
