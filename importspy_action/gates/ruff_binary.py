"""Find the ruff executable to run, or install the version the user asked for.

The image bundles the ruff pinned in requirements.lock; `ruff-version` asks for another.
That one is installed with pip (wheel only, no dependencies -- ruff has none) into a private
directory per version, outside the workspace and the action's own environment, so it can
neither break the action nor litter the repository. A version pip cannot install is a
configuration error that carries pip's own words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import ConfigError

INSTALL_TIMEOUT = 300.0
TOOLS_DIR_ENV = "IMPORTSPY_ACTION_TOOLS_DIR"


@dataclass(frozen=True)
class RuffBinary:
    path: Path
    version: str
    source: str  # "bundled" | "installed"


def bundled_version() -> str | None:
    try:
        return metadata.version("ruff")
    except metadata.PackageNotFoundError:
        return None


def bundled_ruff() -> RuffBinary:
    """The ruff installed with the action: ruff's own locator, then the venv, then PATH."""
    candidates: list[Path] = []
    try:
        from ruff import find_ruff_bin  # type: ignore[import-untyped,unused-ignore]

        candidates.append(Path(find_ruff_bin()))
    except (ImportError, FileNotFoundError):
        pass
    candidates.append(Path(sys.executable).parent / "ruff")
    on_path = shutil.which("ruff")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return RuffBinary(candidate, bundled_version() or "unknown", "bundled")
    raise ConfigError(
        "The lint gate needs ruff, but no ruff executable was found (looked in the `ruff` "
        "package, next to the Python interpreter and on PATH). Install ruff or set "
        "`ruff-version` to have the action install one."
    )


def tools_dir() -> Path:
    """Where installed ruff versions live: $IMPORTSPY_ACTION_TOOLS_DIR, else a temp dir.

    RUNNER_TEMP is used when it exists (a native run); inside the container it names a host
    path that is not mounted, so the container's own temp directory is used instead.
    """
    configured = os.environ.get(TOOLS_DIR_ENV)
    if configured:
        return Path(configured)
    runner_temp = os.environ.get("RUNNER_TEMP", "")
    base = Path(runner_temp) if runner_temp and Path(runner_temp).is_dir() else None
    return (base or Path(tempfile.gettempdir())) / "importspy-action-tools"


def resolve_ruff(version: str) -> RuffBinary:
    """The bundled ruff, or (when `version` differs from it) that version installed."""
    if not version or version == bundled_version():
        return bundled_ruff()
    return install_ruff(version, tools_dir())


def install_ruff(version: str, root: Path) -> RuffBinary:
    """pip-install ruff==version into root/ruff-<version> (reused when already there)."""
    target = root / f"ruff-{version}"
    binary = target / "bin" / "ruff"
    if (target / ".complete").is_file() and binary.is_file():
        return RuffBinary(binary, version, "installed")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"ruff-{version}-", dir=root))
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-deps",
        "--only-binary=:all:",
        "--target",
        str(staging),
        f"ruff=={version}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(staging, ignore_errors=True)
        raise ConfigError(
            f"Input `ruff-version`: installing ruff {version} took longer than "
            f"{INSTALL_TIMEOUT:.0f}s (is the package index reachable?)."
        ) from None
    if done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        reason = _pip_reason(done.stderr or done.stdout)
        raise ConfigError(f"Input `ruff-version`: pip could not install ruff=={version}: {reason}")
    if not (staging / "bin" / "ruff").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        raise ConfigError(
            f"Input `ruff-version`: ruff=={version} installed no `ruff` executable for this "
            "platform."
        )
    (staging / ".complete").write_text(version, encoding="utf-8")
    try:
        staging.rename(target)
    except OSError:  # a concurrent run won the race; use its copy
        shutil.rmtree(staging, ignore_errors=True)
    return RuffBinary(binary, version, "installed")


def _pip_reason(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    chosen = errors or lines[-3:]
    return " ".join(chosen) or "no message from pip"
