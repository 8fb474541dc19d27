"""Read coverage.py's report files: Cobertura XML (`coverage xml`, pytest-cov) and JSON.

Only what the gate needs is kept per file (`FileCoverage`, file_coverage.py): its executable
lines, the ones that ran, and per-line branch counts when the report has them. The format is
told by the first byte; XML is streamed by cobertura.py, JSON read here. Every problem
becomes a ConfigError that names the file, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import caps
from ..errors import ConfigError
from ..workspace import printable
from .cobertura import read_cobertura
from .file_coverage import FileCoverage, ParsedReport

__all__ = ["MAX_REPORT_BYTES", "FileCoverage", "ParsedReport", "read_report"]

MAX_REPORT_BYTES = caps.COVERAGE_REPORT_BYTES.limit
"""A Cobertura report of 5,000 files / 1M lines is ~60 MB; 1 GiB means something is wrong."""


def read_report(path: Path, display: str) -> ParsedReport:
    """Read a Cobertura XML or coverage JSON report, telling them apart by their first byte."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError(f"Coverage report {display!r} cannot be read: {exc.strerror}") from None
    if size == 0:
        raise ConfigError(
            f"Coverage report {display!r} is empty; run `coverage xml` or `coverage json` "
            "after the tests (pytest-cov: `--cov-report=xml`)."
        )
    if size > MAX_REPORT_BYTES:
        raise ConfigError(
            f"Coverage report {display!r} is {size:,} bytes, more than the "
            f"{MAX_REPORT_BYTES:,} bytes this gate reads."
        )
    with path.open("rb") as stream:
        head = stream.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return read_cobertura(path, display)
    if head.startswith(b"{"):
        return _read_json(path, display)
    raise ConfigError(
        f"Coverage report {display!r} is neither Cobertura XML nor coverage JSON "
        "(accepted: the output of `coverage xml` or `coverage json`)."
    )


def _read_json(path: Path, display: str) -> ParsedReport:
    try:
        with path.open("rb") as stream:
            data = json.load(stream)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Coverage report {display!r} is not valid JSON: {exc}") from None
    except RecursionError:
        # `coverage json` nests four levels deep; thousands are an attack on the parser.
        raise ConfigError(
            f"Coverage report {display!r} nests too deeply to be a coverage.py JSON report."
        ) from None
    files_data = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files_data, dict):
        raise ConfigError(
            f"Coverage report {display!r} has no 'files' object: it is not a coverage.py "
            "JSON report (write one with `coverage json`)."
        )
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    has_branches = bool(meta.get("branch_coverage"))
    files: dict[str, FileCoverage] = {}
    for key, entry in files_data.items():
        name = _file_name(str(key))
        try:
            files[name] = _json_file(name, entry)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ConfigError(
                f"Coverage report {display!r}: entry {name!r} is malformed: {exc}"
            ) from None
    return ParsedReport(path, "json", files, [], has_branches)


def _file_name(name: str) -> str:
    """A report's file name as the file system spells it.

    coverage.py writes a name that is not UTF-8 as surrogate escapes (`\\udcff`), which
    `os` turns back into the file's bytes, so those stay. Any other lone surrogate (a
    hand-written `\\ud800`) can name no file and would break every UTF-8 output it reached:
    it is shown as `\\ud800`.
    """
    try:
        name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return printable(name)
    return name


def _json_file(name: str, entry: Any) -> FileCoverage:
    if not isinstance(entry, dict):
        raise TypeError("expected an object")
    executed = _int_list(entry.get("executed_lines", []), "executed_lines")
    missing = _int_list(entry.get("missing_lines", []), "missing_lines")
    result = FileCoverage(name, statements=set(executed) | set(missing), covered=set(executed))
    hits: dict[int, int] = {}
    totals: dict[int, int] = {}
    for key, ran in (("executed_branches", True), ("missing_branches", False)):
        arcs = entry.get(key, [])
        if not isinstance(arcs, list):
            raise TypeError(f"{key!r} must be a list of [from, to] pairs")
        for arc in arcs:
            if not (isinstance(arc, list) and len(arc) == 2 and isinstance(arc[0], int)):
                raise TypeError(f"{key!r} must be a list of [from, to] pairs")
            totals[arc[0]] = totals.get(arc[0], 0) + 1
            if ran:
                hits[arc[0]] = hits.get(arc[0], 0) + 1
    result.branches = {line: (hits.get(line, 0), total) for line, total in totals.items()}
    return result


def _int_list(value: Any, key: str) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise TypeError(f"{key!r} must be a list of line numbers")
    return value
