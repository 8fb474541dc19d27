"""SARIF 2.1.0 for GitHub code scanning: every result located, every rule described.

Two properties make code scanning track our alerts properly:

- `partialFingerprints`: every result carries `importspyFindingHash/v1` (from
  `importspy_action.fingerprint`, the same identity baseline matching uses), so an alert
  keeps its identity when lines above it move. We do not set `primaryLocationLineHash`:
  GitHub's upload-sarif computes that key itself from the file and warns when a value it
  finds differs from its own computation.
- `automationDetails.id`: code scanning keeps one analysis per tool and category, and a
  later upload with the same pair replaces the earlier one. upload-sarif only fills in its
  own category (workflow, job and matrix values) when the run has none, and ignores its
  `category` input when the run has one; so ours names the job and the gates that ran
  (`importspy-action/<job>/<gates>/`), and a caller that runs the action more than once per
  job (matrix legs, one step per package) passes a distinct `category`.

With a baseline classification, every result has a `baselineState` (`new` or
`unchanged`). Fixed findings are left out unless `include_absent` is set: code scanning
treats every result as an alert whatever its `kind`, so an `absent` result would reopen
what was fixed; it closes an alert when the result disappears, which is what "fixed" means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from ..baseline import Classified
from ..fingerprint import Fingerprint, LineSource, fingerprint_all
from ..json_stream import PRETTY_MAX_ITEMS, Document
from ..model import Finding, GateStatus, Report, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
INFORMATION_URI = "https://github.com/importspy-action/importspy-action"
FINGERPRINT_KEY = "importspyFindingHash/v1"
_CATEGORY_UNSAFE = re.compile(r"[^A-Za-z0-9_.+-]+")


class BaselineStates(Protocol):
    """What SARIF needs of a baseline: each result's state (a `Classified` or the report's
    `Classification`)."""

    def state_of(self, finding: Finding) -> str | None: ...


class _NoSource:
    """No source to read: every fingerprint falls back to (gate, code, title)."""

    def lines(self, path: str) -> Sequence[str] | None:
        return None


def automation_id(report: Report, category: str = "") -> str:
    """`importspy-action/<job>/<gates>/`, or the caller's category with a trailing slash.

    The trailing slash makes the whole id the category (GitHub reads the part before the
    last slash as the category and the rest as a run id).
    """
    if category.strip():
        chosen = category.strip()
        return chosen if chosen.endswith("/") else chosen + "/"
    job = _CATEGORY_UNSAFE.sub("-", report.context.get("job", "") or "local").strip("-")
    ran = sorted(g.gate for g in report.gates if g.status is not GateStatus.SKIPPED)
    gates = _CATEGORY_UNSAFE.sub("-", "+".join(ran)) or "none"
    return f"importspy-action/{job or 'local'}/{gates}/"


def _rule(finding: Finding) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": finding.code,
        "name": finding.code.replace("-", ""),
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": finding.help or finding.title},
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "properties": {"tags": [finding.gate]},
    }
    if finding.url:
        rule["helpUri"] = finding.url
    if finding.help:
        rule["help"] = {"text": finding.help}
    return rule


def _result(
    finding: Finding, rule_index: int, print_: Fingerprint, state: str | None
) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": finding.start_line, "endLine": finding.last_line}
    if finding.start_column:
        region["startColumn"] = finding.start_column
        if finding.end_column and finding.last_line == finding.start_line:
            region["endColumn"] = max(finding.end_column, finding.start_column)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: print_.sarif_value},
        "properties": {"gate": finding.gate},
    }
    if state is not None:
        result["baselineState"] = state
    if state == "absent":
        result["kind"] = "pass"  # the problem is gone; `level` must then be "none"
        result["level"] = "none"
    return result


def render(
    report: Report,
    baseline: BaselineStates | None = None,
    *,
    source: LineSource | None = None,
    category: str = "",
    include_absent: bool = False,
    pretty_max: int = PRETTY_MAX_ITEMS,
) -> str:
    """The SARIF document of `report`; `source` reads the lines fingerprints are made of.

    Indented up to `pretty_max` results; larger documents are compact and encoded result
    by result (`json_stream`), so 100,000 results never exist as dicts all at once."""
    findings = report.findings
    prints = fingerprint_all(findings, source or _NoSource())
    entries: list[tuple[Finding, Fingerprint, str | None]] = [
        (finding, print_, None if baseline is None else baseline.state_of(finding) or "new")
        for finding, print_ in zip(findings, prints, strict=True)
    ]
    if isinstance(baseline, Classified) and include_absent:
        entries += [(item.finding, item.fingerprint, "absent") for item in baseline.fixed]
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    for finding, _, _ in entries:
        if finding.code not in rules:
            rules[finding.code] = len(rule_list)
            rule_list.append(_rule(finding))
    stream = Document.for_items(len(entries), pretty_max=pretty_max)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "importspy-action",
                        "version": report.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": rule_list,
                    }
                },
                "automationDetails": {"id": automation_id(report, category)},
                "results": stream.hole(
                    entries, lambda entry: _result(entry[0], rules[entry[0].code], *entry[1:])
                ),
                "properties": {"engine": f"importspy {report.engine_version}"},
            }
        ],
    }
    return stream.encode(document)
