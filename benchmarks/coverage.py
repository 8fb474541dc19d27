"""Benchmark: our diff coverage vs diff-cover on a 5,000-file / 1M-line Cobertura report.

Not a test. Generates (seeded, so every run sees the same inputs) a repository of 5,000
modules x 200 lines, a coverage.py-style Cobertura report of all of them (~80% of lines
hit) and a pull-request diff adding 2,000 lines across 100 files. Then runs, each in its own
fresh Python process, several times:

  ours       parse_unified_diff(diff) + the whole coverage gate (read, map, merge, judge)
  diff-cover diff_cover_tool.main([... --diff-file ... --format json:...])

and prints median wall time (in-process, imports excluded for both), peak RSS of the child,
the diff-coverage number each computed, and the speed ratio. Goal: >= 2x faster than
diff-cover and the same number to 0.01%. Needs the `bench` extra (`pip install -e .[bench]`).

    python benchmarks/coverage.py [--files 5000] [--lines 200] [--changed 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OURS = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from importspy_action.diff import parse_unified_diff
from importspy_action.gates.coverage import CoverageGate
from importspy_action.settings import build_settings
t_import = time.perf_counter()
root = Path(sys.argv[1])
changes = parse_unified_diff((root / "pr.diff").read_text())
settings = build_settings({"coverage-file": "coverage.xml", "diff-coverage-threshold": "0",
                           "json-report": "", "sarif": ""}, root)
result = CoverageGate().run(settings, changes)
t1 = time.perf_counter()
m = result.metrics.to_json()
print(json.dumps({"seconds": t1 - t_import, "import": t_import - t0,
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "covered": m["diff_covered"], "lines": m["diff_statements"]}))
"""

DIFF_COVER = r"""
import json, logging, os, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from diff_cover import diff_cover_tool
t_import = time.perf_counter()
root = Path(sys.argv[1])
os.chdir(root)
out = root / "diff-cover.json"
diff_cover_tool.main(["diff-cover", "coverage.xml", "--diff-file", "pr.diff",
                      "--format", f"json:{out}", "--quiet"])
t1 = time.perf_counter()
data = json.loads(out.read_text())
lines = data["total_num_lines"]
print(json.dumps({"seconds": t1 - t_import, "import": t_import - t0,
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "covered": lines - data["total_num_violations"], "lines": lines}))
"""


def generate(root: Path, files: int, lines: int, changed: int) -> None:
    rng = random.Random(20261122)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    parts = [
        '<?xml version="1.0" ?>\n<coverage version="7.17.3" timestamp="0" line-rate="0.8">\n',
        f"\t<sources>\n\t\t<source>{root}</source>\n\t</sources>\n\t<packages>\n",
    ]
    names = []
    for index in range(files):
        package = f"src/pkg{index // 100:02d}"
        name = f"{package}/mod{index:04d}.py"
        names.append(name)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"value_{n} = {n}\n" for n in range(1, lines + 1)))
        if index % 100 == 0:
            if index:
                parts.append("\t\t\t</classes>\n\t\t</package>\n")
            parts.append(f'\t\t<package name="{package}">\n\t\t\t<classes>\n')
        parts.append(
            f'\t\t\t\t<class name="mod{index:04d}.py" filename="{name}">\n'
            "\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n"
        )
        parts.extend(
            f'\t\t\t\t\t\t<line number="{n}" hits="{1 if rng.random() < 0.8 else 0}"/>\n'
            for n in range(1, lines + 1)
        )
        parts.append("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
    parts.append("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")
    (root / "coverage.xml").write_text("".join(parts))

    per_file = 20
    diff = []
    for name in rng.sample(names, changed // per_file):
        start = rng.randint(1, lines - per_file)
        diff += [
            f"diff --git a/{name} b/{name}",
            f"--- a/{name}",
            f"+++ b/{name}",
            f"@@ -{start},{per_file} +{start},{per_file} @@",
            *(f"-old_{n} = {n}" for n in range(start, start + per_file)),
            *(f"+value_{n} = {n}" for n in range(start, start + per_file)),
        ]
    (root / "pr.diff").write_text("\n".join(diff) + "\n")


def measure_once(script: str, root: Path) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--changed", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        import diff_cover  # noqa: F401
    except ImportError:
        print("diff-cover is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-coverage-") as tmp:
        root = Path(tmp)
        generate(root, args.files, args.lines, args.changed)
        size = (root / "coverage.xml").stat().st_size
        print(
            f"inputs: {args.files} files x {args.lines} lines = {args.files * args.lines:,} "
            f"lines, report {size / 1e6:.1f} MB, diff touching {args.changed} lines; "
            f"{args.runs} runs each"
        )
        ours, theirs = [], []
        for _ in range(args.runs):  # interleaved, so a busy machine slows both alike
            ours.append(measure_once(OURS, root))
            theirs.append(measure_once(DIFF_COVER, root))
    rows = []
    for label, runs in (("importspy-action", ours), ("diff-cover", theirs)):
        seconds = statistics.median(r["seconds"] for r in runs)
        process = statistics.median(r["process"] for r in runs)
        rss = max(r["rss_kib"] for r in runs) / 1024
        percent = 100 * runs[0]["covered"] / runs[0]["lines"]
        rows.append((label, seconds, rss, percent, process))
        print(
            f"{label:>17}: {seconds:6.3f} s median work ({process:6.3f} s whole process), "
            f"peak RSS {rss:6.1f} MiB, diff coverage {percent:.4f}% "
            f"({runs[0]['covered']}/{runs[0]['lines']} lines)"
        )
    speedup = rows[1][1] / rows[0][1]
    print(
        f"whole-process speed-up (interpreter and imports included): {rows[1][4] / rows[0][4]:.2f}x"
    )
    same = abs(rows[0][3] - rows[1][3]) < 0.01
    verdict = "met" if speedup >= 2 else "MISSED"
    print(f"speed-up vs diff-cover: {speedup:.2f}x (goal >= 2x) -> {verdict}")
    print(f"same diff coverage to 0.01%: {'yes' if same else 'NO'}")
    return 0 if speedup >= 2 and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
