"""`shard: K/N`: which modules this job checks, so N matrix jobs cover each module once.

A module's share is a stable hash (SHA-256, not Python's per-process salted `hash`) of its
repo-relative POSIX path, so every job of the matrix -- on any OS, in any Python -- computes
the same split without talking to the others, and adding or removing a file moves no other
file to another shard. Shares are balanced by count (each path is equally likely to land in
any shard), not by module size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def shard_of(relative_path: str, count: int) -> int:
    """The 1-based shard (of `count`) that owns this repo-relative path."""
    digest = hashlib.sha256(relative_path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(
    items: Sequence[Item], shard: tuple[int, int] | None, path_of: Callable[[Item], str]
) -> tuple[list[Item], str | None]:
    """The items in shard K of N (all when `shard` is None) and a note saying how many."""
    if shard is None:
        return list(items), None
    index, count = shard
    chosen = [item for item in items if shard_of(path_of(item), count) == index]
    note = f"Shard {index}/{count}: checked {len(chosen)} of the {len(items)} configured modules."
    return chosen, note
