"""The api-breaks gate: every configured module's public API at the base vs the head.

The base is the merge base of the change -- `merge_group.base_sha` in a merge queue, the pull
request's base and head otherwise, or `base-ref` on push -- read with git, never checked
out. The head is the workspace. Modules are paired by dotted name (a file moved between
`src/` layouts keeps its name and is compared); a module whose name is gone is a removed
module, and when git reports it renamed the finding says where it went. Private modules
(`pkg._impl`) are skipped.

Severity follows intent: breaks are errors unless the change bumps the major version in
`pyproject.toml` (`[project].version`, base vs head; for 0.x the minor is the major, as
Cargo and most Python projects read it), then warnings. The `severity` input still
overrides per rule later, like every gate's findings.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..blocks import Block, Code, paragraph
from ..diff import ChangedLines
from ..errors import ConfigError
from ..gates.base import GateOutcome
from ..github.context import GitHubContext
from ..model import Finding, Severity
from ..safe_paths import WriteRoots
from ..settings import Settings
from . import contracts_out
from .compare import GATE, compare_modules, module_removed
from .git_source import GitSource, GitSourceError
from .surface import ModuleSurface, SurfaceError, module_is_private, parse_module

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


@dataclass(frozen=True)
class ApiMetrics:
    """What the gate compared, for the report (counts only; findings carry the detail)."""

    modules_compared: int = 0
    modules_removed: int = 0
    modules_added: int = 0
    modules_private: int = 0
    breaks: int = 0
    warnings: int = 0
    bumped_major: bool = False
    base_sha: str = ""
    base_version: str = ""
    head_version: str = ""
    contracts_written: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def headline(self) -> str:
        if not self.base_sha:
            return "not compared (no base)"
        return (
            f"{self.breaks} break{'s' if self.breaks != 1 else ''} in "
            f"{self.modules_compared} module{'s' if self.modules_compared != 1 else ''}"
        )

    def section(self) -> tuple[Block, ...]:
        if not self.base_sha:
            return ()
        bump = " (major version bumped: breaks are warnings)" if self.bumped_major else ""
        versions = ""
        if self.base_version or self.head_version:
            versions = f"; version {self.base_version or '?'} → {self.head_version or '?'}"
        return (
            paragraph(
                f"Compared {self.modules_compared} modules with the base ",
                Code(self.base_sha[:12]),
                f"{versions}: {self.modules_removed} removed, {self.modules_added} added, "
                f"{self.modules_private} private skipped{bump}.",
            ),
        )

    def outputs(self) -> Mapping[str, str]:
        return {}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApiMetrics:
        """Read back what `to_json` wrote; a field of the wrong type is a ValueError."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data:
                continue
            value = data[spec.name]
            expected = {"int": int, "bool": bool, "str": str}[str(spec.type)]
            if type(value) is not expected:
                raise ValueError(f"api-breaks metrics: {spec.name} must be {spec.type}")
            values[spec.name] = value
        return cls(**values)


@dataclass(frozen=True)
class _Module:
    name: str
    path: str  # workspace-relative POSIX


