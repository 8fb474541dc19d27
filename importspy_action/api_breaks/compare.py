"""Base surface vs head surface -> located `API-*` findings, each saying how to stay compatible.

The rules follow what breaks a caller written against the base: a name they import is gone,
a call they make no longer binds (a removed, renamed, moved or newly required parameter, a
positional parameter made keyword-only), a default they relied on is gone, an `isinstance`
check against a removed base fails. Annotation and default-value changes do not break a call
and are warnings. Every rule is documented with an example in docs/api-breaks.md.

Findings sit on the head's line of the thing (the function, the parameter, the class); when
the thing is gone they sit on its parent in the head (the class, or line 1 of the module)
and the message names the base line, because the base file is not in the pull request.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Finding, Severity
from .surface import Member, ModuleSurface, Param

GATE = "api-breaks"

RULES: dict[str, str] = {
    "API-MODULE-REMOVED": "Public module removed",
    "API-REMOVED": "Public object removed",
    "API-KIND-CHANGED": "Public object changed kind",
    "API-ALL-REMOVED": "Name removed from __all__",
    "API-PARAM-REMOVED": "Parameter removed",
    "API-PARAM-RENAMED": "Parameter renamed",
    "API-PARAM-MOVED": "Positional parameter moved",
    "API-PARAM-REQUIRED": "New required parameter",
    "API-PARAM-KIND": "Parameter kind changed",
    "API-DEFAULT-REMOVED": "Parameter default removed",
    "API-DEFAULT-CHANGED": "Parameter default changed",
    "API-BASE-REMOVED": "Class base removed",
    "API-ANNOTATION-CHANGED": "Annotation changed",
}
"""Rule code -> title. Warnings by nature (a call still binds) are in WARNING_RULES."""

WARNING_RULES = frozenset({"API-DEFAULT-CHANGED", "API-ANNOTATION-CHANGED"})

_POSITIONAL = ("positional-only", "positional-or-keyword")
_VAR = ("var-positional", "var-keyword")


@dataclass
class _Context:
    path: str
    breaking: Severity
    findings: list[Finding]

    def add(self, code: str, line: int, message: str, help_: str, **extra: str) -> None:
        severity = Severity.WARNING if code in WARNING_RULES else self.breaking
        self.findings.append(
            Finding(
                gate=GATE,
                code=code,
                severity=severity,
                path=self.path,
                start_line=max(line, 1),
                title=RULES[code],
                message=message,
                help=help_,
                **extra,  # type: ignore[arg-type]
            )
        )


def module_removed(base: ModuleSurface, *, breaking: Severity) -> Finding:
    """The base's public module has no counterpart in the head (deleted, not renamed)."""
    return Finding(
        gate=GATE,
        code="API-MODULE-REMOVED",
        severity=breaking,
        path=base.path,
        start_line=1,
        title=RULES["API-MODULE-REMOVED"],
        message=f"Module `{base.module}` ({base.path}) was removed; `import {base.module}` "
        "fails for every user of it.",
        help=f"Keep a `{base.path}` that re-exports the names from their new home (and warns "
        "with DeprecationWarning) until the next major version.",
    )


def compare_modules(
    base: ModuleSurface, head: ModuleSurface, *, breaking: Severity = Severity.ERROR
) -> list[Finding]:
    """Findings for the head module judged against the base module's public API."""
    ctx = _Context(head.path, breaking, [])
    head_public = set(head.public_names())
    dynamic = head.member("__getattr__") is not None
    for name in base.public_names():
        old = base.member(name)
        new = head.member(name)
        where = f" (base line {old.line})" if old is not None else ""
        if name not in head_public:
            if new is not None and head.all_names is not None:
                ctx.add(
                    "API-ALL-REMOVED",
                    head.all_line,
                    f"`{name}` is no longer in `{head.module}.__all__`{where}; "
                    f"`from {head.module} import *` stops providing it.",
                    f"Keep `{name!r}` in `__all__` until the next major version.",
                )
            elif new is None and not dynamic:
                kind = old.kind if old is not None and old.kind != "alias" else "name"
                ctx.add(
                    "API-REMOVED",
                    1,
                    f"Public {kind} `{head.module}.{name}` was removed{where}.",
                    f"Keep `{name}` as a deprecated alias (e.g. `{name} = <its replacement>`, "
                    "or a module `__getattr__` that warns with DeprecationWarning) until the "
                    "next major version.",
                )
            continue
        if old is not None and new is not None:
            _member(ctx, old, new, f"{head.module}.{name}", in_class=False)
    return ctx.findings


