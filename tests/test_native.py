"""Native mode: the job interpreter's site-packages, passed by native/action.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from importspy_action.errors import ConfigError
from importspy_action.native import NATIVE_SITE_PACKAGES_ENV, with_native_site_packages
from importspy_action.settings import build_settings


def test_interpreter_site_packages_outside_the_workspace_is_used(tmp_path: Path):
    workspace, site = tmp_path / "ws", tmp_path / "toolcache" / "site-packages"
    workspace.mkdir()
    site.mkdir(parents=True)
    settings = build_settings({}, workspace)
    native = with_native_site_packages(settings, {NATIVE_SITE_PACKAGES_ENV: str(site)})
    assert native.site_packages == site.resolve()
    assert with_native_site_packages(settings, {}) is settings  # not native: unchanged


def test_the_site_packages_input_wins(tmp_path: Path):
    (tmp_path / "venv-site").mkdir()
    settings = build_settings({"site-packages": "venv-site"}, tmp_path)
    native = with_native_site_packages(settings, {NATIVE_SITE_PACKAGES_ENV: str(tmp_path)})
    assert native.site_packages == (tmp_path / "venv-site").resolve()


@pytest.mark.parametrize("value", ["relative/site-packages", "/no/such/site-packages"])
def test_a_bad_native_directory_is_a_configuration_error(tmp_path: Path, value: str):
    settings = build_settings({}, tmp_path)
    with pytest.raises(ConfigError, match=f"{NATIVE_SITE_PACKAGES_ENV} .* not an existing"):
        with_native_site_packages(settings, {NATIVE_SITE_PACKAGES_ENV: value})
