"""Run every hostile case through the real action and judge it three ways.

1. the exit code is the one the case names (2 for bad input), never 3, never a traceback;
2. nothing outside the workspace changed: the parent folder's tree (contents, symlink
   targets, modes, owners, times) is the same before and after, and no file named after the
   marker appeared anywhere (what a forged git option would create);
3. the runner would process no command the action did not mean: every command the
   `RunnerMirror` finds in stdout or stderr is one the action emits (annotations, groups,
   notices, its own stop-commands blocks) and none carries the marker as its data or a
   property; no escape sequence, bare CR or line separator reaches the log at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Runner, StepResult
from tests.helpers.runner_commands import RunnerMirror
from tests.hostile.cases import CASES
from tests.hostile.site import MARKER, Case, Site, names_with_marker, snapshot

MEANT = frozenset({"error", "warning", "notice", "debug", "group", "endgroup"})
TOKEN = re.compile(r"[0-9a-f]{32}\Z")
FOREIGN_CHARACTERS = re.compile("[\x1b\x9b\r\u2028\u2029\x00]")


def forged_commands(text: str) -> list[str]:
    """What the runner would act upon that the action did not mean to emit."""
    wrong = []
    for line in text.splitlines():
        stripped = line.lstrip()
        token = stripped[len("::stop-commands::") :]
        if stripped.lower().startswith("::stop-commands::") and not TOKEN.match(token):
            wrong.append(f"stop-commands with a foreign token: {line!r}")
    mirror = RunnerMirror().feed(text)
    if mirror.stop_token is not None:
        wrong.append("commands stay stopped at the end of the step")
    for command in mirror.processed:
        if command.name in ("stop-commands", "<resume>"):
            continue
        if command.name not in MEANT:
            wrong.append(f"{command.name}: {command.data!r}")
            continue
        values = [command.data, *command.properties.values()]
        if any(value.strip().startswith(MARKER) for value in values):
            wrong.append(f"forged {command.name}: {command}")
        where = command.properties.get("file", "")
        if where.startswith("/") or ".." in where.replace("\\", "/").split("/"):
            wrong.append(f"{command.name} located outside the workspace: {where!r}")
    return wrong


def judge(case: Case, result: StepResult) -> None:
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown, shown[-3000:]
    assert result.exit_code == case.exit_code, (
        f"exit {result.exit_code}, expected {case.exit_code}\n{shown[-3000:]}"
    )
    if case.says:
        assert case.says in shown, f"no message naming {case.says!r}\n{shown[-3000:]}"
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        assert forged_commands(text) == [], f"{stream} forges commands\n{text[-3000:]}"
        found = FOREIGN_CHARACTERS.search(text)
        assert found is None, f"{stream} carries {found.group()!r}" if found else ""


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case(case: Case, tmp_path: Path, run_step: Runner) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    site = Site(tmp_path, workspace)
    inputs = case.build(site)
    skip = (workspace, tmp_path / "file_commands")
    before = snapshot(tmp_path, skip)
    marked = names_with_marker(tmp_path)
    result = run_step(workspace, inputs, env=site.env, timeout=60)
    judge(case, result)
    assert snapshot(tmp_path, skip) == before, "something outside the workspace changed"
    assert names_with_marker(tmp_path) == marked, "a forged option created a file"
    if case.check is not None:
        case.check(site, result)


def test_the_corpus_covers_every_class_with_over_a_hundred_cases() -> None:
    kinds = {case.kind for case in CASES}
    assert {"writes", "injection", "git", "reports", "resources", "loss"} <= kinds
    assert {"traversal", "encoding", "nul", "bombs", "config"} <= kinds
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES), "case names must be unique"
