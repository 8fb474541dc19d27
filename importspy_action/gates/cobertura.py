"""Cobertura XML (`coverage xml`, pytest-cov) streamed through expat into `FileCoverage`.

No element tree is built: a million-line report costs one pass and little memory. The
parser is defusedxml's, so any DTD entity or external reference is refused (a coverage
report never needs one; a billion-laughs report is an attack or a mistake). Every problem
becomes a ConfigError naming the file.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from pathlib import Path
from pyexpat import ExpatError
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import ConfigError
from .file_coverage import FileCoverage, ParsedReport

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


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
        self._expat: Any = None
        self._text: list[str] = []

    def files(self) -> dict[str, FileCoverage]:
        """The collected files, each frozen (sorted, de-duplicated) as it is handed over."""
        return {name: self.lines.pop(name).freeze(name) for name in list(self.lines)}

    def install(self, expat: Any) -> None:
        """Set the handlers on `expat`: one start handler, text only inside <source>.

        The start handler is a closure over the current <class>'s appenders, and the
        coverage.py attribute order (`number`, `hits`, then branch data) is read without
        building a dict: it runs once per <line>, millions of times on a large report.
        """
        self._expat = expat
        add_statement: Callable[[int], None] | None = None
        add_covered: Callable[[int], None] = array("i").append
        current: _Lines | None = None

        def start(tag: str, attrs: list[str]) -> None:
            nonlocal add_statement, add_covered, current
            if tag == "line" and add_statement is not None:
                if len(attrs) >= 4 and attrs[2] == "hits" and attrs[0] == "number":
                    number = int(attrs[1])  # coverage.py's order: <line number= hits= .../>
                    add_statement(number)
                    if attrs[3] != "0":
                        add_covered(number)
                    if len(attrs) > 4:
                        self._branch(current, number, attrs[4:])
                else:
                    self._line_any_order(current, attrs)
                return
            if tag == "line":  # outside any <class>: belongs to no file
                return
            opened = self._element(tag, attrs)
            if opened is not None:
                current = opened
                add_statement, add_covered = opened.statements.append, opened.covered.append

        expat.ordered_attributes = True
        expat.StartElementHandler = start
        expat.EndElementHandler = None
        expat.CharacterDataHandler = None

    def close(self) -> None:
        """End of document: a <source> still open keeps its text."""
        if self._expat is not None and self._expat.CharacterDataHandler is not None:
            self._finish_source()

    def _line_any_order(self, data: _Lines | None, attrs: list[str]) -> None:
        """A <line> whose attributes are not in coverage.py's order (another writer)."""
        if data is None:  # pragma: no cover - appenders are set together with the class
            return
        found = dict(zip(attrs[::2], attrs[1::2], strict=False))
        number = int(found["number"])
        data.statements.append(number)
        if found.get("hits", "0") != "0":
            data.covered.append(number)
        self._branch(data, number, attrs)

    def _element(self, tag: str, attrs: list[str]) -> _Lines | None:
        """Any element but <line>: ends a <source>'s text; a <class> returns its lines."""
        if self._expat.CharacterDataHandler is not None:
            self._finish_source()
        if tag == "class":
            found = dict(zip(attrs[::2], attrs[1::2], strict=False))
            name = found.get("filename")
            if name is None:
                raise ValueError("a <class> element has no filename attribute")
            lines = self.lines.get(name)
            if lines is None:
                lines = self.lines[name] = _Lines()
            return lines
        if tag == "source":
            self._expat.CharacterDataHandler = self._text.append
        elif self.root is None:
            self.root = tag
        return None

    def _finish_source(self) -> None:
        self._expat.CharacterDataHandler = None
        value = "".join(self._text).strip()
        self._text.clear()
        if value:
            self.sources.append(value)

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


def read_cobertura(path: Path, display: str) -> ParsedReport:
    """Stream a Cobertura report into a ParsedReport; ConfigError names what is wrong."""
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
