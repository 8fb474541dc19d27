"""Raw input strings -> one Settings, with every problem reported together.

`build_settings` reads the raw values (from `INPUT_*` variables or CLI flags), parses each with
its parser, resolves paths against the workspace, and collects every problem with the input's
name, so a user fixes their workflow in one round trip (exit 2) instead of one input per run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from ..errors import ConfigError
from ..workspace import Workspace
from . import parsers as p
from .inputs import INPUTS, INPUTS_BY_NAME
from .values import (
    ANNOTATIONS_VALUES,
    BASELINE_VALUES,
    FAIL_ON_VALUES,
    LINT_SCOPE_VALUES,
    SUMMARY_VALUES,
    Settings,
)

T = TypeVar("T")


def raw_from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """Action inputs as GitHub passes them; unset inputs take the table's default."""
    return {spec.name: environ.get(spec.env_name, spec.default) for spec in INPUTS}


def workspace_root(environ: Mapping[str, str], override: str | None = None) -> Path:
    """The workspace: an explicit flag, then GITHUB_WORKSPACE, then the current directory."""
    chosen = override or environ.get("GITHUB_WORKSPACE") or str(Path.cwd())
    path = Path(chosen)
    if not path.is_dir():
        raise ConfigError(f"The workspace {chosen!r} is not a directory.")
    return path.resolve()


class _Reader:
    """Reads raw inputs one at a time and records problems instead of stopping at the first.

    A value that failed to parse comes back as None; `build_settings` raises before a
    Settings is made from any such value.
    """

    def __init__(self, raw: Mapping[str, str], workspace: Workspace) -> None:
        self.raw = raw
        self.ws = workspace
        self.problems: list[str] = []
        self.working_directory = workspace.root

    def text(self, name: str) -> str:
        return self.raw.get(name, INPUTS_BY_NAME[name].default).strip()

    def parse(self, name: str, parser: Callable[[str], T]) -> T | None:
        try:
            return parser(self.text(name))
        except p.LineProblems as exc:
            for number, text in exc.problems:
                self.problems.append(f"Input `{name}`, line {number}: {text}")
        except ValueError as exc:
            self.problems.append(f"Input `{name}`: {exc}")
        return None

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        return self.parse(name, lambda value: p.parse_choice(value, allowed))

    def existing_path(self, name: str, *, directory: bool = False) -> Path | None:
        """An existing path inside the workspace, relative to working-directory."""
        value = self.text(name)
        if not value:
            return None
        try:
            path = self.ws.resolve(value, base=self.working_directory, must_exist=True)
        except ConfigError as exc:
            self.problems.append(f"Input `{name}`: {exc}")
            return None
        if directory and not path.is_dir():
            self.problems.append(f"Input `{name}`: {self.ws.display(path)!r} is not a directory")
        return path

    def output_path(self, name: str) -> Path | None:
        """Where to write a file: relative to working-directory; any place the user names."""
        value = self.text(name)
        if not value:
            return None
        path = Path(value)
        return (path if path.is_absolute() else self.working_directory / path).resolve()

    def resolve_working_directory(self) -> None:
        try:
            path = self.ws.resolve(self.text("working-directory") or ".", must_exist=True)
            if not path.is_dir():
                raise ConfigError(f"{self.ws.display(path)!r} is not a directory")
        except ConfigError as exc:
            self.problems.append(f"Input `working-directory`: {exc}")
        else:
            self.working_directory = path


def _contract_values(read: _Reader) -> dict[str, object]:
    contracts = read.parse("contracts", p.parse_contracts) or ((), False)
    return {
        "contracts": contracts[0],
        "contracts_from_pyproject": contracts[1],
        "site_packages": read.existing_path("site-packages", directory=True),
        "project_root": read.existing_path("project-root", directory=True),
        "max_module_size": read.parse("max-module-size", p.parse_size),
        "timeout_per_module": read.parse("timeout-per-module", p.parse_duration),
        "max_memory": read.parse("max-memory", p.parse_size),
        "workers": read.parse("workers", p.parse_workers),
        "shard": read.parse("shard", p.parse_shard),
    }


def _rule_values(read: _Reader) -> dict[str, object]:
    return {
        "fail_on": read.choice("fail-on", FAIL_ON_VALUES),
        "severity": read.parse("severity", p.parse_severity_overrides),
        "ignore": read.parse("ignore", p.parse_codes),
    }


