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
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from pyexpat import ExpatError
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .. import caps
from ..errors import ConfigError
from ..workspace import printable

MAX_REPORT_BYTES = caps.COVERAGE_REPORT_BYTES.limit
"""A Cobertura report of 5,000 files / 1M lines is ~60 MB; 1 GiB means something is wrong."""

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


class FileCoverage:
    """Line (and branch) coverage of one source file, as named in one or more reports.

    Stored as sorted C arrays (4 bytes a line), not as sets of int objects: a set costs
    about 60 bytes per line once its table and the int objects are counted, which made a
    200 MB Cobertura report (4.5 million lines) take 785 MB before anything was computed.
    `statements`, `covered` and `branches` still read and assign as a set, a set and a
    dict -- built on access, one file at a time, so the gate's set algebra is unchanged and
    the memory it needs is that of the largest file, not of the whole report.
    """

    __slots__ = ("_branch_hit", "_branch_line", "_branch_total", "_covered", "_statements", "name")

    def __init__(
        self,
        name: str,
        statements: Iterable[int] = (),
        covered: Iterable[int] = (),
        branches: Mapping[int, tuple[int, int]] | None = None,
    ) -> None:
        self.name = name
        self._statements = _lines(statements)
        self._covered = _lines(covered)
        self._branch_line = array("i")
        self._branch_hit = array("i")
        self._branch_total = array("i")
        self.branches = branches or {}

    def __repr__(self) -> str:
        return (
            f"FileCoverage({self.name!r}, statements={len(self._statements)}, "
            f"covered={len(self._covered)}, branches={len(self._branch_line)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileCoverage):
            return NotImplemented
        return (self.name, self.statements, self.covered, self.branches) == (
            other.name,
            other.statements,
            other.covered,
            other.branches,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    @property
    def statements(self) -> set[int]:
        return set(self._statements)

    @statements.setter
    def statements(self, lines: Iterable[int]) -> None:
        self._statements = _lines(lines)

    @property
    def covered(self) -> set[int]:
        return set(self._covered)

    @covered.setter
    def covered(self, lines: Iterable[int]) -> None:
        self._covered = _lines(lines)

    @property
    def branches(self) -> dict[int, tuple[int, int]]:
        """line -> (branches taken, branches total)."""
        return {
            line: (hit, total)
            for line, hit, total in zip(
                self._branch_line, self._branch_hit, self._branch_total, strict=True
            )
        }

    @branches.setter
    def branches(self, counts: Mapping[int, tuple[int, int]]) -> None:
        lines = sorted(counts)
        self._branch_line = array("i", lines)
        self._branch_hit = array("i", (counts[line][0] for line in lines))
        self._branch_total = array("i", (counts[line][1] for line in lines))

    def merge(self, other: FileCoverage) -> None:
        """Union: a line ran if it ran in any report; per line the best branch count wins."""
        self._statements = _lines(self.statements | other.statements)
        self._covered = _lines(self.covered | other.covered)
        branches = self.branches
        for line, (hit, total) in other.branches.items():
            seen = branches.get(line)
            if seen is None or (hit, total) > seen:
                branches[line] = (hit, total)
        self.branches = branches

    @property
    def branch_counts(self) -> tuple[int, int]:
        return sum(self._branch_hit), sum(self._branch_total)


def _lines(numbers: Iterable[int]) -> array[int]:
    """Sorted, duplicate-free line numbers in a C array (4 bytes each)."""
    unique = numbers if isinstance(numbers, (set, frozenset)) else set(numbers)
    ordered = array("i", sorted(unique))
    if ordered and (ordered[0] < 1 or ordered[-1] > caps.LINE_NUMBER.limit):
        bad = ordered[0] if ordered[0] < 1 else ordered[-1]
        raise ValueError(f"line number {bad} is outside 1..{caps.LINE_NUMBER.limit:,}")
    return ordered


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


class _Lines:
    """One <class>'s lines while the report streams: appended to C arrays, sorted at the end.

    Appending costs 4 bytes a line and no Python object; duplicates (a line repeated under
    <method>, or a file split over several <class> elements) are removed by `freeze`.
    """

    __slots__ = ("branch_hit", "branch_line", "branch_total", "covered", "statements")

    def __init__(self) -> None:
        self.statements = array("i")
        self.covered = array("i")
        self.branch_line = array("i")
        self.branch_hit = array("i")
        self.branch_total = array("i")

    def freeze(self, name: str) -> FileCoverage:
        branches = {
            line: (hit, total)  # the last count of a repeated line wins, as before
            for line, hit, total in zip(
                self.branch_line, self.branch_hit, self.branch_total, strict=True
            )
        }
        return FileCoverage(name, self.statements, self.covered, branches)


class _CoberturaReader:
    """Collects <source> texts and <class>/<line> data while expat streams the document.

    Handlers sit directly on defusedxml's expat parser (its refusal handlers for entity
    declarations and external references stay installed): going through ElementTree's
    pure-Python target layer costs a dict and three calls per <line>, most of the time on
    a million-line report. So only a start handler runs per element; character data is
    listened to only inside <source>. A <line> belongs to the last <class> opened. Line
    numbers go into C arrays (`_Lines`), never into per-line Python objects: memory is
    4-8 bytes a line whatever the report's size.
    """

    def __init__(self) -> None:
        self.root: str | None = None
        self.sources: list[str] = []
        self.lines: dict[str, _Lines] = {}
        self.has_branches = False
        self.close: Callable[[], None] = lambda: None

    def files(self) -> dict[str, FileCoverage]:
        """The collected files, each frozen (sorted, de-duplicated) as it is handed over."""
        return {name: self.lines.pop(name).freeze(name) for name in list(self.lines)}

    def install(self, expat: Any) -> None:
        lines = self.lines
        add_statement: Callable[[int], None] | None = None
        add_covered: Callable[[int], None] = array("i").append
        current: _Lines | None = None
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
                if len(attrs) >= 4 and attrs[2] == "hits" and attrs[0] == "number":
                    number = int(attrs[1])  # coverage.py's order: <line number= hits= .../>
                    add_statement(number)
                    if attrs[3] != "0":
                        add_covered(number)
                    if len(attrs) > 4:
                        self._branch(current, number, attrs[4:])
                    return
                found = dict(zip(attrs[::2], attrs[1::2], strict=False))
                number = int(found["number"])
                add_statement(number)
                if found.get("hits", "0") != "0":
                    add_covered(number)
                self._branch(current, number, attrs)
                return
            if expat.CharacterDataHandler is not None:
                finish_source()
            if tag == "class":
                found = dict(zip(attrs[::2], attrs[1::2], strict=False))
                name = found.get("filename")
                if name is None:
                    raise ValueError("a <class> element has no filename attribute")
                current = lines.get(name)
                if current is None:
                    current = lines[name] = _Lines()
                add_statement, add_covered = current.statements.append, current.covered.append
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

    def _branch(self, data: _Lines | None, number: int, attrs: list[str]) -> None:
        if data is None:
            return
        found = dict(zip(attrs[::2], attrs[1::2], strict=False))
        if found.get("branch") != "true":
            return
        match = _CONDITION.search(found.get("condition-coverage", ""))
        if match:
            self.has_branches = True
            data.branch_line.append(number)
            data.branch_hit.append(int(match.group(1)))
            data.branch_total.append(int(match.group(2)))


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
        files = reader.files()
    except DefusedXmlException as exc:
        raise ConfigError(
            f"Coverage report {display!r} was refused: it declares XML entities or external "
            f"references ({type(exc).__name__}), which a coverage report never needs."
        ) from None
    except ExpatError as exc:
        raise ConfigError(f"Coverage report {display!r} is not well-formed XML: {exc}") from None
    except (ValueError, KeyError, OverflowError) as exc:
        raise ConfigError(
            f"Coverage report {display!r} is not a Cobertura report coverage.py can write: {exc}"
        ) from None
    if reader.root != "coverage":
        raise ConfigError(
            f"Coverage report {display!r} has root element <{reader.root}>, not <coverage>: "
            "it is not a Cobertura report (write one with `coverage xml`)."
        )
    return ParsedReport(path, "cobertura", files, reader.sources, reader.has_branches)


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
