"""GitHub's size rules: whatever the text, what we send fits, and says when it was cut."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action import view
from importspy_action.github import check_payloads, limits
from importspy_action.ranking import select
from tests.helpers import builders

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000)


@given(text, st.integers(min_value=1, max_value=400), st.integers(min_value=4, max_value=900))
def test_clip_fits_both_limits_and_never_sends_astral_characters(
    value: str, max_chars: int, max_bytes: int
) -> None:
    clipped = limits.clip(value, max_chars=max_chars, max_bytes=max_bytes)
    assert len(clipped) <= max_chars
    assert len(clipped.encode("utf-8")) <= max_bytes
    assert all(ord(ch) <= 0xFFFF for ch in clipped)
    escaped = limits.escape_astral(value)
    if limits.fits(escaped, max_chars=max_chars, max_bytes=max_bytes):
        assert clipped == escaped
    else:
        assert clipped.endswith(limits.ELLIPSIS)
        assert escaped.startswith(clipped[: -len(limits.ELLIPSIS)])


def test_escape_astral_is_visible() -> None:
    assert limits.escape_astral("a🐍b") == "a\\U0001F40Db"


@settings(max_examples=60)
@given(st.lists(text, max_size=80), st.integers(min_value=200, max_value=5000))
def test_join_within_counts_what_it_dropped(items: list[str], limit: int) -> None:
    items = [item.replace("\n", " ") for item in items]  # one line per item, as callers pass
    joined = limits.join_within(["head"], items, ["tail"], max_chars=limit, max_bytes=limit)
    assert len(joined) <= limit and len(joined.encode("utf-8")) <= limit
    lines = joined.split("\n")
    more = [line for line in lines if "more not shown" in line]
    if more:
        dropped = int(more[0].split()[1])
        shown = lines.index(more[0]) - 1
        assert dropped + shown == len(items)


@given(st.integers(min_value=0, max_value=400))
def test_plan_uses_the_floor_of_requests_and_at_most_50_annotations_each(n: int) -> None:
    findings = [builders.finding(i) for i in range(n)]
    report = builders.report(findings)
    selection = select(findings, mode="all", changes=None, limit=None)
    plan = check_payloads.plan(view.build(report), selection, name="ImportSpy", head_sha="1" * 40)
    assert plan.requests == max(1, math.ceil(n / 50))
    bodies = plan.bodies()
    batches = [body["output"].get("annotations", []) for body in bodies]
    assert all(len(batch) <= 50 for batch in batches)
    assert sum(len(batch) for batch in batches) == n
    assert bodies[-1]["status"] == "completed"
    assert bodies[-1]["conclusion"] == ("failure" if n else "success")
    assert all("conclusion" not in body for body in bodies[:-1])
    for body in bodies:
        assert len(body["output"]["title"]) <= 255
        assert len(body["output"]["summary"].encode("utf-8")) <= 65_535
        assert len(body["output"]["text"].encode("utf-8")) <= 65_535


def test_annotation_columns_only_on_one_line_and_levels_mapped() -> None:
    from importspy_action.model import Severity

    one_line = check_payloads.to_annotation(
        builders.finding(0, Severity.WARNING, start_column=3, end_column=9)
    )
    assert one_line["annotation_level"] == "warning"
    assert (one_line["start_column"], one_line["end_column"]) == (3, 9)
    spanning = check_payloads.to_annotation(builders.finding(0, end_line=5, start_column=3))
    assert spanning["annotation_level"] == "failure"
    assert "start_column" not in spanning and spanning["end_line"] == 5
    notice = check_payloads.to_annotation(builders.finding(0, Severity.NOTICE, help="do x"))
    assert notice["annotation_level"] == "notice" and notice["raw_details"] == "help: do x"
