"""Turn importspy decisions and contract problems into Findings that point somewhere.

The engine locates structural mismatches it can see in the module, and dependency
violations at the import statement. Everything else -- a required function that is
missing, a runtime constraint, a required dependency never imported, evidence -- has no line
in the module, so it points at the contract key that asked for it. Messages say what was
expected, what was found, and the enclosing class or function.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..model import Finding, Severity
from ..workspace import Workspace
from .contract_yaml import ContractDoc, KeyPath, Requirement

GATE = "contracts"
DOCS_URL = "https://github.com/atellaluca/ImportSpy/blob/main/docs/contracts/syntax.md"

_CATEGORY_TITLES = {
    "structure": "module structure",
    "dependency": "dependency policy",
    "runtime": "runtime constraint",
    "evidence": "evidence requirement",
    "source": "unreadable source",
    "configuration": "contract",
}
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "note": Severity.NOTICE}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class _RequirementIndex:
    """Hands out contract requirements by name in the engine's visiting order."""

    def __init__(self, doc: ContractDoc | None) -> None:
        self._by_name: dict[str, list[Requirement]] = defaultdict(list)
        self._used: dict[str, int] = defaultdict(int)
        if doc is not None:
            for requirement in doc.requirements():
                self._by_name[requirement.name].append(requirement)

    def take(self, name: str) -> Requirement | None:
        candidates = self._by_name.get(name)
        if not candidates:
            return None
        index = min(self._used[name], len(candidates) - 1)
        self._used[name] += 1
        return candidates[index]


def _contract_key(doc: ContractDoc, violation: Mapping[str, Any]) -> KeyPath | None:
    """Where in the contract a line-less violation comes from."""
    code = str(violation.get("code", ""))
    subject = str(violation.get("subject", ""))
    message = str(violation.get("message", ""))
    if code.startswith("ISPY-D") or code == "ISPY-P101":
        return _dependency_key(doc, code, subject)
    if code == "ISPY-R101":
        match = re.search(r"Host (\w+) is not permitted", message)
        return ("runtime", match.group(1)) if match else ("runtime",)
    if code == "ISPY-R102":
        return ("runtime", "python")
    if code == "ISPY-R103":
        if doc.has(("runtime", "environment", subject)):
            return ("runtime", "environment", subject)
        return ("deployments",) if doc.has(("deployments",)) else ("runtime", "environment")
    if code == "ISPY-R104":
        return ("deployments",)
    return None


def _dependency_key(doc: ContractDoc, code: str, subject: str) -> KeyPath:
    """The dependency rule (or the options/evidence section) a dependency violation names."""
    data = doc.data if isinstance(doc.data, dict) else {}
    rules = data.get("dependencies") if isinstance(data.get("dependencies"), dict) else {}
    for key in rules or {}:
        if key == subject or _canonical(str(key)) == _canonical(subject):
            if code == "ISPY-P101":
                return ("dependencies", str(key), "provenance")
            return ("dependencies", str(key))
    if code == "ISPY-P101":
        return ("evidence_requirements",)
    return ("dependency_options",)


def decision_findings(
    decision: Mapping[str, Any],
    *,
    module: Path,
    contract: Path | None,
    doc: ContractDoc | None,
    workspace: Workspace,
) -> list[Finding]:
    """Findings for one engine decision about `module`."""
    findings = []
    index = _RequirementIndex(doc)
    module_display = workspace.display(module)
    contract_at = (doc, workspace.display(contract)) if doc is not None and contract else None
    for violation in decision.get("violations", []):
        if not isinstance(violation, dict):
            continue
        code = str(violation.get("code", "ISPY-UNKNOWN"))
        category = str(violation.get("category", "structure"))
        subject = str(violation.get("subject", ""))
        requirement = index.take(subject) if category == "structure" else None
        context = requirement.context if requirement else None
        path, start, col = _location(violation, requirement, module, module_display, contract_at)
        expected, observed = _show(violation.get("expected")), _show(violation.get("observed"))
        text = _message(violation, context, expected, observed)
        if path != module_display:
            text += f" Module: {module_display}."
        findings.append(
            Finding(
                gate=GATE,
                code=code,
                severity=_LEVELS.get(str(violation.get("severity")), Severity.ERROR),
                path=path,
                start_line=start,
                start_column=col,
                title=f"{code} {_CATEGORY_TITLES.get(category, category)}",
                message=text,
                expected=expected,
                observed=observed,
                help=_show(violation.get("remediation")),
                url=DOCS_URL,
                context=context,
            )
        )
    return findings


