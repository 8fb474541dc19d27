"""compare.py: one test per rule, the harmless changes that must pass, and properties."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.api_breaks.compare import RULES, compare_modules, module_removed
from importspy_action.api_breaks.surface import parse_module
from importspy_action.model import Finding, Severity


def findings(base: str, head: str, *, breaking: Severity = Severity.ERROR) -> list[Finding]:
    old = parse_module(textwrap.dedent(base), module="pkg.mod", path="pkg/mod.py")
    new = parse_module(textwrap.dedent(head), module="pkg.mod", path="pkg/mod.py")
    return compare_modules(old, new, breaking=breaking)


def codes(base: str, head: str) -> list[tuple[str, int]]:
    return [(f.code, f.start_line) for f in findings(base, head)]


# (rule, base source, head source, expected (code, head line) list)
BREAKS = [
    ("removed function", "def f(): ...\ndef g(): ...\n", "def g(): ...\n", [("API-REMOVED", 1)]),
    ("removed class", "class C: ...\n", "x = 1\n", [("API-REMOVED", 1)]),
    (
        "removed method",
        "class C:\n    def m(self): ...\n    def n(self): ...\n",
        "class C:\n    def n(self): ...\n",
        [("API-REMOVED", 1)],
    ),
    ("removed attribute", "X = 1\nY = 2\n", "Y = 2\n", [("API-REMOVED", 1)]),
    (
        "removed instance attribute",
        "class C:\n    def __init__(self):\n        self.v = 1\n",
        "class C:\n    def __init__(self):\n        pass\n",
        [("API-REMOVED", 1)],
    ),
    ("parameter removed", "def f(a, b): ...\n", "def f(a): ...\n", [("API-PARAM-REMOVED", 1)]),
    (
        "keyword-only removed",
        "def f(*, a=1, b=2): ...\n",
        "\ndef f(*, a=1): ...\n",
        [("API-PARAM-REMOVED", 2)],
    ),
    ("parameter renamed", "def f(a, b): ...\n", "def f(a, c): ...\n", [("API-PARAM-RENAMED", 1)]),
    (
        "keyword renamed",
        "def f(*, colour=None): ...\n",
        "def f(*, color=None): ...\n",
        [("API-PARAM-RENAMED", 1)],
    ),
    ("new required", "def f(a): ...\n", "def f(a, b): ...\n", [("API-PARAM-REQUIRED", 1)]),
    (
        "new required keyword-only",
        "def f(a): ...\n",
        "def f(a, *, b): ...\n",
        [("API-PARAM-REQUIRED", 1)],
    ),
    (
        "new required in a dataclass",
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n",
        "from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n    y: int\n",
        [("API-PARAM-REQUIRED", 5)],
    ),
    ("made keyword-only", "def f(a, b): ...\n", "def f(a, *, b): ...\n", [("API-PARAM-KIND", 1)]),
    ("made positional-only", "def f(a): ...\n", "def f(a, /): ...\n", [("API-PARAM-KIND", 1)]),
    (
        "positional moved",
        "def f(a, b=1): ...\n",
        "def f(b=1, a=None): ...\n",
        [("API-PARAM-MOVED", 1), ("API-PARAM-MOVED", 1)],
    ),
    (
        "default removed",
        "def f(a, b=1): ...\n",
        "def f(a,\n      b): ...\n",
        [("API-DEFAULT-REMOVED", 2)],
    ),
    (
        "base removed",
        "class Base: ...\nclass C(Base): ...\n",
        "class Base: ...\n\nclass C: ...\n",
        [("API-BASE-REMOVED", 3)],
    ),
    (
        "__all__ entry removed",
        "__all__ = ['f', 'g']\ndef f(): ...\ndef g(): ...\n",
        "__all__ = ['g']\ndef f(): ...\ndef g(): ...\n",
        [("API-ALL-REMOVED", 1)],
    ),
    (
        "kind changed",
        "def f(): ...\n",
        "f = 1\n",
        [("API-KIND-CHANGED", 1)],
    ),
    (
        "varargs removed",
        "def f(*args): ...\n",
        "def f(): ...\n",
        [("API-PARAM-REMOVED", 1)],
    ),
]

WARNINGS = [
    (
        "return annotation",
        "def f() -> int: ...\n",
        "def f() -> str: ...\n",
        [("API-ANNOTATION-CHANGED", 1)],
    ),
    (
        "parameter annotation",
        "def f(a: int): ...\n",
        "def f(a: str): ...\n",
        [("API-ANNOTATION-CHANGED", 1)],
    ),
    ("default changed", "def f(a=1): ...\n", "def f(a=2): ...\n", [("API-DEFAULT-CHANGED", 1)]),
    ("attribute annotation", "X: int = 1\n", "X: str = '1'\n", [("API-ANNOTATION-CHANGED", 1)]),
]

HARMLESS = [
    ("new optional parameter", "def f(a): ...\n", "def f(a, b=None, *, c=1): ...\n"),
    ("new function", "def f(): ...\n", "def f(): ...\ndef g(x): ...\n"),
    ("reordered definitions", "def f(): ...\nclass C: ...\n", "class C: ...\ndef f(): ...\n"),
    (
        "docstring and body edits",
        "def f(a):\n    return a\n",
        'def f(a):\n    """Doc."""\n    b = a + 1\n    return b - 1\n',
    ),
    (
        "type-only refactor",
        "from typing import Optional, List, Union\n"
        "def f(a: Optional[int], b: List[str], c: Union[int, str]) -> 'Thing': ...\n",
        "def f(a: int | None, b: list[str], c: str | int) -> Thing: ...\n",
    ),
    ("keyword-only made positional-or-keyword", "def f(*, a=1): ...\n", "def f(a=1): ...\n"),
    ("positional-only renamed", "def f(a, /): ...\n", "def f(value, /): ...\n"),
    (
        "receiver renamed",
        "class C:\n    def m(self, a): ...\n",
        "class C:\n    def m(this, a): ...\n",
    ),
    ("private removed", "def _f(): ...\nclass C:\n    def _m(self): ...\n", "class C: ...\n"),
    ("kwargs absorbs a keyword", "def f(*, a=1): ...\n", "def f(**options): ...\n"),
    (
        "moved to a submodule and re-exported",
        "def f(a): ...\n",
        "from ._impl import f\n",
    ),
    (
        "reformatted defaults and annotations",
        "def f(a: 'Dict[str,int]' = {'k': 1}, b=(1, 2), c='x'): ...\n",
        'def f(a: dict[str, int] = {"k": 1}, b=( 1, 2 ), c="x"): ...\n',
    ),
    (
        "multi-line signature",
        "def f(a: int, b: str = 'x') -> int: ...\n",
        "def f(\n    a: int,\n    b: str = 'x',\n) -> int: ...\n",
    ),
    ("annotation added", "def f(a): ...\n", "def f(a: int) -> None: ...\n"),
    (
        "module __getattr__ deprecation shim",
        "def old(): ...\n",
        "def __getattr__(name):\n    raise AttributeError(name)\n",
    ),
    (
        "non-literal __all__ ignored",
        "__all__ = ['f']\ndef f(): ...\n",
        "__all__ = names()\ndef f(): ...\n",
    ),
]


@pytest.mark.parametrize(("label", "base", "head", "expected"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_break_is_one_located_error(
    label: str, base: str, head: str, expected: list[tuple[str, int]]
) -> None:
    found = findings(base, head)
    assert [(f.code, f.start_line) for f in found] == expected
    assert all(f.severity is Severity.ERROR and f.gate == "api-breaks" for f in found)
    assert all(f.path == "pkg/mod.py" and f.help for f in found)


@pytest.mark.parametrize(
    ("label", "base", "head", "expected"), WARNINGS, ids=[w[0] for w in WARNINGS]
)
def test_changes_that_still_bind_are_warnings(
    label: str, base: str, head: str, expected: list[tuple[str, int]]
) -> None:
    found = findings(base, head)
    assert [(f.code, f.start_line) for f in found] == expected
    assert all(f.severity is Severity.WARNING for f in found)


@pytest.mark.parametrize(("label", "base", "head"), HARMLESS, ids=[h[0] for h in HARMLESS])
def test_harmless_changes_pass(label: str, base: str, head: str) -> None:
    assert findings(base, head) == []


def test_major_bump_makes_breaks_warnings() -> None:
    found = findings("def f(a): ...\n", "def f(a, b): ...\n", breaking=Severity.WARNING)
    assert [(f.code, f.severity) for f in found] == [("API-PARAM-REQUIRED", Severity.WARNING)]


def test_removed_things_name_the_base_line_and_advise_an_alias() -> None:
    (finding,) = findings("\n\ndef gone(): ...\n", "x = 1\n")
    assert "base line 3" in finding.message and "pkg.mod.gone" in finding.message
    assert finding.help is not None and "deprecated alias" in finding.help


def test_renamed_keyword_advice_names_both() -> None:
    (finding,) = findings("def f(*, colour=None): ...\n", "def f(*, color=None): ...\n")
    assert "colour" in finding.message and "color" in finding.message
    assert finding.help is not None and "colour" in finding.help


def test_new_required_parameter_points_at_the_parameter_line() -> None:
    (finding,) = findings("def f(a): ...\n", "def f(\n    a,\n    b,\n): ...\n")
    assert (finding.code, finding.start_line) == ("API-PARAM-REQUIRED", 3)
    assert finding.help is not None and "default" in finding.help


def test_module_removed_finding() -> None:
    base = parse_module("def f(): ...\n", module="pkg.old", path="pkg/old.py")
    finding = module_removed(base, breaking=Severity.ERROR)
    assert (finding.code, finding.path, finding.start_line) == (
        "API-MODULE-REMOVED",
        "pkg/old.py",
        1,
    )


def test_every_rule_has_a_title_and_is_exercised() -> None:
    exercised = {code for *_, expected in BREAKS + WARNINGS for code, _ in expected}
    assert exercised | {"API-MODULE-REMOVED"} == set(RULES)


# ---- properties ------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "d", "e", "value", "key"])


@st.composite
def signatures(draw: st.DrawFn) -> list[str]:
    """Parameters of a random valid `def f(...)`: every kind, defaults and annotations."""
    names = draw(st.lists(NAMES, unique=True, max_size=6))
    cut1 = draw(st.integers(0, len(names)))
    cut2 = draw(st.integers(cut1, len(names)))
    posonly, normal, kwonly = names[:cut1], names[cut1:cut2], names[cut2:]
    parts: list[str] = []
    seen_default = False
    for group in (posonly, normal):
        for name in group:
            if draw(st.booleans()) or seen_default:
                seen_default = True
                parts.append(f"{name}: int = {draw(st.integers(0, 3))}")
            else:
                parts.append(name)
        if group is posonly and posonly:
            parts.append("/")
    parts.append("*args" if draw(st.booleans()) else "*")
    parts.extend(name if draw(st.booleans()) else f"{name}=None" for name in kwonly)
    if parts[-1] == "*":
        parts.pop()
    if draw(st.booleans()):
        parts.append("**kw")
    return parts


def source_of(parts: list[str]) -> str:
    return f"def f({', '.join(parts)}) -> int: ...\n"


def with_keyword(parts: list[str], param: str) -> list[str]:
    """`param` added as a keyword-only parameter (before `**kw`, after `*`/`*args`)."""
    head = [p for p in parts if not p.startswith("**")]
    if not any(p.startswith("*") for p in head):
        head.append("*")
    return [*head, param, *(p for p in parts if p.startswith("**"))]


@given(signatures())
def test_a_surface_compared_with_itself_has_no_findings(parts: list[str]) -> None:
    assert findings(source_of(parts), source_of(parts)) == []


@given(signatures(), st.sampled_from(["zz", "extra", "flag"]))
def test_adding_an_optional_keyword_never_breaks(parts: list[str], name: str) -> None:
    assert findings(source_of(parts), source_of(with_keyword(parts, f"{name}=None"))) == []


@given(signatures(), st.sampled_from(["zz", "extra", "flag"]))
def test_adding_an_optional_positional_at_the_end_never_breaks(parts: list[str], name: str) -> None:
    cut = next((i for i, p in enumerate(parts) if p.startswith("*")), len(parts))
    head = [*parts[:cut], f"{name}: int = 0", *parts[cut:]]
    assert findings(source_of(parts), source_of(head)) == []


@given(signatures(), st.sampled_from(["zz", "extra"]))
def test_adding_a_required_keyword_always_breaks(parts: list[str], name: str) -> None:
    found = findings(source_of(parts), source_of(with_keyword(parts, name)))
    assert [f.code for f in found] == ["API-PARAM-REQUIRED"]


def test_every_rule_is_documented_with_an_example() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "api-breaks.md").read_text()
    for code in RULES:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{code}` |")), "")
        assert "->" in row, f"{code} has no example row in docs/api-breaks.md"
