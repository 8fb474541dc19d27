"""engine_findings.py: a module the engine did not judge is an error that says why and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.gates.engine_findings import engine_failure, too_large
from importspy_action.model import Severity
from importspy_action.workspace import Workspace


def test_too_large_names_the_size_and_the_limit(tmp_path: Path) -> None:
    finding = too_large(tmp_path / "pkg" / "big.py", 9000, 4096, Workspace(tmp_path))
    assert (finding.code, finding.path, finding.start_line) == ("ISPYA-S002", "pkg/big.py", 1)
    assert "9000 bytes" in finding.message and "(4096 bytes)" in finding.message
    assert finding.severity is Severity.ERROR and finding.gate == "contracts"


@pytest.mark.parametrize(
    ("kind", "payload", "code", "says"),
    [
        ("timeout", 2.5, "ISPYA-T001", "within 2.5s"),
        ("crashed", "MemoryError", "ISPYA-T002", "Last words: MemoryError"),
        ("crashed", "", "ISPYA-T002", "it was not judged."),
        ("engine_error", "boom", "ISPYA-T003", "failed on this module: boom"),
    ],
)
def test_each_engine_failure_has_its_code(
    tmp_path: Path, kind: str, payload: object, code: str, says: str
) -> None:
    finding = engine_failure(kind, payload, tmp_path / "m.py", Workspace(tmp_path))
    assert (finding.code, finding.path) == (code, "m.py")
    assert finding.message.endswith(says) or says in finding.message
    assert finding.help
