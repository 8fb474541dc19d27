"""Which modules the api-breaks gate compares, found by the same globs in the head and the base.

The head is the workspace, globbed on disk; the base is a list of paths from `git ls-tree`,
matched with `glob_regex`, which spells `glob.glob(recursive=True)` as a regex so that both
sides select the same files. Modules pair by dotted name (the file plus every parent
package), so a package moved into `src/` is still compared with itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import ConfigError
from ..settings import Settings
from .pyproject import package_globs
from .surface import ModuleSurface, SurfaceError, parse_module


@dataclass(frozen=True)
class Module:
    """A module to compare: its dotted name and the file it was found in."""

    name: str
    path: str  # workspace-relative POSIX


def module_globs(settings: Settings) -> list[str]:
    """Workspace-relative globs: the input's, plus the packages pyproject.toml declares."""
    ws = settings.workspace
    base = ws.display(settings.working_directory)
    prefix = "" if base == "." else base + "/"
    patterns = [
        glob if glob.startswith("/") else prefix + _relative(glob) for glob in settings.api_breaks
    ]
    if settings.api_breaks_from_pyproject:
        patterns.extend(prefix + glob for glob in package_globs(settings))
    for pattern in patterns:
        if pattern.startswith("/") or ".." in PurePosixPath(pattern).parts:
            raise ConfigError(
                f"Input `api-breaks`: {pattern!r} must be a glob relative to the repository"
            )
    return patterns


def _relative(glob: str) -> str:
    while glob.startswith("./"):
        glob = glob[2:]
    return glob


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`glob.glob(recursive=True)` semantics on POSIX paths: `**` spans directories, `*` and
    `?` stay within one, `[...]` is a class, and hidden names match only when spelt out."""
    out = []
    parts = pattern.split("/")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append("(?:[^/.][^/]*/)*" if not last else "(?:[^/.][^/]*(?:/|$))*")
            continue
        piece = "" if part.startswith(".") else "(?!\\.)"
        i = 0
        while i < len(part):
            char = part[i]
            if char == "*":
                piece += "[^/]*"
            elif char == "?":
                piece += "[^/]"
            elif char == "[" and "]" in part[i + 1 :]:
                end = part.index("]", i + 1)
                body = part[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                piece += f"[{body}]"
                i = end
            else:
                piece += re.escape(char)
            i += 1
        out.append(piece + ("" if last else "/"))
    return re.compile("".join(out) + r"\Z")


def _module_name(path: str, exists: Callable[[str], bool]) -> str:
    """Dotted name: the file plus every parent directory that is a package (`__init__.py`)."""
    pure = PurePosixPath(path)
    names = [] if pure.stem == "__init__" else [pure.stem]
    parent = pure.parent
    while parent.name and exists(str(parent / "__init__.py")):
        names.insert(0, parent.name)
        parent = parent.parent
    return ".".join(names) or pure.stem


def head_modules(settings: Settings, patterns: list[str]) -> list[Module]:
    """The workspace's `.py` files the globs match, one per dotted name, in path order."""
    ws = settings.workspace
    found: dict[str, Module] = {}
    for pattern in patterns:
        for path in ws.glob(pattern, base=ws.root):
            if path.suffix != ".py":
                continue
            relative = ws.display(path)
            name = _module_name(relative, lambda p: (ws.root / p).is_file())
            found.setdefault(name, Module(name, relative))
    return sorted(found.values(), key=lambda module: module.path)


def base_modules(files: Mapping[str, int], patterns: list[str], settings: Settings) -> list[Module]:
    """The base's `.py` files (path -> size from git) the globs match, up to `max-module-size`."""
    matchers = [glob_regex(pattern) for pattern in patterns]
    found: dict[str, Module] = {}
    for path, size in sorted(files.items()):
        if not path.endswith(".py") or size > settings.max_module_size:
            continue
        if any(matcher.match(path) for matcher in matchers):
            name = _module_name(path, lambda p: p in files)
            found.setdefault(name, Module(name, path))
    return list(found.values())


def parse_head(
    settings: Settings, modules: Iterable[Module], notes: list[str]
) -> dict[str, ModuleSurface]:
    """Each head module's surface by name; one that cannot be read or parsed is a note."""
    surfaces = {}
    for module in modules:
        path = settings.workspace.root / module.path
        try:
            if path.stat().st_size > settings.max_module_size:
                notes.append(f"{module.path} is larger than `max-module-size`; not compared.")
                continue
            source = path.read_bytes()
            surfaces[module.name] = parse_module(source, module=module.name, path=module.path)
        except OSError as exc:
            notes.append(f"{module.path} cannot be read ({type(exc).__name__}); not compared.")
        except SurfaceError as exc:
            notes.append(f"Not compared: {exc}")
    return surfaces
