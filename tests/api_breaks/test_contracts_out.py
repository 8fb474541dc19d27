"""contracts_out.py: inferred contracts pass importspy's own validation and its engine.

Also the measurement behind issue 15: the contract engine, as the contracts gate drives it,
admits a new required parameter (a contract lists the parameters that must exist, not the
ones that must not); the api-breaks rule API-PARAM-REQUIRED is what catches it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from importspy.policy import ContractError, load_policy

from importspy_action.api_breaks import contracts_out
from importspy_action.api_breaks.compare import compare_modules
from importspy_action.api_breaks.surface import parse_module
from importspy_action.safe_paths import OutputError, WriteRoots
from tests.helpers.builders import run_contracts

from .project import BASE_API, settings

MODULE = textwrap.dedent(
    '''\
    """Doc."""
    import os

    LIMIT: int = 10
    name = "x"
    _private = 1


    def area(width: float, height: float = 1.0, *, unit: str = "m") -> float:
        return width * height


    def load(path, mode=None, flags=("a", "b")): ...


    class Base: ...


    class Shape(Base):
        sides: int = 0

        def __init__(self, label: str) -> None:
            self.label = label

        def describe(self, verbose: bool = False) -> str:
            return "shape"

        @property
        def kind(self) -> str:
            return "k"

        def _hidden(self): ...
    '''
)


def test_contract_shape_matches_importspy_init_plus_signatures() -> None:
    data = contracts_out.contract_of(parse_module(MODULE, module="m", path="pkg/m.py"))
    assert data["schema_version"] == 1 and data["filename"] == "m.py"
    assert data["variables"] == [{"name": "LIMIT", "annotation": "int"}, {"name": "name"}]
    area = data["functions"][0]
    assert area == {
        "name": "area",
        "arguments": [
            {"name": "width", "annotation": "float"},
            {"name": "height", "annotation": "float", "value": 1.0},
            {"name": "unit", "annotation": "str", "value": "m"},
        ],
        "return_annotation": "float",
    }
    load = data["functions"][1]
    assert load["arguments"] == [
        {"name": "path"},
        {"name": "mode", "value": None},
        {"name": "flags"},
    ]
    shape = data["classes"][1]
    assert shape["superclasses"] == [{"name": "Base"}]
    assert shape["attributes"] == [{"name": "sides", "annotation": "int", "type": "class"}]
    assert [m["name"] for m in shape["methods"]] == ["__init__", "describe"]


def test_written_contracts_pass_importspy_validation(tmp_path: Path) -> None:
    surface = parse_module(MODULE, module="pkg.m", path="pkg/m.py")
    (written,) = contracts_out.write([surface], tmp_path / "out", WriteRoots((tmp_path,)))
    assert written == tmp_path / "out/pkg/m.importspy.yml"
    policy, digest = load_policy(written)
    assert policy.filename == "m.py" and len(digest) == 64
    assert written.read_text().startswith("# Inferred by importspy-action")


def test_validation_is_importspys_and_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump({"schema_version": 2, "functions": [{"nom": "f"}]}))
    with pytest.raises(ContractError):
        load_policy(bad)
    with pytest.raises(ValueError):
        contracts_out.validate(bad.read_text())


def test_refuses_to_write_through_a_symlinked_directory(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "pkg").symlink_to(outside)
    surface = parse_module(MODULE, module="pkg.m", path="pkg/m.py")
    with pytest.raises(OutputError, match="symlink"):
        contracts_out.write([surface], tmp_path / "out", WriteRoots((tmp_path,)))
    assert list(outside.iterdir()) == []


def engine_findings(root: Path, module: str, contract: str) -> list[str]:
    result = run_contracts(settings(root, contracts=f"{module}: {contract}"))
    assert result.error is None, result.error
    return [f.code for f in result.findings]


def test_the_engine_admits_the_module_its_contract_was_inferred_from(tmp_path: Path) -> None:
    (tmp_path / "api.py").write_text(BASE_API)
    surface = parse_module(BASE_API, module="api", path="api.py")
    contracts_out.write([surface], tmp_path / "contracts", WriteRoots((tmp_path,)))
    assert engine_findings(tmp_path, "api.py", "contracts/api.importspy.yml") == []


def test_engine_admits_a_new_required_parameter_that_api_breaks_catches(tmp_path: Path) -> None:
    base = parse_module(BASE_API, module="api", path="api.py")
    contracts_out.write([base], tmp_path / "contracts", WriteRoots((tmp_path,)))
    head_source = BASE_API.replace("height: float)", "height: float, unit: str)")
    (tmp_path / "api.py").write_text(head_source)
    # the measurement: the contract engine as driven today sees nothing wrong
    assert engine_findings(tmp_path, "api.py", "contracts/api.importspy.yml") == []
    # the api-breaks rule does
    head = parse_module(head_source, module="api", path="api.py")
    assert [f.code for f in compare_modules(base, head)] == ["API-PARAM-REQUIRED"]


def test_engine_does_catch_a_removed_parameter(tmp_path: Path) -> None:
    """The contrast: what a contract lists is enforced, so the engine sees removals."""
    base = parse_module(BASE_API, module="api", path="api.py")
    contracts_out.write([base], tmp_path / "contracts", WriteRoots((tmp_path,)))
    (tmp_path / "api.py").write_text(BASE_API.replace("width: float, height: float", "width"))
    assert "ISPY-S101" in engine_findings(tmp_path, "api.py", "contracts/api.importspy.yml")
