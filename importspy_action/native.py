"""Native mode (native/action.yml): dependency checks see the job's own interpreter.

The container action's `site-packages` input must name a directory inside the workspace,
because in a container nothing else is the user's. The native action runs in the job's own
Python, whose installed distributions live outside the workspace (e.g. the hosted tool
cache). Its run step therefore passes that interpreter's `purelib` in
IMPORTSPY_ACTION_NATIVE_SITE_PACKAGES, and the `action` command uses it when the
`site-packages` input is empty. The variable is set in the step's `env:` by the action
itself -- trusted like the workflow file; a pull request cannot set a step's environment
without already running code in the job. The `run` command (local use) ignores it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError
from .settings import Settings

NATIVE_SITE_PACKAGES_ENV = "IMPORTSPY_ACTION_NATIVE_SITE_PACKAGES"


def with_native_site_packages(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """Settings whose `site_packages` is the native interpreter's, unless the input set one."""
    value = environ.get(NATIVE_SITE_PACKAGES_ENV, "").strip()
    if not value or settings.site_packages is not None:
        return settings
    path = Path(value)
    if not path.is_absolute() or not path.is_dir():
        raise ConfigError(
            f"{NATIVE_SITE_PACKAGES_ENV} (set by the native action from input `python`): "
            f"{value!r} is not an existing absolute directory."
        )
    return dataclasses.replace(settings, site_packages=path.resolve())
