"""Benchmark: the contract gate vs a loop of `importspy check` vs the raw engine in-process.

Generates N module/contract pairs (a quarter broken) and times, in one run:
  * ours    -- importspy-action's contract gate (parent + ONE batched engine child);
  * cli     -- what a user scripts today: one `importspy check` process per module;
  * engine  -- importspy's AdmissionEngine looped in-process: the floor.
Each runs in a fresh process so peak RSS (self + children) is its own. At large N the CLI
loop would take many minutes, so it times a sample and extrapolates (marked with "~").

Usage: python benchmarks/contracts.py [--sizes 50,500,2000] [--cli-sample 200]
Goal (issue 2): at N = 500 ours is >= 25x faster than the CLI loop and within 1.5x of the
raw engine; peak RSS under 300 MB. Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULE = '''\
"""Generated plugin {i}."""

import json

VERSION = "{i}.0"


class Plugin{i}:
    def setup(self, config: dict) -> None:
        self.config = config

    def run(self, payload: str) -> str:
        return json.dumps({{"n": {i}, "payload": payload}})


def register(host: object) -> None:
    host.add(Plugin{i}())
'''

CONTRACT = """\
schema_version: 1
variables:
  - name: VERSION
classes:
  - name: Plugin{i}
    methods:
      - name: setup
        arguments:
          - name: self
          - name: config
            annotation: dict
      - name: {method}
        arguments:
          - name: self
          - name: payload
            annotation: str
        return_annotation: str
functions:
  - name: register
"""


def generate(root: Path, count: int) -> None:
    plugins = root / "plugins"
    plugins.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "1"\n')
    for i in range(count):
        broken = i % 4 == 3
        (plugins / f"plugin_{i}.py").write_text(MODULE.format(i=i))
        (plugins / f"plugin_{i}.importspy.yml").write_text(
            CONTRACT.format(i=i, method="stop" if broken else "run")
        )


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024  # Linux reports KiB


def measure(kind: str, root: Path, limit: int | None) -> dict[str, float]:
    modules = sorted((root / "plugins").glob("plugin_*.py"))
    if limit:
        modules = modules[:limit]
    started = time.perf_counter()
    if kind == "ours":
        from importspy_action.gates.contracts import check_contracts
        from importspy_action.settings import build_settings

        settings = build_settings({"contracts": "plugins/*.py"}, root)
        metrics = check_contracts(settings).metrics
        denied = int(metrics.to_json()["denied"]) if metrics else -1
    elif kind == "engine":
        from importspy.domain import AdmissionRequest
        from importspy.engine import AdmissionEngine

        engine = AdmissionEngine()
        denied = 0
        for module in modules:
            contract = module.with_name(module.stem + ".importspy.yml")
            decision = engine.check(
                AdmissionRequest(subject=module, contract=contract, project_root=root)
            )
            denied += not decision.admitted
    else:
        importspy = Path(sys.executable).with_name("importspy")
        denied = 0
        for module in modules:
            contract = module.with_name(module.stem + ".importspy.yml")
            proc = subprocess.run(
                [str(importspy), "check", str(module), "--contract", str(contract)],
                capture_output=True,
                check=False,
            )
            denied += proc.returncode == 1
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "modules": len(modules), "denied": denied, "peak_mb": peak_mb()}


def run_child(kind: str, root: Path, limit: int | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--measure", kind, "--root", str(root)]
    if limit:
        cmd += ["--limit", str(limit)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500,2000")
    parser.add_argument("--cli-sample", type=int, default=200)
    parser.add_argument("--measure")
    parser.add_argument("--root")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.root), args.limit)))
        return

    print(
        f"{'N':>6} {'ours s':>8} {'engine s':>9} {'cli s':>9} {'cli/ours':>9} "
        f"{'ours/engine':>12} {'ours MB':>8} {'engine MB':>10} {'cli MB':>7}"
    )
    for size in (int(item) for item in args.sizes.split(",")):
        root = Path(tempfile.mkdtemp(prefix=f"ispy-bench-{size}-"))
        try:
            generate(root, size)
            ours = run_child("ours", root, None)
            engine = run_child("engine", root, None)
            sample = size if size <= 500 else min(size, args.cli_sample)
            cli = run_child("cli", root, sample)
            cli_seconds = cli["seconds"] * size / sample
            mark = "" if sample == size else "~"
            assert ours["denied"] == engine["denied"] == size // 4, (ours, engine)
            print(
                f"{size:>6} {ours['seconds']:>8.2f} {engine['seconds']:>9.2f} "
                f"{mark + format(cli_seconds, '.1f'):>9} "
                f"{mark + format(cli_seconds / ours['seconds'], '.1f') + 'x':>9} "
                f"{ours['seconds'] / engine['seconds']:>11.2f}x "
                f"{ours['peak_mb']:>8.0f} {engine['peak_mb']:>10.0f} {cli['peak_mb']:>7.0f}"
            )
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
