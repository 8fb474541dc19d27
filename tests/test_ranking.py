from __future__ import annotations

from importspy_action.diff import ChangedLines
from importspy_action.model import Finding, Severity
from importspy_action.ranking import rank, select
from tests.helpers import builders

CHANGES = ChangedLines(files={"src/a.py": frozenset({10})})


def _f(path: str, line: int, severity: Severity) -> Finding:
    return builders.finding(0, severity, path=path, start_line=line, message=f"{path}:{line}")


def test_errors_first_then_findings_on_changed_lines() -> None:
    findings = [
        _f("src/b.py", 1, Severity.WARNING),
        _f("src/a.py", 10, Severity.NOTICE),
        _f("src/z.py", 5, Severity.ERROR),
        _f("src/a.py", 10, Severity.ERROR),
    ]
    ranked = [f.message for f in rank(findings, CHANGES)]
    assert ranked == ["src/a.py:10", "src/z.py:5", "src/a.py:10", "src/b.py:1"]
    assert [f.severity for f in rank(findings, CHANGES)][:2] == [Severity.ERROR] * 2


def test_changed_lines_mode_and_cap() -> None:
    findings = [_f("src/a.py", 10, Severity.WARNING), _f("src/b.py", 3, Severity.ERROR)]
    chosen = select(findings, mode="changed-lines", changes=CHANGES, limit=None)
    assert [f.path for f in chosen.findings] == ["src/a.py"]
    assert (chosen.eligible, chosen.total) == (1, 2)  # one finding out of scope
    unknown = select(findings, mode="changed-lines", changes=None, limit=1)
    assert len(unknown.findings) == 1 and unknown.capped == 1 and "could not tell" in unknown.note
    assert select(findings, mode="none", changes=CHANGES, limit=None).findings == ()
