"""The JSON report: the stable, versioned record of a run (docs/report-schema.md).

Each finding carries its `fingerprint` (the same one SARIF and baseline matching use) when
the source lines were available, so a later run can use this report as its baseline
(`baseline-report`) without checking out this commit; with a baseline, each finding also
says whether it is `new` or `existing`. Both keys are additive to schema version 1.
"""

from __future__ import annotations

import json
from typing import Any

from ..fingerprint import Fingerprint, LineSource, fingerprint_all
from ..model import Identity, Report


def fingerprint_json(print_: Fingerprint) -> dict[str, Any]:
    return {
        "line": print_.line,
        "context": print_.context,
        "occurrence": print_.occurrence,
        "located": print_.located,
    }


def render(report: Report, *, source: LineSource | None = None) -> str:
    data = report.to_json()
    findings = report.findings
    prints: dict[Identity, Fingerprint] = {}
    if source is not None:
        computed = fingerprint_all(findings, source)
        prints = {f.identity: p for f, p in zip(findings, computed, strict=True)}
    for gate, entry in zip(report.gates, data["gates"], strict=True):
        for finding, item in zip(gate.findings, entry["findings"], strict=True):
            if finding.identity in prints:
                item["fingerprint"] = fingerprint_json(prints[finding.identity])
            if report.baseline is not None:
                item["baseline"] = "new" if report.baseline.is_new(finding) else "existing"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
