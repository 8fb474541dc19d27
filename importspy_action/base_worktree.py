"""The base commit checked out beside the workspace, for judging it with the same settings.

`baseline: merge-base` runs the gates a second time on the pull request's base. That must
not touch the user's checkout (their working tree, index and HEAD stay as they are), so the
base goes into a temporary *detached* `git worktree` under `RUNNER_TEMP` (the runner's
scratch space; a temporary folder when run locally), which is removed however the block
ends -- `git worktree remove --force`, then `git worktree prune`, then the folder itself.

actions/checkout makes a depth-1 clone, so the base commit is usually not in the
repository; it is fetched by name from `origin` (`git fetch --depth=N origin <sha>`, which
GitHub serves for any commit of the repository).

Refs come from the event payload or from inputs, so they are treated as untrusted: a ref
that starts with `-`, or holds whitespace, control characters or `..`, is refused before git
sees it, and every git command puts `--end-of-options` before it. Hooks are switched off
(`core.hooksPath=/dev/null`) and Git LFS does not download content (`GIT_LFS_SKIP_SMUDGE`):
a checkout for reading must not run anything or reach the network beyond the one fetch.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import ConfigError
from .github.changes import Git, GitError, ref_problem

FETCH_DEPTH = 1
"""Only the base commit's tree is needed, not its history."""


def check_ref(ref: str) -> str:
    """`ref` if it may be passed to git; ValueError saying why not (`ref_problem`, the
    project's one rule for refs) otherwise."""
    problem = ref_problem(ref)
    if problem is not None:
        raise ValueError(f"{ref[:40]!r} is not a commit SHA or a branch name: {problem}")
    return ref


class _HooklessGit(Git):
    """git with hooks off and LFS downloads skipped (checkout for reading only)."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        env["GIT_LFS_SKIP_SMUDGE"] = "1"
        super().__init__(root, env)

    def raw(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        return super().raw("-c", "core.hooksPath=/dev/null", *args, check=check, stdin=stdin)


def resolve_commit(git: Git, ref: str, *, remote: str = "origin") -> str:
    """The full SHA of `ref`, fetching it from `remote` when the clone does not have it."""
    check_ref(ref)

    def lookup() -> str:
        out = git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
            check=False,
        )  # fmt: skip
        return out.strip()

    sha = lookup()
    if not sha:
        fetch = ["fetch", "--no-tags", "--quiet", f"--depth={FETCH_DEPTH}", "--end-of-options"]
        git(*fetch, remote, ref)  # raises: a stale FETCH_HEAD must not stand in for it
        sha = (
            lookup()
            or git("rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}", check=False).strip()
        )
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        raise GitError(f"commit {ref[:40]!r} is neither in the clone nor fetchable from {remote}")
    return sha


@contextmanager
def base_worktree(
    repo: Path,
    ref: str,
    *,
    environ: Mapping[str, str] | None = None,
    remote: str = "origin",
) -> Iterator[Path]:
    """Yield a detached checkout of `ref` outside the workspace; always removed afterwards.

    Raises ConfigError for a refused ref and GitError when git cannot provide the commit.
    """
    env = dict(os.environ if environ is None else environ)
    try:
        check_ref(ref)
    except ValueError as exc:
        raise ConfigError(f"Base commit for `baseline: merge-base`: {exc}") from None
    git = _HooklessGit(repo, env)
    sha = resolve_commit(git, ref, remote=remote)
    scratch = env.get("RUNNER_TEMP") or None
    if scratch is not None and not Path(scratch).is_dir():
        scratch = None
    holder = Path(tempfile.mkdtemp(prefix="importspy-base-", dir=scratch))
    tree = holder / "base"
    try:
        git("worktree", "add", "--detach", "--force", "--end-of-options", str(tree), sha)
        yield tree
    finally:
        git("worktree", "remove", "--force", "--end-of-options", str(tree), check=False)
        git("worktree", "prune", check=False)
        shutil.rmtree(holder, ignore_errors=True)


def renamed_paths(
    repo: Path, base: str, head: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Files git sees as renamed from `base` to `head`: {old repo path: new repo path}."""
    git = _HooklessGit(repo, environ)
    out = git(
        "diff", "--no-color", "--no-ext-diff", "--name-status", "-M", "-z",
        "--end-of-options", check_ref(base), check_ref(head), "--",
    )  # fmt: skip
    fields = out.split("\0")
    renames: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            if status.startswith("R") and index + 2 < len(fields):
                renames[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return renames
