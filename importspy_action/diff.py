"""Changed lines of a change set, parsed from a unified diff (`git diff --unified=0`).

Shared by the diff-coverage gate, `annotations: changed-lines`, `lint-scope: changed-files`
and ranking (findings on changed lines first). Pure parsing: how the diff is obtained (git
in the workspace, the pull-request files API) lives in `github/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class ChangedLines:
    """Lines added or modified in the new version of each file (repo-relative paths).

    Deleted files are not in `files`; renamed files appear under their new path (a pure
    rename changes no lines); binary files are listed in `binary` with no lines.
    """

    files: Mapping[str, frozenset[int]] = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)  # new path -> old path
    deleted: frozenset[str] = frozenset()
    binary: frozenset[str] = frozenset()
    source: str = ""  # e.g. "git diff origin/main...HEAD" or "pull request files API"

    def touches(self, path: str, start: int, end: int | None = None) -> bool:
        lines = self.files.get(path)
        if not lines:
            return False
        last = start if end is None else end
        if last - start > 10_000:
            return any(start <= line <= last for line in lines)
        return any(line in lines for line in range(start, last + 1))

    def changed_files(self) -> frozenset[str]:
        return frozenset(self.files) | self.binary

    def line_count(self) -> int:
        return sum(len(lines) for lines in self.files.values())


def parse_unified_diff(text: str, *, source: str = "") -> ChangedLines:
    """Parse `git diff` output (any context size; `--unified=0` is cheapest)."""
    parser = _DiffParser()
    for raw in text.splitlines():
        parser.feed(raw)
    return parser.result(source)


class _DiffParser:
    """Line-at-a-time state machine over `git diff` output.

    A class rather than one loop because each kind of header line updates a different part
    of the state (which file we are in, which line of it comes next); one method per kind
    keeps each rule readable on its own.
    """

    def __init__(self) -> None:
        self.files: dict[str, set[int]] = {}
        self.renamed: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.binary: set[str] = set()
        self.old_path: str | None = None
        self.new_path: str | None = None
        self.current: set[int] | None = None  # lines of the file whose hunk we are inside
        self.next_line = 0

    def feed(self, raw: str) -> None:
        if raw.startswith("diff --git "):
            self.old_path, self.new_path, self.current = None, None, None
        elif self._in_hunk(raw):
            self._hunk_line(raw)
        elif raw.startswith("rename from "):
            self.old_path = raw[len("rename from ") :]
        elif raw.startswith("rename to "):
            self._rename_to(raw[len("rename to ") :])
        elif raw.startswith("--- "):
            self.old_path = _strip_prefix(raw[4:], "a/")
        elif raw.startswith("+++ "):
            self._new_file(_strip_prefix(raw[4:], "b/"))
        elif raw.startswith("Binary files "):
            self._binary(raw)
        elif raw.startswith("@@"):
            self._hunk_header(raw)

    def _in_hunk(self, raw: str) -> bool:
        return (
            self.current is not None
            and bool(raw)
            and raw[0] in "+- \\"
            and not raw.startswith(("+++", "---"))
        )

    def _hunk_line(self, raw: str) -> None:
        if raw[0] == "+" and self.current is not None:  # never None here: see _in_hunk
            self.current.add(self.next_line)
            self.next_line += 1
        elif raw[0] == " ":
            self.next_line += 1

    def _rename_to(self, new_path: str) -> None:
        self.new_path = new_path
        if self.old_path is not None:
            self.renamed[new_path] = self.old_path
            self.files.setdefault(new_path, set())

    def _new_file(self, target: str | None) -> None:
        if target is None:
            if self.old_path is not None:
                self.deleted.add(self.old_path)
            self.current = None
        else:
            self.new_path = target
            self.current = self.files.setdefault(target, set())

    def _binary(self, raw: str) -> None:
        match = re.match(r"Binary files (.+?) and (.+?) differ$", raw)
        if not match:
            return
        target = _strip_prefix(match.group(2), "b/")
        if target is not None:
            self.binary.add(target)
            return
        gone = _strip_prefix(match.group(1), "a/")
        if gone:
            self.deleted.add(gone)

    def _hunk_header(self, raw: str) -> None:
        match = _HUNK.match(raw)
        if match and self.new_path is not None:
            self.current = self.files.setdefault(self.new_path, set())
            self.next_line = int(match.group(1))

    def result(self, source: str) -> ChangedLines:
        return ChangedLines(
            files={
                path: frozenset(lines)
                for path, lines in self.files.items()
                if path not in self.binary
            },
            renamed=self.renamed,
            deleted=frozenset(self.deleted),
            binary=frozenset(self.binary),
            source=source,
        )


def from_patches(patches: Iterable[tuple[str, str | None, str]], *, source: str) -> ChangedLines:
    """Build from (path, previous_path, patch) triples as the pull-request files API gives."""
    files: dict[str, frozenset[int]] = {}
    renamed: dict[str, str] = {}
    for path, previous, patch in patches:
        header = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        parsed = parse_unified_diff(header + patch)
        files[path] = parsed.files.get(path, frozenset())
        if previous:
            renamed[path] = previous
    return ChangedLines(files=files, renamed=renamed, source=source)


def _strip_prefix(value: str, prefix: str) -> str | None:
    value = value.split("\t", 1)[0].strip()
    if value == "/dev/null":
        return None
    if value.startswith('"') and value.endswith('"'):
        value = value[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        value = value.encode("latin-1", "replace").decode("utf-8", "replace")
    return value[len(prefix) :] if value.startswith(prefix) else value
