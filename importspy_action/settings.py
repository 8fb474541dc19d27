"""Action inputs and CLI flags -> one validated, immutable Settings.

Both front doors share one table (INPUTS): the action reads `INPUT_<NAME>` variables (GitHub
upper-cases the name and turns spaces into underscores; hyphens stay), the CLI takes
`--<name>` flags with the same names. Every value is checked here, once, and every problem
is reported together with the input's name and what it accepts, so a user fixes their
workflow in one round trip. Nothing downstream re-parses raw strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import ConfigError
from .model import Severity
from .workspace import Workspace

FailOn = Literal["error", "warning", "never"]
SummaryMode = Literal["always", "on-failure", "never"]
AnnotationsMode = Literal["all", "changed-lines", "none"]
LintScope = Literal["all", "changed-files"]

FAIL_ON_VALUES: tuple[FailOn, ...] = ("error", "warning", "never")
SUMMARY_VALUES: tuple[SummaryMode, ...] = ("always", "on-failure", "never")
ANNOTATIONS_VALUES: tuple[AnnotationsMode, ...] = ("all", "changed-lines", "none")
LINT_SCOPE_VALUES: tuple[LintScope, ...] = ("all", "changed-files")

MAX_CONTRACT_SIZE = 1024 * 1024
"""Contracts are small policy files; anything bigger is a mistake or an attack."""

RULE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class InputSpec:
    """One action input / CLI flag: its name, default (as in action.yml) and meaning."""

    name: str
    default: str
    description: str
    secret: bool = False  # masked in the log as soon as it is read

    @property
    def env_name(self) -> str:
        return "INPUT_" + self.name.replace(" ", "_").upper()


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "contracts",
        "",
        "Modules to check against ImportSpy contracts, one entry per line: a glob of modules "
        "with sidecar contracts (`<module>.importspy.yml`), a `glob: contract-path` pair, or "
        "`pyproject` to read `[tool.importspy].subjects`. Empty turns the contract gate off.",
    ),
    InputSpec(
        "working-directory",
        ".",
        "Directory (inside the workspace) that relative paths in the other inputs start from.",
    ),
    InputSpec(
        "fail-on",
        "error",
        "Lowest finding severity that fails the step: `error`, `warning` or `never`.",
    ),
    InputSpec(
        "severity",
        "",
        "Per-rule severity overrides, `CODE=level` separated by commas or new lines "
        "(e.g. `ISPY-S103=warning`); levels are error, warning, notice.",
    ),
    InputSpec("ignore", "", "Rule codes to drop, separated by commas or new lines."),
    InputSpec(
        "max-module-size",
        "1MiB",
        "Largest module the contract gate reads (bytes, or with KB/MB/KiB/MiB).",
    ),
    InputSpec(
        "timeout-per-module",
        "20s",
        "Time one module may take in the contract engine before it is reported as timed out.",
    ),
    InputSpec(
        "max-memory",
        "2GiB",
        "Address-space cap for each contract engine child process (POSIX; Windows has no "
        "such cap, the per-module timeout still applies).",
    ),
    InputSpec(
        "workers",
        "auto",
        "Contract engine processes working in parallel: a number, or `auto` for the usable "
        "CPU cores (affinity- and cgroup-aware), at most one per `max-memory` of available "
        "memory.",
    ),
    InputSpec(
        "shard",
        "",
        "`K/N`: check only the K-th of N deterministic shares of the modules (by a stable "
        "hash of each path), so N matrix jobs cover every module once. Empty checks all.",
    ),
    InputSpec(
        "site-packages",
        "",
        "A site-packages directory in the workspace whose installed distributions the "
        "dependency checks should see instead of the action's own environment.",
    ),
    InputSpec(
        "summary",
        "always",
        "When to write the job summary: `always`, `on-failure` or `never`.",
    ),
    InputSpec(
        "json-report",
        "importspy-report.json",
        "Where to write the JSON report (schema in docs/report-schema.md); empty disables it.",
    ),
    InputSpec("sarif", "importspy.sarif", "Where to write SARIF 2.1.0; empty disables it."),
    InputSpec(
        "github-token",
        "",
        "Token for the Checks API (the action defaults it to `github.token`). Empty: no "
        "check run; findings still reach the summary and annotations.",
        secret=True,
    ),
    InputSpec("check-name", "ImportSpy", "Name of the check run."),
    InputSpec(
        "annotations",
        "all",
        "Which findings become check-run annotations: `all`, `changed-lines` or `none`.",
    ),
    InputSpec(
        "max-annotations",
        "1000",
        "Most annotations to publish on the check run (the summary lists every finding).",
    ),
    InputSpec(
        "ca-bundle",
        "",
        "PEM file of extra CA certificates for GitHub Enterprise Server with a private CA.",
    ),
    InputSpec(
        "report-budget",
        "120s",
        "Total time the GitHub API reporting may spend, retries and rate-limit waits included.",
    ),
    InputSpec(
        "fail-on-report-error",
        "false",
        "Fail the step (exit 3) when the check run could not be published.",
    ),
    InputSpec(
        "reports",
        "",
        "Glob of JSON reports to merge and publish as one check run instead of running gates.",
    ),
    InputSpec(
        "dry-run",
        "false",
        "Write the exact GitHub API payloads to files next to the JSON report instead of "
        "sending them.",
    ),
    InputSpec(
        "coverage-file",
        "",
        "coverage.py report(s) to gate on: Cobertura XML or coverage JSON, a glob; several "
        "are merged. Empty turns the coverage gate off.",
    ),
    InputSpec("coverage-threshold", "", "Minimum total line coverage in percent (0-100)."),
    InputSpec("coverage-per-file-threshold", "", "Minimum line coverage of every file, percent."),
    InputSpec(
        "diff-coverage-threshold",
        "",
        "Minimum coverage of the lines a pull request (or a push against `base-ref`) changed.",
    ),
    InputSpec(
        "coverage-path-prefix",
        "",
        "Prefix to strip from paths in the coverage report (e.g. `/app/` from another "
        "container) before mapping them onto the repository.",
    ),
    InputSpec(
        "base-ref",
        "",
        "Git ref to diff against for changed lines on push events (pull requests use their base).",
    ),
    InputSpec("lint", "false", "Run `ruff check` and `ruff format --check` as the lint gate."),
    InputSpec(
        "lint-scope",
        "all",
        "Lint every file (`all`) or only files the change touched (`changed-files`).",
    ),
    InputSpec(
        "ruff-version",
        "",
        "Install and use this ruff version instead of the one bundled in the image.",
    ),
)

INPUTS_BY_NAME: Mapping[str, InputSpec] = {spec.name: spec for spec in INPUTS}


def secret_values(raw: Mapping[str, str]) -> list[str]:
    """The non-empty values of inputs marked secret, for the log mask."""
    return [raw[spec.name] for spec in INPUTS if spec.secret and raw.get(spec.name)]


@dataclass(frozen=True)
class ContractEntry:
    """One line of the `contracts` input: modules by glob and how to find their contract."""

    pattern: str
    contract: str | None  # None: the sidecar `<module>.importspy.yml`


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
    workers: int | None = None  # None: `auto`, resolved where the engine runs
    shard: tuple[int, int] | None = None  # (K, N), 1 <= K <= N
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
    reports: str = ""
    dry_run: bool = False
    coverage_files: str = ""
    coverage_threshold: float | None = None
    coverage_per_file_threshold: float | None = None
    diff_coverage_threshold: float | None = None
    coverage_path_prefix: str = ""
    base_ref: str = ""
    lint: bool = False
    lint_scope: LintScope = "all"
    ruff_version: str = ""

    @property
    def contracts_enabled(self) -> bool:
        return bool(self.contracts) or self.contracts_from_pyproject

    @property
    def coverage_enabled(self) -> bool:
        return bool(self.coverage_files)

    @property
    def merge_mode(self) -> bool:
        return bool(self.reports)

    def gates_configured(self) -> list[str]:
        names = []
        if self.contracts_enabled:
            names.append("contracts")
        if self.coverage_enabled:
            names.append("coverage")
        if self.lint:
            names.append("lint")
        return names


# --------------------------------------------------------------------------------------
# Reading raw values
# --------------------------------------------------------------------------------------


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


def build_settings(raw: Mapping[str, str], workspace: Path) -> Settings:
    """Validate every raw value; raise one ConfigError listing all problems found."""
    problems: list[str] = []
    ws = Workspace(workspace)

    def get(name: str) -> str:
        return raw.get(name, INPUTS_BY_NAME[name].default).strip()

    def check(name: str, parse: Callable[[str], object]) -> object:
        try:
            return parse(get(name))
        except ValueError as exc:
            problems.append(f"Input `{name}`: {exc}")
            return None

    working_directory = ws.root
    try:
        working_directory = ws.resolve(get("working-directory") or ".", must_exist=True)
        if not working_directory.is_dir():
            raise ConfigError(f"{ws.display(working_directory)!r} is not a directory")
    except ConfigError as exc:
        problems.append(f"Input `working-directory`: {exc}")

    def in_workspace(name: str, *, must_exist: bool) -> Path | None:
        value = get(name)
        if not value:
            return None
        try:
            return ws.resolve(value, base=working_directory, must_exist=must_exist)
        except ConfigError as exc:
            problems.append(f"Input `{name}`: {exc}")
            return None

    def output_path(name: str) -> Path | None:
        """Where to write a file: relative to working-directory; any place the user names."""
        value = get(name)
        if not value:
            return None
        path = Path(value)
        return (path if path.is_absolute() else working_directory / path).resolve()

    contracts, from_pyproject = _parse_contracts(raw.get("contracts", ""), problems)
    site_packages = in_workspace("site-packages", must_exist=True)
    if site_packages is not None and not site_packages.is_dir():
        problems.append(f"Input `site-packages`: {ws.display(site_packages)!r} is not a directory")

    settings_kwargs: dict[str, object] = {
        "workspace": ws,
        "working_directory": working_directory,
        "contracts": contracts,
        "contracts_from_pyproject": from_pyproject,
        "fail_on": check("fail-on", lambda v: _choice(v, FAIL_ON_VALUES)),
        "severity": check("severity", _parse_severity_overrides),
        "ignore": check("ignore", _parse_codes),
        "max_module_size": check("max-module-size", parse_size),
        "timeout_per_module": check("timeout-per-module", parse_duration),
        "max_memory": check("max-memory", parse_size),
        "workers": check("workers", _parse_workers),
        "shard": check("shard", _parse_shard),
        "site_packages": site_packages,
        "summary": check("summary", lambda v: _choice(v, SUMMARY_VALUES)),
        "json_report": output_path("json-report"),
        "sarif": output_path("sarif"),
        "github_token": get("github-token"),
        "check_name": check("check-name", _parse_check_name),
        "annotations": check("annotations", lambda v: _choice(v, ANNOTATIONS_VALUES)),
        "max_annotations": check("max-annotations", _parse_count),
        "ca_bundle": in_workspace("ca-bundle", must_exist=True),
        "report_budget": check("report-budget", parse_duration),
        "fail_on_report_error": check("fail-on-report-error", parse_bool),
        "reports": get("reports"),
        "dry_run": check("dry-run", parse_bool),
        "coverage_files": get("coverage-file"),
        "coverage_threshold": check("coverage-threshold", _parse_percent),
        "coverage_per_file_threshold": check("coverage-per-file-threshold", _parse_percent),
        "diff_coverage_threshold": check("diff-coverage-threshold", _parse_percent),
        "coverage_path_prefix": get("coverage-path-prefix"),
        "base_ref": get("base-ref"),
        "lint": check("lint", parse_bool),
        "lint_scope": check("lint-scope", lambda v: _choice(v, LINT_SCOPE_VALUES)),
        "ruff_version": check("ruff-version", _parse_version),
    }
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(**settings_kwargs)  # type: ignore[arg-type]


def require_a_gate(settings: Settings) -> None:
    """With no gate configured there is nothing to judge: say what to configure (exit 2)."""
    if settings.gates_configured() or settings.merge_mode:
        return
    raise ConfigError(
        "No gate is configured. Set at least one of: `contracts` (modules and their ImportSpy "
        "contracts), `coverage-file` (a coverage.py XML/JSON report) or `lint: true` (ruff); "
        "or `reports` to publish existing JSON reports."
    )


# --------------------------------------------------------------------------------------
# Value parsers: each raises ValueError with a message that says what is allowed
# --------------------------------------------------------------------------------------

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMG]i?B|[KMG]|B)?$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "K": 1024,
    "M": 1024**2,
    "G": 1024**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$", re.IGNORECASE)
_DURATION_UNITS = {"": 1.0, "s": 1.0, "ms": 0.001, "m": 60.0, "min": 60.0}


def parse_size(value: str) -> int:
    """'1MiB', '512KB', '2048' -> bytes; at least 1 byte."""
    match = _SIZE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a size; use bytes or a unit such as 512KiB, 2MB, 1GiB")
    number = float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").upper()]
    if number < 1:
        raise ValueError(f"{value!r} must be at least 1 byte")
    return int(number)


def parse_duration(value: str) -> float:
    """'20', '20s', '500ms', '2m' -> seconds; must be positive."""
    match = _DURATION.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a duration; use seconds or e.g. 500ms, 30s, 2m")
    seconds = float(match.group(1)) * _DURATION_UNITS[(match.group(2) or "").lower()]
    if seconds <= 0 or not math.isfinite(seconds):
        raise ValueError(f"{value!r} must be a positive duration")
    return seconds


def parse_bool(value: str) -> bool:
    """GitHub's YAML 1.2 core-schema booleans, as actions/toolkit's getBooleanInput."""
    if value in {"true", "True", "TRUE"}:
        return True
    if value in {"false", "False", "FALSE", ""}:
        return False
    raise ValueError(f"{value!r} is not a boolean; use true or false")


def _choice(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not allowed; use one of: {', '.join(allowed)}")
    return value


def _parse_count(value: str) -> int:
    if not value.isdigit():
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return int(value)


MAX_WORKERS = 256
"""More engine processes than this is a typo, not a machine."""


def _parse_workers(value: str) -> int | None:
    if value in {"", "auto"}:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise ValueError(f"{value!r} is not `auto` or a whole number from 1 to {MAX_WORKERS}")
    return int(value)


def _parse_shard(value: str) -> tuple[int, int] | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(
            f"{value!r} is not K/N with 1 <= K <= N (e.g. `2/4`: the second of four shares)"
        )
    return int(match[1]), int(match[2])


def _parse_percent(value: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise ValueError(f"{value!r} is not a percentage between 0 and 100") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{value!r} is not a percentage between 0 and 100")
    return number


def _parse_check_name(value: str) -> str:
    if not value:
        raise ValueError("the check name must not be empty")
    if len(value) > 100:
        raise ValueError("the check name must be at most 100 characters")
    return value


def _parse_version(value: str) -> str:
    if value and not re.fullmatch(r"\d+(\.\d+){1,2}([a-z]+\d+)?", value):
        raise ValueError(f"{value!r} is not a version number such as 0.17.6")
    return value


def _split_list(value: str) -> list[str]:
    items = []
    for line in value.replace(",", "\n").splitlines():
        item = line.split("#", 1)[0].strip()
        if item:
            items.append(item)
    return items


def _parse_codes(value: str) -> frozenset[str]:
    codes = _split_list(value)
    bad = [code for code in codes if not RULE_CODE.match(code)]
    if bad:
        raise ValueError(f"{', '.join(map(repr, bad))}: rule codes look like ISPY-S103 or E501")
    return frozenset(codes)


def _parse_severity_overrides(value: str) -> dict[str, Severity]:
    overrides: dict[str, Severity] = {}
    for item in _split_list(value):
        code, sep, level = item.partition("=")
        code, level = code.strip(), level.strip()
        if not sep or not RULE_CODE.match(code):
            raise ValueError(f"{item!r} is not CODE=level (e.g. ISPY-S103=warning)")
        try:
            overrides[code] = Severity.parse(level)
        except ValueError:
            raise ValueError(
                f"{item!r}: level {level!r} is not one of error, warning, notice"
            ) from None
    return overrides


_PAIR = re.compile(r"^(?P<glob>.+?)\s*:\s+(?P<contract>\S.*)$")


def _parse_contracts(value: str, problems: list[str]) -> tuple[tuple[ContractEntry, ...], bool]:
    entries: list[ContractEntry] = []
    from_pyproject = False
    for number, line in enumerate(value.splitlines(), start=1):
        text = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if not text:
            continue
        if text == "pyproject":
            from_pyproject = True
            continue
        match = _PAIR.match(text)
        if match:
            entries.append(ContractEntry(match["glob"].strip(), match["contract"].strip()))
        elif text.endswith(":"):
            problems.append(
                f"Input `contracts`, line {number}: {text!r} names no contract after the colon"
            )
        else:
            entries.append(ContractEntry(text, None))
    return tuple(entries), from_pyproject
