"""Benchmark: what `baseline: merge-base` costs relative to a plain run.

Not a test. Copies the sources of an installed package (pip by default: ~100k lines) into a
temporary git repository as `main`, then a `feature` branch that inserts a line at the top
of every tenth file (moving every finding in them down) -- and runs the lint gate, broad
rule set, through `run.run_gates` in three modes, interleaved, several times:

  plain        the head only
  merge-base   the base judged in a temporary worktree too, then both classified
  report       the base's findings read from a JSON report of ours (`baseline-report`)

and prints best-of-N and median times, each mode's ratio to plain, and the classification
(every finding should stay existing: only lines moved). merge-base lints twice, checks the
base out and fingerprints both sides; report mode only fingerprints the head.

    python benchmarks/baseline.py [--package pip] [--runs 3]
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

from importspy_action.fingerprint import SourceLines
from importspy_action.github.context import GitHubContext
from importspy_action.reporters import json_report
from importspy_action.run import build_report, run_gates
from importspy_action.settings import build_settings

CONFIG = 'line-length = 100\n\n[lint]\nselect = ["E", "F", "W", "B", "UP", "SIM"]\n'


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=b", "-c", "user.email=b@e.st", "-c", "init.defaultBranch=main"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def make_repo(root: Path, package: str) -> int:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package!r} is not installed")
    source = Path(next(iter(spec.submodule_search_locations)))
    shutil.copytree(source, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "ruff.toml").write_text(CONFIG)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    files = sorted(root.rglob("*.py"))
    for path in files[::10]:
        path.write_text("# moved down\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "feature")
    return sum(path.read_bytes().count(b"\n") for path in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="pip")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    context = GitHubContext.from_environ({})
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        lines = make_repo(root, args.package)
        plain = build_settings({"lint": "true", "json-report": "", "sarif": ""}, root)
        results, _ = run_gates(plain, None)
        report = build_report(results, plain, context)
        saved = Path(tmp) / "repo" / ".base-report.json"
        saved.write_text(json_report.render(report, source=SourceLines(plain.workspace)))
        merge_base = build_settings(
            {"lint": "true", "baseline": "merge-base", "base-ref": "main", "sarif": ""}, root
        )
        from_report = build_settings(
            {"lint": "true", "baseline-report": ".base-report.json", "sarif": ""}, root
        )
        modes = {"plain": plain, "merge-base": merge_base, "report": from_report}
        times: dict[str, list[float]] = {name: [] for name in modes}
        counts: dict[str, str] = {}
        for _ in range(args.runs):
            for name, settings in modes.items():
                started = time.perf_counter()
                judged, classification = run_gates(settings, None, context, {})
                times[name].append(time.perf_counter() - started)
                if classification is not None:
                    found = [f for result in judged for f in result.findings]
                    counts[name] = str(classification.counts(found))
    findings = sum(len(result.findings) for result in results)
    print(
        f"{args.package}: {lines:,} lines, {findings:,} findings, python {sys.version.split()[0]}"
    )
    best_plain = min(times["plain"])
    for name, values in times.items():
        print(
            f"  {name:<11} best {min(values):6.2f}s  median {statistics.median(values):6.2f}s  "
            f"x{min(values) / best_plain:4.2f} of plain  {counts.get(name, '')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
