"""cobertura.py: the streamed reader, in coverage.py's attribute order and in any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.errors import ConfigError
from importspy_action.gates.cobertura import read_cobertura
from importspy_action.gates.file_coverage import FileCoverage

REPORT = """<?xml version="1.0" ?>
<coverage line-rate="0.5">
  <line number="99" hits="1"/>
  <sources>
    <source>/work/
src</source>
    <source>  </source>
    <source>/other</source>
  </sources>
  <packages><package name="p"><classes>
    <class name="a.py" filename="pkg/a.py">
      <methods><method name="f"><lines><line number="2" hits="1"/></lines></method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="1"/>
        <line number="3" hits="0" branch="true" condition-coverage="50% (1/2)"/>
        <line hits="4" number="7" branch="true" condition-coverage="100% (2/2)"/>
        <line branch="false" number="8" hits="0"/>
      </lines>
    </class>
    <class name="a2" filename="pkg/a.py"><lines><line number="9" hits="2"/></lines></class>
    <class name="b.py" filename="pkg/b.py"><lines/></class>
  </classes></package></packages>
</coverage>
"""


def _read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "coverage.xml"
    path.write_text(text, encoding="utf-8")
    return read_cobertura(path, "coverage.xml")


def test_lines_branches_and_sources_in_either_attribute_order(tmp_path: Path) -> None:
    report = _read(tmp_path, REPORT)
    assert report.format == "cobertura" and report.has_branches
    assert report.sources == ["/work/\nsrc", "/other"]
    assert set(report.files) == {"pkg/a.py", "pkg/b.py"}
    a = report.files["pkg/a.py"]
    assert a == FileCoverage(
        "pkg/a.py",
        statements={1, 2, 3, 7, 8, 9},
        covered={1, 2, 7, 9},
        branches={3: (1, 2), 7: (2, 2)},
    )
    assert report.files["pkg/b.py"].statements == set()


def test_a_last_source_is_kept_at_the_end_of_the_document(tmp_path: Path) -> None:
    # Text is collected until the next element starts; the last <source> ends with the file.
    report = _read(tmp_path, "<coverage><sources><source> /x </source></sources></coverage>")
    assert report.sources == ["/x"] and report.files == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<report/>", "root element <report>, not <coverage>"),
        ('<coverage><class name="x"/></coverage>', "no filename attribute"),
        ('<coverage><class filename="a.py"><line hits="1"/></class></coverage>', "number"),
        ('<!DOCTYPE c [<!ENTITY x "y">]><coverage>&x;</coverage>', "refused"),
    ],
)
def test_what_is_not_a_cobertura_report_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _read(tmp_path, text)
