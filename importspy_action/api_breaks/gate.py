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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..diff import ChangedLines
from ..errors import ConfigError
from ..gates.base import GateOutcome
from ..github.base_commit import base_commit, has_base
from ..github.changes import GitError
from ..github.context import GitHubContext
from ..model import Finding, Severity
from ..safe_paths import WriteRoots
from ..settings import Settings
from . import contracts_out
from .compare import GATE, compare_modules, module_removed
from .git_source import GitSource, GitSourceError, validate_ref
from .metrics import ApiMetrics
from .modules import Module, base_modules, head_modules, module_globs, parse_head
from .pyproject import major_bumped, pyproject_path, read_small_file, static_version
from .surface import ModuleSurface, SurfaceError, module_is_private, parse_module

__all__ = ["ApiBreaksGate", "ApiMetrics"]


@dataclass(frozen=True)
class _Base:
    """The base commit as the comparison needs it: its modules, their sources, its renames."""

    sha: str
    how: str  # how the base was chosen, for the note
    prefix: str  # where the workspace sits in the repository
    modules: list[Module]
    contents: dict[str, bytes]  # repository path -> source
    renames: dict[str, str]  # workspace-relative old path -> new path
    version: str | None


@dataclass
class _Tally:
    """What comparing the base's modules with the head's found."""

    findings: list[Finding] = field(default_factory=list)
    compared: int = 0
    removed: int = 0
    private: int = 0


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
        globs = module_globs(settings)
        head = head_modules(settings, globs)
        notes: list[str] = []
        head_surfaces = parse_head(settings, head, notes)
        written = _write_contracts(settings, head_surfaces, context, environ, notes)
        git = GitSource(settings.workspace.root, environ)
        base = _read_base(git, context, settings, globs)
        if base is None:
            notes.append(
                "No base to compare with: not a pull request or merge queue, and `base-ref` is "
                "empty; the public API was not judged."
            )
            return GateOutcome((), ApiMetrics(contracts_written=written), tuple(notes))
        head_pyproject = read_small_file(settings.working_directory / "pyproject.toml")
        head_version = static_version(head_pyproject)
        bumped = major_bumped(base.version, head_version)
        breaking = Severity.WARNING if bumped else Severity.ERROR
        tally = _compare(base, head, head_surfaces, breaking, notes)
        if bumped:
            notes.append(
                f"pyproject.toml bumps the major version ({base.version} -> {head_version}): "
                "breaking changes are reported as warnings."
            )
        base_names = {module.name for module in base.modules}
        findings = tally.findings
        metrics = ApiMetrics(
            modules_compared=tally.compared,
            modules_removed=tally.removed,
            modules_added=sum(1 for module in head if module.name not in base_names),
            modules_private=tally.private,
            breaks=sum(1 for f in findings if f.severity is Severity.ERROR),
            warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
            bumped_major=bumped,
            base_sha=base.sha,
            base_version=base.version or "",
            head_version=head_version or "",
            contracts_written=written,
        )
        notes.insert(0, f"Compared {tally.compared} module(s) with {base.how} ({base.sha[:12]}).")
        return GateOutcome(tuple(findings), metrics, tuple(notes))


def _write_contracts(
    settings: Settings,
    surfaces: Mapping[str, ModuleSurface],
    context: GitHubContext,
    environ: Mapping[str, str],
    notes: list[str],
) -> int:
    """`write-contracts`: the head's surfaces as ImportSpy contracts; how many were written."""
    if settings.write_contracts is None:
        return 0
    try:
        written = len(
            contracts_out.write(
                list(surfaces.values()),
                settings.write_contracts,
                _roots(settings, context, environ),
            )
        )
    except (OSError, ValueError) as exc:
        raise ConfigError(f"Input `write-contracts`: cannot write contracts: {exc}") from None
    where = settings.workspace.display(settings.write_contracts)
    notes.append(f"Wrote {written} inferred contract(s) to {where}.")
    return written


def _compare(
    base: _Base,
    head: list[Module],
    head_surfaces: Mapping[str, ModuleSurface],
    breaking: Severity,
    notes: list[str],
) -> _Tally:
    """Each public base module against its head namesake; a missing namesake is a removal."""
    tally = _Tally()
    head_by_name = {module.name: module for module in head}
    for module in base.modules:
        if module_is_private(module.name):
            tally.private += 1
            continue
        source = base.contents.get(base.prefix + module.path)
        if source is None:
            continue
        try:
            base_surface = parse_module(source, module=module.name, path=module.path)
        except SurfaceError as exc:
            notes.append(f"Base version not compared: {exc}")
            continue
        counterpart = head_by_name.get(module.name)
        if counterpart is None:
            tally.removed += 1
            tally.findings.append(_removed(base_surface, base.renames.get(module.path), breaking))
            continue
        head_surface = head_surfaces.get(counterpart.name)
        if head_surface is None:
            continue
        tally.compared += 1
        tally.findings.extend(compare_modules(base_surface, head_surface, breaking=breaking))
    return tally


def _removed(base: ModuleSurface, moved_to: str | None, breaking: Severity) -> Finding:
    """API-MODULE-REMOVED, saying where the module went when git saw it renamed."""
    finding = module_removed(base, breaking=breaking)
    return _moved(finding, moved_to) if moved_to else finding


# ---- where the base is ------------------------------------------------------------------


def _base_commit(
    git: GitSource, context: GitHubContext, settings: Settings
) -> tuple[str | None, str]:
    """(merge-base SHA, how it was chosen), or (None, "") when there is nothing to compare.

    The same base the changed lines and `baseline: merge-base` use (`github.base_commit`).
    """
    if not git.is_repository():
        raise GitSourceError(f"{settings.workspace.root} is not a git repository")
    if not has_base(context, settings.base_ref):
        return None, ""
    if settings.base_ref:
        validate_ref(settings.base_ref)  # named as this gate's refusal, before git runs
    try:
        sha = base_commit(git.root, context, settings.base_ref, environ=git.environ)
    except (GitError, ConfigError) as exc:
        raise GitSourceError(str(exc)) from None
    if context.merge_group is not None:
        return sha, "the merge queue's base"
    if context.pull_request is not None:
        return sha, "the pull request's merge base"
    return sha, f"the merge base with `{settings.base_ref}`"


def _read_base(
    git: GitSource, context: GitHubContext, settings: Settings, globs: list[str]
) -> _Base | None:
    """The merge base's matching modules, sources, renames and version; None without a base."""
    try:
        base_sha, how = _base_commit(git, context, settings)
    except GitSourceError as exc:
        raise ConfigError(
            f"api-breaks: cannot find the base to compare with: {exc}. The checkout needs "
            "git history (actions/checkout with fetch-depth: 0, or a reachable origin)."
        ) from None
    if base_sha is None:
        return None
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
    modules = base_modules(base_files, globs, settings)
    contents = git.read_many(base_sha, [prefix + module.path for module in modules])
    version = static_version(git.read(base_sha, prefix + pyproject_path(settings)))
    return _Base(base_sha, how, prefix, modules, contents, renames, version)


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
