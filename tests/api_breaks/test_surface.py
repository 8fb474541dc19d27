"""surface.py: what a module declares, read statically, and what counts as public."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.api_breaks.surface import (
    Param,
    SurfaceError,
    module_is_private,
    parse_module,
)

SOURCE = '''\
"""Doc."""
import os
from typing import TYPE_CHECKING
from .impl import helper as exported

if TYPE_CHECKING:
    from collections.abc import Sequence

VERSION: str = "1"
_HIDDEN = 2
a, b = 1, 2

def f(x, /, y: int, z=3, *args: str, key: bool = False, **kw) -> int:
    return 0

async def coro(): ...

class Thing(Base, metaclass=Meta):
    size: int = 0
    def __init__(self, name):
        self.name = name
        self._secret = 1
    def _private(self): ...
    def __call__(self): ...
    @property
    def label(self) -> str: ...
    @label.setter
    def label(self, value): ...
    @staticmethod
    def make(n): ...

try:
    from fast import g
except ImportError:
    def g(): ...
'''


def test_members_kinds_and_lines() -> None:
    surface = parse_module(SOURCE, module="pkg.mod", path="pkg/mod.py")
    kinds = {m.name: (m.kind, m.line) for m in surface.members}
    assert kinds["f"] == ("function", 13)
    assert kinds["coro"] == ("function", 16)
    assert kinds["Thing"] == ("class", 18)
    assert kinds["VERSION"] == ("attribute", 9)
    assert kinds["a"][0] == kinds["b"][0] == "attribute"
    assert kinds["exported"] == ("alias", 4)
    assert kinds["Sequence"][0] == "alias"  # read inside `if TYPE_CHECKING:`
    assert kinds["g"] == ("function", 35)  # the later definition (the except branch) wins


def test_parameters_kinds_defaults_annotations() -> None:
    f = parse_module(SOURCE, module="m", path="m.py").member("f")
    assert f is not None
    assert f.params == (
        Param("x", "positional-only"),
        Param("y", "positional-or-keyword", None, "int"),
        Param("z", "positional-or-keyword", "3"),
        Param("args", "var-positional", None, "str"),
        Param("key", "keyword-only", "False", "bool"),
        Param("kw", "var-keyword"),
    )
    assert f.returns == "int"
    assert [p.required for p in f.params] == [True, True, False, False, False, False]


def test_class_bases_members_and_publicity() -> None:
    thing = parse_module(SOURCE, module="m", path="m.py").member("Thing")
    assert thing is not None
    assert thing.bases == ("Base",)
    names = {m.name: m.kind for m in thing.members}
    assert names["label"] == "attribute"  # a property reads like an attribute
    assert names["name"] == "attribute"  # instance attribute set in __init__
    assert names["size"] == "attribute"
    public = {m.name for m in thing.public_members()}
    assert public == {"size", "__init__", "__call__", "label", "make", "name"}


def test_public_names_without_all_skip_imports_and_underscores() -> None:
    surface = parse_module(SOURCE, module="m", path="m.py")
    assert set(surface.public_names()) == {"VERSION", "a", "b", "f", "coro", "Thing", "g"}


def test_all_decides_publicity_including_reexports() -> None:
    source = '__all__ = ["f", "exported"]\n__all__ += ["g"]\n__all__.append("h")\n'
    source += "from .impl import exported\ndef f(): ...\ndef g(): ...\ndef other(): ...\n"
    surface = parse_module(source, module="m", path="m.py")
    assert surface.all_names == ("f", "exported", "g", "h")
    assert surface.public_names() == ("f", "exported", "g", "h")
    assert surface.all_line == 1


def test_overloads_are_skipped_the_implementation_counts() -> None:
    source = (
        "from typing import overload\n@overload\ndef f(a: int) -> int: ...\n"
        "@overload\ndef f(a: str) -> str: ...\ndef f(a, b=None): return a\n"
    )
    f = parse_module(source, module="m", path="m.py").member("f")
    assert f is not None and [p.name for p in f.params] == ["a", "b"] and f.line == 6


def test_dataclass_init_is_synthesised_from_fields() -> None:
    source = (
        "from dataclasses import dataclass, field, KW_ONLY\n"
        "from typing import ClassVar\n"
        "@dataclass(frozen=True)\nclass P:\n    x: int\n    y: int = 0\n"
        "    z: list[int] = field(default_factory=list)\n    w: int = field()\n"
        "    hidden: int = field(default=1, init=False)\n    c: ClassVar[int] = 3\n"
        "    _: KW_ONLY\n    k: str = 'a'\n"
    )
    cls = parse_module(source, module="m", path="m.py").member("P")
    assert cls is not None
    init = cls.member("__init__")
    assert init is not None
    assert [(p.name, p.kind, p.required) for p in init.params] == [
        ("self", "positional-or-keyword", True),
        ("x", "positional-or-keyword", True),
        ("y", "positional-or-keyword", False),
        ("z", "positional-or-keyword", False),
        ("w", "positional-or-keyword", True),
        ("k", "keyword-only", False),
    ]


def test_syntax_errors_and_nul_bytes_are_surface_errors() -> None:
    with pytest.raises(SurfaceError, match="does not parse"):
        parse_module("def f(:\n", module="m", path="m.py")
    with pytest.raises(SurfaceError):
        parse_module("x = 1\x00\n", module="m", path="m.py")


def test_source_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    source = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\nraise SystemExit(3)\n"
    surface = parse_module(source, module="m", path="m.py")
    assert surface.public_names() == ()
    assert not marker.exists()


@pytest.mark.parametrize(
    ("module", "private"),
    [
        ("pkg.mod", False),
        ("pkg._impl", True),
        ("_pkg.mod", True),
        ("pkg.__init__", False),
        ("pkg.__main__", False),
    ],
)
def test_private_modules(module: str, private: bool) -> None:
    assert module_is_private(module) is private
