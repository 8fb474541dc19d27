"""A pathological module is a located finding, never a crashed run (issue 11, item 5).

Through the real CLI: a module over `max-module-size` is ISPYA-S002 without reaching the
engine; with the size cap raised, a module whose check needs more than `max-memory` is
ISPYA-T002 from the engine child's address-space cap. Either way the run exits 1 (a gate
failed), not 3, and the other modules are judged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CONTRACT = "schema_version: 1\nfunctions:\n  - name: {name}\n"


def _project(root: Path, big_module: str) -> None:
    plugins = root / "plugins"
    plugins.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "limits"\nversion = "1"\n')
    modules = {"good": "run", "broken": "missing_function", "big": "run"}
    for name, required in modules.items():
        body = big_module if name == "big" else ""
        (plugins / f"{name}.py").write_text("def run(x):\n    return x\n" + body)
        (plugins / f"{name}.importspy.yml").write_text(CONTRACT.format(name=required))


def _run(root: Path, *flags: str) -> tuple[int, str, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    argv = [sys.executable, "-m", "importspy_action.cli", "run", "--workspace", str(root)]
    argv += ["--contracts", "plugins/*.py", "--json-report", "report.json", *flags]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    report = json.loads((root / "report.json").read_text())
    return done.returncode, done.stdout + done.stderr, report


def _by_path(report: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for gate in report["gates"]:
        for finding in gate["findings"]:
            found.setdefault(finding["path"], []).append(finding["code"])
    return found


def test_a_module_over_max_module_size_is_a_located_finding(tmp_path: Path) -> None:
    _project(tmp_path, "# " + "x" * (2 * 1024 * 1024) + "\n")
    code, output, report = _run(tmp_path)
    assert code == 1, output
    assert "Traceback" not in output
    found = _by_path(report)
    assert found["plugins/big.py"] == ["ISPYA-S002"]
    assert found["plugins/broken.importspy.yml"] == ["ISPY-S101"]
    assert "plugins/good.py" not in found


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS exists on POSIX only")
def test_a_module_over_max_memory_is_a_located_finding(tmp_path: Path) -> None:
    _project(tmp_path, "x = [" + "0," * 1_500_000 + "]\n")  # 3 MB; needs > 400 MB to parse
    code, output, report = _run(tmp_path, "--max-module-size", "16MiB", "--max-memory", "400MiB")
    assert code == 1, output
    assert "Traceback" not in output
    found = _by_path(report)
    assert found["plugins/big.py"] == ["ISPYA-T002"]
    assert found["plugins/broken.importspy.yml"] == ["ISPY-S101"]
    assert "plugins/good.py" not in found
    [big] = [f for g in report["gates"] for f in g["findings"] if f["path"] == "plugins/big.py"]
    assert big["start_line"] == 1 and "max-memory" in big["message"]
