"""The JSON report: the stable, versioned record of a run (docs/report-schema.md).

Each finding carries its `fingerprint` (the same one SARIF and baseline matching use) when
the source lines were available, so a later run can use this report as its baseline
(`baseline-report`) without checking out this commit; with a baseline, each finding also
says whether it is `new` or `existing`. Both keys are additive to schema version 1.

Reports of more than `json_stream.PRETTY_MAX_ITEMS` findings are written compact and
encoded finding by finding (`json_stream`): at 100,000 findings, indenting and holding every
finding as a dict cost about 10 s and 350 MB.
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import Fingerprint, LineSource, fingerprint_all
from ..json_stream import PRETTY_MAX_ITEMS, Document
from ..model import Finding, Identity, Report


def fingerprint_json(print_: Fingerprint) -> dict[str, Any]:
    return {
        "line": print_.line,
        "context": print_.context,
        "occurrence": print_.occurrence,
        "located": print_.located,
    }


def render(
    report: Report, *, source: LineSource | None = None, pretty_max: int = PRETTY_MAX_ITEMS
) -> str:
    """The report as JSON text; indented when it has at most `pretty_max` findings."""
    findings = report.findings
    prints: dict[Identity, Fingerprint] = {}
    if source is not None:
        computed = fingerprint_all(findings, source)
        prints = {f.identity: p for f, p in zip(findings, computed, strict=True)}
    baseline = report.baseline

    def item(finding: Finding) -> dict[str, Any]:
        data = finding.to_json()
        if finding.identity in prints:
            data["fingerprint"] = fingerprint_json(prints[finding.identity])
        if baseline is not None:
            data["baseline"] = "new" if baseline.is_new(finding) else "existing"
        return data

    document = Document.for_items(len(findings), pretty_max=pretty_max)
    return document.encode(report.to_json(lambda items: document.hole(items, item)))
