"""`shard` splits modules deterministically; `workers: auto` counts usable cores and memory."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from importspy_action.gates.sharding import select_shard, shard_of
from importspy_action.gates.worker_count import (
    MIN_JOBS_PER_WORKER,
    auto_workers,
    available_memory,
    cgroup_cpu_limit,
    usable_cores,
)

GIB = 1024**3

paths = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
    unique=True,
    max_size=60,
)


def test_shard_of_is_pinned():
    """Every job of a matrix (any OS, any Python, any version of this action that shares a
    report) must compute the same split: the hash is SHA-256 of the path, fixed here."""
    assert [shard_of(p, 4) for p in ["src/a.py", "src/b.py", "pkg/mod/x.py", "ünï/cödé.py"]] == [
        4,
        4,
        1,
        1,
    ]


@given(paths, st.integers(1, 12))
def test_shards_cover_every_path_exactly_once(items: list[str], count: int):
    seen: list[str] = []
    for index in range(1, count + 1):
        chosen, note = select_shard(items, (index, count), str)
        assert note == (
            f"Shard {index}/{count}: checked {len(chosen)} of the {len(items)} configured modules."
        )
        assert chosen == [item for item in items if item in chosen]  # order kept
        seen.extend(chosen)
    assert sorted(seen) == sorted(items)


@given(paths, st.text(min_size=1, max_size=30), st.integers(2, 8))
def test_adding_a_file_moves_no_other_file(items: list[str], extra: str, count: int):
    before = {item: shard_of(item, count) for item in items}
    after = {item: shard_of(item, count) for item in [*items, extra]}
    assert all(after[item] == shard for item, shard in before.items())


def test_no_shard_means_everything():
    assert select_shard(["b", "a"], None, str) == (["b", "a"], None)


def _files(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_cgroup_v2_quota_rounds_up(tmp_path: Path):
    assert cgroup_cpu_limit(_files(tmp_path, {"cpu.max": "150000 100000\n"})) == 2


def test_cgroup_v2_without_quota(tmp_path: Path):
    assert cgroup_cpu_limit(_files(tmp_path, {"cpu.max": "max 100000\n"})) is None


def test_cgroup_v1_quota(tmp_path: Path):
    root = _files(tmp_path, {"cpu/cpu.cfs_quota_us": "50000", "cpu/cpu.cfs_period_us": "100000"})
    assert cgroup_cpu_limit(root) == 1
    assert usable_cores(root) == 1


def test_cgroup_v1_without_quota(tmp_path: Path):
    root = _files(tmp_path, {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"})
    assert cgroup_cpu_limit(root) is None


def test_no_cgroup_files_leaves_the_affinity(tmp_path: Path):
    assert cgroup_cpu_limit(tmp_path) is None
    assert usable_cores(tmp_path) >= 1


def test_memory_is_the_lower_of_meminfo_and_the_cgroup_limit(tmp_path: Path):
    meminfo = _files(tmp_path, {"meminfo": "MemTotal: 99 kB\nMemAvailable: 8388608 kB\n"})
    cgroup = tmp_path / "cg"
    assert available_memory(cgroup, meminfo / "meminfo") == 8 * GIB
    _files(cgroup, {"memory.max": str(5 * GIB), "memory.current": str(2 * GIB)})
    assert available_memory(cgroup, meminfo / "meminfo") == 3 * GIB


def test_cgroup_v1_unlimited_memory_is_ignored(tmp_path: Path):
    root = _files(
        tmp_path,
        {
            "memory/memory.limit_in_bytes": "9223372036854771712",
            "memory/memory.usage_in_bytes": "1",
        },
    )
    assert available_memory(root, tmp_path / "no-meminfo") is None


def test_auto_workers_is_capped_by_memory_and_job_count(tmp_path: Path):
    root = _files(tmp_path, {"cpu.max": "400000 100000", "memory.max": str(5 * GIB)})
    nothing = tmp_path / "no-meminfo"
    cores = usable_cores(root)
    many = 100 * MIN_JOBS_PER_WORKER
    # 5 GiB holds two children capped at 2 GiB each
    assert auto_workers(2 * GIB, many, root=root, meminfo=nothing) == min(cores, 2)
    # no memory so small that not even one fits: still one worker
    assert auto_workers(64 * GIB, many, root=root, meminfo=nothing) == 1
    # a handful of modules does not pay for a second start-up
    assert auto_workers(GIB, 2 * MIN_JOBS_PER_WORKER - 1, root=root, meminfo=nothing) == 1
    assert auto_workers(GIB, 0, root=root, meminfo=nothing) == 1
