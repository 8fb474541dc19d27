"""Same verdict as `importspy check`: the real CLI is the oracle for the contract gate.

A user runs `importspy check <module>` on a laptop and the action in CI; both must say ADMIT
or DENY alike and name the same violation codes. The case that used to differ is a module in
a sub-project with its own `pyproject.toml`: importspy takes the nearest `pyproject.toml`
above the module as the project root (its declared dependencies decide `undeclared: deny`),
while the gate used `working-directory`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from importspy_action.gates.project_root import project_root_for
from tests.conftest import REPO
from tests.helpers.builders import run_contracts
from tests.helpers.gate_projects import settings_for

IMPORTSPY = Path(sys.executable).with_name("importspy")

DECLARES_PYYAML = '[project]\nname = "sub"\nversion = "1"\ndependencies = ["pyyaml"]\n'
DECLARES_NOTHING = '[project]\nname = "top"\nversion = "1"\ndependencies = []\n'
USES_YAML = "import yaml\n\n\ndef load(text: str) -> object:\n    return yaml.safe_load(text)\n"
STRICT = "schema_version: 1\nfunctions:\n  - name: load\ndependency_options:\n  undeclared: deny\n"
INTERNAL = "import helpers\n\n\ndef load(text: str) -> object:\n    return helpers.parse(text)\n"
NO_UNRESOLVED = "schema_version: 1\nfunctions:\n  - name: load\n"


def oracle(root: Path, pairs: dict[str, str], *extra: str) -> dict[str, tuple[str, Counter[str]]]:
    """`importspy check <module> --contract <contract>` per pair, the processes side by side
    (each costs an interpreter start-up): decision and violation codes per module."""
    started = {
        module: subprocess.Popen(
            [
                IMPORTSPY,
                "check",
                root / module,
                "--contract",
                root / contract,
                "-f",
                "json",
                *extra,
            ],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for module, contract in pairs.items()
    }
    answers = {}
    for module, process in started.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode in (0, 1), err
        decision = json.loads(out)
        codes = Counter(str(v["code"]) for v in decision["violations"])
        answers[module] = (str(decision["decision"]), codes)
    return answers


def gate(root: Path, contracts: str, **inputs: str) -> tuple[dict[str, str], Counter[str]]:
    """The gate on the whole workspace: decision per module and every finding's code."""
    result = run_contracts(settings_for(root, contracts=contracts, **inputs))
    decisions = {row["module"]: row["decision"] for row in result.metrics["subjects"]}
    return decisions, Counter(f.code for f in result.findings)


def compare(
    root: Path, contracts: str, pairs: dict[str, str], project_root: str = ""
) -> dict[str, str]:
    """Assert gate == oracle for `pairs` (module -> contract, repo-relative), optionally
    both with an explicit project root; return the decisions so a test can say what
    they are."""
    inputs = {"project_root": project_root} if project_root else {}
    decisions, gate_codes = gate(root, contracts, **inputs)
    extra = ("--project-root", str(root / project_root)) if project_root else ()
    answers = oracle(root, pairs, *extra)
    expected = {module: decision for module, (decision, _) in answers.items()}
    oracle_codes = sum((codes for _, codes in answers.values()), Counter[str]())
    assert decisions == expected
    assert gate_codes == oracle_codes
    return decisions


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A workspace whose top project declares nothing and whose `sub/` project declares
    pyyaml; the same module and strict contract live in both, plus a module outside any
    project and one importing a sibling of the sub-project's `src/`."""
    files = {
        "pyproject.toml": DECLARES_NOTHING,
        "top.py": USES_YAML,
        "top.importspy.yml": STRICT,
        "sub/pyproject.toml": DECLARES_PYYAML,
        "sub/pkg/mod.py": USES_YAML,
        "sub/pkg/mod.importspy.yml": STRICT,
        "sub/src/helpers.py": "def parse(text):\n    return text\n",
        "sub/pkg/internal.py": INTERNAL,
        "sub/pkg/internal.importspy.yml": NO_UNRESOLVED,
    }
    for name, text in files.items():
        path = tmp_path / "ws" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "ws"


def test_a_sub_project_module_gets_the_verdict_importspy_check_gives(monorepo: Path):
    pairs = {
        "top.py": "top.importspy.yml",
        "sub/pkg/mod.py": "sub/pkg/mod.importspy.yml",
        "sub/pkg/internal.py": "sub/pkg/internal.importspy.yml",
    }
    decisions = compare(monorepo, "top.py\nsub/pkg/*.py", pairs)
    # The point of the case: pyyaml is declared by sub/ only, so the same module is admitted
    # there and denied at the top -- with working-directory as the root both were denied.
    assert decisions == {
        "top.py": "DENY",
        "sub/pkg/mod.py": "ADMIT",
        "sub/pkg/internal.py": "ADMIT",
    }


def test_an_explicit_project_root_overrides_the_search_on_both_sides(monorepo: Path):
    pairs = {"sub/pkg/mod.py": "sub/pkg/mod.importspy.yml", "top.py": "top.importspy.yml"}
    decisions = compare(monorepo, "top.py\nsub/pkg/mod.py", pairs, project_root="sub")
    # sub/ declares pyyaml, so with it as the root for everything both are admitted.
    assert decisions == {"top.py": "ADMIT", "sub/pkg/mod.py": "ADMIT"}


def test_a_module_outside_any_project_is_judged_from_its_own_directory(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "tool.py").write_text(USES_YAML, encoding="utf-8")
    (tmp_path / "lib" / "tool.importspy.yml").write_text(STRICT, encoding="utf-8")
    decisions = compare(tmp_path, "lib/tool.py", {"lib/tool.py": "lib/tool.importspy.yml"})
    assert decisions == {"lib/tool.py": "DENY"}  # nothing declares pyyaml


def test_every_bundled_example_gets_the_verdict_importspy_check_gives(tmp_path: Path):
    root = tmp_path / "examples"
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("workflows"))
    pairs = {
        f"src/plugins/{path.name}": f"src/plugins/{path.stem}.importspy.yml"
        for path in sorted((root / "src" / "plugins").glob("*.py"))
        if path.with_suffix(".importspy.yml").is_file()
    }
    pairs["src/core/api.py"] = "contracts/api.yml"
    decisions = compare(root, "src/plugins/*.py\nsrc/core/api.py: contracts/api.yml", pairs)
    assert {"ADMIT", "DENY"} <= set(decisions.values())


def test_the_root_search_stops_at_the_workspace(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(DECLARES_PYYAML, encoding="utf-8")
    workspace = tmp_path / "ws"
    (workspace / "a" / "b").mkdir(parents=True)
    module = workspace / "a" / "b" / "m.py"
    module.write_text("", encoding="utf-8")
    # importspy itself would climb to tmp_path; the runner's files are not the project's.
    assert project_root_for(module, workspace) == module.parent
    (workspace / "pyproject.toml").write_text(DECLARES_NOTHING, encoding="utf-8")
    assert project_root_for(module, workspace) == workspace
    (workspace / "a" / "pyproject.toml").symlink_to(tmp_path / "pyproject.toml")
    assert project_root_for(module, workspace) == workspace  # a symlinked one does not count
