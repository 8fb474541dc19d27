"""A module's public API as data: what `surface.parse_module` reads and `compare` judges.

Plain frozen values, no parsing: `Param` (one parameter as a caller sees it), `Member` (a
function, class, attribute or re-exported name) and `ModuleSurface` (one module's members and
its `__all__`). What counts as public is decided here too, so the reader, the comparison and
the contract writer agree on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

ParamKind = Literal[
    "positional-only", "positional-or-keyword", "var-positional", "keyword-only", "var-keyword"
]
MemberKind = Literal["function", "class", "attribute", "alias"]


class SurfaceError(Exception):
    """The source cannot be parsed (syntax error, NUL byte, too deep)."""


@dataclass(frozen=True)
class Param:
    """One parameter: kind, default and annotation as source text (None when absent)."""

    name: str
    kind: ParamKind
    default: str | None = None
    annotation: str | None = None
    line: int = field(default=0, compare=False)

    @property
    def required(self) -> bool:
        return self.default is None and self.kind not in ("var-positional", "var-keyword")


@dataclass(frozen=True)
class Member:
    """A named thing in a module or class.

    `kind` decides which fields mean something: functions have `params`/`returns`, classes
    have `bases`/`members`, attributes have `annotation`, aliases (imports) have `target`.
    """

    name: str
    kind: MemberKind
    line: int
    params: tuple[Param, ...] = ()
    returns: str | None = None
    bases: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    annotation: str | None = None
    target: str | None = None
    decorators: tuple[str, ...] = ()
    instance: bool = False  # an attribute set on `self` in `__init__`, not in the class body

    def member(self, name: str) -> Member | None:
        return next((item for item in self.members if item.name == name), None)

    def public_members(self) -> Iterator[Member]:
        return (item for item in self.members if class_member_is_public(item.name))


@dataclass(frozen=True)
class ModuleSurface:
    """Everything one module declares, in source order, plus its `__all__` if literal."""

    module: str  # dotted name, e.g. "pkg.sub"
    path: str  # repo-relative path of the file it was read from
    members: tuple[Member, ...] = ()
    all_names: tuple[str, ...] | None = None
    all_line: int = 1
    lines: int = field(default=0, compare=False)

    def member(self, name: str) -> Member | None:
        return next((item for item in self.members if item.name == name), None)

    def public_names(self) -> tuple[str, ...]:
        """`__all__` if the module has one, else defined names without a leading `_`."""
        if self.all_names is not None:
            return self.all_names
        return tuple(
            item.name
            for item in self.members
            if not item.name.startswith("_") and item.kind != "alias"
        )


def class_member_is_public(name: str) -> bool:
    """Dunder methods are API (`__init__` is the constructor); `_x` and `__x` are not."""
    if name.startswith("__") and name.endswith("__") and len(name) > 4:
        return True
    return not name.startswith("_")


def module_is_private(module: str) -> bool:
    """`pkg._impl` and `_pkg.x` are private; `pkg.__init__`/`__main__` are not skipped here."""
    return any(
        part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
        for part in module.split(".")
    )