def _member(ctx: _Context, old: Member, new: Member, qual: str, *, in_class: bool) -> None:
    if old.kind != new.kind:
        if "alias" in (old.kind, new.kind):
            return  # a definition moved and re-exported (or back): its signature is elsewhere
        ctx.add(
            "API-KIND-CHANGED",
            new.line,
            f"`{qual}` was a {old.kind} (base line {old.line}) and is now a {new.kind}.",
            f"Keep `{qual}` a {old.kind}; add the {new.kind} under a new name.",
        )
        return
    if old.kind == "function":
        _function(ctx, old, new, qual, in_class=in_class)
    elif old.kind == "class":
        _class(ctx, old, new, qual)
    elif old.kind == "attribute":
        _annotation(ctx, old.annotation, new.annotation, new.line, f"`{qual}`")


def _class(ctx: _Context, old: Member, new: Member, qual: str) -> None:
    for base in old.bases:
        if base not in new.bases and _norm(base) not in {_norm(item) for item in new.bases}:
            ctx.add(
                "API-BASE-REMOVED",
                new.line,
                f"Class `{qual}` no longer derives from `{base}`; `isinstance`/`issubclass` "
                "checks and members inherited from it break.",
                f"Keep `{base}` among the bases of `{qual}` (it may be a thin compatibility "
                "base) until the next major version.",
            )
    for item in old.public_members():
        counterpart = new.member(item.name)
        if counterpart is None:
            ctx.add(
                "API-REMOVED",
                new.line,
                f"Public {_kind_word(item)} `{qual}.{item.name}` was removed "
                f"(base line {item.line}).",
                f"Keep `{item.name}` on `{qual}` as a deprecated alias of its replacement "
                "until the next major version.",
            )
            continue
        _member(ctx, item, counterpart, f"{qual}.{item.name}", in_class=True)


def _kind_word(member: Member) -> str:
    return {"function": "method", "class": "class", "attribute": "attribute"}.get(
        member.kind, "name"
    )


def _signature(member: Member, *, in_class: bool) -> tuple[Param, ...]:
    """Parameters a caller passes: the receiver of a method (`self`, `cls`) is not one."""
    params = member.params
    if (
        in_class
        and "staticmethod" not in member.decorators
        and params
        and params[0].kind in _POSITIONAL
    ):
        return params[1:]
    return params


def _function(ctx: _Context, old: Member, new: Member, qual: str, *, in_class: bool) -> None:
    before = _signature(old, in_class=in_class)
    after = _signature(new, in_class=in_class)
    for finding in _parameters(before, after, qual, new.line):
        code, line, message, help_ = finding
        ctx.add(code, line, message, help_)
    _annotation(ctx, old.returns, new.returns, new.line, f"the return of `{qual}`")


