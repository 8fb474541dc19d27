"""Map the file names a coverage report uses onto repo-relative paths in this workspace.

coverage.py writes names relative to one of the report's `<sources>` (XML) or to the
directory it ran in (JSON), or absolute when it ran elsewhere -- another job, a container
at /app. We try each source joined with the name, strip `coverage-path-prefix` when given,
and resolve relative names from the working directory. The first candidate that is a file
in the workspace wins; a name that lands outside the workspace is never followed. Purely
lexical (no symlinks followed), and the report's files are only stat'ed, never read.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MappedPath:
    """Where a report's file name lands: a repo-relative path, or None when outside."""

    name: str
    path: str | None
    exists: bool


class PathMapper:
    """Turns report names into repo paths; caches results (reports repeat names)."""

    def __init__(self, root: Path, base: Path, prefix: str = "") -> None:
        self.root = posixpath.normpath(root.as_posix())
        base_posix = posixpath.normpath(base.as_posix())
        relative = posixpath.relpath(base_posix, self.root)
        self.base = "" if relative == "." else relative
        self.prefix = prefix.replace("\\", "/")
        self._cache: dict[tuple[str, tuple[str, ...]], MappedPath] = {}

    def map(self, name: str, sources: Sequence[str] = ()) -> MappedPath:
        key = (name, tuple(sources))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._map(name, sources)
        return found

    def candidates(self, name: str, sources: Sequence[str]) -> list[str]:
        """Repo-relative candidates in order of preference (None-free, deduplicated)."""
        plain = name.replace("\\", "/")
        spellings = [plain]
        if not _is_absolute(plain):
            spellings = [posixpath.join(s.replace("\\", "/"), plain) for s in sources] + [plain]
        result: list[str] = []
        for spelling in spellings:
            for relative in self._to_repo(spelling):
                if relative not in result:
                    result.append(relative)
        return result

    def _strip_prefix(self, spelling: str) -> str | None:
        """What follows the prefix, on a path-component boundary; None if it does not apply."""
        prefix = self.prefix
        if not prefix or not spelling.startswith(prefix):
            return None
        rest = spelling[len(prefix) :]
        if prefix.endswith("/") or rest == "" or rest.startswith("/"):
            return rest.lstrip("/")
        return None  # '/work/app' must not strip '/work/app2/x.py'

    def _to_repo(self, spelling: str) -> list[str]:
        stripped = self._strip_prefix(spelling)
        if stripped is not None:
            # Relative to the working directory, else to the repository root (the prefix is
            # usually the other job's workspace, i.e. the repository root).
            found = [self._inside(posixpath.join(self.base, stripped)), self._inside(stripped)]
            return [path for path in found if path is not None]
        if _is_absolute(spelling):
            joined = posixpath.normpath(spelling)
            root = self.root.rstrip("/") + "/"
            if not joined.startswith(root):
                return []
            relative = self._inside(joined[len(root) :])
        else:
            relative = self._inside(posixpath.join(self.base, spelling))
        return [relative] if relative is not None else []

    @staticmethod
    def _inside(relative: str) -> str | None:
        """Normalised repo-relative path, or None when it climbs out of the repository."""
        if _is_absolute(relative):
            return None
        normal = posixpath.normpath(relative)
        if normal in (".", "", "..") or normal.startswith("../"):
            return None
        return normal

    def _map(self, name: str, sources: Sequence[str]) -> MappedPath:
        candidates = self.candidates(name, sources)
        for candidate in candidates:
            if os.path.isfile(os.path.join(self.root, candidate)):  # noqa: PTH113,PTH118
                return MappedPath(name, candidate, True)
        return MappedPath(name, candidates[0] if candidates else None, False)


def _is_absolute(path: str) -> bool:
    """POSIX absolute, or a Windows drive path (reports made on Windows runners)."""
    return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] == "/")
