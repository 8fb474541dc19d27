"""The one console: untrusted text reaches the runner's log, never its command processor.

The GitHub runner reads every line a step prints and treats some as *workflow commands*
(this is how `::error file=…::` becomes an annotation). File names, contract text, Cobertura
attributes, notes and a child's stderr are written by whoever opened the pull request; if
one of them printed a line the runner parses, the pull request could mask log text
(`::add-mask::`), forge annotations at any location, open groups, or set outputs.

How the runner parses a line (actions/runner, `ActionCommand.TryParseV2` / `TryParse` and
`ActionCommandManager.TryProcessCommand`), which is what this module defends against:

- a line is what .NET's `ReadLine` returns, so `\\n`, `\\r` and `\\r\\n` all end one;
- *V2*: after `TrimStart()` (every .NET white-space character, Unicode spaces included) the
  line starts with `::`, and another `::` follows; the name runs to the first space and is
  matched case-insensitively against the registered commands;
- *legacy*: `##[` anywhere in the line, then a `]` later: the name runs to the first space;
- after `::stop-commands::TOKEN` nothing is processed until a command named TOKEN (by
  either syntax) arrives.

So `clean()` removes ANSI escape sequences and control characters (turning CR into a line
break the way the runner sees it), breaks a leading `::` into `: :`, and `##[` into `## [`
-- the text stays readable and no line of it can be parsed. `Console.untrusted_block()`
also wraps whole blocks in `::stop-commands::<random token>` … `::<token>::`, GitHub's
documented mechanism, so even a gap in `clean()` would not turn into a command.

The commands the action means to emit go through `Console.command()`, which escapes data and
properties exactly as the runner unescapes them (`%`, CR, LF; in properties also `:` and `,`).
"""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

__all__ = [
    "KNOWN_COMMANDS",
    "Console",
    "clean",
    "clean_field",
    "escape_data",
    "escape_property",
    "log",
]

KNOWN_COMMANDS = frozenset(
    {"error", "warning", "notice", "debug", "group", "endgroup", "echo", "add-mask"}
)
"""Commands `Console.command()` emits: all registered in every runner, so the V2 parse of our
own line always succeeds and the runner never falls back to scanning it for `##[`."""

_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?              # CSI: colours, cursor movement, erase
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?    # OSC: window titles, hyperlinks
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?         # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]?                      # any other escape (charset selection, …)
    | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 (but \t and \n), DEL, C1; the Unicode line and paragraph separators (a log viewer may
# break lines there); bidirectional overrides, which can make a line read differently from
# what it contains ("Trojan Source").
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# What .NET's char.IsWhiteSpace accepts, which `TrimStart()` removes before the runner looks
# for `::`; Python's own notion of white space is added on top so neither is missed.
_DOTNET_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def _strip(text: str) -> str:
    """Escape sequences and control characters out; CR becomes the line break it is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def _leading_space(line: str) -> int:
    index = 0
    while index < len(line) and (line[index] in _DOTNET_SPACE or line[index].isspace()):
        index += 1
    return index


def _defuse_line(line: str) -> str:
    start = _leading_space(line)
    if line.startswith("::", start):
        line = f"{line[:start]}: :{line[start + 2 :]}"
    return line.replace("##[", "## [")


def clean(text: str) -> str:
    """Untrusted text made safe to print: no escapes, no controls, no workflow command.

    Keeps `\\n` and `\\t`. Every line that would start with `::` after white space starts
    with `: :` instead, and every `##[` becomes `## [`.
    """
    return "\n".join(_defuse_line(line) for line in _strip(text).split("\n"))


def clean_field(text: str) -> str:
    """Untrusted text for a command's message or property (escaped afterwards).

    Escape sequences and controls go; `##[` is defused as well, so that even a runner that
    did not know our command could not find a legacy one in its data.
    """
    return _strip(text).replace("##[", "## [")


def escape_data(text: str) -> str:
    """A command's message as the runner unescapes it (`%` first, so nothing doubles)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command property's value: also `:` (ends the command info) and `,` (next property)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Console:
    """Where the action prints. Everything it prints to stdout goes through one of these.

    `write()` is for any text that is not entirely the action's own; it always ends the line,
    so two writes can never join into a command. `command()` emits a command on purpose.
    `untrusted_block()` suspends command processing around a whole block of foreign output.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._token: str | None = None

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stdout

    def write(self, text: str, *, paint: Callable[[str], str] | None = None) -> None:
        """Print untrusted text as whole lines, cleaned.

        `paint` may add the action's own colours after cleaning (it maps markers to a fixed
        palette of SGR codes, which can neither move the cursor nor form a command).
        """
        cleaned = clean(text)
        if paint is not None:
            cleaned = paint(cleaned)
        self._emit(cleaned if cleaned.endswith("\n") else cleaned + "\n")

    def command(
        self, name: str, properties: Mapping[str, str] | None = None, message: str = ""
    ) -> None:
        """Emit `::name k=v,…::message` with every part escaped for the runner.

        Empty property values are left out (the runner drops them anyway) and values lose
        leading/trailing white space (the runner trims the property list).
        """
        if name not in KNOWN_COMMANDS:
            raise ValueError(f"not a workflow command the action emits: {name!r}")
        if self._token is not None:
            raise RuntimeError("a workflow command inside an untrusted block would be ignored")
        parts = []
        for key, value in (properties or {}).items():
            if not _NAME.match(key):
                raise ValueError(f"not a workflow command property name: {key!r}")
            value = clean_field(value).strip()
            if value:
                parts.append(f"{key}={escape_property(value)}")
        info = f"{name} {','.join(parts)}" if parts else name
        self._emit(f"::{info}::{escape_data(clean_field(message))}\n")

    def mask(self, secret: str) -> None:
        """Ask the runner to mask a secret, line by line (it masks log lines one at a time).

        The value is escaped but not cleaned: masking a changed value would mask nothing.
        """
        if self._token is not None:
            raise RuntimeError("add-mask inside an untrusted block would be ignored")
        for line in dict.fromkeys([secret, *secret.replace("\r", "\n").split("\n")]):
            if line.strip():
                self._emit(f"::add-mask::{escape_data(line)}\n")

    @contextmanager
    def untrusted_block(self) -> Iterator[None]:
        """Suspend workflow commands until the block ends (`::stop-commands::<token>`).

        The token is random (and longer than six characters, so the runner masks it), so
        the untrusted text cannot guess it to resume processing early. Nested blocks share
        the outer one.
        """
        if self._token is not None:
            yield
            return
        token = secrets.token_hex(16)
        self._emit(f"::stop-commands::{token}\n")
        self._token = token
        try:
            yield
        finally:
            self._token = None
            self._emit(f"::{token}::\n")

    def _emit(self, text: str) -> None:
        stream = self.stream
        encoding = getattr(stream, "encoding", None)
        if encoding:
            # A console that cannot show a character gets `\\uXXXX` instead of a crash; the
            # replacement contains no `:`, `#` or `[`, so it cannot form a command either.
            text = text.encode(encoding, "backslashreplace").decode(encoding, "replace")
        stream.write(text)
        stream.flush()


def log(message: str) -> None:
    """A line for the log on stderr (the runner parses stderr for commands too), cleaned."""
    Console(sys.stderr).write(f"importspy-action: {message}")