def _report_values(read: _Reader) -> dict[str, object]:
    return {
        "summary": read.choice("summary", SUMMARY_VALUES),
        "json_report": read.output_path("json-report"),
        "sarif": read.output_path("sarif"),
        "github_token": read.text("github-token"),
        "check_name": read.parse("check-name", p.parse_check_name),
        "annotations": read.choice("annotations", ANNOTATIONS_VALUES),
        "max_annotations": read.parse("max-annotations", p.parse_count),
        "ca_bundle": read.existing_path("ca-bundle"),
        "report_budget": read.parse("report-budget", p.parse_duration),
        "fail_on_report_error": read.parse("fail-on-report-error", p.parse_bool),
        "reports": read.parse("reports", p.parse_list),
        "dry_run": read.parse("dry-run", p.parse_bool),
    }


def _coverage_values(read: _Reader) -> dict[str, object]:
    return {
        "coverage_files": read.parse("coverage-file", p.parse_list),
        "coverage_threshold": read.parse("coverage-threshold", p.parse_percent),
        "coverage_per_file_threshold": read.parse("coverage-per-file-threshold", p.parse_percent),
        "diff_coverage_threshold": read.parse("diff-coverage-threshold", p.parse_percent),
        "coverage_path_prefix": read.text("coverage-path-prefix"),
        "base_ref": read.text("base-ref"),
    }


def _lint_values(read: _Reader) -> dict[str, object]:
    return {
        "lint": read.parse("lint", p.parse_bool),
        "lint_scope": read.choice("lint-scope", LINT_SCOPE_VALUES),
        "ruff_version": read.parse("ruff-version", p.parse_version),
    }


def _api_values(read: _Reader) -> dict[str, object]:
    items = read.parse("api-breaks", p.parse_list) or ()
    return {
        "api_breaks": tuple(item for item in items if item != "pyproject"),
        "api_breaks_from_pyproject": "pyproject" in items,
        "write_contracts": read.output_path("write-contracts"),
    }


def _baseline_values(read: _Reader) -> dict[str, object]:
    values: dict[str, object] = {
        "baseline": read.choice("baseline", BASELINE_VALUES),
        "baseline_report": read.parse("baseline-report", p.parse_list),
        "only_new": read.parse("only-new", p.parse_bool),
        "base_coverage_files": read.parse("base-coverage-file", p.parse_list),
        "coverage_max_drop": read.parse("coverage-max-drop", p.parse_percent),
        "badge": read.output_path("badge"),
        "sarif_category": read.parse("sarif-category", p.parse_category),
    }
    has_baseline = values["baseline"] not in (None, "none") or bool(values["baseline_report"])
    if values["only_new"] and not has_baseline:
        read.problems.append(
            "Input `only-new`: needs a baseline to tell new findings from old ones; set "
            "`baseline: merge-base` or `baseline-report`."
        )
    # the base's coverage is never measured by running its tests: it is read from a report
    if values["coverage_max_drop"] is not None and not (
        values["baseline_report"] or values["base_coverage_files"]
    ):
        read.problems.append(
            "Input `coverage-max-drop`: needs the base's coverage; set `base-coverage-file` "
            "(the base's coverage.py report) or `baseline-report` (the base's JSON report). "
            "`baseline: merge-base` never runs the base's tests."
        )
    return values


def build_settings(raw: Mapping[str, str], workspace: Path) -> Settings:
    """Validate every raw value; raise one ConfigError listing all problems found."""
    read = _Reader(raw, Workspace(workspace))
    read.resolve_working_directory()  # first: the other paths are relative to it
    values: dict[str, object] = {}
    groups = (_contract_values, _rule_values, _report_values, _coverage_values, _lint_values)
    for group in (*groups, _api_values, _baseline_values):
        values.update(group(read))
    values["extra"] = {
        spec.name: read.parse(spec.name, spec.parse) for spec in INPUTS if spec.parse is not None
    }
    if read.problems:
        raise ConfigError("\n".join(read.problems))
    # Every value is now of its field's type: a parser that failed recorded a problem above.
    return Settings(workspace=read.ws, working_directory=read.working_directory, **values)  # type: ignore[arg-type]
