"""The base version of the project, read with real git from the workspace's repository.

The base is never checked out: files are read with `git show <sha>:<path>` and listed with
`git ls-tree`, so the working tree (the head) is untouched. Refs come from the event payload
or the `base-ref` input -- both may be attacker-influenced (a branch name is chosen by
whoever pushes it) -- so every ref is validated (nothing starting with `-`, no whitespace or
control characters, no `..`) and every git call puts `--end-of-options` before refs and paths,
so a ref can never become an option (`--upload-pack=...`, `--output=...`).

actions/checkout makes depth-1 clones: a base that is not present is fetched, deepening the
history until a merge base appears, as the changed-lines code does. git runs with
`-c safe.directory=*` because a container action runs as root in a runner-owned checkout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from ..github.changes import Git, GitError, ref_problem

FETCH_DEPTHS = (50, 500, 5000)
MAX_BLOB = 5 * 1024 * 1024
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class GitSourceError(Exception):
    """git could not answer (no repository, missing history, refused ref)."""


def validate_ref(ref: str) -> str:
    """`ref` if it is a plain branch/tag name, `origin/<name>` or a SHA; else GitSourceError.

    The one rule of the project (`github.changes.ref_problem`): git's `check-ref-format`
    rules plus no leading `-` (an option in disguise).
    """
    problem = ref_problem(ref)
    if problem is not None:
        raise GitSourceError(f"refusing git ref {ref[:60]!r}: {problem}")
    return ref


class GitSource:
    """git in one repository, never prompting, refs always after `--end-of-options`."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        try:
            self._git = Git(root, self.environ)
        except GitError as exc:
            raise GitSourceError(str(exc)) from None

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        """The project's one git runner (`github.changes.Git`), errors as GitSourceError."""
        try:
            return self._git.raw(*args, check=check, stdin=stdin)
        except GitError as exc:
            raise GitSourceError(str(exc)) from None

    def text(self, *args: str, check: bool = True) -> str:
        return self.run(*args, check=check).decode("utf-8", "replace").strip()

    # ---- commits -------------------------------------------------------------------------

    def is_repository(self) -> bool:
        return bool(self.text("rev-parse", "--git-dir", check=False))

    def commit(self, ref: str) -> str | None:
        """The full SHA of `ref` as a commit, or None when it is not in the repository."""
        validate_ref(ref)
        out = self.text(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False
        )
        return out if _SHA.match(out) else None

    def fetch(self, ref: str, *, depth: int) -> None:
        validate_ref(ref)
        self.run(
            "fetch",
            "--no-tags",
            "--quiet",
            f"--depth={depth}",
            "--end-of-options",
            "origin",
            ref,
            check=False,
        )

    def resolve_branch(self, ref: str) -> str:
        """A branch or tag name (`base-ref`) -> SHA: `origin/<ref>`, `<ref>`, else fetched."""
        validate_ref(ref)
        for candidate in (f"origin/{ref}", ref):
            found = self.commit(candidate)
            if found:
                return found
        self.fetch(ref, depth=FETCH_DEPTHS[0])
        found = self.commit("FETCH_HEAD")
        if not found:
            raise GitSourceError(f"`{ref}` is neither a local ref nor fetchable from origin")
        return found

    def merge_base(self, base: str, head: str) -> str:
        """Where the change forked from `base`, fetching history a shallow clone lacks."""
        for ref in (base, head):
            if self.commit(ref) is None:
                self.fetch(ref, depth=FETCH_DEPTHS[0])
        found = self._merge_base(base, head)
        for depth in FETCH_DEPTHS:
            if found or self.text("rev-parse", "--is-shallow-repository", check=False) != "true":
                break
            self.run("fetch", "--no-tags", "--quiet", f"--deepen={depth}", "origin", check=False)
            found = self._merge_base(base, head)
        if not found:
            raise GitSourceError(f"no merge base between {base[:12]} and {head[:12]}")
        return found

    def _merge_base(self, base: str, head: str) -> str | None:
        validate_ref(base)
        validate_ref(head)
        out = self.text("merge-base", "--end-of-options", base, head, check=False)
        return out if _SHA.match(out) else None

    # ---- files ---------------------------------------------------------------------------

    def prefix(self) -> str:
        """Where the root given to us sits inside the repository (`""` at the top level)."""
        return self.text("rev-parse", "--show-prefix")

    def list_files(self, sha: str) -> dict[str, int]:
        """Every regular file in commit `sha`: repository-relative POSIX path -> size."""
        validate_ref(sha)
        out = self.run("ls-tree", "-r", "-l", "-z", "--full-tree", "--end-of-options", sha)
        files: dict[str, int] = {}
        for record in out.split(b"\0"):
            meta, _, name = record.partition(b"\t")
            parts = meta.split()
            if len(parts) == 4 and parts[1] == b"blob" and parts[0] != b"120000":
                size = parts[3].decode("ascii", "replace")
                if size.isdigit():
                    files[name.decode("utf-8", "surrogateescape")] = int(size)
        return files

    def read_many(self, sha: str, paths: list[str]) -> dict[str, bytes]:
        """Contents of many files at `sha` through one `git cat-file --batch` process.

        One process instead of one `git show` per module keeps 500 modules well under a
        second. Object names go through stdin, never the command line, so a path cannot
        become an option; a path with a newline cannot be named on stdin and is left out.
        """
        validate_ref(sha)
        wanted = [path for path in paths if "\n" not in path and "\r" not in path]
        if not wanted:
            return {}
        request = "".join(f"{sha}:{path}\n" for path in wanted).encode("utf-8", "surrogateescape")
        out = self.run("cat-file", "--batch", stdin=request)
        position, contents = 0, {}
        for path in wanted:
            end = out.find(b"\n", position)
            if end < 0:
                break
            header = out[position:end].split()
            position = end + 1
            if len(header) == 3 and header[2].isdigit():  # else "<name> missing"
                size = int(header[2])
                if header[1] == b"blob":
                    contents[path] = out[position : position + size]
                position += size + 1
        return contents

    def read(self, sha: str, path: str) -> bytes | None:
        """The content of `path` at `sha`, None when absent; GitSourceError when too big."""
        validate_ref(sha)
        spec = f"{sha}:{path}"
        size = self.text("cat-file", "-s", "--end-of-options", spec, check=False)
        if not size.isdigit():
            return None
        if int(size) > MAX_BLOB:
            raise GitSourceError(f"{path} at {sha[:12]} is larger than {MAX_BLOB} bytes")
        return self.run("show", "--no-textconv", "--end-of-options", spec)

    def renames(self, base: str) -> dict[str, str]:
        """Old path -> new path for files git sees renamed between `base` and the worktree."""
        validate_ref(base)
        out = self.run(
            "diff",
            "--find-renames",
            "--name-status",
            "-z",
            "--no-ext-diff",
            "--end-of-options",
            base,
            "--",
        )
        fields = out.split(b"\0")
        renames: dict[str, str] = {}
        index = 0
        while index < len(fields) and fields[index]:
            status = fields[index].decode("ascii", "replace")
            if status.startswith(("R", "C")):
                old = fields[index + 1].decode("utf-8", "surrogateescape")
                new = fields[index + 2].decode("utf-8", "surrogateescape")
                if status.startswith("R"):
                    renames[old] = new
                index += 3
            else:
                index += 2
        return renames
