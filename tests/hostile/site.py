"""The stage a hostile case is played on: a workspace inside a parent folder it must not touch.

`Site` plants what a pull request (or a step running its code) could plant -- files,
symlinks, bytes, a git history, an event payload -- and `Case` says what the action must do
with it. `snapshot()` fingerprints everything outside the workspace so a test can prove the
action changed none of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHA = "a" * 40
"""GITHUB_SHA of every run (`run_step` sets it): merged reports must be about this commit."""
MARKER = "PWNED"
"""Every forged command, file and git side effect a case plants carries this word."""
EVIL = "evil.example"
"""The host every lying URL points at; it must never reach a check run or the summary."""


@dataclass
class Site:
    parent: Path
    ws: Path
    env: dict[str, str] = field(default_factory=dict)

    def write(self, rel: str | bytes, data: str | bytes = "") -> Path:
        """A file in the workspace (`rel` may be bytes: names that are not UTF-8)."""
        path = Path(os.fsdecode(os.path.join(os.fsencode(self.ws), os.fsencode(rel))))
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        path.write_bytes(raw)
        return path

    def outside(self, rel: str, data: str = "victim: must stay as it is\n") -> Path:
        """A file beside the workspace, the target of planted symlinks."""
        path = self.parent / "outside" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data)
        return path

    def link(self, rel: str, target: Path | str) -> Path:
        path = self.ws / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def json(self, rel: str, document: Any) -> Path:
        return self.write(rel, json.dumps(document))

    def event(self, name: str, payload: Mapping[str, Any]) -> None:
        """The event the runner hands the step (written by the runner, outside the workspace)."""
        path = self.parent / "event.json"
        path.write_text(json.dumps(payload))
        self.env.update({"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(path)})

    def git(self, *args: str) -> str:
        environ = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.parent),
        }
        done = subprocess.run(
            ["git", "-c", "init.defaultBranch=main", *args],
            cwd=self.ws,
            env=environ,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit_all(self, message: str = "c") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--no-verify", "-m", message)
        return self.git("rev-parse", "HEAD")


Build = Callable[[Site], dict[str, str]]


@dataclass(frozen=True)
class Case:
    """One hostile input and what the action must do with it.

    `build` plants the input and returns the action's inputs; `exit_code` is the only
    acceptable exit; `says` must appear in stdout/stderr (the message naming the input);
    `check` asserts anything else (e.g. that the other outputs were still written).
    """

    name: str
    kind: str
    build: Build
    exit_code: int
    says: str = ""
    check: Callable[[Site, Any], None] | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}"


Entry = tuple[str, int, str, str | None, str]


def snapshot(parent: Path, skip: Iterable[Path]) -> dict[str, Entry]:
    """Every entry under `parent` but `skip`: mode, owner, content hash or symlink target.

    Modification times of files and folders are kept too, so a truncate-and-rewrite with
    the same bytes, or a temporary file created and removed beside a victim, still shows.
    """
    skipped = {os.fspath(path) for path in skip}
    entries: dict[str, Entry] = {}
    for folder, dirs, files in os.walk(parent, followlinks=False):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skipped]
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            if path in skipped:
                continue
            info = os.lstat(path)
            if os.path.islink(path):
                content = "link:" + os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    content = hashlib.sha256(handle.read()).hexdigest()
            else:
                content = None
            owner = f"{info.st_uid}:{info.st_gid}"
            entries[os.path.relpath(path, parent)] = (
                owner,
                info.st_mode,
                str(info.st_mtime_ns),
                content,
                str(info.st_size),
            )
    return entries


def names_with_marker(root: Path) -> set[str]:
    """Paths under `root` whose name holds MARKER (what a forged git option would create)."""
    found = set()
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            if MARKER in name:
                found.add(os.path.relpath(os.path.join(folder, name), root))
    return found
