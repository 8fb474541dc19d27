"""A module's public API read from its source with `ast`: never imported, never executed.

The code under review is attacker-written, and the base version is not even on disk, so the
surface is what the source *declares*: functions and their parameters, classes with their
bases, methods and attributes, module attributes, re-exported names and `__all__`. Parsing
is static, like ImportSpy's own inspection, so it reads a module that would fail on import.

What is "public" follows what users expect: the names in a literal `__all__` when the
module has one, else every name without a leading underscore that the module defines
(imports are public only through `__all__`, as griffe and most documentation tools decide).
Inside classes, `_private` members are skipped but dunder methods (`__init__`, `__call__`)
are API. Conditional definitions (`if TYPE_CHECKING:`, `try: ... except ImportError:`) are
read from every branch; a later definition of a name replaces an earlier one, as at import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from .api_model import (
    Member,
    MemberKind,
    ModuleSurface,
    Param,
    ParamKind,
    SurfaceError,
    class_member_is_public,
    module_is_private,
)
from .signatures import dataclass_params, def_params
from .source_text import reading, text

__all__ = [
    "MAX_SOURCE",
    "Member",
    "MemberKind",
    "ModuleSurface",
    "Param",
    "ParamKind",
    "SurfaceError",
    "class_member_is_public",
    "module_is_private",
    "parse_module",
]

_DATACLASS_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass"})
_OVERLOAD_DECORATORS = frozenset({"overload", "typing.overload", "typing_extensions.overload"})
MAX_SOURCE = 5 * 1024 * 1024
"""Larger sources are refused by the caller: no real module is that big; a bomb might be."""


def parse_module(source: str | bytes, *, module: str, path: str) -> ModuleSurface:
    """The surface of one module's source; SurfaceError if it does not parse."""
    if len(source) > MAX_SOURCE:
        raise SurfaceError(f"{path}: larger than {MAX_SOURCE} bytes")
    try:
        tree = ast.parse(source, filename=path, type_comments=False)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise SurfaceError(f"{path}: does not parse: {exc}") from None
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    if data.startswith(b"\xef\xbb\xbf"):  # ast offsets count from after a UTF-8 BOM
        data = data[3:]
    with reading(data):
        members, all_names, all_line = _Reader().module(tree.body)
    text = data.decode("utf-8", "replace")
    return ModuleSurface(
        module=module,
        path=path,
        members=members,
        all_names=all_names,
        all_line=all_line,
        lines=text.count("\n") + 1,
    )


def _flatten(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a body, descending into if/try/with branches (conditional API)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _flatten(node.body)
            yield from _flatten(node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            yield from _flatten(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                yield from _flatten(handler.body)
            yield from _flatten(node.orelse)  # type: ignore[attr-defined]
            yield from _flatten(node.finalbody)  # type: ignore[attr-defined]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            yield from _flatten(node.body)
        else:
            yield node


def _targets(node: ast.stmt) -> list[tuple[str, str | None]]:
    """(name, annotation) bound by a simple assignment at this level."""
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, text(node.annotation))]
    if isinstance(node, ast.Assign):
        names: list[tuple[str, str | None]] = []
        for target in node.targets:
            elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            names.extend((item.id, None) for item in elements if isinstance(item, ast.Name))
        return names
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, None)]
    return []


def _string_list(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in node.elts
    ):
        return [item.value for item in node.elts]  # type: ignore[attr-defined]
    return None


def _bind(found: dict[str, Member], members: Iterable[Member]) -> None:
    """Bind names as execution would: a later binding replaces (and moves after) an earlier."""
    for item in members:
        found.pop(item.name, None)
        found[item.name] = item


def _aliases(node: ast.Import | ast.ImportFrom) -> Iterator[Member]:
    """The names an import binds, each an alias naming what it imports (`pkg.mod:name`)."""
    for alias in node.names:
        if alias.name == "*":
            continue
        name = alias.asname or alias.name.split(".")[0]
        if isinstance(node, ast.ImportFrom):
            target = "." * node.level + (node.module or "") + ":" + alias.name
        else:
            target = alias.name
        yield Member(name, "alias", node.lineno, target=target)


