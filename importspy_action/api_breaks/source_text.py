"""An expression's source text, sliced from the module being read rather than unparsed.

`ast.unparse` costs several times more than a slice and rewrites the author's spelling;
the comparison normalises spellings itself (annotations.py), so the text is kept as written.
The bytes being read are held in a context variable for the duration of one `reading(...)`
block, so the reader's many small helpers need not pass them along.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SOURCE: ContextVar[tuple[bytes, list[int]] | None] = ContextVar("_SOURCE", default=None)
"""The module being read: its UTF-8 bytes and the offset of each line."""


@contextmanager
def reading(data: bytes) -> Iterator[None]:
    """Within the block, `text(node)` slices nodes of the module whose bytes are `data`.

    `data` must be what `ast` counted offsets in: UTF-8, without a leading BOM.
    """
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    token = _SOURCE.set((data, starts))
    try:
        yield
    finally:
        _SOURCE.reset(token)


def text(node: ast.AST | None) -> str | None:
    """An expression's source text (annotations.py normalises spelling before comparing)."""
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