def _parameters(
    before: tuple[Param, ...], after: tuple[Param, ...], qual: str, line: int
) -> Iterator[tuple[str, int, str, str]]:
    old_positional = [p for p in before if p.kind in _POSITIONAL]
    new_positional = [p for p in after if p.kind in _POSITIONAL]
    new_by_name = {p.name: p for p in after}
    old_names = {p.name for p in before}
    has_var_positional = any(p.kind == "var-positional" for p in after)
    has_var_keyword = any(p.kind == "var-keyword" for p in after)
    renamed_to: set[str] = set()

    def at(param: Param | None) -> int:
        return param.line if param is not None and param.line else line

    for param in before:
        if param.kind in _VAR:
            if not any(p.kind == param.kind for p in after):
                star = "*" if param.kind == "var-positional" else "**"
                yield (
                    "API-PARAM-REMOVED",
                    line,
                    f"`{qual}` no longer accepts `{star}{param.name}`.",
                    f"Keep accepting `{star}{param.name}` (ignore or warn on extra arguments).",
                )
            continue
        if param.kind == "positional-only":
            index = old_positional.index(param)
            if index < len(new_positional):
                same = new_positional[index]
                renamed_to.add(same.name)
                yield from _same_param(param, same, qual, at(same))
            elif not has_var_positional:
                yield _removed(param, qual, line)
            continue
        counterpart = new_by_name.get(param.name)
        if counterpart is None:
            guess = _rename_target(param, before, after, old_positional, new_positional)
            if guess is not None:
                renamed_to.add(guess.name)
                yield (
                    "API-PARAM-RENAMED",
                    at(guess),
                    f"Parameter `{param.name}` of `{qual}` was renamed to `{guess.name}`; "
                    f"calls passing `{param.name}=` break.",
                    f"Accept both: keep `{param.name}` as a deprecated keyword "
                    f"(`{param.name}=None`, warn, and forward it to `{guess.name}`).",
                )
                yield from _same_param(param, guess, qual, at(guess), check_kind=False)
            elif not (has_var_keyword and (param.kind == "keyword-only" or has_var_positional)):
                yield _removed(param, qual, line)
            continue
        yield from _kind(param, counterpart, qual, at(counterpart), old_positional, new_positional)
        yield from _same_param(param, counterpart, qual, at(counterpart), check_kind=False)

    for param in after:
        if param.name in old_names or param.name in renamed_to or not param.required:
            continue
        if param.kind == "positional-only" and new_positional.index(param) < len(old_positional):
            continue
        yield (
            "API-PARAM-REQUIRED",
            at(param),
            f"`{qual}` has a new required parameter `{param.name}`; every existing call "
            "without it fails.",
            f"Give `{param.name}` a default (make it keyword-only, `*, {param.name}=...`, so "
            "positional calls keep binding) until the next major version.",
        )


def _rename_target(
    param: Param,
    before: tuple[Param, ...],
    after: tuple[Param, ...],
    old_positional: list[Param],
    new_positional: list[Param],
) -> Param | None:
    """The new name of a parameter gone by name: same position (or the only new keyword)."""
    old_names = {p.name for p in before}
    if param.kind == "positional-or-keyword":
        index = old_positional.index(param)
        if index < len(new_positional) and new_positional[index].name not in old_names:
            return new_positional[index]
        return None
    fresh = [p for p in after if p.kind == "keyword-only" and p.name not in old_names]
    gone = [p for p in before if p.kind == "keyword-only" and p.name not in {q.name for q in after}]
    return fresh[0] if len(fresh) == 1 and len(gone) == 1 else None


def _removed(param: Param, qual: str, line: int) -> tuple[str, int, str, str]:
    return (
        "API-PARAM-REMOVED",
        line,
        f"Parameter `{param.name}` of `{qual}` was removed; calls passing it break.",
        f"Keep accepting `{param.name}` (e.g. `{param.name}=None`, warn with "
        "DeprecationWarning when it is given) until the next major version.",
    )


def _kind(
    old: Param,
    new: Param,
    qual: str,
    line: int,
    old_positional: list[Param],
    new_positional: list[Param],
) -> Iterator[tuple[str, int, str, str]]:
    if old.kind == "positional-or-keyword":
        if new.kind == "positional-or-keyword":
            before, after = old_positional.index(old), new_positional.index(new)
            if before != after:
                yield (
                    "API-PARAM-MOVED",
                    line,
                    f"Positional parameter `{old.name}` of `{qual}` moved from position "
                    f"{before + 1} to {after + 1}; positional calls bind the wrong arguments.",
                    "Keep the old order; add new parameters at the end, or keyword-only.",
                )
            return
        what = {
            "keyword-only": "keyword-only; positional calls break",
            "positional-only": "positional-only; calls passing it by keyword break",
        }.get(new.kind, f"{new.kind}")
        yield (
            "API-PARAM-KIND",
            line,
            f"Parameter `{old.name}` of `{qual}` became {what}.",
            f"Keep `{old.name}` positional-or-keyword until the next major version.",
        )
    elif old.kind == "keyword-only" and new.kind not in ("keyword-only", "positional-or-keyword"):
        yield (
            "API-PARAM-KIND",
            line,
            f"Keyword-only parameter `{old.name}` of `{qual}` became {new.kind}; calls "
            "passing it by keyword break.",
            f"Keep `{old.name}` accepted by keyword.",
        )


