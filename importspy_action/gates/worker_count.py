"""How many engine processes `workers: auto` starts: usable cores, capped by memory.

`os.cpu_count()` counts the host's cores, not the ones this job may use: a container or a
CI runner is often limited by CPU affinity (taskset, cpusets) or a CFS quota (cgroup v2
`cpu.max`, v1 `cpu.cfs_quota_us`), and starting more engine processes than that only makes
them share the same cores while their per-module deadlines keep running. Each child may use
up to `max-memory` of address space, so auto also starts no more children than the available
memory (`MemAvailable` in /proc/meminfo, or what the cgroup's memory limit leaves) holds.
Where none of these files exist (macOS, Windows) the usable cores alone decide.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
MEMINFO = Path("/proc/meminfo")

MIN_JOBS_PER_WORKER = 40
"""A child costs ~330 ms to start, about as much engine time as 35-40 modules: below this
many modules per worker, auto starts fewer workers because another start-up would not pay."""


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def cgroup_cpu_limit(root: Path = CGROUP_ROOT) -> int | None:
    """Cores a CFS quota allows (rounded up), or None when unlimited or unknown."""
    v2 = _read(root / "cpu.max")
    if v2 is not None:
        quota, _, period = v2.partition(" ")
        quota_us, period_us = _int(quota), _int(period or "100000")
        if quota_us is None or not period_us or quota_us <= 0:
            return None  # "max": no quota
        return max(1, math.ceil(quota_us / period_us))
    quota_us = _int(_read(root / "cpu" / "cpu.cfs_quota_us"))
    period_us = _int(_read(root / "cpu" / "cpu.cfs_period_us"))
    if quota_us is None or quota_us <= 0 or not period_us:
        return None  # -1: no quota
    return max(1, math.ceil(quota_us / period_us))


def usable_cores(root: Path = CGROUP_ROOT) -> int:
    """Cores this process may run on: affinity, then any cgroup CPU quota; at least 1."""
    counter = getattr(os, "process_cpu_count", None)  # 3.13+: affinity-aware
    if counter is not None:
        cores = counter() or 1
    elif hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0)) or 1
    else:
        cores = os.cpu_count() or 1
    quota = cgroup_cpu_limit(root)
    return max(1, min(cores, quota) if quota else cores)


def available_memory(root: Path = CGROUP_ROOT, meminfo: Path = MEMINFO) -> int | None:
    """Bytes a new process can still get: MemAvailable, lowered by any cgroup memory limit.

    None when the system says nothing (not Linux)."""
    candidates: list[int] = []
    text = _read(meminfo)
    if text:
        for line in text.splitlines():
            name, _, value = line.partition(":")
            if name == "MemAvailable":
                kib = _int(value.strip().removesuffix("kB").strip())
                if kib is not None:
                    candidates.append(kib * 1024)
    for limit_file, usage_file in (
        (root / "memory.max", root / "memory.current"),  # v2
        (root / "memory" / "memory.limit_in_bytes", root / "memory" / "memory.usage_in_bytes"),
    ):
        limit = _int(_read(limit_file))  # v2 "max" reads as None: no limit
        if limit is None or limit >= 1 << 60:  # v1 writes "no limit" as a huge number
            continue
        usage = _int(_read(usage_file)) or 0
        candidates.append(max(0, limit - usage))
        break
    return min(candidates) if candidates else None


def auto_workers(
    max_memory: int,
    jobs: int,
    *,
    root: Path = CGROUP_ROOT,
    meminfo: Path = MEMINFO,
) -> int:
    """`workers: auto` for this many jobs: cores, capped by memory and by the job count."""
    count = usable_cores(root)
    memory = available_memory(root, meminfo)
    if memory is not None:
        count = min(count, memory // max(1, max_memory))
    count = min(count, jobs // MIN_JOBS_PER_WORKER)
    return max(1, count)
