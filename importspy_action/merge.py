"""Merge mode: several JSON reports (matrix jobs, or an unprivileged fork PR run) -> one Report.

A gate that ran in several jobs becomes one gate: the worst status, the highest exit code, the
findings of all jobs deduplicated (the same finding from three Python versions is one
problem). What differs per job -- counts, status, metrics such as coverage -- is kept in
`Report.jobs`, one entry per job, so the summary and the JSON report can show the breakdown.

The reports may come from untrusted code (a fork's pull request): they are size-capped, must
parse as schema-version-1 reports, and must all be about the same commit -- in a
`workflow_run` publisher, the commit the triggering run tested. Anything else is refused with
exit 2 naming the file, rather than annotating a commit the reports were not about.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ConfigError
from .github.context import GitHubContext
from .model import GateResult, GateStatus, Report, dedupe

MAX_REPORT_BYTES = 64 * 1024 * 1024
_STATUS_RANK = {
    GateStatus.ERROR: 0,
    GateStatus.FAILED: 1,
    GateStatus.PASSED: 2,
    GateStatus.SKIPPED: 3,
}


def find_reports(
    patterns: tuple[str, ...], base: Path, *, exclude: Path | None = None
) -> list[Path]:
    """Files matching the `reports` globs (`Settings.reports`), relative to `base`.

    `exclude` is the merged report's own output path: a glob such as `**/*.json` must not
    read back the file this run writes (a re-run would count its jobs twice).
    """
    found: dict[Path, None] = {}
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(Path(m) for m in glob.glob(full, recursive=True) if Path(m).is_file())  # noqa: PTH207
        if not matches:
            raise ConfigError(f"Input `reports`: no file matches {pattern!r} (from {base}).")
        for match in matches:
            if exclude is None or match.resolve() != exclude.resolve():
                found[match.resolve()] = None
    if not found:
        raise ConfigError(
            f"Input `reports`: only this run's own output matches {', '.join(patterns)!r}."
        )
    return list(found)


def load_report(path: Path) -> Report:
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ConfigError(
                f"Input `reports`: {path} is {size} bytes; reports above "
                f"{MAX_REPORT_BYTES // (1024 * 1024)} MiB are refused."
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        return Report.from_json(data)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"Input `reports`: {path} is not a usable JSON report: {exc}") from None


def _labels(paths: Sequence[Path], reports: Sequence[Report]) -> list[str]:
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


def _job_entries(label: str, path: Path, report: Report) -> list[dict[str, Any]]:
    if len(report.jobs) > 1:  # already a merged report: keep its breakdown
        return [dict(job) for job in report.jobs]
    return [
        {
            "job": label,
            "result": report.result,
            "exit_code": report.exit_code,
            "counts": report.counts(),
            "run_url": report.context.get("run_url", ""),
            "report": path.name,
            "gates": {
                gate.gate: {
                    "status": gate.status.value,
                    "counts": gate.counts(),
                    "metrics": dict(gate.metrics),
                }
                for gate in report.gates
            },
        }
    ]


def _merge_gate(name: str, parts: Sequence[tuple[str, GateResult]]) -> GateResult:
    ran = [(label, gate) for label, gate in parts if gate.status is not GateStatus.SKIPPED]
    chosen = ran or list(parts)
    status = min((gate.status for _, gate in chosen), key=_STATUS_RANK.__getitem__)
    findings = dedupe(f for _, gate in chosen for f in gate.findings)
    notes: dict[str, None] = {}
    for _, gate in chosen:
        notes.update(dict.fromkeys(gate.notes))
    errors = [f"{label}: {gate.error}" for label, gate in chosen if gate.error]
    metrics: Mapping[str, Any] = chosen[0][1].metrics if len(ran) == 1 else {}
    if len(ran) > 1:
        notes[
            f"Ran in {len(ran)} jobs; findings are merged, per-job metrics are in the JSON "
            "report's `jobs`."
        ] = None
    return GateResult(
        gate=name,
        status=status,
        findings=tuple(findings),
        metrics=dict(metrics),
        notes=tuple(notes),
        error="; ".join(errors) or None,
        exit_code=max(gate.exit_code for _, gate in chosen),
    )


def merge(paths: Sequence[Path], context: GitHubContext, *, generated_at: str = "") -> Report:
    """Load and merge the reports at `paths` for publishing in `context`."""
    if not paths:
        raise ConfigError("Input `reports`: no report to publish.")
    reports = [load_report(path) for path in paths]
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
            f"publishes for {expected[:12]}; refusing to annotate a commit they were not "
            "made for."
        )
    labels = _labels(paths, reports)
    order: list[str] = []
    by_gate: dict[str, list[tuple[str, GateResult]]] = {}
    for label, report in zip(labels, reports, strict=True):
        for gate in report.gates:
            if gate.gate not in by_gate:
                order.append(gate.gate)
                by_gate[gate.gate] = []
            by_gate[gate.gate].append((label, gate))
    gates = tuple(_merge_gate(name, by_gate[name]) for name in order)
    jobs = [
        entry
        for label, path, r in zip(labels, paths, reports, strict=True)
        for entry in _job_entries(label, path, r)
    ]
    first = reports[0]
    merged_context = dict(first.context)
    merged_context.update({k: v for k, v in context.describe().items() if k in ("repository",)})
    if sha or expected:
        merged_context["sha"] = sha or expected
    merged_context["merged_reports"] = str(len(reports))
    fail_ons = {r.fail_on for r in reports}
    exit_code = max([r.exit_code for r in reports] + [g.exit_code for g in gates])
    return Report(
        tool_version=__version__,
        engine_version=first.engine_version,
        gates=gates,
        fail_on=first.fail_on if len(fail_ons) == 1 else "/".join(sorted(fail_ons)),
        exit_code=exit_code,
        context=merged_context,
        jobs=tuple(jobs),
        generated_at=generated_at,
    )
