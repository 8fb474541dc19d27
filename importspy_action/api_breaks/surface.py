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
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

ParamKind = Literal[
    "positional-only", "positional-or-keyword", "var-positional", "keyword-only", "var-keyword"
]
MemberKind = Literal["function", "class", "attribute", "alias"]

_DATACLASS_DECORATORS = frozenset({"dataclass", "dataclasses.dataclass"})
_OVERLOAD_DECORATORS = frozenset({"overload", "typing.overload", "typing_extensions.overload"})
MAX_SOURCE = 5 * 1024 * 1024
"""Larger sources are refused by the caller: no real module is that big; a bomb might be."""


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
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    token = _SOURCE.set((data, starts))
    try:
        members, all_names, all_line = _Reader().module(tree.body)
    finally:
        _SOURCE.reset(token)
    text = data.decode("utf-8", "replace")
    return ModuleSurface(
        module=module,
        path=path,
        members=members,
        all_names=all_names,
        all_line=all_line,
        lines=text.count("\n") + 1,
    )


_SOURCE: ContextVar[tuple[bytes, list[int]] | None] = ContextVar("_SOURCE", default=None)
"""The module being read (UTF-8 bytes, offset of each line): expressions are sliced from it,
which is several times cheaper than `ast.unparse` and keeps the author's spelling."""


def _text(node: ast.AST | None) -> str | None:
    """An expression's source text (compare.py normalises spelling before comparing)."""
    if node is None:
        return None
    current = _SOURCE.get()
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if current is not None and end_line is not None and end_col is not None:
        data, starts = current
        start = starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        return data[start : starts[end_line - 1] + end_col].decode("utf-8", "replace")
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - ast.parse output unparses
        return "<?>"


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
        return [(node.target.id, _text(node.annotation))]
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


class _Reader:
    def module(
        self, body: list[ast.stmt]
    ) -> tuple[tuple[Member, ...], tuple[str, ...] | None, int]:
        found: dict[str, Member] = {}
        all_names: list[str] | None = None
        all_line = 1
        for node in _flatten(body):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    name = alias.asname or alias.name.split(".")[0]
                    if isinstance(node, ast.ImportFrom):
                        target = "." * node.level + (node.module or "") + ":" + alias.name
                    else:
                        target = alias.name
                    found.pop(name, None)
                    found[name] = Member(name, "alias", node.lineno, target=target)
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                value = node.value
                for name, _ in _targets(node):
                    if name != "__all__":
                        continue
                    strings = _string_list(value)
                    if strings is None:
                        continue
                    if isinstance(node, ast.AugAssign):
                        all_names = [*(all_names or []), *strings]
                    else:
                        all_names = strings
                        all_line = node.lineno
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == "__all__"
                and node.value.func.attr in ("append", "extend")
                and all_names is not None
            ):
                arg = node.value.args[0] if node.value.args else None
                if node.value.func.attr == "append" and isinstance(arg, ast.Constant):
                    all_names.append(str(arg.value))
                elif node.value.func.attr == "extend":
                    all_names.extend(_string_list(arg) or [])
            member = self.definition(node, in_class=False)
            for item in member:
                found.pop(item.name, None)
                found[item.name] = item
        deduped = None if all_names is None else tuple(dict.fromkeys(all_names))
        return tuple(found.values()), deduped, all_line

    def definition(self, node: ast.stmt, *, in_class: bool) -> list[Member]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = tuple(_text(item) or "" for item in node.decorator_list)
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
                        annotation=_text(node.returns),
                        decorators=("property",),
                    )
                ]
            return [
                Member(
                    node.name,
                    "function",
                    node.lineno,
                    params=_params(node.args),
                    returns=_text(node.returns),
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
        decorators = tuple(_text(item) or "" for item in node.decorator_list)
        found: dict[str, Member] = {}
        fields: list[tuple[ast.stmt, str, str | None]] = []
        for child in _flatten(node.body):
            for item in self.definition(child, in_class=True):
                found.pop(item.name, None)
                found[item.name] = item
            if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                annotation = _text(child.annotation) or ""
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
                if (_text(item.func if isinstance(item, ast.Call) else item) or "")
                in _DATACLASS_DECORATORS
            ),
            None,
        )
        if dataclass_call is not None and "__init__" not in found:
            found["__init__"] = Member(
                "__init__",
                "function",
                node.lineno,
                params=_dataclass_params(dataclass_call, fields),
                returns="None",
            )
        return Member(
            node.name,
            "class",
            node.lineno,
            bases=tuple(_text(base) or "" for base in node.bases),
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


def _params(args: ast.arguments) -> tuple[Param, ...]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    params: list[Param] = []
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind: ParamKind = (
            "positional-only" if index < len(args.posonlyargs) else "positional-or-keyword"
        )
        params.append(Param(arg.arg, kind, _text(default), _text(arg.annotation), arg.lineno))
    if args.vararg is not None:
        vararg = args.vararg
        params.append(
            Param(vararg.arg, "var-positional", None, _text(vararg.annotation), vararg.lineno)
        )
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(
            Param(arg.arg, "keyword-only", _text(kw_default), _text(arg.annotation), arg.lineno)
        )
    if args.kwarg is not None:
        kwarg = args.kwarg
        params.append(Param(kwarg.arg, "var-keyword", None, _text(kwarg.annotation), kwarg.lineno))
    return tuple(params)


def _dataclass_params(
    decorator: ast.expr, fields: list[tuple[ast.stmt, str, str | None]]
) -> tuple[Param, ...]:
    """The `__init__` a @dataclass generates: fields in order, `kw_only=True` honoured.

    A field's default is its assigned value; `field(default=...)` / `default_factory=...`
    give one too, a bare `field()` does not. `init=False` fields are left out.
    """
    kw_only = isinstance(decorator, ast.Call) and any(
        keyword.arg == "kw_only"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in decorator.keywords
    )
    params = [Param("self", "positional-or-keyword")]
    for node, name, annotation in fields:
        if (annotation or "").endswith("KW_ONLY"):
            kw_only = True
            continue
        value = node.value if isinstance(node, ast.AnnAssign) else None
        default = _text(value)
        if isinstance(value, ast.Call) and (_text(value.func) or "").endswith("field"):
            options = {keyword.arg: keyword.value for keyword in value.keywords}
            init = options.get("init")
            if isinstance(init, ast.Constant) and init.value is False:
                continue
            given = options.get("default") or options.get("default_factory")
            default = None if given is None else _text(value)
        kind: ParamKind = "keyword-only" if kw_only else "positional-or-keyword"
        params.append(Param(name, kind, default, annotation, node.lineno))
    return tuple(params)