def _same_param(
    old: Param, new: Param, qual: str, line: int, *, check_kind: bool = True
) -> Iterator[tuple[str, int, str, str]]:
    if check_kind and old.kind == "positional-only" and new.kind not in _POSITIONAL:
        yield (
            "API-PARAM-KIND",
            line,
            f"Positional parameter `{old.name}` of `{qual}` is no longer positional.",
            "Keep it positional.",
        )
    if old.default is not None and new.default is None and new.kind not in _VAR:
        yield (
            "API-DEFAULT-REMOVED",
            line,
            f"Parameter `{new.name}` of `{qual}` lost its default `{old.default}`; calls "
            "that omit it fail.",
            f"Keep a default (`{new.name}={old.default}`) until the next major version.",
        )
    elif (
        old.default is not None
        and new.default is not None
        and old.default != new.default
        and _expr(old.default) != _expr(new.default)
    ):
        yield (
            "API-DEFAULT-CHANGED",
            line,
            f"The default of `{new.name}` in `{qual}` changed from `{old.default}` to "
            f"`{new.default}`; calls that omit it behave differently.",
            "Mention it in the changelog, or keep the old default.",
        )
    if (
        old.annotation
        and new.annotation
        and old.annotation != new.annotation
        and _norm(old.annotation) != _norm(new.annotation)
    ):
        yield (
            "API-ANNOTATION-CHANGED",
            line,
            f"The annotation of `{new.name}` in `{qual}` changed from `{old.annotation}` to "
            f"`{new.annotation}`; type-checked callers may fail.",
            "Widen rather than narrow parameter types; keep accepting the old type.",
        )


def _annotation(ctx: _Context, old: str | None, new: str | None, line: int, what: str) -> None:
    if old and new and old != new and _norm(old) != _norm(new):
        ctx.add(
            "API-ANNOTATION-CHANGED",
            line,
            f"The annotation of {what} changed from `{old}` to `{new}`; type-checked users "
            "may fail.",
            "Narrow return types and widen parameter types only; keep the old type otherwise.",
        )


_TYPING_ALIASES = {
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Tuple": "tuple",
    "Type": "type",
    "DefaultDict": "collections.defaultdict",
    "Deque": "collections.deque",
}


@functools.lru_cache(maxsize=4096)
def _expr(text: str) -> str:
    """An expression's structure, so `( 1 )` and `1` (a reformat) compare equal."""
    try:
        return ast.dump(ast.parse(text.strip(), mode="eval"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text.strip()


@functools.lru_cache(maxsize=4096)
def _norm(annotation: str) -> str:
    """Spellings of the same type compare equal: `Optional[int]` == `int | None`,
    `typing.List[str]` == `list[str]`, `"Foo"` == `Foo`, `Union[a, b]` == `b | a`."""
    try:
        tree = ast.parse(annotation, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return annotation.strip()
    try:
        return _canon(tree)
    except RecursionError:  # pragma: no cover - absurdly nested annotation
        return annotation.strip()


def _canon(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _norm(node.value)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("typing", "typing_extensions", "t")
    ):
        return _TYPING_ALIASES.get(node.attr, node.attr)
    if isinstance(node, ast.Name):
        return _TYPING_ALIASES.get(node.id, node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return " | ".join(sorted(set(_union(node))))
    if isinstance(node, ast.Subscript):
        head = _canon(node.value)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Optional":
            return " | ".join(sorted({*_members(items[0]), "None"}))
        if head == "Union":
            return " | ".join(sorted({part for item in items for part in _members(item)}))
        return f"{head}[{', '.join(_canon(item) for item in items)}]"
    if isinstance(node, ast.Tuple):
        return ", ".join(_canon(item) for item in node.elts)
    return ast.unparse(node)


def _members(node: ast.expr) -> list[str]:
    text = _canon(node)
    return text.split(" | ")


def _union(node: ast.expr) -> list[str]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union(node.left), *_union(node.right)]
    return _members(node)