def _location(
    violation: Mapping[str, Any],
    requirement: Requirement | None,
    module: Path,
    module_display: str,
    contract_at: tuple[ContractDoc, str] | None,
) -> tuple[str, int, int | None]:
    """(path, line, column) a violation points at: the module line, else the contract key."""
    location = violation.get("location") or {}
    line = location.get("line") if isinstance(location, dict) else None
    column = location.get("column") if isinstance(location, dict) else None
    if isinstance(line, int) and line >= 1:
        return module_display, line, column if isinstance(column, int) else None
    if str(violation.get("category", "structure")) == "source":
        # unreadable module: point at the module itself
        return module_display, _first_undecodable_line(module), None
    if contract_at is not None:
        doc, contract_display = contract_at
        key = _structure_key(violation, requirement, module) or _contract_key(doc, violation)
        return contract_display, doc.line_of(key) if key else 1, None
    return module_display, 1, None


def _message(
    violation: Mapping[str, Any], context: str | None, expected: str | None, observed: str | None
) -> str:
    """The engine's message as a sentence, with its scope and expected/found values."""
    text = str(violation.get("message", "")).strip()
    if text and not text.endswith((".", "!", "?")):
        text += "."
    if context and context.split("`")[1] not in text:
        text = text.rstrip(".") + f" in {context}."
    if expected is not None or observed is not None:
        text += f" Expected: {expected if expected is not None else '(nothing)'}; "
        text += f"found: {observed if observed is not None else '(nothing)'}."
    return text


def _first_undecodable_line(module: Path) -> int:
    """Line of the first byte that is not UTF-8 (1 when the file decodes or is unreadable)."""
    try:
        raw = module.read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    except OSError:
        return 1
    return 1


def _structure_key(
    violation: Mapping[str, Any], requirement: Requirement | None, module: Path
) -> KeyPath | None:
    if str(violation.get("category")) != "structure":
        return None
    subject = str(violation.get("subject", ""))
    if subject == str(module) or subject.endswith("/" + module.name):
        return ("filename",)
    if subject == "__version__":
        return ("version",)
    return requirement.path if requirement else None


_ERROR_WORDS = {
    "extra_forbidden": "is not a field of an ImportSpy 0.5 contract",
    "missing": "is required but missing",
}


def schema_findings(
    errors: Iterable[Mapping[str, Any]],
    *,
    module: Path,
    contract: Path,
    doc: ContractDoc | None,
    workspace: Workspace,
) -> list[Finding]:
    """Findings for a contract the engine refused, each at its YAML key."""
    findings = []
    for error in errors:
        loc = tuple(error.get("loc") or ())
        field = "".join(
            f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
            for i, part in enumerate(loc)
        )
        kind = str(error.get("type", ""))
        words = _ERROR_WORDS.get(kind, f"is invalid: {error.get('msg', kind)}")
        line = doc.line_of(loc) if doc else 1
        findings.append(
            contract_problem(
                "ISPY-C101",
                f"Contract field `{field or '(root)'}` {words}. Module: "
                f"{workspace.display(module)}.",
                contract=contract,
                line=line,
                workspace=workspace,
            )
        )
    return findings


def contract_problem(
    code: str,
    message: str,
    *,
    contract: Path,
    line: int,
    workspace: Workspace,
    column: int | None = None,
) -> Finding:
    return Finding(
        gate=GATE,
        code=code,
        severity=Severity.ERROR,
        path=workspace.display(contract),
        start_line=line,
        start_column=column,
        title=f"{code} invalid contract",
        message=message,
        help="Fix the contract so that ImportSpy 0.5 can read it; see the contract syntax.",
        url=DOCS_URL,
    )


def module_problem(
    code: str, title: str, message: str, *, module: Path, workspace: Workspace, help_text: str
) -> Finding:
    return Finding(
        gate=GATE,
        code=code,
        severity=Severity.ERROR,
        path=workspace.display(module),
        start_line=1,
        title=f"{code} {title}",
        message=message,
        help=help_text,
    )
