"""A real git repository with a base commit on `main` and a head commit on `feature`."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from pathlib import Path

from importspy_action.settings import Settings, build_settings
from tests.helpers.git import git

BASE_API = '''\
"""The package's public API."""


def area(width: float, height: float) -> float:
    return width * height


def scale(value: float, *, factor: float = 2.0) -> float:
    return value * factor


def legacy() -> None:
    """Old entry point."""


class Shape:
    sides = 0

    def describe(self, verbose: bool = False) -> str:
        return "shape"
'''


def write(root: Path, files: Mapping[str, str | None]) -> None:
    """Write (or, for None, delete) files under `root`."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_repo(
    root: Path,
    base: Mapping[str, str | None],
    head: Mapping[str, str | None],
    *,
    renames: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """Commit `base` on main and `head` (with `git mv` renames first) on feature; both SHAs."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    base_sha = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    for old, new in (renames or {}).items():
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", old, new)
    write(root, head)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", "head")
    return base_sha, git(root, "rev-parse", "HEAD")


def package(
    api: str, *, version: str = "1.0.0", extra: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    files: dict[str, str | None] = {
        "pyproject.toml": f'[project]\nname = "shapes"\nversion = "{version}"\n',
        "src/shapes/__init__.py": "",
        "src/shapes/api.py": api,
    }
    files.update(extra or {})
    return files


def settings(root: Path, **inputs: str) -> Settings:
    raw = {"json-report": "", "sarif": ""}
    raw.update({key.replace("_", "-"): value for key, value in inputs.items()})
    return build_settings(raw, root)


def pr_environ(root: Path, base_sha: str, head_sha: str) -> dict[str, str]:
    event = root.parent / f"{root.name}-event.json"
    event.write_text(
        json.dumps(
            {
                "number": 3,
                "pull_request": {
                    "number": 3,
                    "base": {"sha": base_sha, "ref": "main"},
                    "head": {"sha": head_sha, "ref": "feature"},
                },
            }
        ),
        encoding="utf-8",
    )
    return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
