"""Value parsers: one raw input string -> one typed value, or ValueError saying what is allowed.

Each parser is a pure function of the string, so it can be tested on its own and reused by
both front doors. The message of a ValueError is shown after "Input `<name>`: ", so it names
the bad value and the accepted form but not the input.
"""

from __future__ import annotations

import math
import re

from ..model import Severity
from .values import ContractEntry

RULE_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")


class LineProblems(ValueError):
    """Several bad lines of one list input, each reported on its own with its line number."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {number}: {text}" for number, text in problems))
        self.problems = tuple(problems)


# --------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMG]i?B|[KMG]|B)?$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "K": 1024,
    "M": 1024**2,
    "G": 1024**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$", re.IGNORECASE)
_DURATION_UNITS = {"": 1.0, "s": 1.0, "ms": 0.001, "m": 60.0, "min": 60.0}
_VERSION = re.compile(r"\d+(\.\d+){1,2}([a-z]+\d+)?")


def parse_size(value: str) -> int:
    """'1MiB', '512KB', '2048' -> bytes; at least 1 byte."""
    match = _SIZE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a size; use bytes or a unit such as 512KiB, 2MB, 1GiB")
    number = float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").upper()]
    if number < 1:
        raise ValueError(f"{value!r} must be at least 1 byte")
    return int(number)


def parse_duration(value: str) -> float:
    """'20', '20s', '500ms', '2m' -> seconds; must be positive."""
    match = _DURATION.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a duration; use seconds or e.g. 500ms, 30s, 2m")
    seconds = float(match.group(1)) * _DURATION_UNITS[(match.group(2) or "").lower()]
    if seconds <= 0 or not math.isfinite(seconds):
        raise ValueError(f"{value!r} must be a positive duration")
    return seconds


def parse_bool(value: str) -> bool:
    """GitHub's YAML 1.2 core-schema booleans, as actions/toolkit's getBooleanInput."""
    if value in {"true", "True", "TRUE"}:
        return True
    if value in {"false", "False", "FALSE", ""}:
        return False
    raise ValueError(f"{value!r} is not a boolean; use true or false")


def parse_choice(value: str, allowed: tuple[str, ...]) -> str:
    """One of a fixed set of words, spelled exactly (inputs are case-sensitive, as in YAML)."""
    if value not in allowed:
        raise ValueError(f"{value!r} is not allowed; use one of: {', '.join(allowed)}")
    return value


def parse_count(value: str) -> int:
    """A whole number >= 0 (no sign, no unit): limits such as `max-annotations`."""
    if not value.isdigit():
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return int(value)


def parse_percent(value: str) -> float | None:
    """'80', '80%', '92.5' -> 80.0 ...; empty means "no threshold" (None)."""
    if value == "":
        return None
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        raise ValueError(f"{value!r} is not a percentage between 0 and 100") from None
    if not 0 <= number <= 100:
        raise ValueError(f"{value!r} is not a percentage between 0 and 100")
    return number


def parse_check_name(value: str) -> str:
    """A non-empty check-run name short enough to stay readable in GitHub's checks list."""
    if not value:
        raise ValueError("the check name must not be empty")
    if len(value) > 100:
        raise ValueError("the check name must be at most 100 characters")
    return value


def parse_version(value: str) -> str:
    """A release number such as 0.17.6 (empty: the bundled tool); pip gets nothing else."""
    if value and not _VERSION.fullmatch(value):
        raise ValueError(f"{value!r} is not a version number such as 0.17.6")
    return value


# --------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------


def list_items(value: str) -> list[tuple[int, str]]:
    """The one list syntax, with the line each item is on (for messages that point at it).

    Items are separated by line breaks or commas; `#` starts a comment that runs to the end
    of its line (also inside an item: `a#b` is `a`); each item is stripped of surrounding
    whitespace and empty items are dropped. Every list input uses exactly this, so a
    workflow can write any of them as a YAML block (`|`) or on one line with commas.
    """
    items: list[tuple[int, str]] = []
    for number, line in enumerate(value.splitlines(), start=1):
        for piece in line.split("#", 1)[0].split(","):
            item = piece.strip()
            if item:
                items.append((number, item))
    return items


def parse_list(value: str) -> tuple[str, ...]:
    """A list input (e.g. the globs of `coverage-file` or `reports`) -> its items in order."""
    return tuple(item for _, item in list_items(value))


def parse_codes(value: str) -> frozenset[str]:
    """Rule codes (`ignore`): ISPY-S103, E501, ..."""
    codes = parse_list(value)
    bad = [code for code in codes if not RULE_CODE.match(code)]
    if bad:
        raise ValueError(f"{', '.join(map(repr, bad))}: rule codes look like ISPY-S103 or E501")
    return frozenset(codes)


def parse_severity_overrides(value: str) -> dict[str, Severity]:
    """`CODE=level` items (`severity`) -> {code: Severity}."""
    overrides: dict[str, Severity] = {}
    for item in parse_list(value):
        code, sep, level = item.partition("=")
        code, level = code.strip(), level.strip()
        if not sep or not RULE_CODE.match(code):
            raise ValueError(f"{item!r} is not CODE=level (e.g. ISPY-S103=warning)")
        try:
            overrides[code] = Severity.parse(level)
        except ValueError:
            raise ValueError(
                f"{item!r}: level {level!r} is not one of error, warning, notice"
            ) from None
    return overrides


_PAIR = re.compile(r"^(?P<glob>.+?)\s*:\s+(?P<contract>\S.*)$")


def parse_contracts(value: str) -> tuple[tuple[ContractEntry, ...], bool]:
    """`contracts` items -> (entries, whether `pyproject` was named).

    An item is a glob (sidecar contracts), `glob: contract-path` (the colon must be followed
    by whitespace), or `pyproject`; a bare `glob:` names no contract and is refused. The
    items follow the one list syntax (`list_items`), so a comma separates two entries even
    on one line: `src/a.py: contracts/a.yml, src/b.py` is a pair and a sidecar glob.
    """
    entries: list[ContractEntry] = []
    from_pyproject = False
    problems: list[tuple[int, str]] = []
    for number, text in list_items(value):
        if text == "pyproject":
            from_pyproject = True
            continue
        match = _PAIR.match(text)
        if match:
            entries.append(ContractEntry(match["glob"].strip(), match["contract"].strip()))
        elif text.endswith(":"):
            problems.append((number, f"{text!r} names no contract after the colon"))
        else:
            entries.append(ContractEntry(text, None))
    if problems:
        raise LineProblems(problems)
    return tuple(entries), from_pyproject


def parse_category(value: str) -> str:
    """A SARIF `automationDetails.id`: one line, short."""
    if len(value) > 200 or any(ord(char) < 32 for char in value):
        raise ValueError("a SARIF category is one line of at most 200 characters")
    return value


MAX_WORKERS = 256
"""More engine processes than this is a typo, not a machine."""


def parse_workers(value: str) -> int | None:
    """`auto` (None: resolved where the engine runs) or 1..MAX_WORKERS."""
    if value in {"", "auto"}:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise ValueError(f"{value!r} is not `auto` or a whole number from 1 to {MAX_WORKERS}")
    return int(value)


def parse_shard(value: str) -> tuple[int, int] | None:
    """`K/N` with 1 <= K <= N, or empty for every module."""
    if not value:
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(
            f"{value!r} is not K/N with 1 <= K <= N (e.g. `2/4`: the second of four shares)"
        )
    return int(match[1]), int(match[2])
