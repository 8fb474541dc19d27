"""Run git in a test repository with a fixed identity and default branch."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str) -> str:
    """`git <args>` in `cwd`; stdout stripped; raises on failure so setup errors are loud."""
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.email=t@e.st",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()
