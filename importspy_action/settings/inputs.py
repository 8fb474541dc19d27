"""The table of action inputs / CLI flags: one row per input, the same as action.yml.

Both front doors share this table: the action reads `INPUT_<NAME>` variables (GitHub
upper-cases the name and turns spaces into underscores; hyphens stay), the CLI takes
`--<name>` flags with the same names. A test keeps action.yml and the README's inputs table
equal to it, so an input is added here first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class InputSpec:
    """One action input / CLI flag: its name, default (as in action.yml) and meaning."""

    name: str
    default: str
    description: str
    secret: bool = False  # masked in the log as soon as it is read
    is_list: bool = False  # items in the one list syntax; a repeatable CLI flag
    parse: Callable[[str], object] | None = None
    """A new gate's own input: parsed by this function (ValueError names the problem) into
    `Settings.extra[name]`, so a gate adds its inputs here and reads them there without a
    field of its own (`Settings.option`). None: one of the typed fields in values.py."""

    @property
    def env_name(self) -> str:
        return "INPUT_" + self.name.replace(" ", "_").upper()


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "contracts",
        "",
        "Modules to check against ImportSpy contracts, entries separated by new lines or "
        "commas: a glob of modules with sidecar contracts (`<module>.importspy.yml`), a "
        "`glob: contract-path` pair, or `pyproject` to read "
        "`[tool.importspy].subjects`. Empty turns the contract gate off.",
        is_list=True,
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
        is_list=True,
    ),
    InputSpec("ignore", "", "Rule codes to drop, separated by commas or new lines.", is_list=True),
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
        "Most annotations to put on the check run (the summary lists every finding).",
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
        "Fail the step (exit 3) when the check run could not be created.",
    ),
    InputSpec(
        "reports",
        "",
        "Globs of JSON reports, separated by new lines or commas, to merge and deliver as one "
        "check run instead of running gates.",
        is_list=True,
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
        "coverage.py report(s) to gate on: Cobertura XML or coverage JSON, globs separated by "
        "new lines or commas; several are merged. Empty turns the coverage gate off.",
        is_list=True,
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
    InputSpec(
        "api-breaks",
        "",
        "Modules whose public API must not break, globs one per line or comma-separated, or "
        "`pyproject` for the packages pyproject.toml declares. Each is compared with its "
        "version at the merge base (docs/api-breaks.md). Empty turns the api-breaks gate off.",
        is_list=True,
    ),
    InputSpec(
        "write-contracts",
        "",
        "Directory to write the API inferred for `api-breaks` modules as ImportSpy contract "
        "YAML (`<module>.importspy.yml`), a starting point for hand-kept contracts.",
    ),
    InputSpec(
        "project-root",
        "",
        "Project root for every contract check (a directory in the workspace), as "
        "`importspy check --project-root`; empty: each module's nearest `pyproject.toml` "
        "directory, as `importspy check` finds it.",
    ),
    InputSpec(
        "baseline",
        "none",
        "Compare with the base to classify findings as new, existing or fixed: `none` (off) "
        "or `merge-base` (judge the base commit with the same settings in a temporary "
        "worktree).",
    ),
    InputSpec(
        "baseline-report",
        "",
        "Glob of a JSON report of ours from the base branch (e.g. an artifact of the last main "
        "run) to compare against instead of judging the base.",
        is_list=True,
    ),
    InputSpec(
        "only-new",
        "false",
        "Count only new findings toward the verdict (needs `baseline` or `baseline-report`).",
    ),
    InputSpec(
        "base-coverage-file",
        "",
        "The base's coverage.py report (Cobertura XML or JSON, a glob) for the coverage delta, "
        "when no baseline report holds it.",
        is_list=True,
    ),
    InputSpec(
        "coverage-max-drop",
        "",
        "Fail when total coverage falls by more than this many percentage points against the "
        "base (e.g. `0.5`); the base's coverage comes from `base-coverage-file` or "
        "`baseline-report`.",
    ),
    InputSpec(
        "badge",
        "",
        "Folder to write `importspy.svg` (gate status) and `coverage.svg` badges into; empty "
        "writes none.",
    ),
    InputSpec(
        "sarif-category",
        "",
        "Code scanning category of the SARIF run (`automationDetails.id`); empty: "
        "`importspy-action/<job>/<gates>/`. Set it per matrix leg.",
    ),
)

INPUTS_BY_NAME: Mapping[str, InputSpec] = {spec.name: spec for spec in INPUTS}


def secret_values(raw: Mapping[str, str]) -> list[str]:
    """The non-empty values of inputs marked secret, for the log mask."""
    return [raw[spec.name] for spec in INPUTS if spec.secret and raw.get(spec.name)]
