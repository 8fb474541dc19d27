"""Small real projects for the coverage and lint gate tests, measured by the real tools.

Every coverage report here is written by coverage.py itself (run as a child process on a
tiny package), every diff by `git diff` in a temporary repository, so the tests read what
users' CI produces, not hand-written approximations.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from importspy_action.diff import ChangedLines, parse_unified_diff
from importspy_action.settings import Settings, build_settings

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

BASE_CALC = """\
def add(a, b):
    return a + b


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0
"""

NEW_CALC = (
    BASE_CALC
    + """

def clamp(x, low, high):
    if x < low:
        return low
    if x > high:
        return high
    return x


def unused(values):
    total = 0
    for value in values:
        # a comment inside the uncovered block
        total += value
    return total
"""
)

TEXT = """\
def shout(text):
    return text.upper()


def whisper(text):
    return text.lower()
"""

DRIVER = """\
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent / "src"))
from pkg.calc import add, clamp, sign
from pkg.text import shout

assert add(1, 2) == 3
assert sign(5) == 1
assert clamp(5, 0, 10) == 5
assert shout("a") == "A"
"""


def run(argv: list[str], cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    env.pop("COVERAGE_PROCESS_START", None)
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=True, **kwargs
    )


def git(cwd: Path, *args: str) -> str:
    return run(["git", "-c", "init.defaultBranch=main", *args], cwd).stdout


def calc_project(root: Path, **extra: str) -> None:
    """The calc/text package and its driver (the PR's version), plus `extra` files."""
    write(
        root,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": NEW_CALC,
            "src/pkg/text.py": TEXT,
            "driver.py": DRIVER,
            **extra,
        },
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def measure(root: Path, *, branch: bool = True, formats: tuple[str, ...] = ("xml", "json")) -> None:
    """Run the driver under coverage.py and write the requested reports into root."""
    coverage = [sys.executable, "-m", "coverage"]
    run([*coverage, "run", *(["--branch"] if branch else []), "--source=src", "driver.py"], root)
    if "xml" in formats:
        run([*coverage, "xml", "-o", "coverage.xml"], root)
    if "json" in formats:
        run([*coverage, "json", "-o", "coverage.json"], root)


def pr_project(root: Path) -> ChangedLines:
    """A git repo whose last change adds code (some uncovered), renames, deletes, adds binary.

    Returns the changed lines parsed from the real `git diff`; coverage reports of the new
    version are in coverage.xml and coverage.json.
    """
    write(
        root,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": BASE_CALC,
            "src/pkg/words.py": TEXT,
            "src/pkg/old.py": "GONE = True\n",
            "driver.py": DRIVER.replace(", clamp", "")
            .replace("assert clamp(5, 0, 10) == 5\n", "")
            .replace("pkg.text", "pkg.words"),
        },
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "mv", "src/pkg/words.py", "src/pkg/text.py")
    (root / "src/pkg/old.py").unlink()
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary\x00")
    write(root, {"src/pkg/calc.py": NEW_CALC, "driver.py": DRIVER})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "change")
    diff = git(root, "diff", "--unified=0", "-M", "HEAD~1", "HEAD")
    measure(root)
    return parse_unified_diff(diff, source="git diff HEAD~1 HEAD")


def settings_for(root: Path, **inputs: str) -> Settings:
    raw = {name.replace("_", "-"): value for name, value in inputs.items()}
    raw.setdefault("json-report", "")
    raw.setdefault("sarif", "")
    return build_settings(raw, root)


def findings_json(result: Any) -> str:
    return json.dumps([f.to_json() for f in result.findings], indent=2, sort_keys=True) + "\n"


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"golden file {name} is missing: run with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), f"golden/{name}", "actual"
            )
        )
        raise AssertionError(f"output differs from golden/{name}:\n{diff}")
