"""markdown_safe.text: whatever goes in renders as literal text under GitHub's own renderer.

cmarkgfm is GitHub's cmark-gfm (tables, autolinks, strikethrough, tag filter) with raw HTML
allowed, so an unescaped `<b>` would show up as a tag here rather than being hidden.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.markdown_safe import ELLIPSIS, WORD_JOINER, _piece, text

_MARKDOWNISH = st.sampled_from(
    [
        *"<>&[]()!`*_|\\#~:./@-+=\"'{}^$%\n\t ",
        *("https://", "www.", "a@b.com", "<img src=x>", "](", "![", "<!--", "&amp;", "1. "),
        *("```", "\u202e", "\x00", "\x1b[31m", "\u2028", "\u00a0"),
    ]
)
HOSTILE = st.lists(st.one_of(_MARKDOWNISH, st.text(max_size=5)), max_size=40).map("".join)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.cells: list[str] = []
        self.data: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.data.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append("!--")


def render(markdown: str) -> _Collect:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


def visible(value: str) -> str:
    """What a reader should see: one line, controls and bidi overrides gone, '@' joined."""
    flat = re.sub(r"\s+", " ", value)
    kept = "".join(
        ch
        for ch in flat
        if not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0)
        and ch not in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    return kept.strip().replace("@", "@" + WORD_JOINER)


@settings(max_examples=400, deadline=None)
@given(HOSTILE)
def test_a_paragraph_renders_the_input_literally(value: str) -> None:
    escaped = text(value, max_chars=10_000)
    expected = visible(value)
    rendered = render(f"Note: {escaped}")
    assert rendered.tags == ["p"]
    assert "".join(rendered.data).strip() == f"Note: {expected}".strip()


@settings(max_examples=400, deadline=None)
@given(HOSTILE, HOSTILE)
def test_a_table_cell_stays_one_cell_with_no_markup(first: str, second: str) -> None:
    row = f"| {text(first, max_chars=10_000)} | {text(second, max_chars=10_000)} |"
    rendered = render(f"| a | b |\n| --- | --- |\n{row}\n")
    assert [t for t in rendered.tags if t not in ("table", "thead", "tbody", "tr")] == [
        "th",
        "th",
        "td",
        "td",
    ]
    assert rendered.cells == ["a", "b", visible(first), visible(second)]


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_headings_and_list_items_hold_only_the_text(value: str) -> None:
    escaped = text(value, max_chars=10_000)
    for prefix, tags in (("## ", ["h2"]), ("- ", ["ul", "li"])):
        rendered = render(prefix + escaped)
        if visible(value):
            assert rendered.tags == tags
            assert "".join(rendered.data).strip() == visible(value)


@settings(max_examples=300, deadline=None)
@given(HOSTILE, st.integers(min_value=2, max_value=60))
def test_output_fits_max_chars_and_a_cut_is_marked(value: str, limit: int) -> None:
    escaped = text(value, max_chars=limit)
    assert len(escaped) <= limit
    full = text(value, max_chars=100_000)
    if escaped != full:
        assert escaped.endswith(ELLIPSIS)
        kept = escaped[: -len(ELLIPSIS)]
        assert full.startswith(kept)
        # the cut never leaves a dangling backslash that would escape the ellipsis
        assert len(kept) - len(kept.rstrip("\\")) in (0, 2, 4, 6, 8, 10)
        rendered = render(escaped)
        assert set(rendered.tags) <= {"p"}


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "![pixel](https://evil.example/p.png)",
        "[click](https://evil.example)",
        "<https://evil.example>",
        "https://evil.example/x",
        "www.evil.example",
        "mail me: a@evil.example",
        "`code` and ``more``",
        "**bold** _em_ ~~strike~~",
        "a | b | c",
        "&lt;b&gt; &#60;",
        "line\n# heading\n> quote\n<div>",
    ],
)
def test_known_attacks_render_as_plain_text(attack: str) -> None:
    rendered = render(text(attack, max_chars=1000))
    assert rendered.tags == ["p"]
    assert "".join(rendered.data).strip() == visible(attack)


def test_control_and_bidi_characters_are_dropped() -> None:
    assert text("a\x1b[31mb\u202ec\x00d", max_chars=100) == "a\\[31mbcd"


def test_max_chars_must_leave_room_for_the_marker() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        text("x", max_chars=1)


def _one_by_one(value: str, max_chars: int) -> str:
    """The escaping spelled out a character at a time (what `text` does in C via a
    translation table whenever the result fits)."""
    flat = re.sub(r"\s+", " ", value).strip()
    pieces = [_piece(char) for char in flat]
    if sum(map(len, pieces)) <= max_chars:
        return "".join(pieces).strip()
    room, used, kept = max_chars - len(ELLIPSIS), 0, []
    for piece in pieces:
        if used + len(piece) > room:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).strip() + ELLIPSIS


@settings(max_examples=300)
@given(st.text(), st.integers(2, 80))
def test_the_translation_table_escapes_as_the_pieces_do(value: str, max_chars: int) -> None:
    assert text(value, max_chars=max_chars) == _one_by_one(value, max_chars)
