"""The oracle suite: breaking and harmless changes, each as (label, base files, head files).

Files are a tiny package `pk` (`pk/__init__.py`, `pk/mod.py`, ...). Kept apart from the test
so docs/api-breaks.md and the benchmark can name the same cases.
"""

from __future__ import annotations

Files = dict[str, str]


def mod(source: str) -> Files:
    return {"pk/__init__.py": "", "pk/mod.py": source}


CASES: list[tuple[str, Files, Files]] = [
    # ---- breaking -----------------------------------------------------------------------
    ("public module removed", {**mod(""), "pk/gone.py": "def g(): ...\n"}, mod("")),
    ("function removed", mod("def f(): ...\ndef g(): ...\n"), mod("def g(): ...\n")),
    ("class removed", mod("class C: ...\n"), mod("")),
    (
        "method removed",
        mod("class C:\n    def m(self): ...\n    def n(self): ...\n"),
        mod("class C:\n    def n(self): ...\n"),
    ),
    ("attribute removed", mod("X = 1\nY = 2\n"), mod("Y = 2\n")),
    ("parameter removed", mod("def f(a, b): ...\n"), mod("def f(a): ...\n")),
    ("parameter renamed", mod("def f(a, b): ...\n"), mod("def f(a, c): ...\n")),
    ("keyword renamed", mod("def f(*, colour=None): ...\n"), mod("def f(*, color=None): ...\n")),
    ("new required parameter", mod("def f(a): ...\n"), mod("def f(a, b): ...\n")),
    ("new required keyword", mod("def f(a): ...\n"), mod("def f(a, *, b): ...\n")),
    ("made keyword-only", mod("def f(a, b): ...\n"), mod("def f(a, *, b): ...\n")),
    ("made positional-only", mod("def f(a): ...\n"), mod("def f(a, /): ...\n")),
    ("positional moved", mod("def f(a, b=1): ...\n"), mod("def f(b=1, a=None): ...\n")),
    ("default removed", mod("def f(a, b=1): ...\n"), mod("def f(a, b): ...\n")),
    ("default changed", mod("def f(a=1): ...\n"), mod("def f(a=2): ...\n")),
    ("base removed", mod("class B: ...\nclass C(B): ...\n"), mod("class B: ...\nclass C: ...\n")),
    ("return annotation changed", mod("def f() -> int: ...\n"), mod("def f() -> str: ...\n")),
    ("parameter annotation changed", mod("def f(a: int): ...\n"), mod("def f(a: str): ...\n")),
    ("attribute annotation changed", mod("X: int = 1\n"), mod("X: str = '1'\n")),
    (
        "__all__ entry removed",
        mod("__all__ = ['f', 'g']\ndef f(): ...\ndef g(): ...\n"),
        mod("__all__ = ['g']\ndef f(): ...\ndef g(): ...\n"),
    ),
    ("function became attribute", mod("def f(): ...\n"), mod("f = 1\n")),
    ("attribute value changed", mod("X = 1\n"), mod("X = 2\n")),
    (
        "new required dataclass field",
        mod("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n"),
        mod("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n    y: int\n"),
    ),
    # ---- harmless -----------------------------------------------------------------------
    ("new optional parameter", mod("def f(a): ...\n"), mod("def f(a, b=None, *, c=1): ...\n")),
    ("new function", mod("def f(): ...\n"), mod("def f(): ...\ndef g(x): ...\n")),
    (
        "reordered definitions",
        mod("def f(): ...\nclass C: ...\n"),
        mod("class C: ...\ndef f(): ...\n"),
    ),
    (
        "docstring and body edits",
        mod("def f(a):\n    return a\n"),
        mod('def f(a):\n    """Doc."""\n    b = a + 1\n    return b - 1\n'),
    ),
    (
        "type-only refactor",
        mod(
            "from typing import Optional, List\n"
            "def f(a: Optional[int], b: List[str]) -> Optional[str]: ...\n"
        ),
        mod("def f(a: int | None, b: list[str]) -> str | None: ...\n"),
    ),
    ("private function removed", mod("def _f(): ...\ndef g(): ...\n"), mod("def g(): ...\n")),
    ("private module removed", {**mod(""), "pk/_impl.py": "def g(): ...\n"}, mod("")),
    ("keyword-only widened", mod("def f(*, a=1): ...\n"), mod("def f(a=1): ...\n")),
    ("positional-only renamed", mod("def f(a, /): ...\n"), mod("def f(value, /): ...\n")),
]
