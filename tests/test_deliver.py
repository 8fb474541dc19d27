"""Delivery: files first, then the log, then the network; nothing the user asked for is lost
silently -- an output that cannot be written is exit 2, one that crashed while being made 3."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from importspy_action import deliver
from importspy_action.github.context import GitHubContext
from importspy_action.reporters import sarif
from tests.helpers import builders


def _deliver(tmp_path: Path, **inputs: str) -> int:
    settings = builders.settings(tmp_path, sarif="out.sarif", **inputs)
    report = builders.report([builders.finding(1)])
    environ = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    (tmp_path / "summary.md").write_text("")
    return deliver.deliver(report, settings, GitHubContext(), environ, out=io.StringIO())


def test_the_gates_decide_when_every_output_is_written(tmp_path: Path) -> None:
    assert _deliver(tmp_path) == 1
    assert json.loads((tmp_path / "importspy-report.json").read_text())["exit_code"] == 1
    assert (tmp_path / "out.sarif").is_file() and (tmp_path / "summary.md").read_text()


def test_a_crashed_output_is_exit_3_after_the_others_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in one reporter cannot be produced by input (that is the point of the hostile
    corpus), so the SARIF renderer is made to fail here."""

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(sarif, "render", broken)
    assert _deliver(tmp_path) == 3
    assert (tmp_path / "importspy-report.json").is_file()  # the others were still written
    assert "ImportSpy" in (tmp_path / "summary.md").read_text()
    assert not (tmp_path / "out.sarif").exists()
    assert "Could not write the SARIF file: RuntimeError: renderer bug" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "out.sarif").mkdir()  # a directory in the way
    assert _deliver(tmp_path) == 2
    assert (tmp_path / "importspy-report.json").is_file()
