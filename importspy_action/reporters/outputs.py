"""Step outputs (`steps.<id>.outputs.<name>`): every name always set, empty when unmeasured.

The names are action.yml's outputs; gates contribute theirs (e.g. `coverage`) through their
metrics' `outputs()`, so this module never names a gate. The writer puts them in
$GITHUB_OUTPUT.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def values(report: Report, extra: Mapping[str, str]) -> dict[str, str]:
    """Every output, always set (empty when not measured), so callers can rely on them."""
    counts = report.counts()
    result = dict.fromkeys(OUTPUT_NAMES, "")
    result.update(
        {
            "result": report.result,
            "exit-code": str(report.exit_code),
            "errors": str(counts["error"]),
            "warnings": str(counts["warning"]),
            "notices": str(counts["notice"]),
        }
    )
    if report.baseline is not None:
        counts = report.baseline.counts(report.findings)
        result.update({f"{state}-findings": str(n) for state, n in counts.items()})
    for gate in report.gates:
        if gate.metrics is not None:
            result.update({k: v for k, v in gate.metrics.outputs().items() if k in result})
    result.update({key: value for key, value in extra.items() if key in result})
    return result
