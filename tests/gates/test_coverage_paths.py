"""A coverage report that maps onto no file of the workspace stops the gate (exit 2).

Reports are written by the real coverage.py; the workspace is a real directory tree. The
case this guards: a report made in another checkout or container, or a wrong
`coverage-path-prefix`, used to pass diff coverage with nothing measured.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.errors import EXIT_CONFIG, ConfigError
from importspy_action.gates.coverage_paths import (
    PathMapper,
    check_mapping,
    suggest,
    workspace_files,
)
from tests.helpers.builders import run_coverage
from tests.helpers.gate_projects import calc_project, measure, run, settings_for, write


@pytest.fixture
def foreign(tmp_path: Path) -> tuple[Path, Path]:
    """(workspace, other checkout): coverage.xml was made by coverage.py running the other
    checkout from a third directory, so its file names are absolute paths of that checkout
    (as in a container at /app or another job's workspace)."""
    other = tmp_path / "other" / "app"
    calc_project(other)
    runner = tmp_path / "runner"
    runner.mkdir()
    cov = [sys.executable, "-m", "coverage"]
    run([*cov, "run", f"--source={other / 'src'}", str(other / "driver.py")], runner)
    run([*cov, "xml", "-o", "coverage.xml"], runner)
    workspace = tmp_path / "ws"
    calc_project(workspace)
    shutil.copy(runner / "coverage.xml", workspace / "coverage.xml")
    return workspace, other


def test_nothing_maps_is_exit_2_with_a_path_the_nearest_file_and_the_prefix(foreign):
    workspace, other = foreign
    settings = settings_for(workspace, coverage_file="coverage.xml", diff_coverage_threshold="90")
    with pytest.raises(ConfigError) as raised:
        run_coverage(settings, None)
    assert raised.value.exit_code == EXIT_CONFIG
    message = str(raised.value)
    assert "No file of the coverage report 'coverage.xml' maps onto the workspace" in message
    assert "(not set)" in message
    assert f"report path '{other}/src/pkg/calc.py'" in message  # as the report spells it
    assert "nearest workspace path 'src/pkg/calc.py'" in message
    assert f"`coverage-path-prefix: {other}/` would map it" in message

    # Following the advice makes the report map and the gate judge it.
    fixed = run_coverage(
        settings_for(workspace, coverage_file="coverage.xml", coverage_path_prefix=f"{other}/"),
        None,
    )
    assert fixed.metrics["total_statements"] > 0 and not fixed.notes


def test_a_wrong_prefix_is_named_in_the_message(foreign):
    workspace, _ = foreign
    settings = settings_for(
        workspace, coverage_file="coverage.xml", coverage_path_prefix="/nowhere/"
    )
    with pytest.raises(ConfigError, match=r"\(now '/nowhere/'\)"):
        run_coverage(settings, None)


def test_a_layout_no_prefix_can_fix_is_said_so(tmp_path: Path):
    calc_project(tmp_path)
    measure(tmp_path, formats=("json",))  # names like src/pkg/calc.py
    moved = tmp_path / "ws"
    write(moved, {"lib/src_moved/pkg/calc.py": "x = 1\n"})
    shutil.copy(tmp_path / "coverage.json", moved / "coverage.json")
    with pytest.raises(ConfigError) as raised:
        run_coverage(settings_for(moved, coverage_file="coverage.json"), None)
    message = str(raised.value)
    assert "nearest workspace path 'lib/src_moved/pkg/calc.py'; no prefix maps it" in message
    assert "report path 'src/pkg/text.py': no workspace file has that name" in message


def test_partial_mapping_is_a_note_not_an_error(tmp_path: Path):
    calc_project(tmp_path)
    measure(tmp_path, formats=("xml",))
    (tmp_path / "src/pkg/text.py").unlink()
    result = run_coverage(settings_for(tmp_path, coverage_file="coverage.xml"), None)
    assert result.metrics["total_statements"] > 0
    assert any("1 file in the coverage report do not exist" in note for note in result.notes)


def test_check_mapping_sorts_names(tmp_path: Path):
    write(tmp_path, {"src/a.py": "", "src/b.py": ""})
    mapper = PathMapper(tmp_path, tmp_path)
    check = check_mapping(
        [("src/a.py", ()), ("a.py", ("src",)), ("gone.py", ()), ("/elsewhere/b.py", ())], mapper
    )
    assert check.mapped == ("src/a.py", "a.py")
    assert check.unmapped == ("gone.py", "/elsewhere/b.py")
    assert not check.nothing_maps
    assert check_mapping([("gone.py", ())], mapper).nothing_maps
    assert not check_mapping([], mapper).nothing_maps  # an empty report has its own message


def test_workspace_index_skips_vcs_and_symlinks(tmp_path: Path):
    write(tmp_path, {"a/x.py": "", ".git/config": "", ".venv/lib/y.py": "", "b/z.py": ""})
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    assert workspace_files(tmp_path) == ["a/x.py", "b/z.py"]
    assert workspace_files(tmp_path, limit=1) == ["a/x.py"]


segment = st.text(alphabet="abcxyz_", min_size=1, max_size=6)


@given(
    outer=st.lists(segment, min_size=1, max_size=4),
    inner=st.lists(segment, min_size=0, max_size=3),
    leaf=segment,
)
def test_a_suggested_prefix_really_maps_the_name(outer, inner, leaf):
    """Whatever directory the report was made in, the suggested prefix, handed to the
    mapper, lands the name on the suggested file."""
    relative = "/".join([*inner, f"{leaf}.py"])
    name = "/" + "/".join([*outer, relative])
    hint = suggest(name, (), [relative], "")
    assert hint is not None and hint.nearest == relative
    assert hint.prefix.endswith("/") and name.startswith(hint.prefix)
    mapper = PathMapper(Path("/ws"), Path("/ws"), hint.prefix)
    assert relative in mapper.candidates(name, ())