class ApiBreaksGate:
    """Gate protocol: `name`, `off_note`, `configured(settings)`, `run(settings, changes)`."""

    name = GATE
    off_note = (
        "Off: set `api-breaks` to module globs (or `pyproject`) to fail on breaking changes "
        "to their public API."
    )

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def metrics_from_json(self, data: Mapping[str, Any]) -> ApiMetrics:
        return ApiMetrics.from_json(data)

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> None:
        """Per-job numbers do not add up across jobs; the report's `jobs` keeps each."""
        return None

    def configured(self, settings: Settings) -> bool:
        return bool(settings.api_breaks) or settings.api_breaks_from_pyproject

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
        environ = os.environ if self._environ is None else self._environ
        context = GitHubContext.from_environ(environ)
        ws = settings.workspace
        patterns = _patterns(settings)
        head_modules = _head_modules(settings, patterns)
        notes: list[str] = []
        head_surfaces = _parse_head(settings, head_modules, notes)

        written = 0
        if settings.write_contracts is not None:
            try:
                written = len(
                    contracts_out.write(
                        list(head_surfaces.values()),
                        settings.write_contracts,
                        _roots(settings, context, environ),
                    )
                )
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"Input `write-contracts`: cannot write contracts: {exc}"
                ) from None
            notes.append(
                f"Wrote {written} inferred contract(s) to {ws.display(settings.write_contracts)}."
            )

        git = GitSource(ws.root, environ)
        try:
            base_sha, how = _base_commit(git, context, settings)
        except GitSourceError as exc:
            raise ConfigError(
                f"api-breaks: cannot find the base to compare with: {exc}. The checkout needs "
                "git history (actions/checkout with fetch-depth: 0, or a reachable origin)."
            ) from None
        if base_sha is None:
            notes.append(
                "No base to compare with: not a pull request or merge queue, and `base-ref` is "
                "empty; the public API was not judged."
            )
            return GateOutcome((), ApiMetrics(contracts_written=written), tuple(notes))

        try:
            prefix = git.prefix()
            base_files = {
                path[len(prefix) :]: size
                for path, size in git.list_files(base_sha).items()
                if path.startswith(prefix)
            }
            renames = _strip(git.renames(base_sha), prefix)
        except GitSourceError as exc:
            raise ConfigError(f"api-breaks: cannot read the base {base_sha[:12]}: {exc}") from None
        base_modules = _base_modules(base_files, patterns, settings)
        contents = git.read_many(base_sha, [prefix + module.path for module in base_modules])

        base_version = _version(git.read(base_sha, prefix + _pyproject_path(settings)))
        head_version = _version(_read_file(settings.working_directory / "pyproject.toml"))
        bumped = _major_bumped(base_version, head_version)
        breaking = Severity.WARNING if bumped else Severity.ERROR

        findings: list[Finding] = []
        head_by_name = {module.name: module for module in head_modules}
        private = compared = removed = 0
        for module in base_modules:
            if module_is_private(module.name):
                private += 1
                continue
            source = contents.get(prefix + module.path)
            if source is None:
                continue
            try:
                base_surface = parse_module(source, module=module.name, path=module.path)
            except SurfaceError as exc:
                notes.append(f"Base version not compared: {exc}")
                continue
            head = head_by_name.get(module.name)
            if head is None:
                moved = renames.get(module.path)
                removed += 1
                finding = module_removed(base_surface, breaking=breaking)
                if moved:
                    finding = _moved(finding, moved)
                findings.append(finding)
                continue
            head_surface = head_surfaces.get(head.name)
            if head_surface is None:
                continue
            compared += 1
            findings.extend(compare_modules(base_surface, head_surface, breaking=breaking))

        if bumped:
            notes.append(
                f"pyproject.toml bumps the major version ({base_version} -> {head_version}): "
                "breaking changes are reported as warnings."
            )
        base_names = {module.name for module in base_modules}
        metrics = ApiMetrics(
            modules_compared=compared,
            modules_removed=removed,
            modules_added=sum(1 for module in head_modules if module.name not in base_names),
            modules_private=private,
            breaks=sum(1 for f in findings if f.severity is Severity.ERROR),
            warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
            bumped_major=bumped,
            base_sha=base_sha,
            base_version=base_version or "",
            head_version=head_version or "",
            contracts_written=written,
        )
        notes.insert(0, f"Compared {compared} module(s) with {how} ({base_sha[:12]}).")
        return GateOutcome(tuple(findings), metrics, tuple(notes))


# ---- where the base is ------------------------------------------------------------------


def _base_commit(
    git: GitSource, context: GitHubContext, settings: Settings
) -> tuple[str | None, str]:
    """(merge-base SHA, how it was chosen), or (None, "") when there is nothing to compare."""
    if not git.is_repository():
        raise GitSourceError(f"{settings.workspace.root} is not a git repository")
    group = context.event.get("merge_group") if context.event_name == "merge_group" else None
    if isinstance(group, dict) and isinstance(group.get("base_sha"), str):
        return git.merge_base(group["base_sha"], "HEAD"), "the merge queue's base"
    if context.pull_request is not None and context.base_sha:
        head = context.head_sha if context.head_sha else "HEAD"
        if git.commit(head) is None:
            head = "HEAD"
        return git.merge_base(context.base_sha, head), "the pull request's merge base"
    if settings.base_ref:
        base = git.resolve_branch(settings.base_ref)
        return git.merge_base(base, "HEAD"), f"the merge base with `{settings.base_ref}`"
    return None, ""


# ---- which modules ----------------------------------------------------------------------


def _patterns(settings: Settings) -> list[str]:
    """Workspace-relative globs: the input's, plus the packages pyproject.toml declares."""
    ws = settings.workspace
    base = ws.display(settings.working_directory)
    prefix = "" if base == "." else base + "/"
    patterns = [
        glob if glob.startswith("/") else prefix + _relative(glob) for glob in settings.api_breaks
    ]
    if settings.api_breaks_from_pyproject:
        patterns.extend(prefix + glob for glob in _pyproject_globs(settings))
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


