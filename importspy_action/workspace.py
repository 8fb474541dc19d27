"""Safe path handling inside the checked-out workspace.

Every path a user names (contracts, modules, reports, outputs) is resolved here and must stay
inside the workspace after symlinks are followed: a workflow input, a contract or a coverage
report must not make the action read or write elsewhere on the runner. Paths shown to users
are repo-relative with forward slashes, the form GitHub's annotations expect.
"""

from __future__ import annotations

import glob as globlib
from pathlib import Path, PurePosixPath

from .errors import ConfigError


class Workspace:
    """The repository root as mounted for this run (e.g. /github/workspace)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def contains(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def resolve(self, value: str | Path, *, base: Path | None = None, must_exist: bool) -> Path:
        """Absolute, symlink-free path of `value` (relative to `base`), or ConfigError."""
        text = str(value)
        if "\x00" in text:
            raise ConfigError(f"{text!r} contains a NUL byte")
        candidate = Path(text)
        if not candidate.is_absolute():
            candidate = (base or self.root) / candidate
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise ConfigError(f"{text!r} cannot be resolved: {exc}") from None
        if not self.contains(resolved):
            raise ConfigError(
                f"{text!r} points outside the workspace ({self.root}); "
                "paths (and symlinks) must stay inside the repository"
            )
        if must_exist and not resolved.exists():
            raise ConfigError(f"{self.display(resolved)!r} does not exist")
        return resolved

    def display(self, path: Path | str) -> str:
        """Repo-relative POSIX path for users and annotations; absolute if outside.

        A file name that is not UTF-8 (its bytes arrive as lone surrogates) is shown with
        those bytes as `\\xNN`: every report, summary and API payload is UTF-8, and one lone
        surrogate would make each of them fail to encode.
        """
        absolute = Path(path)
        if not absolute.is_absolute():
            absolute = self.root / absolute
        try:
            relative = absolute.relative_to(self.root)
        except ValueError:
            try:
                relative = absolute.resolve().relative_to(self.root)
            except (ValueError, OSError, RuntimeError):
                return printable(absolute.as_posix())
        text = printable(PurePosixPath(*relative.parts).as_posix())
        return text if text != "." else "."

    def glob(self, pattern: str, *, base: Path) -> list[Path]:
        """Files matching `pattern` (with `**`), sorted, each checked to stay inside."""
        if "\x00" in pattern:
            raise ConfigError(f"{pattern!r} contains a NUL byte")
        absolute = pattern if Path(pattern).is_absolute() else str(base / pattern)
        if not self.contains(Path(_static_prefix(absolute))):
            raise ConfigError(f"{pattern!r} points outside the workspace ({self.root})")
        matches = []
        for name in globlib.glob(absolute, recursive=True):  # noqa: PTH207 - absolute patterns
            path = Path(name)
            if not path.is_file():
                continue
            if not self.contains(path):
                raise ConfigError(
                    f"{self.display(path)!r} (matched by {pattern!r}) is a symlink that "
                    "points outside the workspace"
                )
            matches.append(path.resolve())
        return sorted(set(matches))


def printable(text: str) -> str:
    """Undecodable bytes of a file name (surrogate escapes) as visible `\\xNN` text.

    Other lone surrogates (a JSON `\\ud800` escape) become `\\ud800`. Text without
    surrogates comes back unchanged.
    """
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def _static_prefix(pattern: str) -> str:
    """The directory part of a glob before its first wildcard."""
    parts = []
    for part in Path(pattern).parts:
        if any(char in part for char in "*?["):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else "."
