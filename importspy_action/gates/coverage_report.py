"""Read coverage.py's report files: Cobertura XML (`coverage xml`, pytest-cov) and JSON.

Only what the gate needs is kept per file: its executable lines, the ones that ran, and
per-line branch counts when the report has them. XML is streamed through defusedxml's expat
parser with small handlers -- no element tree is built, so a million-line report costs one
pass and little memory -- and any DTD entity or external reference is refused
(a coverage report never needs one; a billion-laughs report is an attack or a mistake).
Every problem becomes a ConfigError that names the file, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from pyexpat import ExpatError
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import ConfigError

MAX_REPORT_BYTES = 1024 * 1024 * 1024
"""A Cobertura report of 5,000 files / 1M lines is ~60 MB; 1 GiB means something is wrong."""

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


@dataclass
class FileCoverage:
    """Line (and branch) coverage of one source file, as named in one or more reports."""

    name: str
    statements: set[int] = field(default_factory=set)
    covered: set[int] = field(default_factory=set)
    branches: dict[int, tuple[int, int]] = field(default_factory=dict)  # line -> (hit, total)

    def merge(self, other: FileCoverage) -> None:
        """Union: a line ran if it ran in any report; per line the best branch count wins."""
        self.statements |= other.statements
        self.covered |= other.covered
        for line, (hit, total) in other.branches.items():
            seen = self.branches.get(line)
            if seen is None or (hit, total) > seen:
                self.branches[line] = (hit, total)

    @property
    def branch_counts(self) -> tuple[int, int]:
        hit = sum(h for h, _ in self.branches.values())
        total = sum(t for _, t in self.branches.values())
        return hit, total


@dataclass
class ParsedReport:
    """One report file: its files (report names), `<sources>` and format."""

    path: Path
    format: str  # "cobertura" | "json"
    files: dict[str, FileCoverage]
    sources: list[str]
    has_branches: bool


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
        return _read_cobertura(path, display)
    if head.startswith(b"{"):
        return _read_json(path, display)
    raise ConfigError(
        f"Coverage report {display!r} is neither Cobertura XML nor coverage JSON "
        "(accepted: the output of `coverage xml` or `coverage json`)."
    )


class _CoberturaReader:
    """Collects <source> texts and <class>/<line> data while expat streams the document.

    Handlers sit directly on defusedxml's expat parser (its refusal handlers for entity
    declarations and external references stay installed): going through ElementTree's
    pure-Python target layer costs a dict and three calls per <line>, most of the time on
    a million-line report. So only a start handler runs per element; character data is
    listened to only inside <source>. A <line> belongs to the last <class> opened (lines
    repeated under <method> land in the same sets, which absorb the duplicates).
    """

    def __init__(self) -> None:
        self.root: str | None = None
        self.sources: list[str] = []
        self.files: dict[str, FileCoverage] = {}
        self.has_branches = False
        self.close: Callable[[], None] = lambda: None

    def install(self, expat: Any) -> None:
        files = self.files
        add_statement: Callable[[int], None] | None = None
        add_covered: Callable[[int], None] = set[int]().add
        current: FileCoverage | None = None
        text: list[str] = []

        def collect(chunk: str) -> None:
            text.append(chunk)

        def finish_source() -> None:
            expat.CharacterDataHandler = None
            value = "".join(text).strip()
            text.clear()
            if value:
                self.sources.append(value)

        def start(tag: str, attrs: list[str]) -> None:
            nonlocal add_statement, add_covered, current
            if tag == "line":
                if add_statement is None:
                    return
                if len(attrs) == 4 and attrs[2] == "hits" and attrs[0] == "number":
                    number = int(attrs[1])  # the common case: <line number= hits=/>
                    add_statement(number)
                    if attrs[3] != "0":
                        add_covered(number)
                    return
                found = dict(zip(attrs[::2], attrs[1::2], strict=False))
                number = int(found["number"])
                add_statement(number)
                if found.get("hits", "0") != "0":
                    add_covered(number)
                self._branch(current, number, found)
                return
            if expat.CharacterDataHandler is not None:
                finish_source()
            if tag == "class":
                found = dict(zip(attrs[::2], attrs[1::2], strict=False))
                name = found.get("filename")
                if name is None:
                    raise ValueError("a <class> element has no filename attribute")
                current = files.get(name)
                if current is None:
                    current = files[name] = FileCoverage(name)
                add_statement, add_covered = current.statements.add, current.covered.add
            elif tag == "source":
                expat.CharacterDataHandler = collect
            elif self.root is None:
                self.root = tag

        def close() -> None:
            if expat.CharacterDataHandler is not None:
                finish_source()

        self.close = close
        expat.ordered_attributes = True
        expat.StartElementHandler = start
        expat.EndElementHandler = None
        expat.CharacterDataHandler = None

    def _branch(self, data: FileCoverage | None, number: int, attrib: dict[str, str]) -> None:
        if data is None or attrib.get("branch") != "true":
            return
        match = _CONDITION.search(attrib.get("condition-coverage", ""))
        if match:
            self.has_branches = True
            data.branches[number] = (int(match.group(1)), int(match.group(2)))


def _read_cobertura(path: Path, display: str) -> ParsedReport:
    reader = _CoberturaReader()
    parser = DefusedXMLParser(forbid_dtd=False)
    expat = parser.parser  # the pyexpat parser, with defusedxml's refusal handlers set
    reader.install(expat)
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                expat.Parse(chunk, False)
            expat.Parse(b"", True)
        reader.close()
    except DefusedXmlException as exc:
        raise ConfigError(
            f"Coverage report {display!r} was refused: it declares XML entities or external "
            f"references ({type(exc).__name__}), which a coverage report never needs."
        ) from None
    except ExpatError as exc:
        raise ConfigError(f"Coverage report {display!r} is not well-formed XML: {exc}") from None
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"Coverage report {display!r} is not a Cobertura report coverage.py can write: {exc}"
        ) from None
    if reader.root != "coverage":
        raise ConfigError(
            f"Coverage report {display!r} has root element <{reader.root}>, not <coverage>: "
            "it is not a Cobertura report (write one with `coverage xml`)."
        )
    return ParsedReport(path, "cobertura", reader.files, reader.sources, reader.has_branches)


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
    for name, entry in files_data.items():
        try:
            files[str(name)] = _json_file(str(name), entry)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"Coverage report {display!r}: entry {name!r} is malformed: {exc}"
            ) from None
    return ParsedReport(path, "json", files, [], has_branches)


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
