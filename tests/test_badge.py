"""Badges: valid SVG, right text and colour, widths that grow with the text, deterministic."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from hypothesis import given
from hypothesis import strategies as st

from importspy_action import badge

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> Element:
    root: Element = ElementTree.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def _texts(root: Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{NS}text")]


def _rects(root: Element) -> list[Element]:
    return list(root.iter(f"{NS}rect"))


@pytest.mark.parametrize(
    ("percent", "shown", "colour"),
    [
        (Fraction(100), "100%", "#4c1"),
        (Fraction(90), "90%", "#4c1"),
        (Fraction(8999, 100), "89%", "#97ca00"),
        (Fraction(875, 10), "87%", "#97ca00"),
        (Fraction(70), "70%", "#a4a61d"),
        (Fraction(65), "65%", "#dfb317"),
        (Fraction(50), "50%", "#fe7d37"),
        (Fraction(4999, 100), "49%", "#e05d44"),
        (Fraction(0), "0%", "#e05d44"),
    ],
)
def test_coverage_badge_text_and_colour(percent: Fraction, shown: str, colour: str):
    root = _parse(badge.coverage_badge(percent))
    assert _texts(root) == ["coverage", "coverage", shown, shown]
    assert _rects(root)[2].get("fill") == colour
    assert root.findtext(f"{NS}title") == f"coverage: {shown}"


def test_status_badges():
    passing = _parse(badge.status_badge(True))
    failing = _parse(badge.status_badge(False))
    assert _texts(passing)[2:] == ["passing", "passing"]
    assert _texts(failing)[2:] == ["failing", "failing"]
    assert _rects(passing)[2].get("fill") == "#4c1"
    assert _rects(failing)[2].get("fill") == "#e05d44"


def test_text_is_escaped_not_markup():
    svg = badge.render('a<b>&"c"', "</text><script>x</script>", "red")
    root = _parse(svg)
    assert _texts(root)[0] == 'a<b>&"c"'
    assert _texts(root)[2] == "</text><script>x</script>"
    assert not list(root.iter(f"{NS}script"))


def _widths(svg: str) -> tuple[int, int, int]:
    root = _parse(svg)
    total = int(root.get("width") or 0)
    left, right = (int(rect.get("width") or 0) for rect in _rects(root)[1:3])
    return total, left, right


@given(st.text(max_size=20), st.text(min_size=1, max_size=5))
def test_widths_grow_with_the_text(text: str, more: str):
    short = _widths(badge.render("label", text, "red"))
    longer = _widths(badge.render("label", text + more, "red"))
    assert longer[2] > short[2] and longer[1] == short[1]
    assert short[0] == short[1] + short[2]


def test_known_widths_and_fallback():
    assert badge.text_width("") == 0
    assert badge.text_width("i") == 4  # 3.02 rounded up
    assert badge.text_width("W") > badge.text_width("i")
    assert badge.text_width("\u00e9") == badge.text_width("%")  # outside the table: the widest


def test_output_is_deterministic_and_named(tmp_path: Path):
    assert badge.coverage_badge(Fraction(87)) == badge.coverage_badge(Fraction(87))
    written = badge.badges(tmp_path / "badges", passed=True, coverage=Fraction(91))
    assert [p.name for p in written] == ["importspy.svg", "coverage.svg"]
    assert _texts(_parse(written[tmp_path / "badges" / "coverage.svg"]))[2] == "91%"
    only_status = badge.badges(tmp_path / "other", passed=False, coverage=None)
    assert [p.name for p in only_status] == ["importspy.svg"]


def test_control_characters_are_replaced():
    root = _parse(badge.render("a\x00b", "c\x1bd\ud800", "red"))
    assert _texts(root)[0] == "a\ufffdb"
    assert _texts(root)[2] == "c\ufffdd\ufffd"
