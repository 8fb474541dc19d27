"""Which commit `baseline: merge-base` judges: the same base the changed lines are cut from.

- a merge queue run: `merge_group.base_sha` (the target branch's tip the queue built on);
- a pull request: the merge base of the event's base and head SHAs (what GitHub's "Files
  changed" diff starts from), fetching history of a shallow clone until they meet;
- otherwise with `base-ref`: the merge base of that ref and HEAD.

It reuses the diff's own helpers (`changes.py`), so the findings are compared against
exactly the commit the changed lines were measured from. SHAs from the event must be
commit ids and every ref reaches git after `--end-of-options`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .changes import (
    Git,
    GitError,
    _ensure,
    _merge_base_deepening,
    _resolve_ref,
    check_base_ref,
    is_commit_id,
)
from .context import GitHubContext


def has_base(context: GitHubContext, base_ref: str) -> bool:
    """Whether this run has a base to compare with at all (a push without `base-ref` has not)."""
    return context.merge_group is not None or context.pull_request is not None or bool(base_ref)


def base_commit(
    root: Path, context: GitHubContext, base_ref: str, *, environ: Mapping[str, str] | None = None
) -> str:
    """The full SHA of the base commit; GitError when git cannot provide it."""
    git = Git(root, environ)
    git("rev-parse", "--git-dir")
    if context.merge_group is not None:
        return _event_sha(git, context.base_sha, "merge_group.base_sha")
    if context.pull_request is not None:
        base = _event_sha(git, context.base_sha, "pull_request.base.sha")
        head = _event_sha(git, context.head_sha, "pull_request.head.sha")
        return _merge_base_deepening(git, base, head)
    if not base_ref:
        raise GitError("no base: not a pull request or merge queue run, and no `base-ref`")
    check_base_ref(base_ref)
    base = git.commit_id(_resolve_ref(git, base_ref))
    return _merge_base_deepening(git, base, git.commit_id("HEAD"))


def _event_sha(git: Git, sha: str, label: str) -> str:
    if not is_commit_id(sha):
        raise GitError(f"the event's {label} is not a commit id")
    _ensure(git, sha)
    return sha
