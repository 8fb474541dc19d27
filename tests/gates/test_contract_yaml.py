"""Contract YAML: refusals before the engine, and the key-to-line map findings rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.gates.contract_yaml import ContractProblem, read_contract

CONTRACT = """\
schema_version: 1
variables:
  - name: PLUGIN_NAME
functions:
  - name: register
    arguments:
      - name: host
classes:
  - name: Plugin
    methods:
      - name: run
        arguments:
          - name: self
      - name: stop
runtime:
  python: ">=3.10"
dependencies:
  PyYAML:
    allowed: false
"""


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "c.importspy.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_line_map(tmp_path: Path):
    doc = read_contract(_write(tmp_path, CONTRACT), 1 << 20)
    assert doc.line_of(("classes", 0, "methods", 1, "name")) == 14
    assert doc.line_of(("runtime", "python")) == 16
    assert doc.line_of(("dependencies", "PyYAML")) == 18
    assert doc.line_of(("runtime", "os")) == 15  # deepest existing parent
    assert doc.line_of(("nothing",)) == 1


def test_requirements_in_engine_order_with_context(tmp_path: Path):
    doc = read_contract(_write(tmp_path, CONTRACT), 1 << 20)
    names = [(r.name, r.context) for r in doc.requirements()]
    assert names[:4] == [
        ("PLUGIN_NAME", None),
        ("register", None),
        ("host", "function `register`"),
        ("Plugin", None),
    ]
    assert ("stop", "class `Plugin`") in names
    assert ("self", "method `Plugin.run`") in names


def test_alias_bomb_refused_fast(tmp_path: Path):
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 20):
        p, c = f"l{i - 1}" if i > 1 else "a", f"l{i}"
        rows.append(f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]")
    path = _write(tmp_path, "\n".join(rows))
    # Refused on the event stream, before anything expands it (pytest-timeout guards a hang).
    with pytest.raises(ContractProblem) as caught:
        read_contract(path, 1 << 20)
    assert caught.value.code == "ISPYA-C102"
    assert caught.value.line == 1


def test_plain_anchor_refused_too(tmp_path: Path):
    text = "schema_version: 1\nruntime: &r\n  python: '>=3.10'\n"
    with pytest.raises(ContractProblem) as caught:
        read_contract(_write(tmp_path, text), 1 << 20)
    assert caught.value.code == "ISPYA-C102" and caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: [1, 2\n", 3, "not valid YAML"),
        ("a: 1\n  b: 2\n", 2, "not valid YAML"),
        ("", 1, "it is empty"),
        ("- 1\n- 2\n", 1, "it is a list"),
        ("just text\n", 1, "scalar value"),
    ],
)
def test_bad_yaml(tmp_path: Path, text: str, line: int, words: str):
    with pytest.raises(ContractProblem) as caught:
        read_contract(_write(tmp_path, text), 1 << 20)
    assert caught.value.line == line
    assert words in caught.value.message


def test_size_cap_and_encoding(tmp_path: Path):
    with pytest.raises(ContractProblem, match="the limit is 10 bytes") as caught:
        read_contract(_write(tmp_path, CONTRACT), 10)
    assert caught.value.code == "ISPYA-C103"
    with pytest.raises(ContractProblem, match="not UTF-8") as bad:
        read_contract(_write(tmp_path, b"a: 1\nb: \xff\n"), 1 << 20)
    assert bad.value.line == 2


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(tmp_path_factory: pytest.TempPathFactory, text: str):
    path = tmp_path_factory.mktemp("c") / "c.yml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        doc = read_contract(path, 1 << 20)
    except ContractProblem as problem:
        assert problem.line >= 1
    else:
        assert isinstance(doc.data, dict)


def test_requirements_paths_and_scopes_skip_unnamed_items(tmp_path: Path):
    """Every kind of requirement with its key path; unnamed items (and what they hold) skipped."""
    text = """\
variables:
  - name: V
  - {}
functions:
  - name: f
    arguments:
      - name: a
      - {}
  - arguments: [{name: orphan}]
classes:
  - name: C
    attributes:
      - name: x
      - {}
    methods:
      - name: m
        arguments:
          - name: self
      - {}
    superclasses:
      - name: Base
  - attributes: [{name: lost}]
"""
    doc = read_contract(_write(tmp_path, text), 1 << 20)
    assert [(r.name, r.path, r.context) for r in doc.requirements()] == [
        ("V", ("variables", 0, "name"), None),
        ("f", ("functions", 0, "name"), None),
        ("a", ("functions", 0, "arguments", 0, "name"), "function `f`"),
        ("C", ("classes", 0, "name"), None),
        ("x", ("classes", 0, "attributes", 0, "name"), "class `C`"),
        ("C.x", ("classes", 0, "attributes", 0, "name"), "class `C`"),
        ("m", ("classes", 0, "methods", 0, "name"), "class `C`"),
        ("C.m", ("classes", 0, "methods", 0, "name"), "class `C`"),
        ("self", ("classes", 0, "methods", 0, "arguments", 0, "name"), "method `C.m`"),
        ("Base", ("classes", 0, "superclasses", 0, "name"), "class `C`"),
    ]
