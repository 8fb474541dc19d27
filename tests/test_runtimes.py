"""Runtimes and shards in merge mode: findings name their runtimes, a missing shard is exit 2."""

from __future__ import annotations

import pytest

from importspy_action.errors import ConfigError
from importspy_action.runtimes import check_shards, name_runtimes, runtime_facts
from tests.helpers import builders


def test_runtime_facts_describe_this_interpreter() -> None:
    import platform

    facts = runtime_facts()
    assert facts["runtime_python"] == platform.python_version()
    assert facts["runtime"].startswith(platform.python_implementation())


def test_a_finding_in_some_runtimes_only_says_where() -> None:
    everywhere, only_old = builders.finding(1), builders.finding(2)
    named = name_runtimes([("py310", [everywhere, only_old]), ("py312", [everywhere])])
    messages = {f.message for f in named}
    assert everywhere.message in messages  # in every runtime: unchanged
    assert f"{only_old.message} (on py310; not on the other runtimes)" in messages
    assert name_runtimes([("one", [only_old])]) == [only_old]  # one runtime: nothing to say


def test_every_shard_must_arrive() -> None:
    contexts = [(f"r{k}.json", {"shard": f"{k}/3"}) for k in (1, 3)]
    with pytest.raises(ConfigError, match=r"shard 2/3 did not arrive \(got 1/3, 3/3\)"):
        check_shards(contexts)
    assert check_shards([*contexts, ("r2.json", {"shard": "2/3"})]) == [
        "All 3 shards arrived (1/3, 2/3, 3/3)."
    ]
    assert check_shards([("plain.json", {})]) == []


@pytest.mark.parametrize(
    ("shards", "says"),
    [(["1/2", "1/3"], "different numbers of shards"), (["0/2"], "not K/N"), (["x"], "not K/N")],
)
def test_inconsistent_shards_are_refused(shards: list[str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        check_shards([(f"r{i}.json", {"shard": s}) for i, s in enumerate(shards)])