def _pyproject_path(settings: Settings) -> str:
    base = settings.workspace.display(settings.working_directory)
    return "pyproject.toml" if base == "." else f"{base}/pyproject.toml"


def _pyproject_globs(settings: Settings) -> list[str]:
    """Packages pyproject.toml declares: setuptools, hatch, poetry, else the project name."""
    path = settings.working_directory / "pyproject.toml"
    text = _read_file(path)
    if text is None:
        raise ConfigError("Input `api-breaks` says `pyproject`, but pyproject.toml does not exist.")
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Input `api-breaks`: cannot read pyproject.toml: {exc}") from None
    except RecursionError:  # tomllib recurses per nested array; a PR can nest thousands
        raise ConfigError("Input `api-breaks`: pyproject.toml nests too deeply to read") from None
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
    if not dirs:
        name = re.sub(r"[-.]+", "_", str(_table(data, "project").get("name", ""))).lower()
        for candidate in (f"src/{name}", name):
            if name and (settings.working_directory / candidate).is_dir():
                dirs.append(candidate)
                break
            if name and (settings.working_directory / f"{candidate}.py").is_file():
                return [f"{candidate}.py"]
    if not dirs:
        raise ConfigError(
            "Input `api-breaks` says `pyproject`, but pyproject.toml declares no package "
            "(tool.setuptools.packages, hatch wheel packages, poetry packages or a "
            "[project].name directory); list module globs instead."
        )
    return [f"{directory.strip('/')}/**/*.py" for directory in dirs]


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """`data[k1][k2]...` when every step is a table, else empty: pyproject.toml is PR-written."""
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


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


def _head_modules(settings: Settings, patterns: list[str]) -> list[_Module]:
    ws = settings.workspace
    found: dict[str, _Module] = {}
    for pattern in patterns:
        for path in ws.glob(pattern, base=ws.root):
            if path.suffix != ".py":
                continue
            relative = ws.display(path)
            name = _module_name(relative, lambda p: (ws.root / p).is_file())
            found.setdefault(name, _Module(name, relative))
    return sorted(found.values(), key=lambda module: module.path)


def _base_modules(
    files: Mapping[str, int], patterns: list[str], settings: Settings
) -> list[_Module]:
    matchers = [glob_regex(pattern) for pattern in patterns]
    found: dict[str, _Module] = {}
    for path, size in sorted(files.items()):
        if not path.endswith(".py") or size > settings.max_module_size:
            continue
        if any(matcher.match(path) for matcher in matchers):
            name = _module_name(path, lambda p: p in files)
            found.setdefault(name, _Module(name, path))
    return list(found.values())


def _parse_head(
    settings: Settings, modules: Iterable[_Module], notes: list[str]
) -> dict[str, ModuleSurface]:
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


# ---- versions ---------------------------------------------------------------------------


def _read_file(path: Path) -> bytes | None:
    try:
        if path.is_symlink() or path.stat().st_size > 1024 * 1024:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _version(text: bytes | None) -> str | None:
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


_RELEASE = re.compile(r"^\s*v?(\d+)(?:\.(\d+))?")


def _major_bumped(base: str | None, head: str | None) -> bool:
    """True when head's major (for 0.x: its minor) is above base's."""

    def key(version: str | None) -> tuple[int, int] | None:
        match = _RELEASE.match(version or "")
        if not match:
            return None
        major, minor = int(match.group(1)), int(match.group(2) or 0)
        return (0, minor) if major == 0 else (major, 0)

    old, new = key(base), key(head)
    return old is not None and new is not None and new > old


def _strip(renames: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {
        old[len(prefix) :]: new[len(prefix) :]
        for old, new in renames.items()
        if old.startswith(prefix) and new.startswith(prefix)
    }


def _moved(finding: Finding, new_path: str) -> Finding:
    return replace(
        finding,
        message=finding.message.replace(" was removed;", f" was moved to {new_path};"),
        help=f"Keep a module at the old path that re-exports from {new_path} (warning with "
        "DeprecationWarning) until the next major version.",
    )


def _roots(settings: Settings, context: GitHubContext, environ: Mapping[str, str]) -> WriteRoots:
    """Where `write-contracts` may write: the run's roots; locally also the folder named."""
    extra: tuple[Path, ...] = ()
    if not context.in_actions and settings.write_contracts is not None:
        folder = settings.write_contracts
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent
        extra = (folder,)
    return WriteRoots.for_run(settings.workspace.root, environ, extra=extra)
