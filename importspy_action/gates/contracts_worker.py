"""Child process that runs importspy's AdmissionEngine over many modules (JSON lines).

Why a child: the engine parses untrusted source and YAML, so it runs under a memory cap and a
per-module deadline that the parent enforces by killing this process. Why one child for all
modules: `importspy check` spends ~330 ms starting up per call, the engine ~9 ms per module.

Protocol (one JSON object per line, UTF-8):
  parent -> child, first line: {"project_root": str, "site_packages": str | null}
  child -> parent, first line: {"hello": {"engine_version", "decision_schema", "python"}}
  parent -> child, per module:  {"id": int, "subject": str, "contract": str | null}
  child -> parent, per module:  {"id": int, "decision": {...}}                (engine verdict)
                           or  {"id": int, "contract_errors": [{"loc", "type", "msg"}]}
                           or  {"id": int, "contract_error": str}
                           or  {"id": int, "tool_error": str}
                           or  {"id": int, "memory_error": str}       (over `max-memory`)
The child never calls the engine's `load()`: that would execute the module.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

DECISION_FIELDS = {
    "schema_version",
    "subject",
    "engine_version",
    "decision",
    "violations",
    "dependencies",
    "runtime_required",
}

MEMORY_ERROR = "MemoryError: checking this module needed more than `max-memory`."
"""What the child says when the engine ran out of its address-space cap on a module. Python
raises MemoryError when an allocation fails under RLIMIT_AS; the exception unwinds and frees
what the module took, so the child answers and goes on with the next module."""

CRASH_ENV = "IMPORTSPY_ACTION_TEST_CRASH_ON"
"""Test-only fault injection: the worker aborts (a real process death, as a segfault or the
memory cap would cause) when asked to check a module with this file name. A crash of the
engine cannot be produced deterministically otherwise; the parent's recovery is what the
tests exercise."""


def _stdlib_paths() -> list[str]:
    """sys.path without any site-packages / dist-packages (venv, system, user, Debian)."""
    return [
        entry
        for entry in sys.path
        if entry and Path(entry).name not in {"site-packages", "dist-packages"}
    ]


def _send(stream: IO[str], payload: dict[str, Any]) -> None:
    stream.write(json.dumps(payload, default=str) + "\n")
    stream.flush()


def _contract_errors(contract: Path) -> list[dict[str, Any]] | str:
    """Structured schema errors (with key paths) for a contract the engine refused."""
    from importspy.policy import AdmissionPolicy
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(contract.read_bytes())
    except (OSError, YAMLError, UnicodeError, ValueError) as exc:
        return f"Cannot read contract ({type(exc).__name__})."
    if not isinstance(data, dict):
        return "Contract must be a YAML mapping."
    try:
        AdmissionPolicy.model_validate(data)
    except ValidationError as exc:
        return [
            {"loc": list(item["loc"]), "type": item["type"], "msg": item["msg"]}
            for item in exc.errors(include_input=False, include_url=False)
        ]
    return "Contract was refused by the engine."


def _warm_up(engine: Any, project_root: Path | None) -> None:
    """Pay one-time costs (lazy imports, the installed-distribution map) before the first
    module's deadline starts, so `timeout-per-module` measures that module alone."""
    import tempfile

    from importspy.domain import AdmissionRequest

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "importspy_action_warm_up.py"
        probe.write_text("import importspy_action_warm_up_probe\n", encoding="utf-8")
        try:
            engine.check(AdmissionRequest(subject=probe, project_root=project_root))
        except Exception as exc:  # warm-up is an optimisation; the real checks will report
            print(f"warm-up failed: {type(exc).__name__}: {exc}", file=sys.stderr)


def main() -> int:
    # Our protocol owns stdout; anything else the engine prints goes to stderr.
    out = sys.stdout
    sys.stdout = sys.stderr

    config = json.loads(sys.stdin.readline() or "{}")
    import importspy
    from importspy.domain import AdmissionDecision, AdmissionRequest
    from importspy.engine import AdmissionEngine
    from importspy.policy import ContractError

    _use_site_packages(config.get("site_packages"))

    project_root = Path(config["project_root"]) if config.get("project_root") else None
    engine = AdmissionEngine()
    _warm_up(engine, project_root)

    schema = AdmissionDecision.model_fields["schema_version"].default
    _send(
        out,
        {
            "hello": {
                "engine_version": importspy.__version__,
                "decision_schema": schema,
                "python": ".".join(map(str, sys.version_info[:3])),
            }
        },
    )
    crash_marker = os.environ.get(CRASH_ENV, "")
    for line in sys.stdin:
        job = json.loads(line)
        ident = job["id"]
        contract = Path(job["contract"]) if job.get("contract") else None
        request = AdmissionRequest(
            subject=Path(job["subject"]), contract=contract, project_root=project_root
        )
        if crash_marker and request.subject.name == crash_marker:
            os.abort()  # fault injection for the crash-isolation tests (see CRASH_ENV)
        try:
            decision = engine.check(request)
        except ContractError as exc:
            details = _contract_errors(contract) if contract else str(exc)
            key = "contract_errors" if isinstance(details, list) else "contract_error"
            _send(out, {"id": ident, key: details})
            continue
        except MemoryError:  # the `max-memory` cap (RLIMIT_AS); unwinding freed it again
            _send(out, {"id": ident, "memory_error": MEMORY_ERROR})
            continue
        except Exception as exc:  # the engine failed on this module; the rest still run
            _send(out, {"id": ident, "tool_error": f"{type(exc).__name__}: {exc}"})
            continue
        body = _decision_json(decision)
        out.write(f'{{"id": {int(ident)}, "decision": {body}}}\n')
        out.flush()
    return 0


def _use_site_packages(site_packages: str | None) -> None:
    """Dependency checks read installed metadata through sys.path: show them the user's
    environment (plus the stdlib) instead of ours. The engine is already imported."""
    if site_packages:
        sys.path[:] = [site_packages, *_stdlib_paths()]
        sys.path_importer_cache.clear()


def _decision_json(decision: Any) -> str:
    """Only what the parent turns into findings; evidence lists are most of the bytes.

    A file name that is not UTF-8 holds lone surrogates, which pydantic refuses to encode
    (and every report after it would too): its bytes are sent as `\\xNN`, as the parent
    shows such paths (Workspace.display).
    """
    try:
        body: str = decision.model_dump_json(include=DECISION_FIELDS)
    except ValueError:
        fields = decision.model_dump(mode="json", include=DECISION_FIELDS, warnings=False)
        body = json.dumps(_printable(fields))
    return body


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, list):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {_printable(key): _printable(item) for key, item in value.items()}
    return value


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
