"""Base parameters vs head parameters: every way a call written against the base stops binding.

A caller's call breaks when a parameter it passes is gone (removed, or renamed: the rename is
guessed from the position, or from the only new keyword-only name), when a positional
parameter moves or changes kind, when a new parameter is required, or when a default it
relied on is gone. A changed default or annotation still binds and is reported too, as a
warning (compare.py decides severities). `*args`/`**kwargs` in the head absorb what they can:
a keyword parameter removed next to `**kwargs` still binds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .annotations import same_expression, same_type
from .api_model import Param

Change = tuple[str, int, str, str]
"""(rule code, line, message, help): compare.py turns each into a located Finding."""

POSITIONAL = ("positional-only", "positional-or-keyword")
VAR = ("var-positional", "var-keyword")


@dataclass(frozen=True)
class _Pair:
    """One function's signatures, base and head, with the lookups every rule needs."""

    before: tuple[Param, ...]
    after: tuple[Param, ...]
    qual: str
    line: int  # the head function's line: where a finding without a parameter sits
    old_positional: list[Param]
    new_positional: list[Param]
    new_by_name: dict[str, Param]
    old_names: frozenset[str]
    has_var_positional: bool
    has_var_keyword: bool

    @classmethod
    def of(cls, before: tuple[Param, ...], after: tuple[Param, ...], qual: str, line: int) -> _Pair:
        return cls(
            before,
            after,
            qual,
            line,
            old_positional=[p for p in before if p.kind in POSITIONAL],
            new_positional=[p for p in after if p.kind in POSITIONAL],
            new_by_name={p.name: p for p in after},
            old_names=frozenset(p.name for p in before),
            has_var_positional=any(p.kind == "var-positional" for p in after),
            has_var_keyword=any(p.kind == "var-keyword" for p in after),
        )

    def at(self, param: Param | None) -> int:
        """The head line of `param` when known, else the function's."""
        return param.line if param is not None and param.line else self.line


def parameter_changes(
    before: tuple[Param, ...], after: tuple[Param, ...], qual: str, line: int
) -> Iterator[Change]:
    """Changes from the base's parameters (`before`) to the head's (`after`), in base order,
    then the head's new required parameters; `qual` names the function in messages."""
    pair = _Pair.of(before, after, qual, line)
    renamed_to: set[str] = set()  # head names that took over a base parameter
    for param in before:
        if param.kind in VAR:
            yield from _variadic(pair, param)
        elif param.kind == "positional-only":
            yield from _positional_only(pair, param, renamed_to)
        else:
            yield from _by_name(pair, param, renamed_to)
    yield from _new_required(pair, renamed_to)


def _variadic(pair: _Pair, param: Param) -> Iterator[Change]:
    """`*args` / `**kwargs` gone: calls passing extra arguments break."""
    if not any(p.kind == param.kind for p in pair.after):
        star = "*" if param.kind == "var-positional" else "**"
        yield (
            "API-PARAM-REMOVED",
            pair.line,
            f"`{pair.qual}` no longer accepts `{star}{param.name}`.",
            f"Keep accepting `{star}{param.name}` (ignore or warn on extra arguments).",
        )


def _positional_only(pair: _Pair, param: Param, renamed_to: set[str]) -> Iterator[Change]:
    """A positional-only parameter is its position: whatever sits there now takes it over."""
    index = pair.old_positional.index(param)
    if index < len(pair.new_positional):
        same = pair.new_positional[index]
        renamed_to.add(same.name)
        yield from _same_param(param, same, pair.qual, pair.at(same))
    elif not pair.has_var_positional:
        yield _removed(param, pair.qual, pair.line)


def _by_name(pair: _Pair, param: Param, renamed_to: set[str]) -> Iterator[Change]:
    """A parameter callers may pass by keyword: found by name, else a rename, else removed."""
    counterpart = pair.new_by_name.get(param.name)
    if counterpart is not None:
        line = pair.at(counterpart)
        yield from _kind(
            param, counterpart, pair.qual, line, pair.old_positional, pair.new_positional
        )
        yield from _same_param(param, counterpart, pair.qual, line, check_kind=False)
        return
    guess = _rename_target(param, pair.before, pair.after, pair.old_positional, pair.new_positional)
    if guess is not None:
        renamed_to.add(guess.name)
        yield (
            "API-PARAM-RENAMED",
            pair.at(guess),
            f"Parameter `{param.name}` of `{pair.qual}` was renamed to `{guess.name}`; "
            f"calls passing `{param.name}=` break.",
            f"Accept both: keep `{param.name}` as a deprecated keyword "
            f"(`{param.name}=None`, warn, and forward it to `{guess.name}`).",
        )
        yield from _same_param(param, guess, pair.qual, pair.at(guess), check_kind=False)
    elif not (pair.has_var_keyword and (param.kind == "keyword-only" or pair.has_var_positional)):
        yield _removed(param, pair.qual, pair.line)


def _new_required(pair: _Pair, renamed_to: set[str]) -> Iterator[Change]:
    """Head parameters without a default that no base call passes."""
    for param in pair.after:
        if param.name in pair.old_names or param.name in renamed_to or not param.required:
            continue
        if param.kind == "positional-only" and pair.new_positional.index(param) < len(
            pair.old_positional
        ):
            continue
        yield (
            "API-PARAM-REQUIRED",
            pair.at(param),
            f"`{pair.qual}` has a new required parameter `{param.name}`; every existing call "
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


def _removed(param: Param, qual: str, line: int) -> Change:
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
) -> Iterator[Change]:
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
) -> Iterator[Change]:
    if check_kind and old.kind == "positional-only" and new.kind not in POSITIONAL:
        yield (
            "API-PARAM-KIND",
            line,
            f"Positional parameter `{old.name}` of `{qual}` is no longer positional.",
            "Keep it positional.",
        )
    if old.default is not None and new.default is None and new.kind not in VAR:
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
        and not same_expression(old.default, new.default)
    ):
        yield (
            "API-DEFAULT-CHANGED",
            line,
            f"The default of `{new.name}` in `{qual}` changed from `{old.default}` to "
            f"`{new.default}`; calls that omit it behave differently.",
            "Mention it in the changelog, or keep the old default.",
        )
    if old.annotation and new.annotation and not same_type(old.annotation, new.annotation):
        yield (
            "API-ANNOTATION-CHANGED",
            line,
            f"The annotation of `{new.name}` in `{qual}` changed from `{old.annotation}` to "
            f"`{new.annotation}`; type-checked callers may fail.",
            "Widen rather than narrow parameter types; keep accepting the old type.",
        )
