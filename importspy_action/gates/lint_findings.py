"""Ruff's JSON diagnostics (`--output-format json`) -> Findings.

`ruff check` speaks JSON: code, name, message, filename, location/end_location (1-based
row/column), fix (with applicability) and url. `ruff format --check` is read in its concise
form (see parse_concise) and turned into the same shape.
Rule codes such as F401 are kept verbatim so `ignore`/`severity` take ruff's own codes;
ruff's lowercase pseudo-codes become RUFF-SYNTAX (invalid-syntax) and RUFF-FORMAT
(unformatted) so users can address them in those inputs too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import ConfigError
from ..model import Finding, Severity

GATE = "lint"
FORMATTER_URL = "https://docs.astral.sh/ruff/formatter/"
_CODE = re.compile(r"^[A-Z][A-Z0-9]*$")
_ALIASES = {"invalid-syntax": "RUFF-SYNTAX", "unformatted": "RUFF-FORMAT"}


def parse_json(text: str, *, command: str) -> list[dict[str, Any]]:
    """The diagnostics array, or ConfigError quoting what ruff printed instead."""
    try:
        data = json.loads(text)
    except ValueError:
        snippet = text.strip()[:500] or "(no output)"
        raise ConfigError(f"`{command}` did not print JSON diagnostics: {snippet}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ConfigError(f"`{command}` printed JSON that is not a list of diagnostics")
    return data


_DECODER = json.JSONDecoder()
_BLANK = frozenset(" \t\n\r")


def _skip(text: str, index: int) -> int:
    """The index of the first character at or after `index` that is not JSON whitespace."""
    while index < len(text) and text[index] in _BLANK:
        index += 1
    return index


def iter_json(text: str, *, command: str) -> Iterator[dict[str, Any]]:
    """The diagnostics of `parse_json`, decoded one at a time.

    ruff prints 100,000 diagnostics as ~75 MB of JSON; decoded whole, with their locations,
    fixes and edits, they held about 200 MB at once before becoming findings. Decoding each
    as it is needed keeps one alive. Anything unusual (not an array, an item that is not an
    object, broken JSON) is handed to `parse_json`, so the answer and every error message
    are the same as decoding the whole text.
    """
    done = 0
    try:
        for item in _array_items(text):
            yield item
            done += 1
    except ValueError:
        yield from parse_json(text, command=command)[done:]


def _array_items(text: str) -> Iterator[dict[str, Any]]:
    """The objects of a JSON array of objects; ValueError at the first thing that is not."""
    index = _skip(text, 0)
    if not text.startswith("[", index):
        raise ValueError("not an array")
    index = _skip(text, index + 1)
    if text.startswith("]", index):
        index += 1
    else:
        while True:
            item, index = _DECODER.raw_decode(text, index)
            if not isinstance(item, dict):
                raise ValueError("not an object")
            yield item
            index = _skip(text, index)
            if text.startswith(",", index):
                index = _skip(text, index + 1)
                continue
            if not text.startswith("]", index):
                raise ValueError("array not closed")
            index += 1
            break
    if _skip(text, index) != len(text):
        raise ValueError("text after the array")


_CONCISE = re.compile(
    r"^(?P<path>.+?):(?P<row>\d+):(?P<column>\d+): (?P<code>[A-Za-z0-9-]+)(?: \[\*\])?:? "
    r"(?P<message>.*)$"
)


def parse_concise(text: str, *, command: str, expect_some: bool) -> list[dict[str, Any]]:
    """Diagnostics from `--output-format concise` in the shape of the JSON ones.

    Used for `ruff format --check`: its JSON carries every reformatted region as a fix
    (megabytes on a large code base) while concise says the same -- which file, first
    differing line -- in one line per file. Summary lines ("3 files would be reformatted")
    are skipped; if ruff says files need formatting (`expect_some`) but no line parses,
    the output is quoted in a ConfigError rather than passed over.
    """
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        match = _CONCISE.match(line)
        if match is None:
            continue
        location = {"row": int(match["row"]), "column": int(match["column"])}
        found.append(
            {
                "code": match["code"],
                "name": match["code"],
                "filename": match["path"],
                "location": location,
                "end_location": None,
                "message": match["message"],
                "fix": None,
                "url": None,
            }
        )
    if expect_some and not found:
        snippet = text.strip()[:500] or "(no output)"
        raise ConfigError(f"`{command}` reported problems in a form not understood: {snippet}")
    return found


def rule_code(diagnostic: dict[str, Any]) -> str:
    code = diagnostic.get("code")
    name = diagnostic.get("name")
    raw = code if isinstance(code, str) and code else (name if isinstance(name, str) else "")
    if _CODE.match(raw):
        return raw
    if raw in _ALIASES:
        return _ALIASES[raw]
    cleaned = re.sub(r"[^A-Z0-9]+", "-", raw.upper()).strip("-")
    return f"RUFF-{cleaned}" if cleaned else "RUFF"


_NAMING: dict[tuple[Any, Any], tuple[str, str]] = {}


def _naming(code: Any, name: Any) -> tuple[str, str]:
    """(rule code, title) for ruff's code and name, memoised: a few dozen rules, many hits."""
    key = (code, name)
    found = _NAMING.get(key)
    if found is None:
        rule = rule_code({"code": code, "name": name})
        label = name if isinstance(name, str) else ""
        title = f"{rule} {label}" if label and label != rule.lower() else rule
        found = _NAMING[key] = (rule, title)
    return found


def to_finding(diagnostic: dict[str, Any], display: Callable[[str], str]) -> Finding:
    get = diagnostic.get
    code, title = _naming(get("code"), get("name"))
    start_line, start_column = _location(get("location"))
    end_line, end_column = _location(get("end_location"))
    filename = get("filename")
    message = str(get("message") or get("name") or code)
    cell = get("cell")
    if isinstance(cell, int):
        message = f"{message} (notebook cell {cell})"
    url = get("url")
    if code == "RUFF-FORMAT":
        url = url or FORMATTER_URL
        help_text = (
            "Run `ruff format` to reformat this file (the first line that differs is shown)."
        )
    else:
        help_text = _fix_help(get("fix"))
    return Finding(
        gate=GATE,
        code=code,
        severity=Severity.ERROR,
        path=display(filename) if isinstance(filename, str) and filename else ".",
        start_line=start_line,
        start_column=start_column,
        end_line=end_line if get("end_location") else None,
        end_column=end_column,
        title=title,
        message=message,
        help=help_text,
        url=url if isinstance(url, str) else None,
    )


def _location(value: Any) -> tuple[int, int | None]:
    if not isinstance(value, dict):
        return 1, None
    row = value.get("row")
    column = value.get("column")
    return (
        row if isinstance(row, int) and row >= 1 else 1,
        column if isinstance(column, int) and column >= 1 else None,
    )


def _fix_help(fix: Any) -> str:
    if not isinstance(fix, dict):
        return "No automatic fix."
    applicability = str(fix.get("applicability") or "")
    message = fix.get("message")
    how = "`ruff check --fix`" if applicability == "safe" else "`ruff check --fix --unsafe-fixes`"
    what = f": {message}" if isinstance(message, str) and message else ""
    return f"Fix available ({applicability or 'unknown'}, {how}){what}."
