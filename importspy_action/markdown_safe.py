"""Untrusted text made inert for GitHub-flavoured markdown (job summary, check run output).

A fork's report, a file name or a contract message can hold `<img src=…>`, `[x](https://…)`,
`![](…)`, a backtick that opens a code span swallowing the rest of a table, a `|` that splits a
cell, or a bare URL/e-mail that GitHub turns into a link. Rendered as written, that text
would put links, images, tracking pixels or raw HTML into the pull request's checks.

`text()` returns a string that renders as exactly the characters it was given (apart from the
changes listed below) and as nothing else, wherever inline text may appear: a paragraph, a
list item, a heading or a table cell. It is not for code spans or fenced blocks (there a
backslash is literal; put untrusted text in them only after removing backticks).

How:
- every ASCII punctuation character is backslash-escaped (CommonMark allows escaping any of
  them). That covers `<`, `>`, `&`, `[`, `]`, `(`, `)`, `!`, backtick, `*`, `_`, `|`, `\\`,
  `#`, `~`, and the `:`/`.` that GFM's autolinker needs to see (`https://`, `www.`);
- whitespace runs (newlines included) become one space and the ends are trimmed: one line,
  so no block (heading, quote, list, fence, indented code, table row) can start inside it;
- control characters and bidirectional overrides (the "Trojan Source" characters) are
  dropped: they have no business in a report and can make text display as something else;
- `@` is followed by U+2060 WORD JOINER. An escape does not stop GFM's e-mail autolinker
  (`a\\@b.com` still becomes a mailto link) nor GitHub's @mention filter; the invisible
  joiner stops both. GitHub sends no notifications for mentions in job summaries or check
  runs, but a rendered mention is still a link chosen by the report's author;
- the result is cut to `max_chars` characters (never inside an escape) and ends with `…`
  when cut.
"""

from __future__ import annotations

import re
import string
import unicodedata

WORD_JOINER = "\u2060"
ELLIPSIS = "…"
_PUNCTUATION = frozenset(string.punctuation)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WHITESPACE = re.compile(r"\s+")


def _piece(char: str) -> str:
    """The markdown spelling of one (non-whitespace) character; "" drops it."""
    if char in _PUNCTUATION:
        return "\\" + char + (WORD_JOINER if char == "@" else "")
    if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs"):
        return ""
    return char


def _table() -> dict[int, str | None]:
    """`_piece` for every character it changes, as a `str.translate` table."""
    table: dict[int, str | None] = {ord(char): _piece(char) for char in _PUNCTUATION}
    dropped = [*map(ord, _BIDI), *range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]
    table.update(dict.fromkeys(dropped))
    return table


_TABLE = _table()


def text(value: str, *, max_chars: int) -> str:
    """`value` escaped to render literally on one line; at most `max_chars` characters."""
    if max_chars <= len(ELLIPSIS):
        raise ValueError(f"max_chars must be more than {len(ELLIPSIS)}")
    flat = _WHITESPACE.sub(" ", value).strip()
    escaped = flat.translate(_TABLE)  # the pieces below, joined in C: most text fits
    if len(escaped) <= max_chars:
        return escaped.strip()
    pieces: list[str] = []
    used = 0
    for char in flat:
        piece = _piece(char)
        pieces.append(piece)
        used += len(piece)
        if used > max_chars:
            break
    if used <= max_chars:
        return "".join(pieces).strip()
    room = max_chars - len(ELLIPSIS)
    while pieces and used > room:  # whole pieces only: an escape is never split in two
        used -= len(pieces.pop())
    return "".join(pieces).strip() + ELLIPSIS
