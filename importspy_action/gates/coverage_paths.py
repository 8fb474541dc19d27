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
from collections.abc import Iterable, Mapping, Sequence
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


# -- Is the report about this workspace at all? -----------------------------------------

WALK_LIMIT = 100_000
"""Most workspace files indexed for suggestions; a bigger checkout gets suggestions from
the files seen so far (the check itself never depends on the index)."""
SKIPPED_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox"})
EXAMPLES = 3


@dataclass(frozen=True)
class Suggestion:
    """A report name, the workspace file that looks most like it, and the
    `coverage-path-prefix` that would map one onto the other (empty when none can)."""

    name: str
    nearest: str
    prefix: str


@dataclass(frozen=True)
class MappingCheck:
    """Which report names landed on a workspace file and which did not.

    A report whose names all miss is about another checkout or needs `coverage-path-prefix`;
    judging it would measure nothing and pass diff coverage silently, so the gate stops
    (exit 2) with `no_file_maps_message`. Some misses are normal (deleted files, generated
    code) and stay notes.
    """

    mapped: tuple[str, ...]
    unmapped: tuple[str, ...]

    @property
    def nothing_maps(self) -> bool:
        return bool(self.unmapped) and not self.mapped


def check_mapping(names: Iterable[tuple[str, Sequence[str]]], mapper: PathMapper) -> MappingCheck:
    """Sort (report name, report sources) pairs by whether they map onto a workspace file."""
    mapped: list[str] = []
    unmapped: list[str] = []
    for name, sources in names:
        (mapped if mapper.map(name, sources).exists else unmapped).append(name)
    return MappingCheck(tuple(mapped), tuple(unmapped))


def workspace_files(root: Path, limit: int = WALK_LIMIT) -> list[str]:
    """Repo-relative POSIX paths of regular files, symlinks not followed, VCS and virtual
    environment directories skipped, at most `limit`."""
    found: list[str] = []
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        relative = os.path.relpath(directory, root)
        for name in sorted(files):
            path = name if relative == "." else posixpath.join(relative.replace(os.sep, "/"), name)
            found.append(path)
            if len(found) >= limit:
                return found
    return found


def suggest(
    name: str, sources: Sequence[str], files: Sequence[str], base: str
) -> Suggestion | None:
    """The workspace file sharing the longest trailing run of path components with the
    report's spelling of `name`, and the prefix that strips the report's spelling down to
    that file (relative to the working directory `base` or the repository root)."""
    plain = name.replace("\\", "/")
    spelling = (
        plain
        if _is_absolute(plain) or not sources
        else posixpath.join(sources[0].replace("\\", "/"), plain)
    )
    parts = [part for part in spelling.split("/") if part not in ("", ".")]
    if not parts:
        return None
    best: tuple[int, str] | None = None
    for candidate in files:
        if posixpath.basename(candidate) != parts[-1]:
            continue
        shared = _shared_tail(parts, candidate.split("/"))
        if best is None or shared > best[0]:
            best = (shared, candidate)
    if best is None:
        return None
    shared, nearest = best
    prefix = ""
    for target in (
        nearest[len(base) + 1 :] if base and nearest.startswith(base + "/") else "",
        nearest,
    ):
        if target and spelling.endswith("/" + target):
            prefix = spelling[: -len(target)]
            break
    return Suggestion(name, nearest, prefix)


def no_file_maps_message(
    check: MappingCheck,
    sources: Mapping[str, Sequence[str]],
    reports: Sequence[str],
    root: Path,
    base: Path,
    prefix: str,
) -> str:
    """Exit-2 message: examples of report names, the nearest workspace file of each, and
    the `coverage-path-prefix` that would map it."""
    relative = posixpath.relpath(
        posixpath.normpath(base.as_posix()), posixpath.normpath(root.as_posix())
    )
    base_rel = "" if relative == "." else relative
    files = workspace_files(root)
    lines = [
        f"No file of the coverage report{'s' if len(reports) > 1 else ''} "
        f"{', '.join(repr(r) for r in reports)} maps onto the workspace "
        f"({len(check.unmapped)} file name{'s' if len(check.unmapped) != 1 else ''}, none found); "
        "judging it would measure nothing. Check `coverage-path-prefix`"
        + (f" (now {prefix!r})" if prefix else " (not set)")
        + " and that the report was made from this checkout."
    ]
    for name in check.unmapped[:EXAMPLES]:
        hint = suggest(name, sources.get(name, ()), files, base_rel)
        if hint is None:
            lines.append(f"  report path {name!r}: no workspace file has that name")
        elif hint.prefix:
            lines.append(
                f"  report path {name!r}: nearest workspace path {hint.nearest!r}; "
                f"`coverage-path-prefix: {hint.prefix}` would map it"
            )
        else:
            lines.append(
                f"  report path {name!r}: nearest workspace path {hint.nearest!r}; no prefix "
                "maps it (the report's paths have a different layout)"
            )
    return "\n".join(lines)


def _shared_tail(left: Sequence[str], right: Sequence[str]) -> int:
    count = 0
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a != b:
            break
        count += 1
    return count
