"""api-breaks cost: inferring and comparing N modules (base read with git), against a budget.

Anchor: issue 15 asks that 500 modules add under 5 s to a run. Each module is ~40 lines:
six functions with annotated, defaulted and keyword-only parameters and a class with three
methods; the head changes one signature in every tenth module, so findings are produced.
Printed: best and median of 3 runs of `ApiBreaksGate().run`, the ratio to the budget, and
the share spent in git (ls-tree + one cat-file --batch + diff --find-renames).

Run: .venv/bin/python benchmarks/api_breaks.py   (about 20 s)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from importspy_action.api_breaks.gate import ApiBreaksGate
from importspy_action.api_breaks.git_source import GitSource
from importspy_action.settings import build_settings
from tests.helpers.git import git

SIZES = (50, 500, 2000)
BUDGET_500 = 5.0

MODULE = '''\
"""Module {i}."""
from __future__ import annotations

LIMIT: int = {i}


def area(width: float, height: float = 1.0, *, unit: str = "m") -> float:
    return width * height


def scale(value: float, *, factor: float = 2.0) -> float:
    return value * factor


def parse(text: str, strict: bool = False) -> list[str]:
    return text.split()


def merge(a: dict[str, int], b: dict[str, int] | None = None) -> dict[str, int]:
    return {{**a, **(b or {{}})}}


def total(*values: float) -> float:
    return sum(values)


def render(template: str, **context: object) -> str:
    return template.format(**context)


class Shape{i}:
    sides: int = 0

    def __init__(self, label: str, size: float = 1.0) -> None:
        self.label = label
        self.size = size

    def describe(self, verbose: bool = False) -> str:
        return self.label

    def grow(self, by: float) -> None:
        self.size += by
'''


def build(root: Path, n: int) -> None:
    pkg = root / "src" / "pkg"
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "pkg"\nversion = "1.0.0"\n')
    (pkg / "__init__.py").write_text("")
    for i in range(n):
        (pkg / f"m{i}.py").write_text(MODULE.format(i=i))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    for i in range(0, n, 10):
        path = pkg / f"m{i}.py"
        path.write_text(path.read_text().replace("strict: bool = False", "strict: bool"))
    git(root, "commit", "-qam", "head")


def measure(n: int) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, n)
        settings = build_settings(
            {"api-breaks": "src/**/*.py", "base-ref": "main", "json-report": "", "sarif": ""},
            root,
        )
        times, found = [], 0
        for _ in range(3):
            started = time.perf_counter()
            outcome = ApiBreaksGate({}).run(settings, None)
            times.append(time.perf_counter() - started)
            found = len(outcome.findings)
        source = GitSource(root, {})
        started = time.perf_counter()
        base = source.merge_base("main", "HEAD")
        files = source.list_files(base)
        source.read_many(base, [p for p in files if p.endswith(".py")])
        source.renames(base)
        git_time = time.perf_counter() - started
        return min(times), statistics.median(times), git_time, found


def main() -> None:
    print(f"{'N':>5} | {'best s':>7} | {'median s':>8} | {'git s':>6} | findings | vs 5 s budget")
    for n in SIZES:
        best, median, git_time, found = measure(n)
        scaled = best * 500 / n
        print(
            f"{n:>5} | {best:7.2f} | {median:8.2f} | {git_time:6.2f} | {found:>8} | "
            f"{scaled / BUDGET_500:.2f}x of budget (scaled to 500)"
        )


if __name__ == "__main__":
    main()
