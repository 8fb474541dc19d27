"""The batched engine child: one process, deadlines, crash isolation, version refusal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from importspy_action.errors import ToolError
from importspy_action.gates import engine_runner
from importspy_action.gates.contracts_worker import CRASH_ENV, MEMORY_ERROR
from importspy_action.gates.engine_runner import Job, run_batch


def _modules(tmp_path: Path, count: int, *, broken: set[int] = frozenset()) -> list[Job]:
    jobs = []
    for index in range(count):
        module = tmp_path / f"mod_{index}.py"
        module.write_text("def run(x):\n    return x\n")
        contract = tmp_path / f"mod_{index}.importspy.yml"
        name = "missing_function" if index in broken else "run"
        contract.write_text(f"schema_version: 1\nfunctions:\n  - name: {name}\n")
        jobs.append(Job(index, module, contract))
    return jobs


def _run(tmp_path: Path, jobs: list[Job], **kwargs: object):
    options = {
        "project_root": tmp_path,
        "site_packages": None,
        "timeout": 20.0,
        "max_memory": 2 * 1024**3,
    }
    options.update(kwargs)
    return run_batch(jobs, **options)  # type: ignore[arg-type]


def test_all_modules_in_one_process(tmp_path: Path):
    jobs = _modules(tmp_path, 12, broken={3, 7})
    result = _run(tmp_path, jobs)
    assert result.processes == 1
    assert result.engine_version == "0.5.0"
    decisions = {ident: outcome.payload["decision"] for ident, outcome in result.outcomes.items()}
    assert [ident for ident, d in decisions.items() if d == "DENY"] == [3, 7]
    assert all(outcome.kind == "decision" for outcome in result.outcomes.values())


def test_no_jobs_starts_no_process(tmp_path: Path):
    assert _run(tmp_path, []).processes == 0


def test_a_crash_is_isolated_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    jobs = _modules(tmp_path, 6, broken={5})
    monkeypatch.setenv(CRASH_ENV, "mod_2.py")
    result = _run(tmp_path, jobs)
    kinds = {ident: outcome.kind for ident, outcome in result.outcomes.items()}
    assert kinds == {
        0: "decision",
        1: "decision",
        2: "crashed",
        3: "decision",
        4: "decision",
        5: "decision",
    }
    # batch child (died at 2) + one process for each of the four modules not yet judged
    assert result.processes == 1 + 4
    assert result.outcomes[5].payload["decision"] == "DENY"


def test_contract_errors_come_back_structured(tmp_path: Path):
    (job,) = _modules(tmp_path, 1)
    assert job.contract is not None
    job.contract.write_text("schema_version: 1\nfunctions:\n  - name: run\n    colour: red\n")
    result = _run(tmp_path, [job])
    outcome = result.outcomes[0]
    assert outcome.kind == "contract_errors"
    assert outcome.payload == [
        {
            "loc": ["functions", 0, "colour"],
            "type": "extra_forbidden",
            "msg": "Extra inputs are not permitted",
        }
    ]


def test_a_module_past_its_deadline_is_timed_out_and_the_rest_judged(tmp_path: Path):
    """The deadline is a timed wait on the reader thread's queue (no `selectors`), so it
    holds on Windows pipes too; the stuck child is killed and a fresh one takes over."""
    jobs = _modules(tmp_path, 3, broken={2})
    # ~20k lines of literals keep the engine busy for seconds, far past a 0.3 s deadline.
    body = "".join(f"value_{i} = [{i}, {{'k': ({i},)}}]\n" for i in range(20_000))
    jobs[0].subject.write_text(body)
    result = _run(tmp_path, jobs, timeout=0.3)
    assert result.outcomes[0] == engine_runner.Outcome("timeout", 0.3)
    assert result.outcomes[1].payload["decision"] == "ADMIT"
    assert result.outcomes[2].payload["decision"] == "DENY"
    assert result.processes == 2


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS exists on POSIX only")
def test_memory_cap_applies_to_the_child(tmp_path: Path):
    jobs = _modules(tmp_path, 1)
    with pytest.raises(ToolError, match="engine process"):
        _run(tmp_path, jobs, max_memory=32 * 1024 * 1024)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS exists on POSIX only")
def test_a_module_over_the_memory_cap_is_named_and_the_child_goes_on(tmp_path: Path):
    """MemoryError under RLIMIT_AS unwinds inside the child: the module is reported as
    stopped by the cap (the parent's `crashed`, finding ISPYA-T002), the same child judges
    the rest."""
    jobs = _modules(tmp_path, 3, broken={2})
    # a 3 MB list literal: its syntax tree alone needs more than 400 MB
    jobs[0].subject.write_text("x = [" + "0," * 1_500_000 + "]\n")
    result = _run(tmp_path, jobs, max_memory=400 * 1024 * 1024)
    assert result.outcomes[0] == engine_runner.Outcome("crashed", MEMORY_ERROR)
    assert result.outcomes[1].payload["decision"] == "ADMIT"
    assert result.outcomes[2].payload["decision"] == "DENY"
    assert result.processes == 1


def test_refuses_another_engine_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine_runner, "ENGINE_VERSION", "9.9.9")
    with pytest.raises(ToolError, match=r"importspy 0\.5\.0 .*built for importspy 9\.9\.9"):
        _run(tmp_path, _modules(tmp_path, 1))


def test_site_packages_replaces_the_action_environment(tmp_path: Path):
    """Dependency checks see the user's site-packages, not the action's own."""
    site = tmp_path / "site"
    dist = site / "fancylib-1.2.3.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fancylib\nVersion: 1.2.3\n")
    (dist / "top_level.txt").write_text("fancylib\n")
    (site / "fancylib").mkdir()
    (site / "fancylib" / "__init__.py").write_text("")
    module = tmp_path / "plugin.py"
    module.write_text("import fancylib\nimport yaml\n")
    contract = tmp_path / "plugin.importspy.yml"
    contract.write_text("schema_version: 1\ndependencies:\n  fancylib:\n    version: '>=1.2'\n")
    result = _run(tmp_path, [Job(0, module, contract)], site_packages=site)
    decision = result.outcomes[0].payload
    kinds = {d["reference"]["name"]: d["kind"] for d in decision["dependencies"]}
    assert kinds["fancylib"] == "external"
    # PyYAML is installed for the action, but not in the user's site-packages
    assert kinds["yaml"] == "unresolved"
    without = _run(tmp_path, [Job(0, module, contract)])
    kinds = {d["reference"]["name"]: d["kind"] for d in without.outcomes[0].payload["dependencies"]}
    assert kinds["yaml"] == "external" and kinds["fancylib"] == "unresolved"


@pytest.mark.parametrize("workers", [2, 4])
def test_outcomes_do_not_depend_on_the_number_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
):
    """Lanes pull jobs from one feed; a crash sends only its own lane into isolation, so
    every module still gets the verdict a single worker gives it."""
    jobs = _modules(tmp_path, 9, broken={1, 6})
    monkeypatch.setenv(CRASH_ENV, "mod_4.py")
    one = _run(tmp_path, jobs)
    many = _run(tmp_path, jobs, workers=workers)
    assert list(many.outcomes) == list(one.outcomes) == list(range(9))
    assert many.outcomes[4].kind == one.outcomes[4].kind == "crashed"
    del many.outcomes[4], one.outcomes[4]
    assert many.outcomes == one.outcomes


def test_workers_share_the_batch_without_extra_processes(tmp_path: Path):
    jobs = _modules(tmp_path, 9, broken={2})
    result = _run(tmp_path, jobs, workers=3)
    assert 1 < result.processes <= 3  # one child per lane at most: no crash, no timeout
    assert [i for i, o in result.outcomes.items() if o.payload["decision"] == "DENY"] == [2]


def test_a_start_up_failure_in_any_lane_fails_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(engine_runner, "ENGINE_VERSION", "9.9.9")
    with pytest.raises(ToolError, match="refuses to guess"):
        _run(tmp_path, _modules(tmp_path, 6), workers=3)