class _DunderAll:
    """`__all__` as a module builds it: a literal list or tuple, `+=`, `.append`, `.extend`.

    Anything else (a computed `__all__`) is not followed; with no literal one at all the
    module has no `__all__` and its public names are those without a leading underscore.
    """

    def __init__(self) -> None:
        self.names: list[str] | None = None
        self.line = 1

    def assign(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        value = node.value
        for name, _ in _targets(node):
            if name != "__all__":
                continue
            strings = _string_list(value)
            if strings is None:
                continue
            if isinstance(node, ast.AugAssign):
                self.names = [*(self.names or []), *strings]
            else:
                self.names = strings
                self.line = node.lineno

    def call(self, node: ast.Expr) -> None:
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "__all__"
            and call.func.attr in ("append", "extend")
            and self.names is not None
        ):
            return
        arg = call.args[0] if call.args else None
        if call.func.attr == "append" and isinstance(arg, ast.Constant):
            self.names.append(str(arg.value))
        elif call.func.attr == "extend":
            self.names.extend(_string_list(arg) or [])

    def result(self) -> tuple[str, ...] | None:
        """The names once each, in first-seen order; None when there was no literal `__all__`."""
        return None if self.names is None else tuple(dict.fromkeys(self.names))


class _Reader:
    def module(
        self, body: list[ast.stmt]
    ) -> tuple[tuple[Member, ...], tuple[str, ...] | None, int]:
        found: dict[str, Member] = {}
        dunder_all = _DunderAll()
        for node in _flatten(body):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                _bind(found, _aliases(node))
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                dunder_all.assign(node)
            if isinstance(node, ast.Expr):
                dunder_all.call(node)
            _bind(found, self.definition(node, in_class=False))
        return tuple(found.values()), dunder_all.result(), dunder_all.line

    def definition(self, node: ast.stmt, *, in_class: bool) -> list[Member]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = tuple(text(item) or "" for item in node.decorator_list)
            if any(item in _OVERLOAD_DECORATORS for item in decorators):
                return []
            if in_class and any(
                item == "property" or item.endswith((".setter", ".deleter", ".getter"))
                for item in decorators
            ):
                if any(item.endswith((".setter", ".deleter", ".getter")) for item in decorators):
                    return []
                return [
                    Member(
                        node.name,
                        "attribute",
                        node.lineno,
                        annotation=text(node.returns),
                        decorators=("property",),
                    )
                ]
            return [
                Member(
                    node.name,
                    "function",
                    node.lineno,
                    params=def_params(node.args),
                    returns=text(node.returns),
                    decorators=decorators,
                )
            ]
        if isinstance(node, ast.ClassDef):
            return [self.klass(node)]
        return [
            Member(name, "attribute", node.lineno, annotation=annotation)
            for name, annotation in _targets(node)
            if name != "__all__"
        ]

    def klass(self, node: ast.ClassDef) -> Member:
        decorators = tuple(text(item) or "" for item in node.decorator_list)
        found: dict[str, Member] = {}
        fields: list[tuple[ast.stmt, str, str | None]] = []
        for child in _flatten(node.body):
            for item in self.definition(child, in_class=True):
                found.pop(item.name, None)
                found[item.name] = item
            if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                annotation = text(child.annotation) or ""
                if "ClassVar" not in annotation:
                    fields.append((child, child.target.id, annotation))
            if isinstance(child, ast.FunctionDef) and child.name == "__init__":
                for name, line in _instance_attributes(child):
                    if name not in found:
                        found[name] = Member(name, "attribute", line, instance=True)
        dataclass_call = next(
            (
                item
                for item in node.decorator_list
                if (text(item.func if isinstance(item, ast.Call) else item) or "")
                in _DATACLASS_DECORATORS
            ),
            None,
        )
        if dataclass_call is not None and "__init__" not in found:
            found["__init__"] = Member(
                "__init__",
                "function",
                node.lineno,
                params=dataclass_params(dataclass_call, fields),
                returns="None",
            )
        return Member(
            node.name,
            "class",
            node.lineno,
            bases=tuple(text(base) or "" for base in node.bases),
            members=tuple(found.values()),
            decorators=decorators,
        )


def _instance_attributes(init: ast.FunctionDef) -> Iterator[tuple[str, int]]:
    """`self.x = ...` in `__init__` (the first parameter's name, whatever it is)."""
    if not init.args.args:
        return
    me = init.args.args[0].arg
    for node in ast.walk(init):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == me
            ):
                yield target.attr, node.lineno
