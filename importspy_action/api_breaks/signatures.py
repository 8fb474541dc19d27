"""The parameters a caller passes: read from a `def`, or from the `__init__` a @dataclass makes.

A dataclass's constructor is API like any `__init__`, but it is not in the source: it is
built from the class's annotated fields, so it is rebuilt here the way `dataclasses` builds
it (field order, defaults, `field(init=False)`, `kw_only=True` and `KW_ONLY`).
"""

from __future__ import annotations

import ast

from .api_model import Param, ParamKind
from .source_text import text


def def_params(args: ast.arguments) -> tuple[Param, ...]:
    """A `def`'s parameters in call order, each with its kind, default and annotation text."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    params: list[Param] = []
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind: ParamKind = (
            "positional-only" if index < len(args.posonlyargs) else "positional-or-keyword"
        )
        params.append(Param(arg.arg, kind, text(default), text(arg.annotation), arg.lineno))
    if args.vararg is not None:
        vararg = args.vararg
        params.append(
            Param(vararg.arg, "var-positional", None, text(vararg.annotation), vararg.lineno)
        )
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(
            Param(arg.arg, "keyword-only", text(kw_default), text(arg.annotation), arg.lineno)
        )
    if args.kwarg is not None:
        kwarg = args.kwarg
        params.append(Param(kwarg.arg, "var-keyword", None, text(kwarg.annotation), kwarg.lineno))
    return tuple(params)


def dataclass_params(
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
        default = text(value)
        if isinstance(value, ast.Call) and (text(value.func) or "").endswith("field"):
            options = {keyword.arg: keyword.value for keyword in value.keywords}
            init = options.get("init")
            if isinstance(init, ast.Constant) and init.value is False:
                continue
            given = options.get("default") or options.get("default_factory")
            default = None if given is None else text(value)
        kind: ParamKind = "keyword-only" if kw_only else "positional-or-keyword"
        params.append(Param(name, kind, default, annotation, node.lineno))
    return tuple(params)
