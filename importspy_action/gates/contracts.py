"""The contract gate: every configured module judged against its ImportSpy contract.

Order of work: resolve the `contracts` input into (module, contract) pairs -- any missing
file or empty glob is a configuration error that stops the gate before anything runs; read
each contract once (refusing aliases, oversize and broken YAML, each pointing at its line);
hand all judgeable modules to one engine child; turn decisions into findings.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..diff import ChangedLines
from ..errors import ConfigError
from ..model import Finding
from ..settings import MAX_CONTRACT_SIZE, ContractEntry, Settings
from ..workspace import Workspace
from .base import GateOutcome
from .contract_findings import (
    GATE,
    contract_problem,
    decision_findings,
    schema_findings,
)
from .contract_yaml import ContractDoc, ContractProblem, read_contract
from .contracts_metrics import ContractMetrics, SubjectRow, merged_metrics
from .engine_findings import engine_failure, too_large
from .engine_runner import Job, Outcome
from .project_root import project_root_for, run_batch_by_root
from .sharding import select_shard

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

SIDECAR_SUFFIX = ".importspy.yml"


@dataclass(frozen=True)
class Subject:
    module: Path
    contract: Path
    project_root: Path | None = None  # set for [tool.importspy].subjects: that directory


def sidecar_for(module: Path) -> Path:
    return module.with_name(module.name[: -len(module.suffix)] + SIDECAR_SUFFIX)


def _has_wildcard(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def resolve_subjects(settings: Settings) -> tuple[list[Subject], list[str]]:
    """(module, contract) pairs and notes; ConfigError names any missing path."""
    ws = settings.workspace
    subjects: dict[Path, Subject] = {}
    notes: list[str] = []
    for entry in settings.contracts:
        found, note = _entry_subjects(settings, entry)
        subjects.update((subject.module, subject) for subject in found)
        if note:
            notes.append(note)
    if settings.contracts_from_pyproject:
        for subject in _pyproject_subjects(settings):
            subjects[subject.module] = subject
    ordered = sorted(subjects.values(), key=lambda item: item.module)
    chosen, shard_note = select_shard(ordered, settings.shard, lambda s: ws.display(s.module))
    return chosen, notes + ([shard_note] if shard_note else [])


def _entry_subjects(settings: Settings, entry: ContractEntry) -> tuple[list[Subject], str]:
    """One `contracts` entry's pairs (its contract, else each module's sidecar) and a note."""
    ws, base = settings.workspace, settings.working_directory
    modules = [path for path in ws.glob(entry.pattern, base=base) if path.suffix == ".py"]
    if not modules:
        if _has_wildcard(entry.pattern):
            raise ConfigError(f"Input `contracts`: {entry.pattern!r} matched no Python module.")
        raise ConfigError(f"Input `contracts`: module {entry.pattern!r} does not exist.")
    if entry.contract is not None:
        contract = ws.resolve(entry.contract, base=base, must_exist=False)
        if not contract.is_file():
            raise ConfigError(
                f"Input `contracts`: contract {ws.display(contract)!r} (for "
                f"{entry.pattern!r}) does not exist."
            )
        return [Subject(module, contract) for module in modules], ""
    return _sidecar_subjects(ws, entry.pattern, modules)


def _sidecar_subjects(
    ws: Workspace, pattern: str, modules: list[Path]
) -> tuple[list[Subject], str]:
    """Modules paired with their `<module>.importspy.yml`; those without one are a note.

    A module named exactly (no wildcard) without a sidecar is a ConfigError, and so is a
    glob none of whose modules has one: both are mistakes, not a partial adoption.
    """
    subjects: list[Subject] = []
    without = []
    for module in modules:
        sidecar = sidecar_for(module)
        if sidecar.is_file() and ws.contains(sidecar):
            subjects.append(Subject(module, sidecar.resolve()))
        else:
            without.append(module)
    if not without:
        return subjects, ""
    if not _has_wildcard(pattern):
        raise ConfigError(
            f"Input `contracts`: {ws.display(without[0])!r} has no sidecar contract "
            f"{ws.display(sidecar_for(without[0]))!r}; create it or write "
            f"`{pattern}: path/to/contract.yml`."
        )
    if len(without) == len(modules):
        raise ConfigError(
            f"Input `contracts`: none of the {len(modules)} modules matched by "
            f"{pattern!r} has a sidecar contract (<module>{SIDECAR_SUFFIX}); "
            f"for example {ws.display(sidecar_for(without[0]))!r} is missing."
        )
    shown = ", ".join(ws.display(path) for path in without[:5])
    more = f" and {len(without) - 5} more" if len(without) > 5 else ""
    return subjects, (
        f"{len(without)} module(s) matched by `{pattern}` have no sidecar "
        f"contract and were not checked: {shown}{more}."
    )


def _pyproject_subjects(settings: Settings) -> list[Subject]:
    ws, base = settings.workspace, settings.working_directory
    pyproject = base / "pyproject.toml"
    where = f"{ws.display(pyproject)} [tool.importspy].subjects"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Input `contracts` says `pyproject`, but {ws.display(pyproject)!r} does not exist."
        ) from None
    except (OSError, UnicodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read {ws.display(pyproject)!r}: {exc}") from None
    except RecursionError:  # tomllib recurses per nested array; a PR can nest thousands
        raise ConfigError(f"Cannot read {ws.display(pyproject)!r}: it nests too deeply") from None
    entries = data.get("tool", {}).get("importspy", {}).get("subjects")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(
            f"{where} is missing or empty; it must be a list of {{path = ..., contract = ...}}."
        )
    subjects = []
    for number, item in enumerate(entries, start=1):
        if not isinstance(item, dict) or not {"path", "contract"} <= set(item):
            raise ConfigError(f"{where}, entry {number}: needs `path` and `contract`.")
        try:
            module = ws.resolve(str(item["path"]), base=base, must_exist=True)
            contract = ws.resolve(str(item["contract"]), base=base, must_exist=True)
        except ConfigError as exc:
            raise ConfigError(f"{where}, entry {number}: {exc}") from None
        subjects.append(Subject(module, contract, base))
    return subjects


class ContractsGate:
    """Modules judged against their ImportSpy contracts by the real engine."""

    name = GATE
    off_note = "Off: set `contracts` to check modules against their ImportSpy contracts."

    def configured(self, settings: Settings) -> bool:
        return settings.contracts_enabled

    def run(self, settings: Settings, changes: ChangedLines | None) -> GateOutcome:
        return check_contracts(settings)

    def metrics_from_json(self, data: Mapping[str, Any]) -> ContractMetrics:
        return ContractMetrics.from_json(data)

    def merge_metrics(self, parts: Sequence[tuple[str, GateOutcome]]) -> ContractMetrics | None:
        return merged_metrics(parts)


@dataclass
class _Tally:
    """What the gate learned so far: findings, one row per module, unreadable contracts."""

    findings: list[Finding] = field(default_factory=list)
    rows: dict[int, SubjectRow] = field(default_factory=dict)
    contract_error: bool = False

    def decide(self, ident: int, decision: str, produced: list[Finding]) -> None:
        self.rows[ident] = replace(self.rows[ident], decision=decision, violations=len(produced))
        self.findings.extend(produced)


def check_contracts(settings: Settings) -> GateOutcome:
    """Resolve subjects, read contracts, judge every readable module in one engine batch."""
    subjects, notes = resolve_subjects(settings)
    tally = _Tally()
    docs: dict[Path, ContractDoc | None] = {}
    jobs = [
        job
        for ident, subject in enumerate(subjects)
        if (job := _prepare(ident, subject, settings, docs, tally)) is not None
    ]
    batch = run_batch_by_root(  # one project root per module, as `importspy check` finds it
        jobs,
        roots={
            j.ident: settings.project_root
            or subjects[j.ident].project_root
            or project_root_for(j.subject, settings.workspace.root)
            for j in jobs
        },
        site_packages=settings.site_packages,
        timeout=settings.timeout_per_module,
        max_memory=settings.max_memory,
        workers=settings.workers,
    )
    for job in jobs:
        _record(job, batch.outcomes[job.ident], docs, settings, tally)
    metrics = ContractMetrics(
        engine_version=batch.engine_version,
        engine_processes=batch.processes,
        subjects=tuple(tally.rows[key] for key in sorted(tally.rows)),
    )
    return GateOutcome(
        findings=tuple(tally.findings),
        metrics=metrics,
        notes=tuple(notes),
        error="A contract could not be read; see the findings." if tally.contract_error else None,
    )


def _prepare(
    ident: int,
    subject: Subject,
    settings: Settings,
    docs: dict[Path, ContractDoc | None],
    tally: _Tally,
) -> Job | None:
    """Read the subject's contract (once) and check the module's size; a Job when judgeable."""
    ws = settings.workspace
    tally.rows[ident] = SubjectRow(ws.display(subject.module), ws.display(subject.contract), "", 0)
    if subject.contract not in docs:
        docs[subject.contract] = _read_contract(subject.contract, ws, tally)
    if docs[subject.contract] is None:
        tally.rows[ident] = replace(tally.rows[ident], decision="CONTRACT ERROR")
        tally.contract_error = True
        return None
    size = subject.module.stat().st_size
    if size > settings.max_module_size:
        tally.decide(
            ident,
            "TOO LARGE",
            [too_large(subject.module, size, settings.max_module_size, settings.workspace)],
        )
        return None
    return Job(ident, subject.module, subject.contract)


def _read_contract(contract: Path, ws: Workspace, tally: _Tally) -> ContractDoc | None:
    try:
        return read_contract(contract, MAX_CONTRACT_SIZE)
    except ContractProblem as problem:
        tally.findings.append(
            contract_problem(
                problem.code,
                problem.message,
                contract=contract,
                line=problem.line,
                column=problem.column,
                workspace=ws,
            )
        )
        return None


def _record(
    job: Job,
    outcome: Outcome,
    docs: Mapping[Path, ContractDoc | None],
    settings: Settings,
    tally: _Tally,
) -> None:
    """One engine answer -> the module's decision and findings."""
    ws = settings.workspace
    assert job.contract is not None
    doc = docs.get(job.contract)
    if outcome.kind == "decision":
        produced = decision_findings(
            outcome.payload, module=job.subject, contract=job.contract, doc=doc, workspace=ws
        )
        tally.decide(job.ident, str(outcome.payload.get("decision", "DENY")), produced)
        return
    if outcome.kind in {"contract_errors", "contract_error"}:
        errors = outcome.payload if outcome.kind == "contract_errors" else []
        produced = schema_findings(
            errors, module=job.subject, contract=job.contract, doc=doc, workspace=ws
        ) or [
            contract_problem(
                "ISPY-C101", str(outcome.payload), contract=job.contract, line=1, workspace=ws
            )
        ]
        tally.decide(job.ident, "CONTRACT ERROR", produced)
        tally.contract_error = True
        return
    decision = {"timeout": "TIMED OUT", "crashed": "CRASHED"}.get(outcome.kind, "ENGINE ERROR")
    tally.decide(
        job.ident,
        decision,
        [engine_failure(outcome.kind, outcome.payload, job.subject, settings.workspace)],
    )
