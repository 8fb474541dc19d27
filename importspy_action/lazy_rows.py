"""A sequence of rendered rows that renders each row only when it is read.

Size-capped outputs (the check run's text, 65,535 characters) show a few hundred rows of a
list that can hold 100,000 findings. Escaping every row up front cost seconds for rows that
were then dropped; `limits.join_within` needs the length (for its "N more" line) and reads
rows in order until one does not fit, which a lazy sequence gives it for the rows it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, overload

T = TypeVar("T")


class LazyRows(Sequence[str], Generic[T]):
    """`render(item)` for each of `items`, computed on access (not cached: read once)."""

    def __init__(self, items: Sequence[T], render: Callable[[T], str]) -> None:
        self._items = items
        self._render = render

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._render(item) for item in self._items[index]]
        return self._render(self._items[index])
