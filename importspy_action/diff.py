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
    files: dict[str, set[int]] = {}
    renamed: dict[str, str] = {}
    deleted: set[str] = set()
    binary: set[str] = set()
    old_path: str | None = None
    new_path: str | None = None
    current: set[int] | None = None
    next_line = 0
    for raw in text.splitlines():
        if raw.startswith("diff --git "):
            old_path, new_path, current = None, None, None
            continue
        if current is not None and raw and raw[0] in "+- \\" and not raw.startswith(("+++", "---")):
            if raw[0] == "+":
                current.add(next_line)
                next_line += 1
            elif raw[0] == " ":
                next_line += 1
            continue
        if raw.startswith("rename from "):
            old_path = raw[len("rename from ") :]
        elif raw.startswith("rename to "):
            new_path = raw[len("rename to ") :]
            if old_path is not None:
                renamed[new_path] = old_path
                files.setdefault(new_path, set())
        elif raw.startswith("--- "):
            old_path = _strip_prefix(raw[4:], "a/")
        elif raw.startswith("+++ "):
            target = _strip_prefix(raw[4:], "b/")
            if target is None:
                if old_path is not None:
                    deleted.add(old_path)
                current = None
            else:
                new_path = target
                current = files.setdefault(target, set())
        elif raw.startswith("Binary files "):
            match = re.match(r"Binary files (.+?) and (.+?) differ$", raw)
            if match:
                target = _strip_prefix(match.group(2), "b/")
                if target is None:
                    gone = _strip_prefix(match.group(1), "a/")
                    if gone:
                        deleted.add(gone)
                else:
                    binary.add(target)
        elif raw.startswith("@@"):
            match = _HUNK.match(raw)
            if match and new_path is not None:
                current = files.setdefault(new_path, set())
                next_line = int(match.group(1))
    return ChangedLines(
        files={path: frozenset(lines) for path, lines in files.items() if path not in binary},
        renamed=renamed,
        deleted=frozenset(deleted),
        binary=frozenset(binary),
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
