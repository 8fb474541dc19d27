"""The contract gate end to end in-process: where each kind of violation points."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.errors import ConfigError
from importspy_action.gates.contracts import ContractsGate, resolve_subjects
from importspy_action.model import Finding, GateStatus
from importspy_action.settings import build_settings
from tests.helpers.builders import judged

MODULE = """\
import json
import yaml


class Plugin:
    def run(self, payload):
        return payload


def helper(x: int) -> int:
    return x
"""

CONTRACT = """\
schema_version: 1
filename: other.py
variables:
  - name: VERSION
classes:
  - name: Plugin
    methods:
      - name: run
        arguments:
          - name: self
          - name: payload
            annotation: dict
      - name: stop
functions:
  - name: helper
    arguments:
      - name: x
        annotation: str
runtime:
  os: [windows]
  environment:
    IMPORTSPY_ACTION_SURELY_UNSET: "1"
dependencies:
  requests:
    required: true
  PyYAML:
    allowed: false
"""


def _gate(tmp_path: Path, contracts: str, **raw: str):
    settings = build_settings({"contracts": contracts, **raw}, tmp_path)
    return judged(ContractsGate().run(settings, None), "contracts", settings)


def _at(findings: tuple[Finding, ...], code: str, needle: str) -> Finding:
    matches = [f for f in findings if f.code == code and needle in f.message]
    assert len(matches) == 1, [(f.code, f.message) for f in findings]
    return matches[0]


def test_every_violation_points_somewhere_sensible(tmp_path: Path):
    (tmp_path / "plugin.py").write_text(MODULE)
    (tmp_path / "plugin.importspy.yml").write_text(CONTRACT)
    result = _gate(tmp_path, "plugin.py")
    assert result.status is GateStatus.FAILED
    found = result.findings
    contract, module = "plugin.importspy.yml", "plugin.py"

    filename = _at(found, "ISPY-S102", "Source filename")
    assert (filename.path, filename.start_line) == (contract, 2)
    assert filename.expected == "other.py" and filename.observed == "plugin.py"

    variable = _at(found, "ISPY-S101", "`VERSION`")
    assert (variable.path, variable.start_line) == (contract, 4)

    stop = _at(found, "ISPY-S101", "`stop`")
    assert (stop.path, stop.start_line, stop.context) == (contract, 13, "class `Plugin`")
    assert "in class `Plugin`" in stop.message and "Module: plugin.py." in stop.message

    annotation = _at(found, "ISPY-S102", "`x`")
    assert (annotation.path, annotation.start_line) == (module, 10)  # the engine's own line
    assert "Expected: str; found: int." in annotation.message

    host_os = _at(found, "ISPY-R101", "os")
    assert (host_os.path, host_os.start_line) == (contract, 20)

    env = _at(found, "ISPY-R103", "environment variable")
    assert (env.path, env.start_line) == (contract, 22)

    required = _at(found, "ISPY-D103", "`requests`")
    assert (required.path, required.start_line) == (contract, 24)

    forbidden = _at(found, "ISPY-D101", "`pyyaml`")
    assert (forbidden.path, forbidden.start_line, forbidden.start_column) == (module, 2, 1)

    for finding in found:
        assert finding.gate == "contracts" and finding.start_line >= 1
        assert not finding.path.startswith("/")


def test_shared_contract_is_read_once_and_duplicates_are_distinct_per_module(tmp_path: Path):
    (tmp_path / "plugins").mkdir()
    for name in ("a", "b"):
        (tmp_path / "plugins" / f"{name}.py").write_text("def run():\n    pass\n")
    (tmp_path / "shared.yml").write_text("schema_version: 1\nfunctions:\n  - name: stop\n")
    result = _gate(tmp_path, "plugins/*.py: shared.yml")
    assert result.metrics["denied"] == 2
    messages = sorted(f.message for f in result.findings)
    assert messages[0].endswith("Module: plugins/a.py.")
    assert messages[1].endswith("Module: plugins/b.py.")


def test_glob_without_sidecars_notes_the_unchecked(tmp_path: Path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "__init__.py").write_text("")
    (tmp_path / "p" / "one.py").write_text("X = 1\n")
    (tmp_path / "p" / "one.importspy.yml").write_text("schema_version: 1\n")
    settings = build_settings({"contracts": "p/*.py"}, tmp_path)
    subjects, notes = resolve_subjects(settings)
    assert [s.module.name for s in subjects] == ["one.py"]
    assert notes and "p/__init__.py" in notes[0]
    (tmp_path / "p" / "one.importspy.yml").unlink()
    with pytest.raises(ConfigError, match="none of the 2 modules"):
        resolve_subjects(settings)


def test_each_contracts_entry_pairs_modules_and_a_later_entry_wins(tmp_path: Path):
    (tmp_path / "p").mkdir()
    for name in ("a", "b"):
        (tmp_path / "p" / f"{name}.py").write_text("X = 1\n")
    (tmp_path / "p" / "a.importspy.yml").write_text("schema_version: 1\n")
    (tmp_path / "shared.yml").write_text("schema_version: 1\n")
    settings = build_settings({"contracts": "p/a.py\np/*.py: shared.yml"}, tmp_path)
    subjects, notes = resolve_subjects(settings)
    assert [(s.module.name, s.contract.name) for s in subjects] == [
        ("a.py", "shared.yml"),
        ("b.py", "shared.yml"),
    ]
    assert notes == []
    for contracts, message in [
        ("p/b.py", "'p/b.py' has no sidecar contract 'p/b.importspy.yml'"),
        ("p/*.py: missing.yml", "contract 'missing.yml' .* does not exist"),
        ("p/c.py", "module 'p/c.py' does not exist"),
        ("q/*.py", "matched no Python module"),
    ]:
        with pytest.raises(ConfigError, match=message):
            resolve_subjects(build_settings({"contracts": contracts}, tmp_path))


def test_pyproject_subjects_errors_are_named(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.importspy]\nsubjects = [{path = 'x.py'}]\n")
    with pytest.raises(ConfigError, match=r"entry 1: needs `path` and `contract`"):
        _gate(tmp_path, "pyproject")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match="missing or empty"):
        _gate(tmp_path, "pyproject")
