"""The one fingerprint of a finding: what stays the same when lines above it move.

Baseline matching ("is this finding new in this pull request?") and SARIF
`partialFingerprints` (code scanning tracking an alert across commits) need the same thing:
an identity that survives lines being inserted or deleted elsewhere in the file, and changes
when the flagged code itself changes. So the line *number* is not part of it; the text is.

A fingerprint has two digests, both over the gate, the rule code and normalised source text
(never the line number):

- `line`: the flagged lines alone (`start_line`..`end_line`, at most `MAX_FLAGGED_LINES`).
- `context`: the flagged lines plus the nearest non-blank line above and below. Blank lines
  are skipped so inserting or deleting blank lines next to a finding keeps it; the
  neighbours tell apart identical lines in different places (`x = 1` twice in one file).

Normalisation folds every whitespace run to one space and strips the ends, so re-indenting
or re-spacing a line keeps its identity. Comments are kept: telling a comment from code needs
a tokenizer per language (findings point into Python, YAML contracts and coverage reports),
and a finding whose line's comment changed being called "new" is the safe direction.

The path is kept beside the digests, not inside them, so a renamed file can be matched by
mapping its old path to the new one. Findings whose line cannot be read (file missing,
outside the workspace, too large, line past the end) get digests of (gate, code, title) and
`located=False`. `occurrence` numbers findings with the same path and context digest in
line order (1, 2, ...), as GitHub's `primaryLocationLineHash` does with its `:N` suffix, so
SARIF fingerprints are unique within a run.

Source files are attacker-written: they are read only inside the workspace (symlinks
resolved and checked), at most `MAX_SOURCE_BYTES`, and decoded with `errors="replace"`, once
per file per run (`SourceLines` caches).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from .model import Finding
from .workspace import Workspace

MAX_SOURCE_BYTES = 8 * 1024 * 1024
"""Larger files are not read for fingerprints (their findings fall back to the title)."""

MAX_FLAGGED_LINES = 20
"""A range finding (e.g. uncovered lines 40-300) is identified by its first lines only."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE = re.compile(r"\s+")
_SEPARATOR = "\x1f"  # unit separator: cannot occur in normalised text (it is whitespace)


class LineSource(Protocol):
    """Where source lines come from: the workspace, or a worktree of the base commit."""

    def lines(self, path: str) -> Sequence[str] | None:
        """The file's lines (without line breaks), or None when it cannot be read safely."""
        ...


class SourceLines:
    """Lines of files inside one workspace, read safely and cached for the run."""

    def __init__(self, workspace: Workspace, *, max_bytes: int = MAX_SOURCE_BYTES) -> None:
        self.workspace = workspace
        self.max_bytes = max_bytes
        self._cache: dict[str, tuple[str, ...] | None] = {}
        self._prints: tuple[tuple[Finding, ...], list[Fingerprint]] | None = None

    def lines(self, path: str) -> tuple[str, ...] | None:
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def recall(self, findings: tuple[Finding, ...]) -> list[Fingerprint] | None:
        """The fingerprints `fingerprint_all` last computed here, if for these findings.

        The JSON report and SARIF of one run fingerprint the same findings; with 100,000
        of them the second computation was a second of work for the same answer.
        """
        if self._prints is not None and self._prints[0] == findings:
            return list(self._prints[1])
        return None

    def remember(self, findings: tuple[Finding, ...], prints: list[Fingerprint]) -> None:
        self._prints = (findings, list(prints))

    def _read(self, path: str) -> tuple[str, ...] | None:
        if not path or "\x00" in path:
            return None
        relative = PurePosixPath(path.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts:
            return None
        candidate = self.workspace.root / Path(*relative.parts)
        if not self.workspace.contains(candidate):  # resolves symlinks first
            return None
        try:
            resolved = candidate.resolve()
            if not resolved.is_file() or resolved.stat().st_size > self.max_bytes:
                return None
            with resolved.open("rb") as stream:
                data = stream.read(self.max_bytes + 1)
        except (OSError, RuntimeError):
            return None
        if len(data) > self.max_bytes:  # grew between stat and read
            return None
        return tuple(_LINE_BREAK.split(data.decode("utf-8", errors="replace")))


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, ends stripped."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Identity of one finding; see the module docstring for what each part covers."""

    gate: str
    code: str
    path: str
    line: str
    context: str
    occurrence: int = 1
    located: bool = True

    @property
    def sarif_value(self) -> str:
        """`<context digest>:<occurrence>`, the value of our SARIF partialFingerprints key."""
        return f"{self.context}:{self.occurrence}"

    def key(self, *, path: str | None = None, exact: bool = True) -> tuple[str, str, str, str]:
        """Matching key: gate, code, path (or `path` given, for a renamed file), digest."""
        digest = self.context if exact else self.line
        return (self.gate, self.code, self.path if path is None else path, digest)


def _digest(*parts: str) -> str:
    data = _SEPARATOR.join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def _neighbour(lines: Sequence[str], start: int, step: int) -> str:
    """The nearest non-blank normalised line from index `start` walking by `step`, or ''."""
    index = start
    while 0 <= index < len(lines):
        text = normalise(lines[index])
        if text:
            return text
        index += step
    return ""


def fingerprint(finding: Finding, source: LineSource) -> Fingerprint:
    """The fingerprint of one finding with `occurrence` 1 (see `fingerprint_all`)."""
    lines = source.lines(finding.path)
    first = finding.start_line - 1
    last = min(finding.last_line, finding.start_line + MAX_FLAGGED_LINES - 1) - 1
    if lines is None or first >= len(lines):
        fallback = _digest("unlocated", finding.gate, finding.code, normalise(finding.title))
        return Fingerprint(finding.gate, finding.code, finding.path, fallback, fallback, 1, False)
    last = min(last, len(lines) - 1)
    flagged = "\n".join(normalise(line) for line in lines[first : last + 1])
    above = _neighbour(lines, first - 1, -1)
    below = _neighbour(lines, last + 1, 1)
    return Fingerprint(
        finding.gate,
        finding.code,
        finding.path,
        _digest("line", finding.gate, finding.code, flagged),
        _digest("context", finding.gate, finding.code, above, flagged, below),
    )


def fingerprint_all(findings: Iterable[Finding], source: LineSource) -> list[Fingerprint]:
    """Fingerprints in the order of `findings`, with occurrence indexes assigned.

    Findings sharing gate, code, path and context digest are numbered 1, 2, ... in order of
    (line, column, message), so the numbering depends on the findings, not on the order
    they were passed in.
    """
    items = tuple(findings)
    if isinstance(source, SourceLines) and (known := source.recall(items)) is not None:
        return known
    prints = [fingerprint(finding, source) for finding in items]
    order = sorted(
        range(len(items)),
        key=lambda i: (items[i].start_line, items[i].start_column or 0, items[i].message, i),
    )
    seen: dict[tuple[str, str, str, str], int] = {}
    for index in order:
        key = prints[index].key()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            old = prints[index]
            prints[index] = Fingerprint(
                old.gate, old.code, old.path, old.line, old.context, seen[key], old.located
            )
    if isinstance(source, SourceLines):
        source.remember(items, prints)
    return prints
