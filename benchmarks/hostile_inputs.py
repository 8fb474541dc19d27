"""Benchmark: the resource figures of issue 11, item 5, as measured/goal ratios.

Not a test (no thresholds): it prints what this machine measured against each goal, so a
ratio above 1.00 is a goal missed. Every input is generated (seeded) in a temporary folder,
every run is a fresh process on this machine, nothing touches the network.

  findings, merged   a 100,000-finding JSON report through `importspy-action merge
                     --dry-run` (capped schema reader, verdict, JSON report, SARIF, job
                     summary, check-run payloads); goals 300 MB peak RSS, 10 s end to end
  findings, live     `importspy-action run --lint true` on a generated project where ruff
                     reports 100,000 diagnostics (ruff's own process is reported apart)
  cobertura 200 MB   the whole coverage gate (`CoverageGate().run`) on a 200 MB Cobertura
                     report (10,000 files x 500 lines, 10% branch lines); goal 400 MB
  module 20 MB       the contract gate with a 20 MB module: under the default
                     `max-module-size` it is ISPYA-S002 (never read by the engine); with
                     the cap raised it runs in the engine child under `max-memory` (2 GiB)
                     and is ISPYA-T002; either way exit 1 and the other modules judged.
                     The goal for the child is its cap: peak RSS / `max-memory`.

    python benchmarks/hostile_inputs.py [--only NAME ...]   (NAME: merged live cobertura module)

Peak RSS is `ru_maxrss` of the measured process (self), and of its children apart; seconds
are wall time of the whole process (interpreter start and imports included). Inputs are
generated in a process of their own: Linux carries a parent's peak RSS over fork and exec
into the child's `ru_maxrss`, so the measuring parent must stay small.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FINDINGS = 100_000
MB = 1024 * 1024

MEASURE = r"""
import json, resource, sys, time
started = time.perf_counter()
kind, root = sys.argv[1], sys.argv[2]
result = {}
if kind == "cli":
    from importspy_action.cli import main
    result["exit"] = main(json.loads(sys.argv[3]))
elif kind == "coverage":
    from pathlib import Path
    from importspy_action.diff import parse_unified_diff
    from importspy_action.gates.coverage import CoverageGate
    from importspy_action.settings import build_settings
    settings = build_settings({"coverage-file": "coverage.xml", "json-report": "",
                               "sarif": ""}, Path(root))
    changes = parse_unified_diff((Path(root) / "pr.diff").read_text())
    outcome = CoverageGate().run(settings, changes)
    result["exit"] = 0 if outcome.error is None else 2
    result["error"] = outcome.error
    result["metrics"] = outcome.metrics.to_json() if outcome.metrics else None
