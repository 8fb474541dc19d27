"""The coverage gate's part of the job summary: the numbers, the worst files, the verdict.

Reads only GateResult.metrics (as the coverage gate writes them and the JSON report keeps
them), so a merged report renders the same section as a live run.
"""

from __future__ import annotations

from typing import Any

from ..model import GateResult, GateStatus
from .markdown import cell


def _pct(value: Any) -> str:
    return f"{value:.2f}%" if isinstance(value, (int, float)) else "not measured"


def _goal(value: Any) -> str:
    return f"{value:g}%" if isinstance(value, (int, float)) else "—"


def coverage_section(gate: GateResult) -> list[str]:
    metrics = gate.metrics
    if "total_percent" not in metrics:
        return []
    lines = [
        "| Measure | Value | Threshold |",
        "| --- | ---: | ---: |",
        f"| Total line coverage | {_pct(metrics.get('total_percent'))} "
        f"({metrics.get('total_covered', 0)}/{metrics.get('total_statements', 0)} lines) | "
        f"{_goal(metrics.get('threshold'))} |",
    ]
    if metrics.get("diff_percent") is not None:
        lines.append(
            f"| Diff coverage (changed lines) | {_pct(metrics.get('diff_percent'))} "
            f"({metrics.get('diff_covered', 0)}/{metrics.get('diff_statements', 0)} lines) | "
            f"{_goal(metrics.get('diff_threshold'))} |"
        )
    else:
        lines.append(
            f"| Diff coverage (changed lines) | not measured | "
            f"{_goal(metrics.get('diff_threshold'))} |"
        )
    if metrics.get("branch_percent") is not None:
        lines.append(
            f"| Branch coverage | {_pct(metrics.get('branch_percent'))} "
            f"({metrics.get('branches_covered', 0)}/{metrics.get('branches_total', 0)} "
            "branches) | — |"
        )
    if metrics.get("per_file_threshold") is not None:
        lines.append(f"| Every file | | {_goal(metrics.get('per_file_threshold'))} |")
    lines.append("")
    worst = metrics.get("worst_files") or []
    if isinstance(worst, list) and worst:
        lines += [
            "Files that drag coverage down (most uncovered lines first):",
            "",
            "| File | Coverage | Covered | Missing |",
            "| --- | ---: | ---: | ---: |",
        ]
        for row in worst:
            lines.append(
                f"| `{cell(row.get('path', ''))}` | {_pct(row.get('percent'))} | "
                f"{row.get('covered', 0)}/{row.get('statements', 0)} | {row.get('missing', 0)} |"
            )
        lines.append("")
    reports = metrics.get("reports") or []
    verdict = {
        GateStatus.PASSED: "✅ Coverage meets every threshold set",
        GateStatus.FAILED: "❌ Coverage is below a threshold",
    }.get(gate.status, "")
    if verdict:
        source = ", ".join(f"`{cell(r)}`" for r in reports)
        lines += [f"**{verdict}** (from {source}; percentages floored to 0.01).", ""]
    return lines
