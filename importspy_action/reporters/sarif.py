"""SARIF 2.1.0 for GitHub code scanning: every result located, every rule described."""

from __future__ import annotations

import json
from typing import Any

from ..model import Finding, Report, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
INFORMATION_URI = "https://github.com/importspy-action/importspy-action"


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


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": finding.start_line, "endLine": finding.last_line}
    if finding.start_column:
        region["startColumn"] = finding.start_column
        if finding.end_column and finding.last_line == finding.start_line:
            region["endColumn"] = max(finding.end_column, finding.start_column)
    return {
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
        "properties": {"gate": finding.gate},
    }


def render(report: Report) -> str:
    findings = report.findings
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    for finding in findings:
        if finding.code not in rules:
            rules[finding.code] = len(rule_list)
            rule_list.append(_rule(finding))
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
                "results": [_result(f, rules[f.code]) for f in findings],
                "properties": {"engine": f"importspy {report.engine_version}"},
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
