"""Baseline mode in the run: where the base's findings and coverage come from.

The base is one of:

- `baseline-report`: JSON reports of ours from the base branch. Each finding carries the
  `fingerprint` the run that wrote it computed from its own checkout (`json_report.py`), so
  the base is never checked out; findings without one (reports written before fingerprints
  were added) cannot be matched and are left out, with a note.
- `baseline: merge-base`: the same configured gates, with the same settings re-rooted at a
  temporary detached worktree of the base commit (`base_worktree.py`); fingerprints are
  computed there, from the base's own lines. The user's checkout is never touched. Gates
  that only make sense for the head are not run on the base: coverage (the base's tests are
  never run -- its coverage comes from `base-coverage-file`) and api-breaks (its findings
  are a comparison with the base already).

The base's coverage comes from `base-coverage-file`, else from a baseline report's coverage
metrics. `compare` then adds the delta (and the `coverage-max-drop` finding, COV-DROP) to
the coverage gate's outcome and classifies the head's findings, so `verdict.judge` decides
everything as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .base_worktree import base_worktree
from .baseline import Located, classify, load_baseline
from .console import log
from .coverage_delta import CODE_DROP, Totals, max_drop_finding, totals_from_files
from .coverage_delta import totals_from_metrics as _totals_from_metrics
from .diff import ChangedLines
from .errors import ConfigError, ToolError
from .fingerprint import SourceLines, fingerprint_all
from .gates.base import Gate, GateOutcome
from .gates.coverage_base import BaseComparison
from .gates.coverage_metrics import CoverageMetrics
from .gates.coverage_paths import PathMapper
from .gates.registry import GATES
from .github.base_commit import base_commit, has_base
from .github.changes import GitError
from .github.context import GitHubContext
from .model import Classification, Finding, dedupe
from .settings import Settings
from .workspace import Workspace, glob_input

GateRunner = Callable[[Gate, Settings, ChangedLines | None], GateOutcome]


@dataclass(frozen=True)
class Base:
    """What is known of the base: findings (None: only coverage) and coverage totals."""

    source: str
    findings: tuple[Located, ...] | None = None
    gates: frozenset[str] = frozenset()  # gates whose base findings are known
    coverage: Totals | None = None
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # gate -> notes


def judge_base(
    settings: Settings,
    context: GitHubContext,
    changes: ChangedLines | None,
    environ: Mapping[str, str],
    run_gate: GateRunner,
) -> Base | None:
    """The base of this run, or None when there is nothing to compare with."""
    coverage = coverage_from_files(settings) if settings.base_coverage_files else None
    base: Base | None = None
    if settings.baseline_report:
        base = from_reports(settings)
    elif settings.baseline == "merge-base":
        base = from_merge_base(settings, context, changes, environ, run_gate)
    if coverage is not None:  # an explicit base report beats a baseline report's numbers
        base = replace(base or Base("base-coverage-file"), coverage=coverage)
    if settings.coverage_max_drop is not None and (base is None or base.coverage is None):
        raise ConfigError(
            "Input `coverage-max-drop`: the baseline report holds no coverage numbers; set "
            "`base-coverage-file` to the base's coverage.py report."
        )
    return base


def coverage_from_files(settings: Settings) -> Totals:
    """The base's totals from `base-coverage-file`, mapped as the gate maps its reports."""
    ws, paths = settings.workspace, []
    for pattern in settings.base_coverage_files:
        try:
            matches = ws.glob(pattern, base=settings.working_directory)
        except ConfigError as exc:
            raise ConfigError(f"Input `base-coverage-file`: {exc}") from None
        if not matches:
            raise ConfigError(f"Input `base-coverage-file`: {pattern!r} matched no file.")
        paths += [path for path in matches if path not in paths]
    mapper = PathMapper(ws.root, settings.working_directory, settings.coverage_path_prefix)
    return totals_from_files(paths, [ws.display(path) for path in paths], mapper)


def from_reports(settings: Settings) -> Base:
    """Findings (with their recorded fingerprints) and coverage of `baseline-report`."""
    ws = settings.workspace
    located: list[Located] = []
    gates: set[str] = set()
    coverage: Totals | None = None
    unmatched = 0
    displays = []
    for path in _report_paths(settings):
        display = ws.display(path)
        displays.append(display)
        report, prints = load_baseline(path, display)
        for gate in report.gates:
            if not gate.ran or gate.outcome.error is not None:
                continue
            gates.add(gate.name)
            if coverage is None and isinstance(gate.outcome.metrics, CoverageMetrics):
                coverage = _totals_from_metrics(gate.outcome.metrics.to_json())
            for finding in gate.outcome.findings:
                if finding.identity in prints:
                    located.append(Located(finding, prints[finding.identity]))
                else:
                    unmatched += 1
    if unmatched:
        log(
            f"baseline: {unmatched} findings of {', '.join(displays)} carry no fingerprint "
            "(written by an older version); they cannot be matched, so the head's copies of "
            "them count as new."
        )
    source = f"baseline report {', '.join(displays)}"
    return Base(source, tuple(located), frozenset(gates), coverage)


def _report_paths(settings: Settings) -> list[Path]:
    return glob_input(
        settings.workspace,
        settings.baseline_report,
        base=settings.working_directory,
        what="Input `baseline-report`",
        missing="Download the base branch's JSON report (e.g. with actions/download-artifact) "
        "before this step.",
    )


