"""JSON documents with long lists, encoded item by item with the C encoder.

A report of 100,000 findings held as one tree of dicts (a dict per finding, several per
SARIF result) before `json.dumps` cost about 200 MB more than the text it became. Here the
document is built with a *hole* where each long list goes; the skeleton is encoded once, and
each hole is filled by converting and encoding its items one at a time, so only one item's
dicts exist at any moment. Small documents are encoded whole and indented (readable), large
ones compact: Python's json module uses its C encoder only without `indent`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PRETTY_MAX_ITEMS = 1_000
"""Documents with at most this many list items are written indented, larger ones compact."""

_BLOCK_ITEMS = 1_000
"""Items are joined a block at a time: a few hundred bytes each, one string per item would
be a separate small allocation, and their freed space stayed resident (~50 MB at 100,000
findings) while the document was being written."""

_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class _Hole(Generic[T]):
    def __init__(self, items: Sequence[T], convert: Callable[[T], Any]) -> None:
        self.items = items
        self.convert = convert


class Document:
    """Collects holes while a skeleton is built, then encodes skeleton and holes as text.

    `pretty`: indent the document (and materialise its lists); decide it with
    `Document.for_items(count)` so small reports stay readable.
    """

    def __init__(self, *, pretty: bool) -> None:
        self.pretty = pretty
        self._token = uuid.uuid4().hex  # no untrusted string in the skeleton can equal a key
        self._holes: dict[str, _Hole[Any]] = {}

    @classmethod
    def for_items(cls, count: int, *, pretty_max: int = PRETTY_MAX_ITEMS) -> Document:
        return cls(pretty=count <= pretty_max)

    def hole(self, items: Sequence[T], convert: Callable[[T], Any]) -> Any:
        """The value to put in the skeleton where the list `[convert(i) for i in items]` goes
        (in pretty mode that list itself)."""
        if self.pretty:
            return [convert(item) for item in items]
        key = f"{self._token}:{len(self._holes)}"
        self._holes[key] = _Hole(items, convert)
        return key

    def encode(self, skeleton: Any) -> str:
        """The document as text, ending with a line break."""
        if self.pretty:
            return json.dumps(skeleton, indent=2, ensure_ascii=False) + "\n"
        text = _COMPACT.encode(skeleton)
        found = sorted((text.index(_COMPACT.encode(key)), key) for key in self._holes)
        chunks: list[str] = []
        position = 0
        for start, key in found:
            chunks.append(text[position:start])
            chunks.append("[")
            hole = self._holes[key]
            for first in range(0, len(hole.items), _BLOCK_ITEMS):
                block = hole.items[first : first + _BLOCK_ITEMS]
                if first:
                    chunks.append(",")
                chunks.append(",".join([_COMPACT.encode(hole.convert(item)) for item in block]))
            chunks.append("]")
            position = start + len(_COMPACT.encode(key))
        chunks.append(text[position:])
        chunks.append("\n")
        return "".join(chunks)
