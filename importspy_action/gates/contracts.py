"""The contract gate: every configured module judged against its ImportSpy contract.

Order of work: resolve the `contracts` input into (module, contract) pairs -- any missing
file or empty glob is a configuration error that stops the gate before anything runs; read
each contract once (refusing aliases, oversize and broken YAML, each pointing at its line);
hand all judgeable modules to one engine child; turn decisions into findings.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EXIT_CONFIG, EXIT_FAILED, EXIT_PASSED, ConfigError
from ..model import Finding, GateResult, GateStatus, Severity
from ..settings import MAX_CONTRACT_SIZE, Settings
from .contract_findings import (
    GATE,
    contract_problem,
    decision_findings,
    module_problem,
    schema_findings,
)
from .contract_yaml import ContractDoc, ContractProblem, read_contract
from .engine_runner import Job, run_batch
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


def sidecar_for(module: Path) -> Path:
    return module.with_name(module.name[: -len(module.suffix)] + SIDECAR_SUFFIX)


def _has_wildcard(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def resolve_subjects(settings: Settings) -> tuple[list[Subject], list[str]]:
    """(module, contract) pairs and notes; ConfigError names any missing path."""
    ws, base = settings.workspace, settings.working_directory
    subjects: dict[Path, Subject] = {}
    notes: list[str] = []
    for entry in settings.contracts:
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
            for module in modules:
                subjects[module] = Subject(module, contract)
            continue
        without = []
        for module in modules:
            sidecar = sidecar_for(module)
            if sidecar.is_file() and ws.contains(sidecar):
                subjects[module] = Subject(module, sidecar.resolve())
            else:
                without.append(module)
        if without and not _has_wildcard(entry.pattern):
            raise ConfigError(
                f"Input `contracts`: {ws.display(without[0])!r} has no sidecar contract "
                f"{ws.display(sidecar_for(without[0]))!r}; create it or write "
                f"`{entry.pattern}: path/to/contract.yml`."
            )
        if without and len(without) == len(modules):
            raise ConfigError(
                f"Input `contracts`: none of the {len(modules)} modules matched by "
                f"{entry.pattern!r} has a sidecar contract (<module>{SIDECAR_SUFFIX}); "
                f"for example {ws.display(sidecar_for(without[0]))!r} is missing."
            )
        if without:
            shown = ", ".join(ws.display(path) for path in without[:5])
            more = f" and {len(without) - 5} more" if len(without) > 5 else ""
            notes.append(
                f"{len(without)} module(s) matched by `{entry.pattern}` have no sidecar "
                f"contract and were not checked: {shown}{more}."
            )
    if settings.contracts_from_pyproject:
        for subject in _pyproject_subjects(settings):
            subjects[subject.module] = subject
    ordered = sorted(subjects.values(), key=lambda item: item.module)
    chosen, shard_note = select_shard(ordered, settings.shard, lambda s: ws.display(s.module))
    return chosen, notes + ([shard_note] if shard_note else [])


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
        subjects.append(Subject(module, contract))
    return subjects


def run_contracts(settings: Settings) -> GateResult:
    ws = settings.workspace
    subjects, notes = resolve_subjects(settings)
    findings: list[Finding] = []
    docs: dict[Path, ContractDoc | None] = {}
    jobs: list[Job] = []
    rows: dict[int, dict[str, Any]] = {}
    exit_code = EXIT_PASSED

    for ident, subject in enumerate(subjects):
        row = {
            "module": ws.display(subject.module),
            "contract": ws.display(subject.contract),
            "decision": "",
            "violations": 0,
        }
        rows[ident] = row
        if subject.contract not in docs:
            try:
                docs[subject.contract] = read_contract(subject.contract, MAX_CONTRACT_SIZE)
            except ContractProblem as problem:
                docs[subject.contract] = None
                findings.append(
                    contract_problem(
                        problem.code,
                        problem.message,
                        contract=subject.contract,
                        line=problem.line,
                        column=problem.column,
                        workspace=ws,
                    )
                )
        if docs[subject.contract] is None:
            row["decision"] = "CONTRACT ERROR"
            exit_code = max(exit_code, EXIT_CONFIG)
            continue
        size = subject.module.stat().st_size
        if size > settings.max_module_size:
            findings.append(
                module_problem(
                    "ISPYA-S002",
                    "module too large",
                    f"Module is {size} bytes, above `max-module-size` "
                    f"({settings.max_module_size} bytes); it was not checked.",
                    module=subject.module,
                    workspace=ws,
                    help_text="Raise `max-module-size` if this module is meant to be this big.",
                )
            )
            row["decision"] = "TOO LARGE"
            exit_code = max(exit_code, EXIT_FAILED)
            continue
        jobs.append(Job(ident, subject.module, subject.contract))

    batch = run_batch(
        jobs,
        project_root=settings.working_directory,
        site_packages=settings.site_packages,
        timeout=settings.timeout_per_module,
        max_memory=settings.max_memory,
        workers=settings.workers,
    )
    for job in jobs:
        outcome = batch.outcomes[job.ident]
        row = rows[job.ident]
        assert job.contract is not None
        doc = docs.get(job.contract)
        if outcome.kind == "decision":
            produced = decision_findings(
                outcome.payload, module=job.subject, contract=job.contract, doc=doc, workspace=ws
            )
            row["decision"] = str(outcome.payload.get("decision", "DENY"))
            if row["decision"] != "ADMIT":
                exit_code = max(exit_code, EXIT_FAILED)
        elif outcome.kind in {"contract_errors", "contract_error"}:
            errors = outcome.payload if outcome.kind == "contract_errors" else []
            produced = schema_findings(
                errors, module=job.subject, contract=job.contract, doc=doc, workspace=ws
            ) or [
                contract_problem(
                    "ISPY-C101", str(outcome.payload), contract=job.contract, line=1, workspace=ws
                )
            ]
            row["decision"] = "CONTRACT ERROR"
            exit_code = max(exit_code, EXIT_CONFIG)
        else:
            produced = [_failure_finding(outcome.kind, outcome.payload, job.subject, settings)]
            row["decision"] = {"timeout": "TIMED OUT", "crashed": "CRASHED"}.get(
                outcome.kind, "ENGINE ERROR"
            )
            exit_code = max(exit_code, EXIT_FAILED)
        row["violations"] = len(produced)
        findings.extend(produced)

    decided = [row["decision"] for row in rows.values()]
    metrics = {
        "modules": len(rows),
        "admitted": decided.count("ADMIT"),
        "denied": decided.count("DENY"),
        "not_judged": len(rows) - decided.count("ADMIT") - decided.count("DENY"),
        "engine_version": batch.engine_version,
        "engine_processes": batch.processes,
        "subjects": [rows[key] for key in sorted(rows)],
    }
    if exit_code == EXIT_CONFIG:
        status = GateStatus.ERROR
    elif exit_code == EXIT_FAILED or any(f.severity is Severity.ERROR for f in findings):
        status = GateStatus.FAILED
    else:
        status = GateStatus.PASSED
    return GateResult(
        gate=GATE,
        status=status,
        findings=tuple(findings),
        metrics=metrics,
        notes=tuple(notes),
        exit_code=exit_code,
        error="A contract could not be read; see the findings."
        if exit_code == EXIT_CONFIG
        else None,
    )


def _failure_finding(kind: str, payload: Any, module: Path, settings: Settings) -> Finding:
    ws = settings.workspace
    if kind == "timeout":
        return module_problem(
            "ISPYA-T001",
            "engine timed out",
            f"The contract engine did not finish this module within {payload:g}s "
            "(`timeout-per-module`); it was not judged.",
            module=module,
            workspace=ws,
            help_text="Look for pathological source (huge literals, deep nesting) or raise "
            "`timeout-per-module`.",
        )
    if kind == "crashed":
        detail = f" Last words: {payload}" if payload else ""
        return module_problem(
            "ISPYA-T002",
            "engine crashed",
            "The contract engine's process died while checking this module (a crash or the "
            f"`max-memory` cap); it was not judged.{detail}",
            module=module,
            workspace=ws,
            help_text="Check the module for pathological source, or raise `max-memory`.",
        )
    return module_problem(
        "ISPYA-T003",
        "engine error",
        f"The contract engine failed on this module: {payload}",
        module=module,
        workspace=ws,
        help_text="This is likely an ImportSpy bug; please report it with the module.",
    )
