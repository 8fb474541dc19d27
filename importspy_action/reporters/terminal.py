"""A readable report for the terminal: what a local run prints and what the CI log shows."""

from __future__ import annotations

import os
from typing import TextIO

from ..model import GateStatus, Report, Severity

_COLORS = {
    Severity.ERROR: "\033[31m",
    Severity.WARNING: "\033[33m",
    Severity.NOTICE: "\033[36m",
}
_STATUS = {
    GateStatus.PASSED: ("PASSED", "\033[32m"),
    GateStatus.FAILED: ("FAILED", "\033[31m"),
    GateStatus.ERROR: ("ERROR", "\033[35m"),
    GateStatus.SKIPPED: ("OFF", "\033[2m"),
}
_RESET = "\033[0m"


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("GITHUB_ACTIONS") == "true":
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render(report: Report, *, color: bool = False, limit: int = 200) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for gate in report.gates:
        label, code = _STATUS[gate.status]
        if gate.status is GateStatus.SKIPPED:  # say how to turn it on, no zero counts
            hint = gate.notes[0] if gate.notes else "not configured"
            lines.append(f"{paint(label, code):>8}  {gate.gate}  — {hint.removeprefix('Off: ')}")
            continue
        counts = gate.counts()
        lines.append(
            f"{paint(label, code):>8}  {gate.gate}  "
            f"({counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices)"
        )
        if gate.error:
            lines.append(f"          {gate.error}")
        for note in gate.notes:
            lines.append(f"          note: {note}")
    lines.append("")
    findings = report.findings
    for finding in findings[:limit]:
        where = f"{finding.path}:{finding.start_line}"
        if finding.start_column:
            where += f":{finding.start_column}"
        level = paint(finding.severity.value, _COLORS[finding.severity])
        lines.append(f"{where}: {level} {finding.code} {finding.message}")
        if finding.help:
            lines.append(f"    help: {finding.help}")
    if len(findings) > limit:
        lines.append(f"... {len(findings) - limit} more findings in the JSON report")
    counts = report.counts()
    verdict = "passed" if report.passed else "FAILED"
    verdict_code = "\033[32m" if report.passed else "\033[31m"
    lines.append("")
    lines.append(
        f"Verdict: {paint(verdict, verdict_code)} — {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['notice']} notices "
        f"(fail-on: {report.fail_on}, exit code {report.exit_code})"
    )
    return "\n".join(lines) + "\n"
