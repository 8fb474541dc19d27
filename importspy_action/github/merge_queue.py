"""Changed lines of a merge-queue run (`merge_group` events).

A merge queue builds a temporary branch (`gh-readonly-queue/<base>/pr-<n>-<sha>`) on top of
the target branch's tip: `merge_group.base_sha` is that tip, `merge_group.head_sha` the
queue's commit that adds this pull request (and the ones queued ahead of it). The change
the queue asks CI to judge is exactly `git diff base_sha head_sha`; there is no pull request
in the payload, so the files API cannot help and git is the only source.

Both SHAs come from the event payload; they must look like object names (hex) and reach git
only after `--end-of-options`, so nothing in them can be read as an option. actions/checkout
makes a depth-1 clone of the head, so the base is fetched by SHA when it is missing (a diff
needs the two trees, not the history between them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..diff import parse_unified_diff
from .changes import FETCH_DEPTHS, ChangesResult, Git, GitError
from .context import GitHubContext

OBJECT_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories


def changes_from_merge_group(
    root: Path, context: GitHubContext, *, environ: Mapping[str, str] | None = None
) -> ChangesResult:
    """The merge group's changed lines, or None with a note saying why they are unknown."""
    base, head = context.base_sha, context.head_sha
    for label, sha in (("base_sha", base), ("head_sha", head)):
        if not OBJECT_NAME.fullmatch(sha):
            return ChangesResult(
                None, (f"changed lines unknown: the merge_group event's {label} is not a SHA",)
            )
    git = Git(root, environ)
    try:
        git("rev-parse", "--git-dir")
        for sha in (base, head):
            if not git.has_commit(sha):
                git(
                    "fetch",
                    "--no-tags",
                    "--quiet",
                    f"--depth={FETCH_DEPTHS[0]}",
                    "--end-of-options",
                    "origin",
                    sha,
                )
        text = git(
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "-M",
            "--end-of-options",
            base,
            head,
            "--",
        )
    except GitError as exc:
        return ChangesResult(None, (f"changed lines unknown: merge group: {exc}",))
    return ChangesResult(parse_unified_diff(text, source=f"git diff {base[:12]} {head[:12]}"))
