"""The documented caps on untrusted input, each ending in a ConfigError (exit 2).

Everything the action reads may be written by whoever opened the pull request: a fork's
merged JSON report, a coverage report, a module. Without a cap, a hostile or broken input
ends as exit 3 (a RecursionError, a MemoryError, an OOM kill) or ties up the runner; with
one, it ends as exit 2 and a message that names the input, the limit and how far over it
is. Keeping every cap here (and in the table of `docs/report-schema.md`) means one place to
read what the action promises to accept. The Checks API's own size rules are a different
thing -- they clip what we send -- and live in `github/limits.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError


@dataclass(frozen=True)
class Cap:
    """One limit: what it bounds, its value and the unit in which messages state it."""

    name: str
    limit: int
    unit: str
    why: str

    def check(self, value: int, *, subject: str) -> None:
        """Raise ConfigError naming `subject` when `value` is over the limit."""
        if value > self.limit:
            raise ConfigError(
                f"{subject}: {self.name} is {self.amount(value)}, above the limit of "
                f"{self.amount(self.limit)} ({self.why})."
            )

    def amount(self, value: int) -> str:
        return f"{value:,} {self.unit}" if self.unit else f"{value:,}"


REPORT_BYTES = Cap(
    "JSON report size",
    64 * 1024 * 1024,
    "bytes",
    "a JSON report of 100,000 findings is about 35 MB",
)
JSON_DEPTH = Cap(
    "JSON nesting depth",
    32,
    "levels",
    "a report nests 6 levels; deeper JSON is refused before it is parsed",
)
JSON_VALUES = Cap(
    "number of JSON values",
    4_000_000,
    "values",
    "each costs a Python object: 100,000 findings are 1.7 million; 4 million stay within "
    "about 300 MB however small the values",
)
FINDINGS_PER_GATE = Cap(
    "number of findings in one gate",
    200_000,
    "findings",
    "twice the 100,000 the action is measured with",
)
STRING_CHARS = Cap(
    "length of a text field",
    65_536,
    "characters",
    "annotation text: GitHub stores at most 64 KB per annotation message",
)
LINE_NUMBER = Cap(
    "line number",
    9_999_999,
    "",
    "no source file has ten million lines",
)
COVERAGE_REPORT_BYTES = Cap(
    "coverage report size",
    1024 * 1024 * 1024,
    "bytes",
    "a Cobertura report of 5,000 files and 1M lines is about 60 MB",
)
COVERAGE_FILES = Cap(
    "number of coverage report files",
    1_000,
    "files",
    "one per matrix job or test shard is plenty",
)
REPORT_FILES = Cap(
    "number of JSON reports to merge",
    1_000,
    "reports",
    "one per job of a workflow run; GitHub allows at most 256 jobs per matrix",
)

ALL: tuple[Cap, ...] = (
    REPORT_BYTES,
    JSON_DEPTH,
    JSON_VALUES,
    FINDINGS_PER_GATE,
    STRING_CHARS,
    LINE_NUMBER,
    COVERAGE_REPORT_BYTES,
    COVERAGE_FILES,
    REPORT_FILES,
)
