"""Exact percentages and line ranges for the coverage gate.

Two promises live here so they can be tested on their own: a percentage is never rounded
*up* across a threshold (79.996% shows as 79.99% and fails a threshold of 80), and uncovered
lines are reported as the fewest honest ranges ("lines 40-47"), where a range never hides a
covered statement in its middle.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction


def floor_percent(covered: int, total: int) -> float:
    """covered/total as a percentage floored to two decimals (100.0 when nothing to cover)."""
    if total <= 0:
        return 100.0
    return (covered * 10_000 // total) / 100


def below(covered: int, total: int, threshold: float) -> bool:
    """True when covered/total is strictly below `threshold` percent, compared exactly.

    The threshold is read through its shortest decimal spelling (what the user typed), so
    79.9 means 799/10, not the binary float just above it.
    """
    if total <= 0:
        return False
    return Fraction(covered * 100, total) < Fraction(Decimal(repr(float(threshold))))


def format_percent(covered: int, total: int) -> str:
    """'87.50%': two decimals, floored (see module docstring)."""
    return f"{floor_percent(covered, total):.2f}%"


def format_threshold(threshold: float) -> str:
    """80.0 -> '80%', 87.5 -> '87.5%'."""
    return f"{threshold:g}%"


def coalesce(lines: Iterable[int], statements: Sequence[int]) -> list[tuple[int, int]]:
    """Group `lines` into (first, last) ranges, merging across non-statement lines only.

    `statements` is the sorted list of every executable line of the file; two uncovered
    lines join one range when no other statement lies between them, so blank lines,
    comments and continuation lines do not split a range, but a covered (or merely
    unchanged) statement does. Lines that are not statements are ignored.
    """
    ranges: list[tuple[int, int]] = []
    last_index = -2
    for line in sorted(set(lines)):
        index = bisect.bisect_left(statements, line)
        if index >= len(statements) or statements[index] != line:
            continue
        if ranges and index == last_index + 1:
            ranges[-1] = (ranges[-1][0], line)
        else:
            ranges.append((line, line))
        last_index = index
    return ranges


def describe_ranges(ranges: Sequence[tuple[int, int]], *, limit: int = 12) -> str:
    """'3-5, 9, 12-20' (and '... N more' past `limit`)."""
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in ranges[:limit]]
    if len(ranges) > limit:
        parts.append(f"… {len(ranges) - limit} more")
    return ", ".join(parts)
