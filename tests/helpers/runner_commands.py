"""A mirror of how the GitHub runner turns log lines into workflow commands.

`RunnerMirror` re-implements, in Python, actions/runner's `ActionCommand.TryParseV2`/`TryParse`
and `ActionCommandManager.TryProcessCommand`: .NET `ReadLine` line splitting, `TrimStart`, the
V2 `::name props::data` form, the legacy `##[name props]data` form anywhere in a line,
case-insensitive names, and the stop-commands state with its resume token. The console's
property tests and the hostile corpus both judge the action's output with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "DATA_PAIRS",
    "DOTNET_SPACE",
    "PROPERTY_PAIRS",
    "RUNNER_COMMANDS",
    "Parsed",
    "RunnerMirror",
    "command_like_lines",
    "runner_lines",
    "unescape",
]

# Every command a runner registers (ActionCommandManager + its extensions).
RUNNER_COMMANDS = frozenset(
    {
        "add-mask",
        "add-matcher",
        "add-path",
        "debug",
        "echo",
        "endgroup",
        "error",
        "group",
        "notice",
        "remove-matcher",
        "save-state",
        "set-env",
        "set-output",
        "stop-commands",
        "warning",
    }
)
# .NET char.IsWhiteSpace: what TrimStart() removes.
DOTNET_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class Parsed:
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""


def unescape(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


DATA_PAIRS = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
PROPERTY_PAIRS = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))
LEGACY_PAIRS = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%"))


def _pairs(text: str, separator: str, pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in (part for part in text.split(separator) if part):
        pair = [p for p in item.split("=", 1) if p]
        if len(pair) == 2:
            found[pair[0].lower()] = unescape(pair[1], pairs)
    return found


def parse_v2(line: str, registered: set[str]) -> Parsed | None:
    index = 0
    while index < len(line) and line[index] in DOTNET_SPACE:
        index += 1
    message = line[index:]
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    name = info.split(" ", 1)[0]
    if name.lower() not in registered:
        return None
    properties = {}
    if " " in info and info.index(" ") > 0:
        properties = _pairs(info.split(" ", 1)[1].strip(" \t"), ",", PROPERTY_PAIRS)
    return Parsed(name.lower(), properties, unescape(message[end + 2 :], DATA_PAIRS))


def parse_legacy(line: str, registered: set[str]) -> Parsed | None:
    start = line.find("##[")
    if start < 0:
        return None
    close = line.find("]", start)
    if close < 0:
        return None
    info = line[start + 3 : close]
    name = info.split(" ", 1)[0]
    if name.lower() not in registered:
        return None
    properties = {}
    if " " in info and info.index(" ") > 0:
        properties = _pairs(info.split(" ", 1)[1], ";", LEGACY_PAIRS)
    return Parsed(name.lower(), properties, unescape(line[close + 1 :], LEGACY_PAIRS))


def runner_lines(text: str) -> list[str]:
    """.NET StreamReader.ReadLine: \\r\\n, \\r and \\n each end a line."""
    return re.split(r"\r\n|\r|\n", text)


class RunnerMirror:
    """Processes output as the runner does; `processed` is what it acted upon."""

    def __init__(self) -> None:
        self.registered = set(RUNNER_COMMANDS)
        self.stop_token: str | None = None
        self.processed: list[Parsed] = []

    def feed(self, text: str) -> RunnerMirror:
        for line in runner_lines(text):
            command = parse_v2(line, self.registered) or parse_legacy(line, self.registered)
            if command is None:
                continue
            if self.stop_token is not None:
                if command.name == self.stop_token.lower():
                    self.registered.discard(self.stop_token.lower())
                    self.stop_token = None
                    self.processed.append(Parsed("<resume>"))
                continue
            if command.name == "stop-commands":
                self.stop_token = command.data
                self.registered.add(command.data.lower())
                self.processed.append(Parsed("stop-commands"))
                continue
            self.processed.append(command)
        return self


def command_like_lines(text: str) -> list[str]:
    """Lines any runner might parse, registered name or not: the loosest possible reading."""
    found = []
    for line in runner_lines(text):
        trimmed = line.lstrip("".join(DOTNET_SPACE))
        v2 = trimmed.startswith("::") and trimmed.find("::", 2) >= 0
        legacy = "##[" in line and line.find("]", line.find("##[")) >= 0
        if v2 or legacy:
            found.append(line)
    return found
