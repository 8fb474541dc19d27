"""Benchmark: ruff's own run time vs the lint gate's total on a large real code base.

Not a test. Copies the sources of big installed packages (pip, mypy, pygments: ~400k lines
of real Python) into a temporary project with a ruff.toml selecting a broad rule set, so
ruff reports thousands of diagnostics the gate must turn into findings. Then, interleaved,
several times:

  ruff, sequential  `ruff check --output-format json` then `ruff format --check
                    --output-format json` (what a user's CI step runs)
  ruff, parallel    both at once (the same process layout the gate uses)
  gate              run_lint(): find ruff, run both, parse JSON, build findings and metrics

and prints best-of-N and median times and the gate's overhead above ruff. Goal: < 15%.

    python benchmarks/lint.py [--packages pip mypy pygments] [--runs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from importspy_action.gates.lint import _diagnostics, commands, run_lint, run_ruff
from importspy_action.gates.lint_findings import to_finding
from importspy_action.gates.ruff_binary import bundled_ruff
from importspy_action.settings import build_settings

CONFIG = """\
line-length = 100

[lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "C4"]
"""


def copy_sources(root: Path, packages: list[str]) -> int:
    lines = 0
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"package {name!r} is not installed")
        source = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in root.rglob("*.py"):
        lines += path.read_bytes().count(b"\n")
    (root / "ruff.toml").write_text(CONFIG)
    return lines


def ruff_sequential(argv_list: list[list[str]], root: Path) -> float:
    started = time.perf_counter()
    for argv in argv_list:
        subprocess.run(argv, cwd=root, capture_output=True, check=False)
    return time.perf_counter() - started


def ruff_parallel(argv_list: list[list[str]], root: Path) -> float:
    started = time.perf_counter()
    run_ruff(argv_list, root, lambda run: run)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", default=["pip", "mypy", "pygments"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        root = Path(tmp)
        lines = copy_sources(root, args.packages)
        ruff = bundled_ruff()
        argv_list = commands(ruff, None)
        settings = build_settings({"lint": "true", "json-report": "", "sarif": ""}, root)
        files = sum(1 for _ in root.rglob("*.py"))
        sequential, parallel, gate = [], [], []
        findings = 0
        ruff_parallel(argv_list, root)  # warm the page cache for everyone
        for _ in range(args.runs):
            sequential.append(ruff_sequential(argv_list, root))
            parallel.append(ruff_parallel(argv_list, root))
            started = time.perf_counter()
            result = run_lint(settings, None)
            gate.append(time.perf_counter() - started)
            findings = len(result.findings)
        # The gate's own work, measured without ruff in the way: reading both outputs and
        # building every finding (best of N; pure CPU, so little disturbed by other load).
        outputs = run_ruff(argv_list, root, lambda run: run)
        processing = []
        for _ in range(args.runs):
            started = time.perf_counter()
            for run in outputs:
                [to_finding(item, str) for item in _diagnostics(*run)]
            processing.append(time.perf_counter() - started)
    print(
        f"code base: {', '.join(args.packages)} -- {files} files, {lines:,} lines; "
        f"ruff {ruff.version}; {findings:,} findings; {args.runs} runs each, interleaved"
    )
    print("                                    best      median")
    for label, times in (
        ("ruff check + format, sequential", sequential),
        ("ruff check + format, parallel  ", parallel),
        ("lint gate total                ", gate),
    ):
        print(f"  {label}: {min(times):6.3f} s  {statistics.median(times):6.3f} s")
    # Best-of-N is the figure least disturbed by other work on the machine; median shown too.
    seq, par, ours = (min(x) for x in (sequential, parallel, gate))
    overhead = (ours - par) / par * 100
    median_overhead = (statistics.median(gate) / statistics.median(parallel) - 1) * 100
    print(
        f"gate overhead above ruff (same process layout, best of {args.runs}): "
        f"{overhead:+.1f}% (goal < 15%); by medians {median_overhead:+.1f}%"
    )
    print(f"gate vs ruff run sequentially as a CI step would: {(ours - seq) / seq * 100:+.1f}%")
    work = min(processing)
    print(
        f"gate's own processing of ruff's output: {work:.3f} s = {work / par * 100:.1f}% of "
        f"ruff's best parallel time, {work / seq * 100:.1f}% of its sequential time"
    )
    return 0 if overhead < 15 else 1


if __name__ == "__main__":
    sys.exit(main())
