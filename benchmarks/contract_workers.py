"""Benchmark: the contract gate with 1 vs 2 engine workers (the `workers` input).

Generates N module/contract pairs (the same plugins as benchmarks/contracts.py, a quarter
broken) and times, alternating 1 and 2 workers `--repeat` times so load from other jobs on
the machine hits both alike:
  * gate  -- `check_contracts` end to end (reading contracts and building findings in the
             parent are serial; only the engine work is shared between workers);
  * batch -- `run_batch` alone: the engine processes, what `workers` parallelises.
Prints the median seconds and the speedup (1 worker / 2 workers). Goal (issue 13): at
N = 2000 on a 2-core machine, >= 1.7x. Results are recorded in docs/benchmarks.md.

Usage: python benchmarks/contract_workers.py [--size 2000] [--repeat 3] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from contracts import generate

from importspy_action.gates.contracts import check_contracts, resolve_subjects
from importspy_action.gates.engine_runner import Job, run_batch
from importspy_action.settings import build_settings


def time_gate(root: Path, workers: int, expected_denied: int) -> float:
    settings = build_settings({"contracts": "plugins/*.py", "workers": str(workers)}, root)
    started = time.perf_counter()
    metrics = check_contracts(settings).metrics
    elapsed = time.perf_counter() - started
    assert metrics is not None and metrics.to_json()["denied"] == expected_denied, metrics
    return elapsed


def time_batch(root: Path, workers: int, expected_denied: int) -> float:
    settings = build_settings({"contracts": "plugins/*.py"}, root)
    subjects, _ = resolve_subjects(settings)
    jobs = [Job(i, s.module, s.contract) for i, s in enumerate(subjects)]
    started = time.perf_counter()
    batch = run_batch(
        jobs,
        project_root=root,
        site_packages=None,
        timeout=settings.timeout_per_module,
        max_memory=settings.max_memory,
        workers=workers,
    )
    elapsed = time.perf_counter() - started
    denied = sum(o.payload["decision"] == "DENY" for o in batch.outcomes.values())
    assert denied == expected_denied, denied
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    counts = [int(item) for item in args.workers.split(",")]
    root = Path(tempfile.mkdtemp(prefix=f"ispy-workers-{args.size}-"))
    try:
        generate(root, args.size)
        denied = args.size // 4
        times: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.repeat):
            for workers in counts:
                times.setdefault(("gate", workers), []).append(time_gate(root, workers, denied))
                times.setdefault(("batch", workers), []).append(time_batch(root, workers, denied))
        base = counts[0]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(
            f"N = {args.size}, {args.repeat} runs each, median seconds (all runs); "
            f"{os.cpu_count()} CPUs, 1-min load average at the end {load:.2f}"
        )
        print(f"{'what':>6} {'workers':>8} {'median s':>9} {'speedup':>8}  runs")
        for kind in ("gate", "batch"):
            reference = statistics.median(times[(kind, base)])
            for workers in counts:
                runs = times[(kind, workers)]
                median = statistics.median(runs)
                shown = " ".join(f"{value:.2f}" for value in runs)
                print(f"{kind:>6} {workers:>8} {median:>9.2f} {reference / median:>7.2f}x  {shown}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
