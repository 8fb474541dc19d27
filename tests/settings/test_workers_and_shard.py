"""The `workers` and `shard` inputs: what they accept, and the message for what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import ConfigError
from importspy_action.settings import build_settings


def test_defaults_are_auto_workers_and_no_shard(tmp_path: Path):
    settings = build_settings({}, tmp_path)
    assert settings.workers is None  # auto
    assert settings.shard is None


@pytest.mark.parametrize(("text", "workers"), [("auto", None), ("1", 1), ("4", 4), ("256", 256)])
def test_workers_accepted(tmp_path: Path, text: str, workers: int | None):
    assert build_settings({"workers": text}, tmp_path).workers == workers


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", "257", "Auto"])
def test_workers_refused(tmp_path: Path, text: str):
    with pytest.raises(ConfigError, match=r"Input `workers`: .* is not `auto` or a whole number"):
        build_settings({"workers": text}, tmp_path)


@given(st.integers(1, 64).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_valid_shard_is_accepted(shard: tuple[int, int]):
    root = Path.cwd()
    assert build_settings({"shard": f"{shard[0]}/{shard[1]}"}, root).shard == shard


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "1/0", "a/b", "1/2/3", "-1/2"])
def test_shard_refused_with_the_rule(tmp_path: Path, text: str):
    with pytest.raises(ConfigError, match=r"Input `shard`: .* is not K/N with 1 <= K <= N"):
        build_settings({"shard": text}, tmp_path)
