"""Gates: each turns the workspace plus Settings into a GateResult. They never talk to GitHub.

GATES maps a gate name to the function that runs it, in the order gates run and are shown.
"""

from __future__ import annotations

from collections.abc import Callable

from ..diff import ChangedLines
from ..model import GateResult
from ..settings import Settings
from .contracts import run_contracts
from .coverage import run_coverage
from .lint import run_lint


def _contracts(settings: Settings, changes: ChangedLines | None) -> GateResult:
    return run_contracts(settings)


GateRunner = Callable[[Settings, "ChangedLines | None"], GateResult]

GATES: dict[str, GateRunner] = {
    "contracts": _contracts,
    "coverage": run_coverage,
    "lint": run_lint,
}
