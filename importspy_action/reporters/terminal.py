"""A readable report for the terminal: what a local run prints and what the CI log shows.

Drawn from the same view as the job summary and the check run. The text it returns is
untrusted (file names, messages and notes come from the pull request): the caller prints it
through the safe console (`Console.write(text, paint=colorize)`), never straight to stdout.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from ..blocks import Block, Paragraph, plain
from ..model import GateStatus, Severity
from ..view import GateView, ReportView, counts_phrase

# Colours are painted as markers (a private-use character and a palette key) and turned into
# SGR codes by `paint` after the console has cleaned the text: untrusted text can never bring
# its own escape sequences, and a forged marker can only pick a colour of this palette.
_MARK = "\ue000"
_PALETTE = {
    "r": "\033[31m",
    "g": "\033[32m",
    "y": "\033[33m",
    "m": "\033[35m",
    "c": "\033[36m",
    "d": "\033[2m",
    "0": "\033[0m",
}
_MARKER = re.compile(_MARK + "(.)", re.DOTALL)
_COLORS = {Severity.ERROR: "r", Severity.WARNING: "y", Severity.NOTICE: "c"}
_STATUS = {
    GateStatus.PASSED: ("PASSED", "g"),
    GateStatus.FAILED: ("FAILED", "r"),
    GateStatus.ERROR: ("ERROR", "m"),
    GateStatus.SKIPPED: ("OFF", "d"),
}


def colorize(text: str) -> str:
    """Markers -> the palette's SGR codes (unknown keys vanish)."""
    return _MARKER.sub(lambda match: _PALETTE.get(match.group(1), ""), text)


def plain_text(text: str) -> str:
    """Markers removed: the report without colours."""
    return _MARKER.sub("", text)


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") or os.environ.get("GITHUB_ACTIONS") == "true":
        return True
    return hasattr(stream, "isatty") and stream.isatty()


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, key: str) -> str:
        return f"{_MARK}{key}{text}{_MARK}0" if self.color else text


def _gate_lines(gate: GateView, paint: _Painter, *, sections: bool) -> list[str]:
    label, code = _STATUS[gate.status]
    if gate.off:  # say how to turn it on, no zero counts
        return [f"{paint(label, code):>8}  {gate.name}  — {gate.off_hint}"]
    counts = gate.counts
    lines = [
        f"{paint(label, code):>8}  {gate.name}  "
        f"({counts['error']} errors, {counts['warning']} warnings, {counts['notice']} notices)"
    ]
    if gate.error:
        lines.append(f"          {gate.error}")
    lines += [f"          note: {note}" for note in gate.notes]
    if sections:
        lines += [f"          {line}" for item in gate.section for line in _block(item)]
    return lines


def _block(item: Block) -> list[str]:
    """Sections in the terminal: paragraphs as text, tables as aligned columns."""
    if isinstance(item, Paragraph):
        return ["".join(plain(part) for part in item.parts)]
    rows = [[column.title for column in item.columns]]
    rows += [[plain(part) for part in row] for row in item.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(item.columns))]
    lines = [
        "  ".join(
            text.rjust(width) if column.numeric else text.ljust(width)
            for text, width, column in zip(row, widths, item.columns, strict=True)
        ).rstrip()
        for row in rows
    ]
    return lines + ([item.more] if item.more else [])


def render(
    view: ReportView, *, color: bool = False, limit: int = 200, sections: bool = False
) -> str:
    paint = _Painter(color)
    lines = [line for gate in view.gates for line in _gate_lines(gate, paint, sections=sections)]
    lines.append("")
    new = set(view.annotated)
    for finding in view.findings[:limit]:
        level = paint(finding.severity.value, _COLORS[finding.severity])
        where = f"{finding.path}:{finding.start_line}"
        if finding.start_column:
            where += f":{finding.start_column}"
        mark = " (existing)" if view.baseline and finding not in new else ""
        lines.append(f"{where}: {level} {finding.code}{mark} {finding.message}")
        if finding.help:
            lines.append(f"    help: {finding.help}")
    if len(view.findings) > limit:
        lines.append(f"... {len(view.findings) - limit} more findings in the JSON report")
    verdict = "passed" if view.passed else "FAILED"
    verdict_code = "g" if view.passed else "r"
    if view.baseline is not None:
        lines += ["", f"Against the {view.baseline.source}: {view.baseline.phrase()}"]
    lines += [
        "",
        f"Verdict: {paint(verdict, verdict_code)} — {counts_phrase(view.counts)} "
        f"(fail-on: {view.fail_on}, exit code {view.exit_code})",
    ]
    return "\n".join(lines) + "\n"
