"""The contract gate with several workers and in shards: the same report, split or not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importspy_action.model import GateResult
from importspy_action.settings import build_settings
from tests.conftest import EXAMPLES
from tests.helpers.builders import run_contracts

CONTRACTS = "src/plugins/*.py\nsrc/core/api.py: contracts/api.yml"


def _gate(project: Path, **raw: str) -> GateResult:
    return run_contracts(build_settings({"contracts": CONTRACTS, **raw}, project))


def _comparable(result: GateResult) -> tuple[object, ...]:
    metrics = dict(result.metrics)
    metrics.pop("engine_processes")  # the only thing allowed to depend on `workers`
    return (result.status, result.findings, metrics, result.notes, result.exit_code)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GateResult]:
    project = tmp_path_factory.mktemp("parallel") / "ws"
    shutil.copytree(EXAMPLES, project, ignore=shutil.ignore_patterns("__pycache__"))
    return project, _gate(project, workers="1")


@pytest.mark.parametrize("workers", ["2", "3", "auto"])
def test_report_is_identical_whatever_the_workers(
    single: tuple[Path, GateResult], workers: str
) -> None:
    project, one = single
    assert one.findings  # the examples break some contracts on purpose
    assert _comparable(_gate(project, workers=workers)) == _comparable(one)


def test_shards_together_are_the_whole_run(single: tuple[Path, GateResult]) -> None:
    project, whole = single
    modules: list[str] = []
    findings = []
    for index in (1, 2, 3):
        part = _gate(project, workers="1", shard=f"{index}/3")
        shown = [row["module"] for row in part.metrics["subjects"]]
        assert part.notes[-1] == (
            f"Shard {index}/3: checked {len(shown)} of the "
            f"{len(whole.metrics['subjects'])} configured modules."
        )
        modules += shown
        findings += part.findings
    assert sorted(modules) == sorted(row["module"] for row in whole.metrics["subjects"])
    key = lambda f: (f.path, f.start_line, f.code, f.message)  # noqa: E731
    assert sorted(findings, key=key) == sorted(whole.findings, key=key)
