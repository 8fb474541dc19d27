"""ApiBreaksGate end to end: real git repositories, real Settings from build_settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.api_breaks.gate import ApiBreaksGate, ApiMetrics
from importspy_action.api_breaks.modules import glob_regex
from importspy_action.errors import ConfigError
from importspy_action.model import Severity
from importspy_action.settings import Settings
from tests.helpers.git import git

from .project import BASE_API, make_repo, package, pr_environ, settings

BREAKING_API = (
    BASE_API.replace(
        "def area(width: float, height: float) -> float:",
        "def area(width: float, height: float, unit: str) -> float:",
    )
    .replace("*, factor: float = 2.0", "*, multiplier: float = 2.0")
    .replace('def legacy() -> None:\n    """Old entry point."""\n\n\n', "")
)
HARMLESS_API = (
    BASE_API.replace(
        "def area(width: float, height: float) -> float:",
        "def area(width: float, height: float, rounding: int | None = None) -> float:",
    )
    + "\n\ndef perimeter(width: float, height: float) -> float:\n    return 2 * (width + height)\n"
)


def run(root: Path, environ: dict[str, str] | None = None, **inputs: str):  # type: ignore[no-untyped-def]
    return ApiBreaksGate(environ or {}).run(settings(root, **inputs), None)


def test_a_breaking_pr_fails_with_three_located_findings(tmp_path: Path) -> None:
    base, head = make_repo(tmp_path / "r", package(BASE_API), package(BREAKING_API))
    outcome = run(tmp_path / "r", pr_environ(tmp_path / "r", base, head), api_breaks="src/**/*.py")
    located = sorted((f.code, f.path, f.start_line) for f in outcome.findings)
    assert located == [
        ("API-PARAM-RENAMED", "src/shapes/api.py", 8),
        ("API-PARAM-REQUIRED", "src/shapes/api.py", 4),
        ("API-REMOVED", "src/shapes/api.py", 1),
    ]
    assert all(f.severity is Severity.ERROR and f.gate == "api-breaks" for f in outcome.findings)
    removed = next(f for f in outcome.findings if f.code == "API-REMOVED")
    assert "shapes.api.legacy" in removed.message and "base line 12" in removed.message
    assert outcome.metrics is not None
    assert (outcome.metrics.modules_compared, outcome.metrics.breaks) == (2, 3)
    assert outcome.metrics.base_sha == base
    assert "pull request's merge base" in outcome.notes[0]


def test_a_pr_with_an_optional_parameter_and_a_new_function_passes(tmp_path: Path) -> None:
    base, head = make_repo(tmp_path / "r", package(BASE_API), package(HARMLESS_API))
    outcome = run(tmp_path / "r", pr_environ(tmp_path / "r", base, head), api_breaks="src/**/*.py")
    assert outcome.findings == ()
    assert outcome.metrics is not None and outcome.metrics.modules_compared == 2


def test_a_major_bump_turns_breaks_into_warnings(tmp_path: Path) -> None:
    make_repo(tmp_path / "r", package(BASE_API), package(BREAKING_API, version="2.0.0"))
    outcome = run(tmp_path / "r", api_breaks="src/**/*.py", base_ref="main")
    assert {f.severity for f in outcome.findings} == {Severity.WARNING}
    assert len(outcome.findings) == 3
    assert outcome.metrics is not None and outcome.metrics.bumped_major
    assert any("1.0.0 -> 2.0.0" in note for note in outcome.notes)


@pytest.mark.parametrize(
    ("old", "new", "bumped"),
    [
        ("1.4.0", "1.5.0", False),
        ("0.4.1", "0.5.0", True),
        ("1.9", "2.0rc1", True),
        ("2", "1", False),
    ],
)
def test_what_counts_as_a_major_bump(tmp_path: Path, old: str, new: str, bumped: bool) -> None:
    make_repo(tmp_path / "r", package(BASE_API, version=old), package(BREAKING_API, version=new))
    outcome = run(tmp_path / "r", api_breaks="src/**/*.py", base_ref="main")
    assert outcome.metrics is not None and outcome.metrics.bumped_major is bumped


def test_merge_queue_uses_merge_group_base_sha(tmp_path: Path) -> None:
    root = tmp_path / "r"
    base, _ = make_repo(root, package(BASE_API), package(BREAKING_API))
    event = tmp_path / "mg.json"
    event.write_text(json.dumps({"merge_group": {"base_sha": base, "head_sha": "x"}}))
    environ = {"GITHUB_EVENT_NAME": "merge_group", "GITHUB_EVENT_PATH": str(event)}
    outcome = run(root, environ, api_breaks="src/**/*.py")
    assert len(outcome.findings) == 3 and "merge queue" in outcome.notes[0]


def test_removed_renamed_and_private_modules(tmp_path: Path) -> None:
    root = tmp_path / "r"
    base_files = package(
        BASE_API,
        extra={
            "src/shapes/old.py": "def f(): ...\n" * 20,
            "src/shapes/gone.py": "def g(): ...\n",
            "src/shapes/_impl.py": "def h(): ...\n",
        },
    )
    head_files: dict[str, str | None] = {"src/shapes/gone.py": None, "src/shapes/_impl.py": None}
    make_repo(root, base_files, head_files, renames={"src/shapes/old.py": "src/shapes/new.py"})
    outcome = run(root, api_breaks="src/**/*.py", base_ref="main")
    by_path = {f.path: f for f in outcome.findings}
    assert set(by_path) == {"src/shapes/old.py", "src/shapes/gone.py"}
    assert {f.code for f in outcome.findings} == {"API-MODULE-REMOVED"}
    assert "moved to src/shapes/new.py" in by_path["src/shapes/old.py"].message
    assert outcome.metrics is not None
    assert (outcome.metrics.modules_removed, outcome.metrics.modules_private) == (2, 1)
    assert outcome.metrics.modules_added == 1


def test_a_layout_move_keeps_the_module_name_and_is_compared(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_repo(
        root,
        package(BASE_API),
        {"shapes/api.py": BREAKING_API},  # moved out of src/, then edited
        renames={
            "src/shapes/api.py": "shapes/api.py",
            "src/shapes/__init__.py": "shapes/__init__.py",
        },
    )
    outcome = run(root, api_breaks="src/**/*.py\nshapes/**/*.py", base_ref="main")
    assert {f.path for f in outcome.findings} == {"shapes/api.py"}
    assert len(outcome.findings) == 3


def test_pyproject_takes_the_declared_package(tmp_path: Path) -> None:
    make_repo(tmp_path / "r", package(BASE_API), package(BREAKING_API))
    outcome = run(tmp_path / "r", api_breaks="pyproject", base_ref="main")
    assert len(outcome.findings) == 3


def test_pyproject_without_a_package_is_a_config_error(tmp_path: Path) -> None:
    files = {"pyproject.toml": '[project]\nname = "nothing-here"\n', "x.py": ""}
    make_repo(tmp_path / "r", files, {"x.py": "y = 1\n"})
    with pytest.raises(ConfigError, match="declares no package"):
        run(tmp_path / "r", api_breaks="pyproject", base_ref="main")


def test_no_base_is_a_note_not_a_verdict(tmp_path: Path) -> None:
    make_repo(tmp_path / "r", package(BASE_API), package(BREAKING_API))
    outcome = run(tmp_path / "r", api_breaks="src/**/*.py")
    assert outcome.findings == () and "No base to compare with" in outcome.notes[0]


def test_not_a_repository_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f(): ...\n")
    with pytest.raises(ConfigError, match="not a git repository"):
        run(tmp_path, api_breaks="*.py", base_ref="main")


def test_a_hostile_base_ref_is_refused_before_git_sees_it(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_repo(root, package(BASE_API), package(BREAKING_API))
    marker = tmp_path / "pwned"
    with pytest.raises(ConfigError, match="refusing git ref"):
        run(root, api_breaks="src/**/*.py", base_ref=f"--upload-pack=touch {marker}")
    assert not marker.exists()


def test_a_shallow_clone_fetches_the_base(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    base, head = make_repo(origin, package(BASE_API), package(BREAKING_API))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch=feature", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    outcome = run(clone, pr_environ(clone, base, head), api_breaks="src/**/*.py")
    assert len(outcome.findings) == 3


def test_write_contracts_writes_one_valid_file_per_module(tmp_path: Path) -> None:
    from importspy.policy import load_policy

    root = tmp_path / "r"
    make_repo(root, package(BASE_API), package(HARMLESS_API))
    outcome = run(root, api_breaks="src/**/*.py", base_ref="main", write_contracts="contracts")
    written = sorted(p.relative_to(root).as_posix() for p in (root / "contracts").rglob("*.yml"))
    assert written == [
        "contracts/src/shapes/__init__.importspy.yml",
        "contracts/src/shapes/api.importspy.yml",
    ]
    policy, _ = load_policy(root / "contracts/src/shapes/api.importspy.yml")
    assert [f.name for f in policy.functions or []] == ["area", "scale", "legacy", "perimeter"]
    assert outcome.metrics is not None and outcome.metrics.contracts_written == 2


def test_gate_protocol_fields(tmp_path: Path) -> None:
    gate = ApiBreaksGate({})
    assert gate.name == "api-breaks" and "`api-breaks`" in gate.off_note
    make_repo(tmp_path / "r", package(BASE_API), package(BASE_API))
    assert gate.configured(settings(tmp_path / "r", api_breaks="src/**/*.py"))
    assert gate.configured(settings(tmp_path / "r", api_breaks="pyproject"))
    assert not gate.configured(settings(tmp_path / "r"))


def test_settings_parse_the_inputs(tmp_path: Path) -> None:
    parsed: Settings = settings(tmp_path, api_breaks="src/a/*.py, pyproject\nlib/**/*.py  # x")
    assert parsed.api_breaks == ("src/a/*.py", "lib/**/*.py")
    assert parsed.api_breaks_from_pyproject
    assert settings(tmp_path, write_contracts="out").write_contracts == tmp_path.resolve() / "out"


def test_metrics_round_trip_and_refuse_wrong_types() -> None:
    metrics = ApiMetrics(modules_compared=3, breaks=1, bumped_major=True, base_sha="a" * 40)
    assert ApiMetrics.from_json(json.loads(json.dumps(metrics.to_json()))) == metrics
    with pytest.raises(ValueError, match="breaks"):
        ApiMetrics.from_json({"breaks": "1"})
    with pytest.raises(ValueError, match="bumped_major"):
        ApiMetrics.from_json({"bumped_major": 1})


PATHS = st.lists(st.sampled_from(["src", "pkg", "a", ".hidden", "b_c"]), min_size=1, max_size=4)


@given(PATHS, st.sampled_from(["**/*.py", "*/*.py", "src/**/*.py", "pkg/*.py", "**/a/*.py"]))
def test_glob_regex_agrees_with_glob_glob(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str], pattern: str
) -> None:
    import glob

    root = tmp_path_factory.mktemp("g")
    path = "/".join(parts) + "/m.py"
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text("")
    expected = path in {
        Path(p).relative_to(root).as_posix() for p in glob.glob(str(root / pattern), recursive=True)
    }
    assert bool(glob_regex(pattern).match(path)) is expected


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ('[tool.setuptools]\npackages = ["shapes"]\npackage-dir = {"" = "src"}\n', "src"),
        ('[tool.hatch.build.targets.wheel]\npackages = ["src/shapes"]\n', "src"),
        ('[tool.poetry]\npackages = [{include = "shapes", from = "src"}]\n', "src"),
        ("", "src"),  # the [project].name directory under src/
    ],
)
def test_pyproject_layouts(tmp_path: Path, table: str, where: str) -> None:
    def files(api: str) -> dict[str, str | None]:
        return {
            "pyproject.toml": f'[project]\nname = "shapes"\nversion = "1.0.0"\n{table}',
            f"{where}/shapes/__init__.py": "",
            f"{where}/shapes/api.py": api,
            "other/x.py": "def not_part_of_the_package(): ...\n",
        }

    make_repo(tmp_path / "r", files(BASE_API), {**files(BREAKING_API), "other/x.py": None})
    outcome = run(tmp_path / "r", api_breaks="pyproject", base_ref="main")
    assert {f.path for f in outcome.findings} == {f"{where}/shapes/api.py"}


@pytest.mark.parametrize(
    "table",
    [
        '[tool]\nhatch = "not a table"\n[project]\nname = 3\n',
        '[tool.setuptools]\npackages = ["../../etc"]\n',
        '[tool.poetry]\npackages = [{include = "..", from = "src"}]\n',
    ],
)
def test_hostile_pyproject_is_a_config_error(tmp_path: Path, table: str) -> None:
    make_repo(tmp_path / "r", {"pyproject.toml": table}, {"x.py": ""})
    with pytest.raises(ConfigError, match="api-breaks"):
        run(tmp_path / "r", api_breaks="pyproject", base_ref="main")
