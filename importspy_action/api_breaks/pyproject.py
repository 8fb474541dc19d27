"""What the api-breaks gate reads from pyproject.toml: the packages it declares, its version.

`api-breaks: pyproject` means "the packages this project ships", which pyproject.toml says
in one of several dialects (setuptools, hatch, poetry, or only a `[project].name` that
names a directory). The static `[project].version`, base against head, decides whether
breaks are errors or warnings (a major bump announces them). The file is written by the
pull request: every table is checked to be a table before it is read, and reading never
raises anything but a ConfigError naming the input.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

MAX_PYPROJECT_BYTES = 1024 * 1024
"""A pyproject.toml is a few kilobytes; a larger (or symlinked) one is not read."""

_RELEASE = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?")


def pyproject_path(settings: Settings) -> str:
    """The working directory's pyproject.toml, relative to the repository (for `git show`)."""
    base = settings.workspace.display(settings.working_directory)
    return "pyproject.toml" if base == "." else f"{base}/pyproject.toml"


def package_globs(settings: Settings) -> list[str]:
    """Packages pyproject.toml declares: setuptools, hatch, poetry, else the project name."""
    path = settings.working_directory / "pyproject.toml"
    text = read_small_file(path)
    if text is None:
        raise ConfigError("Input `api-breaks` says `pyproject`, but pyproject.toml does not exist.")
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Input `api-breaks`: cannot read pyproject.toml: {exc}") from None
    except RecursionError:  # tomllib recurses per nested array; a PR can nest thousands
        raise ConfigError("Input `api-breaks`: pyproject.toml nests too deeply to read") from None
    dirs = _declared_packages(data)
    if not dirs:
        named = _named_package(data, settings.working_directory)
        if named is not None and named.endswith(".py"):
            return [named]
        dirs = [] if named is None else [named]
    if not dirs:
        raise ConfigError(
            "Input `api-breaks` says `pyproject`, but pyproject.toml declares no package "
            "(tool.setuptools.packages, hatch wheel packages, poetry packages or a "
            "[project].name directory); list module globs instead."
        )
    return [f"{directory.strip('/')}/**/*.py" for directory in dirs]


def _declared_packages(data: Mapping[str, Any]) -> list[str]:
    """Top-level package directories named by setuptools, hatch and poetry tables, in order."""
    dirs: list[str] = []
    setuptools = _table(data, "tool", "setuptools")
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        root = _table(setuptools, "package-dir").get("", "")
        dirs.extend(
            "/".join(part for part in (str(root), str(p)) if part)
            for p in packages
            if "." not in str(p)  # subpackages are inside their top-level package's glob
        )
    hatch = _table(data, "tool", "hatch", "build", "targets", "wheel").get("packages")
    if isinstance(hatch, list):
        dirs.extend(str(item) for item in hatch)
    poetry = _table(data, "tool", "poetry").get("packages")
    if isinstance(poetry, list):
        for item in poetry:
            if isinstance(item, dict) and isinstance(item.get("include"), str):
                where = str(item.get("from", ""))
                dirs.append(f"{where}/{item['include']}" if where else item["include"])
    return dirs


def _named_package(data: Mapping[str, Any], directory: Path) -> str | None:
    """`src/<name>` or `<name>` (a directory), or `<name>.py` (a module), for `[project].name`.

    The first candidate that exists wins, a directory before a module of the same place,
    as the build backends look for them.
    """
    name = re.sub(r"[-.]+", "_", str(_table(data, "project").get("name", ""))).lower()
    if not name:
        return None
    for candidate in (f"src/{name}", name):
        if (directory / candidate).is_dir():
            return candidate
        if (directory / f"{candidate}.py").is_file():
            return f"{candidate}.py"
    return None


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """`data[k1][k2]...` when every step is a table, else empty: pyproject.toml is PR-written."""
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def read_small_file(path: Path) -> bytes | None:
    """The bytes of a regular file of at most 1 MiB; None if absent, a symlink, or larger."""
    try:
        if path.is_symlink() or path.stat().st_size > MAX_PYPROJECT_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def static_version(text: bytes | None) -> str | None:
    """`[project].version` when it is a static string; None otherwise (dynamic, absent)."""
    if text is None:
        return None
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    project = data.get("project")
    version = project.get("version") if isinstance(project, dict) else None
    return version if isinstance(version, str) else None


def major_bumped(base: str | None, head: str | None) -> bool:
    """True when head's major (for 0.x: its minor) is above base's."""

    def key(version: str | None) -> tuple[int, int] | None:
        match = _RELEASE.match(version or "")
        if not match:
            return None
        major, minor = int(match.group(1)), int(match.group(2) or 0)
        return (0, minor) if major == 0 else (major, 0)

    old, new = key(base), key(head)
    return old is not None and new is not None and new > old