def rerooted(settings: Settings, tree: Path) -> Settings:
    """The same settings judging `tree`: paths inside the workspace moved there, and nothing
    written, sent, compared or run that belongs to the head's run only."""
    root = settings.workspace.root

    def move(path: Path) -> Path:
        try:
            return tree / path.relative_to(root)
        except ValueError:
            return path  # outside the checkout (e.g. an installed site-packages): shared

    return replace(
        settings,
        workspace=Workspace(tree),
        working_directory=move(settings.working_directory),
        project_root=move(settings.project_root) if settings.project_root else None,
        coverage_files=(),
        api_breaks=(),
        api_breaks_from_pyproject=False,
        write_contracts=None,
        json_report=None,
        sarif=None,
        badge=None,
        github_token="",
        baseline="none",
        baseline_report=(),
        only_new=False,
        base_coverage_files=(),
        coverage_max_drop=None,
    )


def from_merge_base(
    settings: Settings,
    context: GitHubContext,
    changes: ChangedLines | None,
    environ: Mapping[str, str],
    run_gate: GateRunner,
) -> Base | None:
    """The configured gates judged on the base commit in a temporary worktree."""
    if not has_base(context, settings.base_ref):
        log(
            "baseline: merge-base: this run has no base (not a pull request or merge queue, "
            "and no `base-ref`); every finding counts as new."
        )
        return None
    root = settings.workspace.root
    try:
        sha = base_commit(root, context, settings.base_ref, environ=environ)
        with base_worktree(root, sha, environ=environ) as tree:
            return _judge_tree(rerooted(settings, tree.resolve()), sha, changes, run_gate)
    except GitError as exc:
        raise ToolError(
            f"Input `baseline`: merge-base: the base commit is not available: {exc}"
        ) from None


def _judge_tree(
    settings: Settings, sha: str, changes: ChangedLines | None, run_gate: GateRunner
) -> Base:
    located: list[Located] = []
    gates: set[str] = set()
    notes: dict[str, tuple[str, ...]] = {}
    source = SourceLines(settings.workspace)
    for gate in GATES:
        if not gate.configured(settings):
            continue
        outcome = run_gate(gate, settings, changes)
        if outcome.error is not None:
            notes[gate.name] = (
                f"The base ({sha[:12]}) could not be judged ({outcome.error}); every finding "
                "of this gate counts as new.",
            )
            continue
        gates.add(gate.name)
        findings = dedupe(outcome.findings)
        prints = fingerprint_all(findings, source)
        located += [Located(f, p) for f, p in zip(findings, prints, strict=True)]
    return Base(f"merge base {sha[:12]}", tuple(located), frozenset(gates), None, notes)


def compare(
    outcomes: Mapping[str, GateOutcome],
    base: Base | None,
    settings: Settings,
    changes: ChangedLines | None,
) -> tuple[dict[str, GateOutcome], Classification | None]:
    """The head's outcomes with the coverage comparison and base notes added, and the
    classification of their findings (None without base findings)."""
    if base is None:
        return dict(outcomes), None
    changed = tuple(sorted(changes.changed_files())) if changes is not None else ()
    updated = {
        name: _with_notes(_with_coverage(outcome, base, settings, changed), base.notes.get(name))
        for name, outcome in outcomes.items()
    }
    if base.findings is None:
        return updated, None
    return updated, classify_run(updated, base, settings, changes)


def _with_notes(outcome: GateOutcome, notes: Sequence[str] | None) -> GateOutcome:
    return replace(outcome, notes=outcome.notes + tuple(notes)) if notes else outcome


def _with_coverage(
    outcome: GateOutcome, base: Base, settings: Settings, changed: tuple[str, ...]
) -> GateOutcome:
    """The coverage gate's outcome with base, delta and the ratchet (COV-DROP) added."""
    metrics = outcome.metrics
    if base.coverage is None or not isinstance(metrics, CoverageMetrics):
        return outcome
    head = Totals(metrics.total.hit, metrics.total.total, dict(metrics.per_file))
    comparison = BaseComparison.of(base.coverage, head, changed, settings.coverage_max_drop)
    findings = outcome.findings
    if settings.coverage_max_drop is not None and metrics.reports:
        drop = max_drop_finding(comparison.delta(), settings.coverage_max_drop, metrics.reports[0])
        findings += (drop,) if drop is not None else ()
    return replace(outcome, findings=findings, metrics=metrics.with_base(comparison))


def classify_run(
    outcomes: Mapping[str, GateOutcome],
    base: Base,
    settings: Settings,
    changes: ChangedLines | None,
) -> Classification:
    """New/existing/fixed of the head's findings against the base's.

    Only gates both sides judged are compared: a gate the base could not judge has only new
    findings, and one the head could not judge fixes nothing. The ratchet's COV-DROP is
    always new (it is about this change), and `ignore`d codes are never "fixed".
    """
    judged = {name for name, o in outcomes.items() if o.error is None} & base.gates
    head = dedupe(f for outcome in outcomes.values() for f in outcome.findings)
    prints = fingerprint_all(head, SourceLines(settings.workspace))
    old = [
        item
        for item in base.findings or ()
        if item.finding.gate in judged
        and item.finding.code != CODE_DROP
        and item.finding.code not in settings.ignore
    ]
    renames = {old: new for new, old in (changes.renamed if changes else {}).items()}
    result = classify([Located(f, p) for f, p in zip(head, prints, strict=True)], old, renames)
    new = {item.finding.identity for item in result.new}
    existing = frozenset(item.finding.identity for item in result.existing) - new
    fixed = sorted((item.finding for item in result.fixed), key=Finding.sort_key)
    return Classification(base.source, existing, tuple(fixed), settings.only_new)
