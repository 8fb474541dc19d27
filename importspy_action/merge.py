"""Merge mode: several JSON reports (matrix jobs, or an unprivileged fork PR run) -> one Report.

A gate that ran in several jobs becomes one gate: the findings of all jobs, deduplicated (the
same finding from three Python versions is one problem), judged again by the one verdict
function with *this* run's rules -- a report's own status and exit code are never believed.
What differs per job -- counts, status, metrics such as coverage -- is kept in
`Report.jobs`, one entry per job, so the summary and the JSON report can show the breakdown.

The reports may come from untrusted code (a fork's pull request): they are size-capped, must
parse as schema-version-1 reports, and must all be about the same commit -- in a
`workflow_run` sender, the commit the triggering run tested. Anything else is refused with
exit 2 naming the file, rather than annotating a commit the reports were not about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__, caps, report_input
from .changed_lines import merged_changes
from .console import log
from .deliver import deliver
from .errors import EXIT_CONFIG, ConfigError
from .gates.base import GateOutcome
from .gates.registry import gate_named
from .github.context import GitHubContext
from .model import GateResult, Report, count_by_severity
from .report_reader import ReadGate, ReadReport, read_report
from .run import rules_of
from .runtimes import check_shards, name_runtimes, runtime_of
from .settings import Settings
from .untrusted_report import drop_foreign_urls
from .verdict import Rules, judge, off, overall
from .workspace import Workspace, glob_input


def find_reports(
    patterns: tuple[str, ...], workspace: Workspace, base: Path, *, exclude: Path | None = None
) -> list[Path]:
    """Files matching the `reports` globs (`Settings.reports`), relative to `base`.

    A glob must stay inside the workspace, and so must every file it matches (a symlink
    planted by a pull request cannot make the merge read a file elsewhere on the runner).
    `exclude` is the merged report's own output path: a glob such as `**/*.json` must not
    read back the file this run writes (a re-run would count its jobs twice).
    """
    matched = glob_input(
        workspace,
        patterns,
        base=base,
        what="Input `reports`",
        missing="Download the reports (e.g. actions/download-artifact) before this step.",
        cap=lambda count: caps.REPORT_FILES.check(count, subject="Input `reports`"),
    )
    own = exclude.resolve() if exclude is not None else None
    found = [path for path in matched if path != own]
    if not found:
        raise ConfigError(
            f"Input `reports`: only this run's own output matches {', '.join(patterns)!r}."
        )
    return found


def load_report(path: Path) -> ReadReport:
    """One report: size, depth and value caps before parsing, the shipped JSON Schema, then
    data (`report_reader`); ConfigError (exit 2) naming the file and the first problem."""
    try:
        document = report_input.read_report(path, max_bytes=caps.REPORT_BYTES.limit)
        return read_report(document)
    except ConfigError as exc:
        raise ConfigError(f"Input `reports`: {exc}") from None
    except ValueError as exc:
        raise ConfigError(f"Input `reports`: {path} is not a usable JSON report: {exc}") from None


def _labels(paths: Sequence[Path], reports: Sequence[ReadReport]) -> list[str]:
    """A name per report: its job, made unique by its folder (matrix jobs share a job id)."""
    names = [r.context.get("job") or path.stem for path, r in zip(paths, reports, strict=True)]
    labels = []
    for name, path in zip(names, paths, strict=True):
        if names.count(name) > 1:
            labels.append(f"{name} ({path.parent.name or path.stem})")
        else:
            labels.append(name)
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return unique


def _judged(report: ReadReport, rules: Rules) -> list[GateResult]:
    """One job's gates judged again with this run's rules (its own verdict is not believed)."""
    return [
        judge(gate.name, gate.outcome, rules) if gate.ran else off(gate.name, *gate.outcome.notes)
        for gate in report.gates
    ]


def _job_entries(label: str, path: Path, report: ReadReport, rules: Rules) -> list[dict[str, Any]]:
    if len(report.jobs) > 1:  # already a merged report: keep its breakdown
        return [dict(job) for job in report.jobs]
    gates = _judged(report, rules)
    code = overall(gates)
    return [
        {
            "job": label,
            "result": "passed" if code == 0 else "failed",
            "exit_code": code,
            "counts": count_by_severity(f for gate in gates for f in gate.findings),
            "run_url": report.context.get("run_url", ""),
            "report": path.name,
            "gates": {
                gate.gate: {
                    "status": gate.status.value,
                    "counts": gate.counts(),
                    "metrics": gate.metrics.to_json() if gate.metrics is not None else {},
                }
                for gate in gates
            },
        }
    ]


@dataclass(frozen=True)
class _Part:
    """One job's copy of a gate: the job's label, the runtime it ran in, the gate."""

    label: str
    runtime: str
    gate: ReadGate


def _merge_gate(
    name: str, parts: Sequence[_Part], rules: Rules, shard_notes: Sequence[str]
) -> GateResult:
    """One gate from several jobs: every finding (deduplicated by the verdict; one seen in
    some runtimes only says which), every note, metrics as the gate merges them, an error
    when any job could not run it."""
    ran = [part for part in parts if part.gate.ran]
    if not ran:
        return off(name, *parts[0].gate.outcome.notes)
    notes: dict[str, None] = {}
    for part in ran:
        notes.update(dict.fromkeys(part.gate.outcome.notes))
    if len(ran) > 1:
        notes[
            f"Ran in {len(ran)} jobs; findings are merged, per-job metrics are in the JSON "
            "report's `jobs`."
        ] = None
        notes.update(dict.fromkeys(shard_notes))
    errors = [f"{p.label}: {p.gate.outcome.error}" for p in ran if p.gate.outcome.error]
    gate = gate_named(name)
    metrics = ran[0].gate.outcome.metrics
    if len(ran) > 1:
        metrics = gate.merge_metrics([(p.runtime, p.gate.outcome) for p in ran]) if gate else None
    outcome = GateOutcome(
        findings=tuple(name_runtimes([(p.runtime, p.gate.outcome.findings) for p in ran])),
        metrics=metrics,
        notes=tuple(notes),
        error="; ".join(errors) or None,
        error_exit=max(p.gate.outcome.error_exit for p in ran if p.gate.outcome.error)
        if errors
        else EXIT_CONFIG,
    )
    return judge(name, outcome, rules)


def merge(
    paths: Sequence[Path], context: GitHubContext, rules: Rules, *, generated_at: str = ""
) -> Report:
    """Load and merge the reports at `paths` for delivering in `context`, judged by `rules`."""
    if not paths:
        raise ConfigError("Input `reports`: no report to deliver.")
    reports, dropped = [], 0
    for path in paths:
        clean, lost = drop_foreign_urls(load_report(path), context.server_url)
        reports.append(clean)
        dropped += lost
    if dropped:
        log(
            f"{dropped} link(s) in the reports were dropped: they do not point at "
            f"{context.server_url} (this run's GitHub server)."
        )
    sha = _one_commit(paths, reports, context)
    labels = _labels(paths, reports)
    shard_notes = check_shards([(p.name, r.context) for p, r in zip(paths, reports, strict=True)])
    order: list[str] = []
    by_gate: dict[str, list[_Part]] = {}
    for label, report in zip(labels, reports, strict=True):
        runtime = runtime_of(report.context)
        for gate in report.gates:
            if gate.name not in by_gate:
                order.append(gate.name)
                by_gate[gate.name] = []
            by_gate[gate.name].append(_Part(label, runtime, gate))
    gates = tuple(_merge_gate(name, by_gate[name], rules, shard_notes) for name in order)
    jobs = [
        entry
        for label, path, r in zip(labels, paths, reports, strict=True)
        for entry in _job_entries(label, path, r, rules)
    ]
    first = reports[0]
    merged_context = dict(first.context)
    merged_context.update({k: v for k, v in context.describe().items() if k in ("repository",)})
    if sha:
        merged_context["sha"] = sha
    merged_context["merged_reports"] = str(len(reports))
    return Report(
        tool_version=__version__,
        engine_version=first.engine_version,
        gates=gates,
        fail_on=rules.fail_on,
        exit_code=overall(gates),
        context=merged_context,
        jobs=tuple(jobs),
        generated_at=generated_at,
    )


def _one_commit(
    paths: Sequence[Path], reports: Sequence[ReadReport], context: GitHubContext
) -> str:
    """The commit every report is about; ConfigError when they disagree or are not this run's."""
    shas = {r.context.get("sha", "") for r in reports} - {""}
    if len(shas) > 1:
        listing = ", ".join(
            f"{p.name}: {r.context.get('sha', '?')[:12]}"
            for p, r in zip(paths, reports, strict=True)
        )
        raise ConfigError(
            f"Input `reports`: the reports are about different commits ({listing}); "
            "merge reports of one commit at a time."
        )
    sha = next(iter(shas), "")
    expected = context.head_sha if context.in_actions else ""
    if sha and expected and sha != expected:
        raise ConfigError(
            f"Input `reports`: the reports are about commit {sha[:12]}, but this run "
            f"delivers for {expected[:12]}; refusing to annotate a commit they were not "
            "made for."
        )
    return sha or expected


def deliver_reports(settings: Settings, context: GitHubContext, environ: Mapping[str, str]) -> int:
    """Merge mode: merge the `reports` and deliver them like a fresh report (files first,
    then one check run); the exit code is the merged gates' verdict."""
    paths = find_reports(
        settings.reports,
        settings.workspace,
        settings.working_directory,
        exclude=settings.json_report,
    )
    report = merge(
        paths,
        context,
        rules_of(settings),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    log(f"merged {len(paths)} report(s)")
    changes = merged_changes(report, settings, context, environ)
    return deliver(report, settings, context, environ, changes=changes, untrusted=True)
