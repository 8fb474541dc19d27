"""Which project a module belongs to -- decided exactly as `importspy check` decides it.

The project root changes verdicts: importspy reads the root's `pyproject.toml` to know which
distributions are *declared* (`dependency_options.undeclared: deny`, `declared:` rules) and
resolves absolute imports against `<root>/src` and `<root>` to tell internal modules from
external ones. A user who runs `importspy check path/to/module.py` on a laptop must get the
verdict CI gives, so the gate uses importspy 0.5.0's own rule (`engine.project_root_for`):

- the nearest directory above the module that holds a `pyproject.toml`;
- else the module's own directory.

Two differences, both because the workspace is attacker-written: the search stops at the
workspace root (a `pyproject.toml` above the checkout belongs to the runner, not to the
project), and a `pyproject.toml` that is a symlink does not count (the engine would read
whatever it points at). Modules listed in `[tool.importspy].subjects` keep the directory of
that `pyproject.toml`, as `importspy check <directory>` does.

The engine takes one project root per child process, so jobs are grouped by root and each
group is one batch; a monorepo with three sub-projects costs three engine start-ups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .engine_runner import ENGINE_VERSION, BatchResult, Job, Outcome, run_batch

PYPROJECT = "pyproject.toml"


def project_root_for(module: Path, boundary: Path) -> Path:
    """The root `importspy check <module>` would use, never above `boundary`."""
    module = module.resolve()
    boundary = boundary.resolve()
    for parent in module.parents:
        if not parent.is_relative_to(boundary):
            break
        candidate = parent / PYPROJECT
        if candidate.is_file() and not candidate.is_symlink():
            return parent
        if parent == boundary:
            break
    return module.parent


def run_batch_by_root(
    jobs: Sequence[Job],
    *,
    roots: Mapping[int, Path],
    site_packages: Path | None,
    timeout: float,
    max_memory: int,
    workers: int | None = None,
) -> BatchResult:
    """`run_batch` once per distinct project root (`roots` maps job ident -> root), merged
    into one result; jobs keep their order within each group."""
    groups: dict[Path, list[Job]] = {}
    for job in jobs:
        groups.setdefault(roots[job.ident], []).append(job)
    outcomes: dict[int, Outcome] = {}
    processes = 0
    engine_version = ENGINE_VERSION
    for root, group in groups.items():
        batch = run_batch(
            group,
            project_root=root,
            site_packages=site_packages,
            timeout=timeout,
            max_memory=max_memory,
            workers=workers,
        )
        outcomes.update(batch.outcomes)
        processes += batch.processes
        engine_version = batch.engine_version
    return BatchResult(outcomes, engine_version, processes)
