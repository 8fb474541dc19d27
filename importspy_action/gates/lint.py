"""The lint gate: the real `ruff check` and `ruff format --check`, read from their output.

`ruff check` is read as JSON (rule, range, fix, URL); `ruff format --check` in its concise
form, one line per file (its JSON would carry every reformatted region). Ruff runs in the
working directory so it finds the project's own pyproject.toml/ruff.toml, with `--no-fix`
(a project config with `fix = true` must not rewrite the user's files) and `--no-cache` (a
container running as root must not leave a root-owned .ruff_cache in the workspace). Both
commands run at the same time and their pipes are drained together, so the gate costs
little more than the slower of the two. Ruff's exit code 2 without diagnostics means ruff
itself failed -- a broken config, an unknown rule -- and becomes a ConfigError carrying
ruff's own message.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..diff import ChangedLines
from ..errors import ConfigError
from ..model import Finding
from ..settings import Settings
from .base import GateOutcome
from .lint_findings import GATE, iter_json, parse_concise, to_finding
from .lint_metrics import LintMetrics, RuleRow
from .ruff_binary import RuffBinary, resolve_ruff

_CONCISE_LINE = re.compile(r"^.+:\d+:\d+: ", re.MULTILINE)
T = TypeVar("T")
LINTABLE_SUFFIXES = (".py", ".pyi", ".ipynb")
TIMEOUT = 1800.0


def lint_targets(
    settings: Settings, changes: ChangedLines | None
) -> tuple[list[str] | None, list[str]]:
    """Files to lint (None = let ruff discover everything) and notes about the choice."""
    if settings.lint_scope == "all":
        return None, []
    if changes is None:
        return None, [
            "`lint-scope: changed-files` but no changed files are available (not a pull "
            "request and no `base-ref`): every file was linted."
        ]
    ws = settings.workspace
    chosen = []
    for path in sorted(changes.changed_files() - changes.deleted):
        if not path.endswith(LINTABLE_SUFFIXES):
            continue
        absolute = ws.root / path
        if (
            absolute.is_file()
            and ws.contains(absolute)
            and _inside(absolute, settings.working_directory)
        ):
            chosen.append(str(absolute))
    return chosen, [
        f"`lint-scope: changed-files`: {len(chosen)} changed Python file"
        f"{'s' if len(chosen) != 1 else ''} linted."
    ]


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory)
    except ValueError:
        return False
    return True


def commands(ruff: RuffBinary, targets: list[str] | None) -> list[list[str]]:
    paths = ["--force-exclude", "--", *targets] if targets is not None else ["."]
    base = [str(ruff.path)]
    return [
        [*base, "check", "--no-fix", "--no-cache", "--output-format", "json", *paths],
        [*base, "format", "--check", "--no-cache", "--output-format", "concise", *paths],
    ]


RuffRun = tuple[list[str], int, str, str]  # argv, exit code, stdout, stderr


def run_ruff(argv_list: list[list[str]], cwd: Path, handle: Callable[[RuffRun], T]) -> list[T]:
    """Start every command, then wait for all: check and format run side by side.

    `handle` runs in the thread that waited for its command, as soon as that command ends,
    so reading one command's output overlaps with the other command still running.
    """
    started = []
    try:
        for argv in argv_list:
            started.append(
                (
                    argv,
                    subprocess.Popen(
                        argv,
                        cwd=cwd,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        stdin=subprocess.DEVNULL,
                        text=True,
                        encoding="utf-8",
                        errors="replace",
                    ),
                )
            )
    except OSError as exc:
        for _, process in started:
            process.kill()
        raise ConfigError(f"ruff could not be started ({argv_list[0][0]}): {exc}") from None

    def wait(item: tuple[list[str], subprocess.Popen[str]]) -> T:
        argv, process = item
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise ConfigError(f"`ruff {argv[1]}` ran longer than {TIMEOUT:.0f}s") from None
        return handle((argv, process.returncode, out, err))

    # Drain every pipe at once: waiting on one process while the other fills its 64 KiB
    # pipe would stall the second ruff and serialise the two runs.
    with ThreadPoolExecutor(max_workers=len(started)) as pool:
        return list(pool.map(wait, started))


def _diagnostics(argv: list[str], code: int, out: str, err: str) -> Iterable[dict[str, Any]]:
    name = f"ruff {argv[1]}"
    if code < 0:
        raise ConfigError(f"`{name}` crashed (signal {-code}): {err.strip() or 'no message'}")
    if code not in (0, 1, 2):
        raise ConfigError(f"`{name}` failed with exit code {code}: {err.strip() or out.strip()}")
    if argv[1] == "format":
        # exit 2 with diagnostics on stdout: a file that does not parse (not a ruff failure)
        if code == 2 and not _CONCISE_LINE.search(out):
            raise ConfigError(f"`{name}` failed (exit 2): {err.strip() or out.strip()}")
        return parse_concise(out, command=name, expect_some=code != 0)
    if code == 2 and not out.strip().startswith("["):
        message = err.strip() or out.strip() or "no message"
        raise ConfigError(f"`{name}` failed (exit 2): {message}")
    if code == 0 and not out.strip():
        return []
    return iter_json(out, command=name)  # one diagnostic decoded at a time


class LintGate:
    """`ruff check` and `ruff format --check`, with the project's own ruff configuration."""

    name = GATE
    off_note = "Off: set `lint: true` to run ruff."

    def configured(self, settings: Settings) -> bool:
        return settings.lint

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
        return run_lint(settings, changes)

    def metrics_from_json(self, data: Mapping[str, Any]) -> LintMetrics:
        return LintMetrics.from_json(data)

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> None:
        """Per-job numbers do not add up across jobs; the report's `jobs` keeps each."""
        return None


