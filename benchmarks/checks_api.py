"""Checks API cost: requests and wall time to publish N findings, against the local test server.

Anchor: the floor of requests GitHub allows, max(1, ceil(N/50)) (at most 50 annotations per
request). Goal: at most one request above it. Wall time is per 1000 annotations, measured
with PyGithub's write spacing off and no injected latency (the production default spaces
writes 1 s apart, which GitHub asks for; that cost is N/50 seconds and is printed separately).

Run: .venv/bin/python benchmarks/checks_api.py   (about 10 s)
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from importspy_action.github.api_retry import ApiTuning, Budget
from importspy_action.reporters.check_run import deliver_check_run
from tests.helpers import builders
from tests.helpers.github_server import GitHubServer

SIZES = (0, 1, 50, 51, 1000, 10000)


def measure(n: int, workspace: Path) -> tuple[int, int, float]:
    findings = [builders.finding(i) for i in range(n)]
    report = builders.report(findings)
    settings = builders.settings(
        workspace, github_token="test-token", max_annotations=str(max(n, 1))
    )
    with GitHubServer() as api:
        env = builders.actions_env(
            api.url, workspace, event_path=builders.pr_event(workspace / "e.json")
        )
        context = builders.context(env)
        started = time.perf_counter()
        outcome = deliver_check_run(
            report, settings, context, env, None, budget=Budget(600, scale=ApiTuning().time_scale)
        )
        elapsed = time.perf_counter() - started
        assert outcome.delivered, outcome.problem
        (run,) = api.check_runs.values()
        assert len(run.annotations) == n and not api.rejections
        return len(api.requests), max(1, math.ceil(n / 50)), elapsed


def main() -> None:
    header = ("N", "requests", "floor", "ratio", "above", "wall s", "ms/1000")
    widths = (6, 9, 6, 6, 6, 8, 8)
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            requests, floor, elapsed = measure(n, Path(tmp))
            per_1000 = f"{elapsed / n * 1000 * 1000:8.0f}" if n >= 1000 else f"{'-':>8}"
            print(
                f"{n:>6} {requests:>9} {floor:>6} {requests / floor:>6.2f} {requests - floor:>6} "
                f"{elapsed:>8.3f} {per_1000}"
            )
    print("production write spacing (1 s between writes) adds about N/50 seconds")


if __name__ == "__main__":
    main()
