"""Shields-style flat SVG badges: "coverage | 87%" and "importspy | passing".

A README badge must not need a third-party service that can read the repository, so the
action writes the SVG files itself (the `badge` input names a folder) and a later step
pushes them to a branch or Pages; the action pushes nothing. SVG has no text layout we can
run here, so each text's width is the sum of per-character advance widths of Verdana at
11px -- the font and size shields.io renders -- from the table below; characters outside it
count as the widest glyph, so text never overflows its box. Output is deterministic (same
inputs, same bytes) so a badge commit only happens when the badge changed, and every text
is XML-escaped (a label is plain text, never markup).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_PRINTABLE_ASCII = "".join(map(chr, range(32, 127)))
_WIDTHS = """
3.8672 4.3291 5.0488 9.0020 6.9932 11.8379 7.9922 2.9541 4.9951 4.9951
6.9932 9.0020 4.0015 4.9951 4.0015 4.9951 6.9932 6.9932 6.9932 6.9932
6.9932 6.9932 6.9932 6.9932 6.9932 6.9932 4.9951 4.9951 9.0020 9.0020
9.0020 5.9995 11.0000 7.5195 7.5410 7.6807 8.4756 6.9556 6.3218 8.5293
8.2661 4.6299 5.0005 7.6216 6.1230 9.2705 8.2285 8.6582 6.6333 8.6582
7.6484 7.5195 6.7783 8.0513 7.5195 10.8765 7.5356 6.7676 7.5356 4.9951
4.9951 4.9951 9.0020 6.9932 6.9932 6.6064 6.8535 5.7310 6.8535 6.5527
3.8672 6.8535 6.9609 3.0186 3.7866 6.5098 3.0186 10.6992 6.9609 6.6763
6.8535 6.8535 4.6943 5.7310 4.3345 6.9609 6.5098 9.0020 6.5098 6.5098
5.7793 6.9824 4.9951 6.9824 9.0020
"""
VERDANA_11PX: dict[str, float] = dict(
    zip(_PRINTABLE_ASCII, map(float, _WIDTHS.split()), strict=True)
)
"""Advance widths in pixels of printable ASCII in Verdana at 11px, as measured by shields.io's
`measure-text.js` (github.com/badges/shields; the same table netdata's badge renderer and
anafanafo's "11px Verdana" carry), rounded to 4 decimals."""

FALLBACK_WIDTH = max(VERDANA_11PX.values())
PADDING = 5  # px each side of a text, as shields' flat style
LABEL_COLOUR = "#555"
COLOURS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellowgreen": "#a4a61d",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "lightgrey": "#9f9f9f",
}
COVERAGE_BANDS: tuple[tuple[int, str], ...] = (
    (90, "brightgreen"),
    (80, "green"),
    (70, "yellowgreen"),
    (60, "yellow"),
    (50, "orange"),
    (0, "red"),
)
"""Lowest percentage (inclusive) of each colour, compared exactly."""

COVERAGE_FILE = "coverage.svg"
STATUS_FILE = "importspy.svg"


_NOT_XML = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Characters XML 1.0 cannot carry (and control characters) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def text_width(text: str) -> int:
    """Rendered width of `text` in whole pixels, rounded up."""
    return math.ceil(sum(VERDANA_11PX.get(char, FALLBACK_WIDTH) for char in text))


def render(label: str, message: str, colour: str) -> str:
    """A flat two-part badge; `colour` is a name from COLOURS or a #hex value."""
    fill = COLOURS.get(colour, colour)
    label, message = clean(label), clean(message)
    left = text_width(label) + 2 * PADDING
    right = text_width(message) + 2 * PADDING
    total = left + right
    title = escape(f"{label}: {message}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f"aria-label={quoteattr(f'{label}: {message}')}>",
        f"<title>{title}</title>",
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>',
        '<g clip-path="url(#r)">',
        f'<rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>',
        f'<rect x="{left}" width="{right}" height="20" fill={quoteattr(fill)}/>',
        f'<rect width="{total}" height="20" fill="url(#s)"/>',
        "</g>",
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
        *_text(left / 2, label),
        *_text(left + right / 2, message),
        "</g>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _text(centre: float, text: str) -> list[str]:
    """The text and its 1px drop shadow, centred at `centre`."""
    x = f"{centre:g}"
    content = escape(text)
    return [
        f'<text x="{x}" y="15" fill="#010101" fill-opacity=".3">{content}</text>',
        f'<text x="{x}" y="14">{content}</text>',
    ]


def coverage_colour(percent: Fraction) -> str:
    for lowest, colour in COVERAGE_BANDS:
        if percent >= lowest:
            return colour
    return "red"


def coverage_badge(percent: Fraction) -> str:
    """'coverage | 87%': the percentage floored to a whole number (99.9% shows 99%)."""
    whole = math.floor(percent)
    return render("coverage", f"{whole}%", coverage_colour(percent))


def status_badge(passed: bool) -> str:
    return render(
        "importspy", "passing" if passed else "failing", "brightgreen" if passed else "red"
    )


def badges(folder: Path, *, passed: bool, coverage: Fraction | None) -> dict[Path, str]:
    """`importspy.svg` (and `coverage.svg` when coverage was measured) in `folder`, for the
    writer to write."""
    files = {folder / STATUS_FILE: status_badge(passed)}
    if coverage is not None:
        files[folder / COVERAGE_FILE] = coverage_badge(coverage)
    return files
