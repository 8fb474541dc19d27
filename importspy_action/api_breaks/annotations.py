"""When two spellings of a type or a default are the same thing, so a reformat is no API change.

The surface keeps the author's text; comparing text would call `Optional[int]` -> `int | None`
or `( 1 )` -> `1` a change. `same_type` compares annotations by a canonical spelling
(typing aliases, unions as sorted sets, string annotations unquoted); `same_expression`
compares defaults by their parsed structure. Both fall back to the stripped text when the
source does not parse, and both are cached: a large module repeats the same few types.
"""

from __future__ import annotations

import ast
import functools


def same_type(old: str, new: str) -> bool:
    """True when two annotations name the same type (`List[int]` and `list[int]`)."""
    return old == new or _norm(old) == _norm(new)


def same_expression(old: str, new: str) -> bool:
    """True when two default values are the same expression (`( 1 )` and `1`)."""
    return old == new or _expr(old) == _expr(new)


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
