"""Findings for modules the contract engine did not judge: too large, timed out, crashed, failed.

They are not contract violations, so they carry their own `ISPYA-*` codes and say what to
change (a limit, or the module) instead of pointing into a contract. Each sits on the module,
so a pull request sees which file went unjudged and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Finding
from ..workspace import Workspace
from .contract_findings import module_problem


def too_large(module: Path, size: int, limit: int, workspace: Workspace) -> Finding:
    """ISPYA-S002: the module is above `max-module-size` and was not read."""
    return module_problem(
        "ISPYA-S002",
        "module too large",
        f"Module is {size} bytes, above `max-module-size` ({limit} bytes); it was not checked.",
        module=module,
        workspace=workspace,
        help_text="Raise `max-module-size` if this module is meant to be this big.",
    )


def engine_failure(kind: str, payload: Any, module: Path, ws: Workspace) -> Finding:
    """ISPYA-T001/T002/T003: the engine timed out, crashed or failed on the module."""
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
            "The contract engine's process died or ran out of memory while checking this "
            f"module (a crash or the `max-memory` cap); it was not judged.{detail}",
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
