"""The validated, immutable configuration of one run, and the choices an input may take.

Everything here is already parsed: paths are absolute and inside the workspace, numbers are
numbers, list inputs are tuples. Gates and reporters read these fields and never re-parse a
raw input string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from ..model import Severity
from ..workspace import Workspace

FailOn = Literal["error", "warning", "never"]
SummaryMode = Literal["always", "on-failure", "never"]
AnnotationsMode = Literal["all", "changed-lines", "none"]
LintScope = Literal["all", "changed-files"]
BaselineMode = Literal["none", "merge-base"]

FAIL_ON_VALUES: tuple[FailOn, ...] = ("error", "warning", "never")
SUMMARY_VALUES: tuple[SummaryMode, ...] = ("always", "on-failure", "never")
ANNOTATIONS_VALUES: tuple[AnnotationsMode, ...] = ("all", "changed-lines", "none")
LINT_SCOPE_VALUES: tuple[LintScope, ...] = ("all", "changed-files")
BASELINE_VALUES: tuple[BaselineMode, ...] = ("none", "merge-base")

MAX_CONTRACT_SIZE = 1024 * 1024
"""Contracts are small policy files; anything bigger is a mistake or an attack."""


@dataclass(frozen=True)
class ContractEntry:
    """One item of the `contracts` input: modules by glob and how to find their contract."""

    pattern: str
    contract: str | None  # None: the sidecar `<module>.importspy.yml`


T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Validated configuration of one run. Paths are absolute and inside the workspace."""

    workspace: Workspace
    working_directory: Path
    contracts: tuple[ContractEntry, ...] = ()
    contracts_from_pyproject: bool = False
    fail_on: FailOn = "error"
    severity: Mapping[str, Severity] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    max_module_size: int = 1024 * 1024
    timeout_per_module: float = 20.0
    max_memory: int = 2 * 1024**3
    site_packages: Path | None = None
    summary: SummaryMode = "always"
    json_report: Path | None = None
    sarif: Path | None = None
    github_token: str = field(default="", repr=False)
    check_name: str = "ImportSpy"
    annotations: AnnotationsMode = "all"
    max_annotations: int = 1000
    ca_bundle: Path | None = None
    report_budget: float = 120.0
    fail_on_report_error: bool = False
    reports: tuple[str, ...] = ()  # globs of JSON reports: merge mode
    dry_run: bool = False
    coverage_files: tuple[str, ...] = ()  # globs of coverage.py reports
    coverage_threshold: float | None = None
    coverage_per_file_threshold: float | None = None
    diff_coverage_threshold: float | None = None
    coverage_path_prefix: str = ""
    base_ref: str = ""
    lint: bool = False
    lint_scope: LintScope = "all"
    ruff_version: str = ""
    project_root: Path | None = None
    workers: int | None = None  # None: `auto`, resolved where the engine runs
    shard: tuple[int, int] | None = None  # (K, N), 1 <= K <= N
    api_breaks: tuple[str, ...] = ()
    api_breaks_from_pyproject: bool = False
    write_contracts: Path | None = None
    baseline: BaselineMode = "none"
    baseline_report: tuple[str, ...] = ()
    only_new: bool = False
    base_coverage_files: tuple[str, ...] = ()
    coverage_max_drop: float | None = None
    badge: Path | None = None
    sarif_category: str = ""

    extra: Mapping[str, object] = field(default_factory=dict)  # inputs with their own `parse`

    def option(self, name: str, kind: type[T]) -> T:
        """A gate's own input (an `InputSpec` with `parse`), checked to be of `kind`."""
        value = self.extra[name]
        if not isinstance(value, kind):
            raise TypeError(f"input {name!r} is {type(value).__name__}, not {kind.__name__}")
        return value

    @property
    def baseline_enabled(self) -> bool:
        return self.baseline != "none" or bool(self.baseline_report)

    @property
    def contracts_enabled(self) -> bool:
        return bool(self.contracts) or self.contracts_from_pyproject

    @property
    def coverage_enabled(self) -> bool:
        return bool(self.coverage_files)

    @property
    def merge_mode(self) -> bool:
        return bool(self.reports)