def run_lint(settings: Settings, changes: ChangedLines | None) -> GateOutcome:
    ruff = resolve_ruff(settings.ruff_version)
    targets, notes = lint_targets(settings, changes)
    if targets == []:
        metrics = LintMetrics(ruff.version, ruff.source, nothing_to_lint=True)
        return GateOutcome(metrics=metrics, notes=tuple(notes))
    cwd = settings.working_directory
    ws = settings.workspace
    shown: dict[str, str] = {}  # thousands of findings share a few hundred files

    def display(name: str) -> str:
        path = shown.get(name)
        if path is None:
            path = shown[name] = ws.display(_absolute(name, cwd))
        return path

    def to_findings(run: RuffRun) -> list[Finding]:
        return [to_finding(item, display) for item in _diagnostics(*run)]

    checked, formatted = run_ruff(commands(ruff, targets), cwd, to_findings)
    # Both commands report a file that does not parse; keep check's copy only.
    seen = {(f.path, f.start_line, f.start_column) for f in checked if f.code == "RUFF-SYNTAX"}
    findings = checked + [
        f
        for f in formatted
        if f.code != "RUFF-SYNTAX" or (f.path, f.start_line, f.start_column) not in seen
    ]
    return GateOutcome(
        findings=tuple(findings), metrics=_metrics(ruff, findings), notes=tuple(notes)
    )


def _metrics(ruff: RuffBinary, findings: list[Finding]) -> LintMetrics:
    """Per-rule counts (most frequent first) and how many are fixable."""
    per_rule: Counter[str] = Counter()
    names: dict[str, tuple[str, str | None]] = {}
    fixable: Counter[str] = Counter()
    for finding in findings:
        per_rule[finding.code] += 1
        names.setdefault(finding.code, (finding.title, finding.url))
        if finding.help and finding.help.startswith("Fix available"):
            fixable[finding.code] += 1
    rules = tuple(
        RuleRow(code, names[code][0], names[code][1], count, fixable[code])
        for code, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    )
    unformatted = per_rule.get("RUFF-FORMAT", 0)
    return LintMetrics(
        ruff_version=ruff.version,
        ruff_source=ruff.source,
        rules=rules,
        diagnostics=len(findings) - unformatted,
        unformatted=unformatted,
    )


def _absolute(name: str, cwd: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else cwd / path
