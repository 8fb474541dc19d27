"""The oracle: our rules against `griffe check`'s own API (griffe.find_breaking_changes).

Every case of oracle_cases.CASES is judged by both. Where the two agree, our code must map
to griffe's breakage kind (CODE_TO_GRIFFE); where they differ, the difference must be one we
intend, listed in DIFFERENCES and explained in docs/api-breaks.md ("Differences from griffe").
A change in either tool's behaviour fails this test.
"""

from __future__ import annotations

from pathlib import Path

import griffe  # a dev dependency (pyproject [dev]): the oracle, never used by the action
import pytest

from importspy_action.api_breaks.compare import compare_modules, module_removed
from importspy_action.api_breaks.surface import module_is_private, parse_module
from importspy_action.model import Severity

from .oracle_cases import CASES, Files

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api-breaks.md"

CODE_TO_GRIFFE = {
    "API-MODULE-REMOVED": "OBJECT_REMOVED",
    "API-REMOVED": "OBJECT_REMOVED",
    "API-PARAM-REMOVED": "PARAMETER_REMOVED",
    "API-PARAM-REQUIRED": "PARAMETER_ADDED_REQUIRED",
    "API-PARAM-KIND": "PARAMETER_CHANGED_KIND",
    "API-PARAM-MOVED": "PARAMETER_MOVED",
    "API-DEFAULT-REMOVED": "PARAMETER_CHANGED_REQUIRED",
    "API-DEFAULT-CHANGED": "PARAMETER_CHANGED_DEFAULT",
    "API-BASE-REMOVED": "CLASS_REMOVED_BASE",
    "API-KIND-CHANGED": "OBJECT_CHANGED_KIND",
}

# label -> (our codes, griffe's kinds), both sorted: the intended differences
DIFFERENCES: dict[str, tuple[list[str], list[str]]] = {
    "parameter renamed": (["API-PARAM-RENAMED"], ["PARAMETER_ADDED_REQUIRED", "PARAMETER_REMOVED"]),
    "keyword renamed": (["API-PARAM-RENAMED"], ["PARAMETER_REMOVED"]),
    "return annotation changed": (["API-ANNOTATION-CHANGED"], []),
    "parameter annotation changed": (["API-ANNOTATION-CHANGED"], []),
    "attribute annotation changed": (["API-ANNOTATION-CHANGED"], []),
    "__all__ entry removed": (["API-ALL-REMOVED"], []),
    "positional-only renamed": ([], ["PARAMETER_ADDED_REQUIRED", "PARAMETER_REMOVED"]),
}


def ours(base: Files, head: Files) -> list[str]:
    """Our codes, pairing modules by path as the gate pairs them by dotted name."""
    codes = []
    for path, source in base.items():
        name = path[:-3].replace("/", ".").removesuffix(".__init__")
        if module_is_private(name):
            continue
        old = parse_module(source, module=name, path=path)
        if path not in head:
            codes.append(module_removed(old, breaking=Severity.ERROR).code)
            continue
        new = parse_module(head[path], module=name, path=path)
        codes.extend(f.code for f in compare_modules(old, new))
    return sorted(codes)


def theirs(base: Files, head: Files, root: Path) -> list[str]:
    for side, files in (("old", base), ("new", head)):
        for path, source in files.items():
            target = root / side / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source)
    old = griffe.load("pk", search_paths=[str(root / "old")], resolve_aliases=False)
    new = griffe.load("pk", search_paths=[str(root / "new")], resolve_aliases=False)
    return sorted(breakage.kind.name for breakage in griffe.find_breaking_changes(old, new))


@pytest.mark.parametrize(("label", "base", "head"), CASES, ids=[case[0] for case in CASES])
def test_against_griffe(label: str, base: Files, head: Files, tmp_path: Path) -> None:
    mine, griffes = ours(base, head), theirs(base, head, tmp_path)
    if label in DIFFERENCES:
        assert (mine, griffes) == DIFFERENCES[label]
    else:
        assert [CODE_TO_GRIFFE.get(code, code) for code in mine] == griffes


def test_the_suite_covers_every_required_rule_and_harmless_change() -> None:
    labels = {case[0] for case in CASES}
    required = {
        "public module removed",
        "function removed",
        "class removed",
        "method removed",
        "attribute removed",
        "parameter removed",
        "parameter renamed",
        "new required parameter",
        "made keyword-only",
        "default removed",
        "base removed",
        "return annotation changed",
        "parameter annotation changed",
        "__all__ entry removed",
        "new optional parameter",
        "new function",
        "reordered definitions",
        "docstring and body edits",
        "type-only refactor",
    }
    assert required <= labels


def test_every_difference_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Differences from griffe", 1)[1]
    for label in DIFFERENCES:
        spelt = label.replace("__all__", "`__all__`")  # code-formatted in markdown
        assert f"**{spelt}**" in section, label
