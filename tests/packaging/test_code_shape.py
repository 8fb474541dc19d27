"""The package's shape limits that ruff cannot express: modules up to 350 lines, functions 60.

ruff enforces complexity (C901) and statement counts (PLR0915) from pyproject.toml; these two
limits keep every module and function readable in one sitting (issue 10). A module that
outgrows them is split by meaning, not by line count: see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "importspy_action"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def long_functions(source: str, limit: int) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method longer than `limit` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return found


def test_no_module_is_over_the_limit() -> None:
    assert _sources(), PACKAGE
    long = {
        str(path.relative_to(REPO)): count
        for path in _sources()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_function_is_over_the_limit() -> None:
    long = {
        str(path.relative_to(REPO)): found
        for path in _sources()
        if (found := long_functions(path.read_text(encoding="utf-8"), MAX_FUNCTION_LINES))
    }
    assert long == {}, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_the_function_check_sees_nested_functions_and_methods() -> None:
    body = "\n".join(f"            x = {i}" for i in range(3))
    source = f"class C:\n    def m(self):\n        def inner():\n{body}\n        return inner\n"
    assert long_functions(source, 2) == [("m", 2, 6), ("inner", 3, 4)]
    assert long_functions(source, 4) == [("m", 2, 6)]
    assert long_functions(source, 6) == []