self_usage = resource.getrusage(resource.RUSAGE_SELF)
result["seconds_inside"] = time.perf_counter() - started
result["self_mb"] = self_usage.ru_maxrss / 1024
result["children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("@@" + json.dumps(result))
"""


def measure(kind: str, root: Path, argv: list[str] | None = None) -> dict[str, Any]:
    """One fresh process; its figures plus the wall time of the whole process."""
    command = [sys.executable, "-c", MEASURE, kind, str(root), json.dumps(argv or [])]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, timeout=900, check=False
    )
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("@@")]
    if not lines:
        tail = (done.stderr or done.stdout)[-2000:]
        raise SystemExit(f"{kind} in {root} printed no figures (exit {done.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(lines[-1][2:])
    result["seconds"] = seconds
    return result


READ_REPORT = r"""
import json, sys
data = json.loads(open(sys.argv[1], encoding="utf-8").read())
found = {}
for gate in data["gates"]:
    for finding in gate["findings"]:
        found.setdefault(finding["path"], []).append(finding["code"])
print(json.dumps({"count": sum(map(len, found.values())),
                  "codes": {path: found[path] for path in sys.argv[2:] if path in found}}))
"""


def report_of(root: Path, name: str, *paths: str) -> tuple[int, dict[str, list[str]]]:
    """How many findings a JSON report the run wrote holds, and the codes at `paths`; read
    in a process of its own (100,000 findings parsed here would inflate later figures)."""
    done = subprocess.run(
        [sys.executable, "-c", READ_REPORT, str(root / name), *paths],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    data = json.loads(done.stdout)
    return int(data["count"]), dict(data["codes"])


# -- inputs -----------------------------------------------------------------------------


def source_tree(root: Path, files: int, lines: int, text: str) -> list[str]:
    names = []
    for index in range(files):
        name = f"src/pkg{index % 20:02d}/mod{index:05d}.py"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(text.format(i=index, n=n) for n in range(lines)))
        names.append(name)
    return names


def merged_input(root: Path) -> None:
    """A workspace of 1,000 modules and a JSON report of 100,000 lint findings in them."""
    from importspy_action.gates.base import GateOutcome
    from importspy_action.model import Finding, Report, Severity
    from importspy_action.reporters import json_report
    from importspy_action.verdict import Rules, judge

    names = source_tree(root, 1000, 100, "import os{n}  # {i}\nvalue_{n} = compute({n})\n")
    levels = (Severity.ERROR, Severity.WARNING, Severity.NOTICE)
    codes = ("F401", "E501", "B006", "UP035", "SIM108")
    findings = tuple(
        Finding(
            gate="lint",
            code=codes[k % 5],
            severity=levels[k % 3],
            path=names[k % 1000],
            start_line=1 + (k // 1000) % 200,
            start_column=1 + k % 7,
            title=f"{codes[k % 5]} rule <b>title</b> | `x`",
            message=f"`os{k}` imported but unused; see https://example.invalid/{k} @user [x](y)",
        )
        for k in range(FINDINGS)
    )
    gate = judge("lint", GateOutcome(findings=findings), Rules())
    report = Report(
        "0",
        "0.5.0",
        (gate,),
        "error",
        gate.exit_code,
        context={"job": "bench"},
        jobs=({"job": "bench", "result": "failed", "run_url": ""},),
        generated_at="2026-01-01T00:00:00+00:00",
    )
    (root / "reports").mkdir()
    (root / "reports" / "lint.json").write_text(json_report.render(report), encoding="utf-8")


def live_input(root: Path) -> None:
    """1,000 modules of 100 unused imports each: ruff reports 100,000 F401."""
    source_tree(root, 1000, 100, "import mod_{i}_{n}\n")
    (root / "ruff.toml").write_text('[lint]\nselect = ["F401"]\n')


def cobertura_input(root: Path) -> None:
    """10,000 files x 500 lines, every tenth line a branch line: ~200 MB of Cobertura."""
    rng = random.Random(11)
    files, lines = 10_000, 500
    names = source_tree(root, files, 0, "")
    for name in names:
        (root / name).write_text("value = 1\n" * lines)
    with (root / "coverage.xml").open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" ?>\n<coverage version="7.6" line-rate="0.8">\n')
        out.write(f"\t<sources>\n\t\t<source>{root}</source>\n\t</sources>\n\t<packages>\n")
        out.write('\t\t<package name="src">\n\t\t\t<classes>\n')
        for name in names:
            out.write(f'\t\t\t\t<class name="{Path(name).name}" filename="{name}">\n')
            out.write("\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n")
            rows = []
            for n in range(1, lines + 1):
                hits = 1 if rng.random() < 0.8 else 0
                if n % 10 == 0:
                    rows.append(
                        f'\t\t\t\t\t\t<line number="{n}" hits="{hits}" branch="true" '
                        f'condition-coverage="50% (1/2)" missing-branches="{n + 1}"/>\n'
                    )
                else:
                    rows.append(f'\t\t\t\t\t\t<line number="{n}" hits="{hits}"/>\n')
            out.write("".join(rows))
            out.write("\t\t\t\t\t</lines>\n\t\t\t\t</class>\n")
        out.write("\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n")
    diff = []
    for name in rng.sample(names, 100):
        start = rng.randint(1, lines - 20)
        diff += [f"diff --git a/{name} b/{name}", f"--- a/{name}", f"+++ b/{name}"]
        diff.append(f"@@ -{start},20 +{start},20 @@")
        diff += ["-old = 0"] * 20 + ["+value = 1"] * 20
    (root / "pr.diff").write_text("\n".join(diff) + "\n")


MODULE = "def run(x):\n    return x\n"
CONTRACT = "schema_version: 1\nfunctions:\n  - name: {name}\n"


def module_input(root: Path) -> None:
    """A good, a broken and a 20 MB module (500,000 top-level assignments), each with a
    contract; the engine needs about 3.4 GB to check the big one."""
    plugins = root / "plugins"
    plugins.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "1"\n')
    filler = "".join(f"value_{n} = [{n}, {n + 1}, 'x{n}']\n" for n in range(500_000))
    for name, required, body in (
        ("good", "run", ""),
        ("broken", "missing_function", ""),
        ("big", "run", filler),
    ):
        (plugins / f"{name}.py").write_text(MODULE + body)
        (plugins / f"{name}.importspy.yml").write_text(CONTRACT.format(name=required))


# -- runs -------------------------------------------------------------------------------

Row = tuple[str, str, float, float, str]  # input, figure, measured, goal, unit


def generate(kind: str, root: Path) -> None:
    """Make the input for `kind` in `root`, in a fresh process (see the module docstring)."""
    root.mkdir()
    subprocess.run(
        [sys.executable, __file__, "--generate", kind, str(root)], check=True, timeout=900
    )


def run_merged(base: Path) -> list[Row]:
    root = base / "merged"
    generate("merged", root)
    size = (root / "reports" / "lint.json").stat().st_size / MB
    argv = ["merge", "reports/lint.json", "--workspace", str(root), "--dry-run", "true"]
    argv += ["--json-report", "out/report.json", "--sarif", "out/report.sarif"]
    argv += ["--summary-file", str(root / "summary.md")]
    result = measure("cli", root, argv)
    found, _ = report_of(root, "out/report.json")
    assert result["exit"] == 1 and found == FINDINGS, (result, found)
    label = f"100,000 findings, merged ({size:.0f} MB report)"
    return [
        (label, "peak RSS", result["self_mb"], 300, "MB"),
        (label, "end to end", result["seconds"], 10, "s"),
    ]


def run_live(base: Path) -> list[Row]:
    root = base / "live"
    generate("live", root)
    argv = ["run", "--workspace", str(root), "--lint", "true", "--lint-scope", "all"]
    argv += ["--dry-run", "true", "--json-report", "out/report.json"]
    argv += ["--sarif", "out/report.sarif", "--summary-file", str(root / "summary.md")]
    result = measure("cli", root, argv)
    found, _ = report_of(root, "out/report.json")
    assert result["exit"] == 1 and found == FINDINGS, (result, found)
    label = "100,000 findings, live lint run"  # ruff prints 75 MB of JSON
    return [
        (label, "peak RSS", result["self_mb"], 300, "MB"),
        (label, "end to end", result["seconds"], 10, "s"),
        (label, "ruff's peak RSS", result["children_mb"], float("nan"), "MB"),
    ]


def run_cobertura(base: Path) -> list[Row]:
    root = base / "cobertura"
    generate("cobertura", root)
    size = (root / "coverage.xml").stat().st_size / MB
    result = measure("coverage", root)
    assert result["exit"] == 0, result
    label = f"Cobertura {size:.0f} MB, coverage gate"
    return [
        (label, "peak RSS", result["self_mb"], 400, "MB"),
        (label, "gate, in process", result["seconds_inside"], float("nan"), "s"),
    ]


def run_module(base: Path) -> list[Row]:
    rows: list[Row] = []
    for case, flags, code in (
        ("max-module-size 1MiB", [], "ISPYA-S002"),
        (
            "max-memory 2GiB",
            ["--max-module-size", "64MiB", "--timeout-per-module", "300s"],
            "ISPYA-T002",
        ),
    ):
        root = base / f"module-{code}"
        generate("module", root)
        size = (root / "plugins" / "big.py").stat().st_size / MB
        argv = ["run", "--workspace", str(root), "--contracts", "plugins/*.py"]
        argv += ["--json-report", "report.json", *flags]
        result = measure("cli", root, argv)
        _, found = report_of(root, "report.json", "plugins/big.py", "plugins/broken.importspy.yml")
        assert result["exit"] == 1, result
        assert found.get("plugins/big.py") == [code], found
        assert found.get("plugins/broken.importspy.yml") == ["ISPY-S101"], found
        label = f"{size:.0f} MB module, {case} -> {code}, exit 1"
        rows.append((label, "end to end", result["seconds"], float("nan"), "s"))
        rows.append((label, "parent peak RSS", result["self_mb"], 300, "MB"))
        if code == "ISPYA-T002":
            rows.append((label, "engine child peak RSS", result["children_mb"], 2048, "MB"))
    return rows


RUNS = {"merged": run_merged, "live": run_live, "cobertura": run_cobertura, "module": run_module}
INPUTS = {
    "merged": merged_input,
    "live": live_input,
    "cobertura": cobertura_input,
    "module": module_input,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(RUNS), help="run only these")
    parser.add_argument("--generate", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        kind, folder = args.generate
        INPUTS[kind](Path(folder))
        return 0
    chosen = args.only or list(RUNS)
    load_before = os.getloadavg()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="importspy-hostile-") as folder:
        for name in chosen:
            print(f"... {name}", file=sys.stderr, flush=True)
            rows += RUNS[name](Path(folder))
    load_after = os.getloadavg()
    print("\nHostile inputs (issue 11, item 5): measured / goal; above 1.00 misses the goal")
    print(f"{'input':52} {'figure':22} {'measured':>10} {'goal':>8} {'ratio':>6}")
    for label, figure, value, goal, unit in rows:
        goal_text = "–" if goal != goal else f"{goal:g} {unit}"
        ratio = "–" if goal != goal else f"{value / goal:.2f}"
        print(f"{label:52} {figure:22} {value:8.1f} {unit:<2}{goal_text:>8} {ratio:>6}")
    print(
        f"\nload average (1/5/15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
