"""Markdown helpers shared by the job summary, the check run's summary and gate sections."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..model import GateResult, GateStatus

STATUS_LABELS = {
    GateStatus.PASSED: "✅ passed",
    GateStatus.FAILED: "❌ failed",
    GateStatus.ERROR: "⚠️ could not run",
    GateStatus.SKIPPED: "➖ off",
}


def cell(text: str) -> str:
    """Make arbitrary text safe inside a markdown table cell."""
    cleaned = " ".join(str(text).split())
    return cleaned.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def gate_table(
    gates: Iterable[GateResult], details: Callable[[GateResult], str] | None = None
) -> list[str]:
    """One row per gate: result and counts (plus a details column when asked for)."""
    extra_head, extra_rule = (" Details |", " --- |") if details else ("", "")
    lines = [
        "| Gate | Result | Errors | Warnings | Notices |" + extra_head,
        "| --- | --- | ---: | ---: | ---: |" + extra_rule,
    ]
    for gate in gates:
        counts = gate.counts()
        row = (
            f"| {gate.gate} | {STATUS_LABELS[gate.status]} | {counts['error']} | "
            f"{counts['warning']} | {counts['notice']} |"
        )
        if details:
            row += f" {cell(details(gate))} |"
        lines.append(row)
    return lines
