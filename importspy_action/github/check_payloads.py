"""A Report -> the exact request bodies of one check run (pure: no network, no clock).

Requests are planned to use the fewest GitHub allows: the API takes at most 50 annotations per
request, so N annotations need ceil(N/50) requests, and this plan uses exactly
max(1, ceil(N/50)): the first batch rides on the create, the last batch on the completing
update. Nothing here depends on the answers, which is what lets `dry-run` write the very
payloads a real run sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lazy_rows import LazyRows
from ..model import Finding, Severity
from ..ranking import Selection
from ..reporters.markdown import (
    baseline_line,
    cell,
    code,
    fixed_line,
    gate_table,
    jobs_table,
    safe_url,
)
from ..verdict import conclusion
from ..view import ReportView, counts_phrase, location
from . import limits

LEVELS = {Severity.ERROR: "failure", Severity.WARNING: "warning", Severity.NOTICE: "notice"}


@dataclass(frozen=True)
class CheckRunPlan:
    """Bodies to send in order: `create` (POST), then `updates` (PATCH, the last completes)."""

    create: dict[str, Any]
    updates: tuple[dict[str, Any], ...]
    annotations: int
    conclusion: str
    notes: tuple[str, ...] = field(default=())

    @property
    def requests(self) -> int:
        return 1 + len(self.updates)

    def bodies(self) -> list[dict[str, Any]]:
        return [self.create, *self.updates]


def conclusion_for(view: ReportView) -> str:
    """The verdict's check-run conclusion (`verdict.conclusion`)."""
    return conclusion(view.exit_code, view.fail_on, bool(view.findings))


def output_title(view: ReportView) -> str:
    verdict = "passed" if view.passed else "failed"
    return limits.title(f"{verdict}: {counts_phrase(view.counts)}")


def _title(finding: Finding) -> str:
    """`CODE: title`, without saying the code twice when the title already starts with it."""
    if finding.title.startswith(finding.code):
        return finding.title
    return f"{finding.code}: {finding.title}"


def to_annotation(finding: Finding) -> dict[str, Any]:
    """One finding as a Checks API annotation, made to fit GitHub's rules."""
    annotation: dict[str, Any] = {
        # a path with an emoji cannot be stored by GitHub (422 for the whole request): the
        # escaped path still shows on the check run's page instead of losing every annotation
        "path": limits.escape_astral(finding.path),
        "start_line": finding.start_line,
        "end_line": finding.last_line,
        "annotation_level": LEVELS[finding.severity],
        "message": limits.annotation_text(finding.message or finding.title),
        "title": limits.title(_title(finding)),
    }
    if finding.start_column and finding.last_line == finding.start_line:
        annotation["start_column"] = finding.start_column
        if finding.end_column:
            annotation["end_column"] = max(finding.end_column, finding.start_column)
    details = [
        f"{label}: {value}"
        for label, value in (
            ("expected", finding.expected),
            ("observed", finding.observed),
            ("help", finding.help),
            ("docs", finding.url),
        )
        if value
    ]
    if details:
        annotation["raw_details"] = limits.annotation_text("\n".join(details))
    return annotation


def _summary(view: ReportView, selection: Selection, notes: Sequence[str]) -> str:
    verdict = "✅ passed" if view.passed else "❌ failed"
    head = [
        f"**{verdict}**: {counts_phrase(view.counts)} (fail-on: `{cell(view.fail_on)}`)",
        "",
        *gate_table(view.gates, details=False),
        "",
    ]
    head += [f"- ⚠️ {gate.name}: {cell(gate.error or '')}" for gate in view.errors]
    if view.baseline is not None:
        head += [baseline_line(view.baseline), ""]
    line = f"Annotations: {len(selection.findings)} of {selection.total} findings."
    if selection.capped:
        line += (
            f" {selection.capped} more are not annotated (`max-annotations` or the report "
            "budget); the details below, the job summary and the JSON report list every one."
        )
    head.append(line)
    head.extend(f"- {cell(note)}" for note in (selection.note, *notes) if note)
    job_lines = ["", *jobs_table(view.jobs)] if view.jobs else []
    tail = ["", f"Workflow run: {view.run_url}"] if safe_url(view.run_url) else []
    return limits.join_within(
        head,
        job_lines,
        tail,
        more="| … {n} more jobs: see the JSON report | | | | |",
    )


def _baseline_tail(view: ReportView) -> list[str]:
    """After the new findings: how many existing ones, then what was fixed."""
    if view.baseline is None:
        return []
    tail = []
    if view.baseline.existing:
        tail.append(
            f"**{view.baseline.existing} existing** findings the base has too are not "
            "listed here or annotated; the job summary and the JSON report list them."
        )
    fixed = tuple(f for gate in view.gates for f in gate.fixed)
    if fixed:
        tail.append(fixed_line(fixed))
    return ["", *tail] if tail else []


def _text_row(finding: Finding) -> str:
    return (
        f"| {finding.severity.value} | {code(location(finding))} | {cell(finding.code)} | "
        f"{cell(finding.message)} |"
    )


def _text(findings: Sequence[Finding], tail: Sequence[str] = ()) -> str:
    if not findings:
        return "\n".join(["No new findings." if tail else "No findings.", *tail])
    head = ["| Level | Location | Rule | Message |", "| --- | --- | --- | --- |"]
    rows = LazyRows(findings, _text_row)  # only the rows that fit are rendered
    return limits.join_within(
        head,
        rows,
        list(tail),
        more="| … | {n} more findings | | the job summary and the JSON report list all |",
    )


def plan(
    view: ReportView,
    selection: Selection,
    *,
    name: str,
    head_sha: str,
    details_url: str = "",
    external_id: str = "",
    notes: Sequence[str] = (),
    ordered: Sequence[Finding] | None = None,
) -> CheckRunPlan:
    """Every request body for delivering the view with the `selection`'s annotations."""
    conclusion = conclusion_for(view)
    output_base: dict[str, Any] = {
        "title": output_title(view),
        "summary": _summary(view, selection, notes),
        "text": _text(ordered if ordered is not None else view.annotated, _baseline_tail(view)),
    }
    annotations = [to_annotation(finding) for finding in selection.findings]
    size = limits.MAX_ANNOTATIONS_PER_REQUEST
    batches = [annotations[i : i + size] for i in range(0, len(annotations), size)] or [[]]

    def output(batch: list[dict[str, Any]]) -> dict[str, Any]:
        body = dict(output_base)
        if batch:
            body["annotations"] = batch
        return body

    create: dict[str, Any] = {"name": limits.title(name), "head_sha": head_sha}
    if details_url:
        create["details_url"] = details_url
    if external_id:
        create["external_id"] = external_id
    if len(batches) == 1:
        create.update(status="completed", conclusion=conclusion, output=output(batches[0]))
        return CheckRunPlan(create, (), len(annotations), conclusion, tuple(notes))
    create.update(status="in_progress", output=output(batches[0]))
    updates: list[dict[str, Any]] = [{"output": output(batch)} for batch in batches[1:-1]]
    updates.append({"status": "completed", "conclusion": conclusion, "output": output(batches[-1])})
    return CheckRunPlan(create, tuple(updates), len(annotations), conclusion, tuple(notes))


def completion_only(plan_: CheckRunPlan, note: str) -> dict[str, Any]:
    """A completing update with no further annotations, used when the budget ran out."""
    output = {k: v for k, v in plan_.create["output"].items() if k != "annotations"}
    output["summary"] = limits.join_within([output["summary"], "", f"⚠️ {note}"], [])
    return {"status": "completed", "conclusion": plan_.conclusion, "output": output}
