"""pyproject.py: the packages pyproject.toml declares, its static version, what is not read."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.api_breaks.pyproject import (
    MAX_PYPROJECT_BYTES,
    major_bumped,
    package_globs,
    pyproject_path,
    read_small_file,
    static_version,
)
from importspy_action.errors import ConfigError

from .project import settings


def test_read_small_file_refuses_symlinks_and_large_files(tmp_path: Path) -> None:
    real = tmp_path / "pyproject.toml"
    real.write_bytes(b'[project]\nversion = "1.0"\n')
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_PYPROJECT_BYTES + 1))
    assert read_small_file(real) == b'[project]\nversion = "1.0"\n'
    assert read_small_file(link) is None
    assert read_small_file(big) is None
    assert read_small_file(tmp_path / "absent.toml") is None


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (b'[project]\nversion = "2.1.0"\n', "2.1.0"),
        (b'[project]\ndynamic = ["version"]\n', None),
        (b"[project]\nversion = 3\n", None),
        (b"project = 1\n", None),
        (b"[project\n", None),
        (b"\xff\xfe", None),
        (None, None),
    ],
)
def test_static_version_is_a_literal_string(text: bytes | None, version: str | None) -> None:
    assert static_version(text) == version


@pytest.mark.parametrize(
    ("base", "head", "bumped"),
    [("1.2", "2.0", True), ("0.3", "0.4", True), ("0.3.1", "0.3.9", False), (None, "2.0", False)],
)
def test_major_bumped(base: str | None, head: str | None, bumped: bool) -> None:
    assert major_bumped(base, head) is bumped


def test_a_project_name_that_is_a_module_is_one_glob(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "My-Tool"\n')
    (tmp_path / "my_tool.py").write_text("")
    assert package_globs(settings(tmp_path, api_breaks="pyproject")) == ["my_tool.py"]


def test_a_src_directory_comes_before_a_top_level_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tool"\n')
    (tmp_path / "src" / "tool").mkdir(parents=True)
    (tmp_path / "tool").mkdir()
    assert package_globs(settings(tmp_path, api_breaks="pyproject")) == ["src/tool/**/*.py"]


def test_declared_packages_skip_subpackages(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.setuptools]\npackages = ["a", "a.sub", "b"]\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["c"]\n'
    )
    found = package_globs(settings(tmp_path, api_breaks="pyproject"))
    assert found == ["a/**/*.py", "b/**/*.py", "c/**/*.py"]


def test_no_pyproject_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        package_globs(settings(tmp_path, api_breaks="pyproject"))


def test_pyproject_path_is_relative_to_the_repository(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert pyproject_path(settings(tmp_path)) == "pyproject.toml"
    assert pyproject_path(settings(tmp_path, working_directory="sub")) == "sub/pyproject.toml"
