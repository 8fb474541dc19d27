"""Read a JSON report that someone else wrote (a fork's job, a matrix job) as data, or refuse it.

Merge mode publishes reports uploaded by workflows the pull request controls, so a report
is hostile input until proven otherwise. This module is the proof: every report goes through
`read_report`, which ends either in a plain dict that matches the shipped JSON Schema
(`schemas/report-v1.schema.json`) or in a ConfigError (exit 2) naming the file and, for a
schema problem, the JSON path of the first one. In order, because each step protects the
next:

1. the size cap is enforced on the opened file descriptor (reading at most `max_bytes` + 1
   bytes), never by a stat() followed by a read(): the file can grow in between;
   only regular files are read (a FIFO would block the run, a device never ends);
2. the bytes must be UTF-8;
3. the bracket nesting depth is measured *before* `json.loads` sees the text: the decoder
   recurses once per level, so a 100,000-deep `[[[[…` would end in RecursionError (exit 3)
   -- or, with a raised recursion limit, a crashed interpreter;
4. `json.loads` refuses NaN/Infinity (not JSON; they poison every sum), numbers that become
   infinite floats, integers of thousands of digits, and duplicate keys (two parsers may
   pick different copies, so what is validated would not be what is used);
5. strings may not hold lone UTF-16 surrogates (`"\\ud800"`): Python accepts them, but
   every later UTF-8 write (summary, SARIF, check run) would fail;
6. the document is validated against the schema, whose bounds are those of `caps.py`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from . import caps
from .errors import ConfigError
from .flat_schema import flat_object_check

__all__ = ["SCHEMA_FILE", "first_error", "flat_object_check", "read_report", "schema", "shape"]

SCHEMA_FILE = "report-v1.schema.json"
_STRING = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'"[]{},')
_OPENING = frozenset(b"[{")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SHOWN_CHARS = 160


@functools.cache
def schema() -> dict[str, Any]:
    """The shipped schema, loaded once (it is package data, see pyproject.toml)."""
    text = (resources.files("importspy_action") / "schemas" / SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_report(path: Path, *, max_bytes: int) -> dict[str, Any]:
    """The report at `path` as a schema-valid dict, or ConfigError naming the first problem."""
    raw = _read_capped(path, max_bytes)
    depth, values = shape(raw)  # before decoding: the bytes and a text copy never coexist
    caps.JSON_VALUES.check(values, subject=str(path))
    caps.JSON_DEPTH.check(depth, subject=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 (byte {exc.start:,} is {raw[exc.start : exc.start + 1]!r}); "
            "a JSON report is UTF-8 text."
        ) from None
    del raw
    data = _parse(path, text)
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(path, data)
    del text
    error = first_error(data)
    if error is not None:
        raise ConfigError(f"{path}: {error} (report schema version 1).")
    if not isinstance(data, dict):  # pragma: no cover - the schema requires an object
        raise ConfigError(f"{path}: a report is a JSON object.")
    return data


def _read_capped(path: Path, max_bytes: int) -> bytes:
    cap = dataclasses.replace(caps.REPORT_BYTES, limit=max_bytes)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be opened ({exc.strerror}).") from None
    with os.fdopen(fd, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise ConfigError(f"{path}: not a regular file; a report is a JSON file.")
            os.set_blocking(stream.fileno(), True)
            raw = stream.read(max_bytes + 1)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from None
    if len(raw) > max_bytes:
        raise ConfigError(
            f"{path}: {cap.name} is over the limit of {cap.amount(max_bytes)} ({cap.why})."
        )
    if not raw.strip():
        raise ConfigError(f"{path}: empty; a report is a JSON object.")
    return raw


def shape(raw: bytes) -> tuple[int, int]:
    """(deepest bracket nesting, number of values) of a JSON text, outside its strings.

    Both come from C-speed bytes passes -- no recursion, no per-string objects, no Python
    loop except over the brackets: escaped backslashes and quotes are removed (left to right,
    as JSON pairs them), everything but quotes, brackets and commas is deleted, then what
    lies between quotes (string contents). The number of values is commas + containers + 1, an
    upper bound of what json.loads would allocate objects for: a 64 MB `[[],[],…]` is 21
    million lists (over a gigabyte of memory) though only 3 levels deep. An unterminated
    string leaves its brackets in: at worst that overstates a document json.loads refuses.
    """
    body = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Most strings are now `""`: dropping adjacent quote pairs keeps every other byte on its
    # side (the count of quotes before it changes by 0 or 2) and leaves few matches for the
    # regex, whose per-match pieces would otherwise cost ~100 MB on a 100,000-finding report.
    outside = _STRING.sub(b"", body.replace(b'""', b""))
    commas = outside.count(b",")
    brackets = outside.translate(None, b",")
    values = commas + len(brackets) // 2 + 1
    if values > caps.JSON_VALUES.limit:  # not worth walking the brackets of a refused file
        return 0, values
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in _OPENING else -1
        deepest = max(deepest, depth)
    return deepest, values


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"number {literal[:40]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {_show(key)}")
            seen.add(key)
    return obj


def _parse(path: Path, text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except ValueError as exc:  # our hooks; integers of more than 4,300 digits
        raise ConfigError(f"{path}: not usable JSON: {_clip(str(exc))}.") from None
    except RecursionError:  # pragma: no cover - the depth cap comes first
        raise ConfigError(f"{path}: nested too deeply.") from None


def _strings(data: Any, where: str = "$") -> Iterator[tuple[str, str]]:
    """Every key and string value with its JSON path, iteratively (depth is capped anyway)."""
    stack = [(where, data)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, str):
            yield at, item
        elif isinstance(item, dict):
            for key, value in item.items():
                yield at, key
                stack.append((f"{at}.{key}", value))
        elif isinstance(item, list):
            stack.extend((f"{at}[{index}]", value) for index, value in enumerate(item))


def _refuse_lone_surrogates(path: Path, data: Any) -> None:
    for at, value in _strings(data):
        if not value.isascii() and _SURROGATE.search(value):
            try:
                value.encode("utf-16", "strict")
            except UnicodeEncodeError:
                raise ConfigError(
                    f"{path}: {_clip(at)} holds a lone UTF-16 surrogate escape, which is not "
                    "text (it cannot be written as UTF-8)."
                ) from None


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@functools.cache
def _finding_validator() -> Draft202012Validator:
    return Draft202012Validator({"$defs": schema()["$defs"], "$ref": "#/$defs/finding"})


@functools.cache
def _finding_check() -> Callable[[Any], bool]:
    return flat_object_check(schema(), "finding")


def first_error(data: Any) -> str | None:
    """`at <JSON path> <reason>` for the first schema problem of `data`, or None.

    jsonschema is the authority, but walking it over 100,000 findings takes about 25 s
    (its per-keyword dispatch and $ref resolution). So it validates the report with each
    gate's findings list emptied, and each finding goes through `flat_object_check`, a
    checker compiled from the same schema definition; the first finding that check refuses
    is handed to jsonschema for the exact path and reason. A test holds the two to the
    same verdict on generated findings.
    """
    lists: list[tuple[int, list[Any]]] = []
    skeleton = data
    if isinstance(data, dict) and isinstance(data.get("gates"), list):
        gates = []
        for index, gate in enumerate(data["gates"]):
            if isinstance(gate, dict) and isinstance(gate.get("findings"), list):
                lists.append((index, gate["findings"]))
                gate = {**gate, "findings": []}
            gates.append(gate)
        skeleton = {**data, "gates": gates}
    error = next(iter(_validator().iter_errors(skeleton)), None)
    if error is not None:
        return f"{_where(error)} {_what(error)}"
    limit = schema()["$defs"]["gate"]["properties"]["findings"]["maxItems"]
    check = _finding_check()
    for gate_index, findings in lists:
        where = f"$.gates[{gate_index}].findings"
        if len(findings) > limit:
            return f"at {where} has more than {limit:,} items"
        for index, finding in enumerate(findings):
            if check(finding):
                continue
            error = next(iter(_finding_validator().iter_errors(finding)))
            at = f"{where}[{index}]" + error.json_path[1:]
            return f"at {_clip(at)} {_what(error)}"
    return None


def _where(error: ValidationError) -> str:
    return f"at {_clip(error.json_path)}"


def _what(error: ValidationError) -> str:
    """A short reason built from the schema, not from the (hostile, maybe huge) value."""
    keyword = error.validator
    expected: Any = error.validator_value
    described = {
        "type": lambda: f"must be of type {expected}",
        "maxLength": lambda: f"is longer than {expected:,} characters",
        "minLength": lambda: f"is shorter than {expected:,} characters",
        "maxItems": lambda: f"has more than {expected:,} items",
        "maxProperties": lambda: f"has more than {expected:,} keys",
        "minimum": lambda: f"is below the minimum {expected:,}",
        "maximum": lambda: f"is above the maximum {expected:,}",
        "enum": lambda: "must be one of " + ", ".join(map(str, expected)),
        "const": lambda: f"must be {expected!r}",
        "pattern": lambda: f"does not match {expected}",
    }
    if keyword in described:
        return described[str(keyword)]()
    return _clip(error.message)


def _show(value: str) -> str:
    return _clip(repr(value))


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
