"""`--workers` and `--shard` on the command line: a bad value is exit 2 naming the input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "importspy_action.cli"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_bad_shard_is_a_configuration_error(example_project: Path):
    proc = _run("run", "--contracts", "src/plugins/*.py", "--shard", "5/4", cwd=example_project)
    assert proc.returncode == 2
    assert "Input `shard`: '5/4' is not K/N with 1 <= K <= N" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_two_shards_with_two_workers_cover_the_run(example_project: Path, tmp_path: Path):
    modules: list[str] = []
    for index in (1, 2):
        report = tmp_path / f"shard-{index}.json"
        proc = _run(
            "run",
            "--contracts",
            "src/plugins/*.py",
            "--workers",
            "2",
            "--shard",
            f"{index}/2",
            "--json-report",
            str(report),
            cwd=example_project,
        )
        assert proc.returncode in (0, 1), proc.stderr
        subjects = json.loads(report.read_text())["gates"][0]["metrics"]["subjects"]
        modules += [row["module"] for row in subjects]
    plugins = example_project / "src" / "plugins"
    expected = sorted(
        f"src/plugins/{path.name}"
        for path in plugins.glob("*.py")
        if path.with_suffix(".importspy.yml").is_file()
    )
    assert sorted(modules) == expected
