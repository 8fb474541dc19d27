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

from dataclasses import dataclass

from ..model import Finding, Severity
from .annotations import same_type
from .api_model import Member, ModuleSurface, Param
from .parameters import POSITIONAL, parameter_changes

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
        if not any(same_type(base, item) for item in new.bases):
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
        and params[0].kind in POSITIONAL
    ):
        return params[1:]
    return params


def _function(ctx: _Context, old: Member, new: Member, qual: str, *, in_class: bool) -> None:
    before = _signature(old, in_class=in_class)
    after = _signature(new, in_class=in_class)
    for finding in parameter_changes(before, after, qual, new.line):
        code, line, message, help_ = finding
        ctx.add(code, line, message, help_)
    _annotation(ctx, old.returns, new.returns, new.line, f"the return of `{qual}`")


def _annotation(ctx: _Context, old: str | None, new: str | None, line: int, what: str) -> None:
    if old and new and not same_type(old, new):
        ctx.add(
            "API-ANNOTATION-CHANGED",
            line,
            f"The annotation of {what} changed from `{old}` to `{new}`; type-checked users "
            "may fail.",
            "Narrow return types and widen parameter types only; keep the old type otherwise.",
        )
