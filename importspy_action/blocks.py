"""Render-neutral pieces of a page: what a gate wants shown, not how it is drawn.

A gate's metrics describe their own section (a table of worst files, a list of modules) as
these blocks; the job summary, the check run and the terminal each draw them in their own
medium and do their own escaping. So a gate never writes markdown, a renderer never knows
which gate a table came from, and every string in a block is treated as untrusted text:
renderers escape it, and only `Link`s whose URL the renderer accepts become links.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """Inline code: a path, a rule code, a command (monospace, escaped)."""

    text: str


@dataclass(frozen=True)
class Link:
    """Text that may link to `url`; renderers show the text alone when they refuse the URL."""

    text: str
    url: str | None


Inline = str | Code | Link
"""A table cell or a piece of a paragraph: plain text, code or a link."""


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False  # right-aligned


@dataclass(frozen=True)
class Table:
    """Rows of cells; `more` is the sentence shown when rows were left out."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Inline, ...], ...]
    more: str | None = None


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]
    strong: bool = False


Block = Table | Paragraph
"""What a section is made of."""


def paragraph(*parts: Inline, strong: bool = False) -> Paragraph:
    return Paragraph(tuple(parts), strong=strong)


def plain(inline: Inline) -> str:
    """The text of an inline piece without any markup (terminal, titles, widths)."""
    return inline if isinstance(inline, str) else inline.text
