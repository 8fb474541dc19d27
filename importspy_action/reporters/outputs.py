"""Step outputs in $GITHUB_OUTPUT, for later steps (`steps.<id>.outputs.<name>`)."""

from __future__ import annotations

from collections.abc import Mapping

from actions_toolkit import core

from ..model import Report

OUTPUT_NAMES = (
    "result",
    "exit-code",
    "errors",
    "warnings",
    "notices",
    "json-report",
    "sarif",
    "check-run-id",
    "check-run-url",
    "coverage",
    "diff-coverage",
    "new-findings",
    "existing-findings",
    "fixed-findings",
    "base-coverage",
    "coverage-delta",
)


def _percent(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.2f}"
    return ""


def values(report: Report, extra: Mapping[str, str]) -> dict[str, str]:
    """Every output, always set (empty when not measured), so callers can rely on them."""
    counts = report.counts()
    coverage = report.gate("coverage")
    metrics = coverage.metrics if coverage else {}
    result = {
        "result": report.result,
        "exit-code": str(report.exit_code),
        "errors": str(counts["error"]),
        "warnings": str(counts["warning"]),
        "notices": str(counts["notice"]),
        "json-report": "",
        "sarif": "",
        "check-run-id": "",
        "check-run-url": "",
        "coverage": _percent(metrics.get("total_percent")),
        "diff-coverage": _percent(metrics.get("diff_percent")),
        # set by the run through `extra` when a baseline was compared (baseline.Classified
        # counts, coverage_delta.CoverageDelta.outputs()); empty otherwise
        "new-findings": "",
        "existing-findings": "",
        "fixed-findings": "",
        "base-coverage": "",
        "coverage-delta": "",
    }
    result.update({key: value for key, value in extra.items() if key in result})
    return result


def write(report: Report, extra: Mapping[str, str]) -> dict[str, str]:
    outputs = values(report, extra)
    for name, value in outputs.items():
        core.set_output(name, value)
    return outputs
