"""Which lines this run's change touched: `git diff` in the workspace, else the PR files API.

- pull_request events: the diff from the merge base of the PR's base and head commits to the
  head -- exactly GitHub's "Files changed" view. actions/checkout makes a depth-1 clone of the
  merge commit, so the base and history are usually missing: they are fetched
  (`git fetch --depth=N`, deepening until a merge base appears).
- merge_group events (merge queues): the diff from `merge_group.base_sha` to
  `merge_group.head_sha` -- everything the queue's temporary branch adds to the target
  branch (see merge_queue.py).
- push events (and anything else) with the `base-ref` input: the diff from the merge base of
  `base-ref` and HEAD.
- Fallback for pull requests when git cannot answer (no .git, no network for fetch): the
  pull-request files API, paginated. GitHub lists at most 3000 files there and omits the
  patch of very large or binary files; its diff media type refuses more than 300 files, which
  is why it is not used. Each limitation is reported as a note, never silently.

git runs with `-c safe.directory=*`: the workspace is owned by the runner user while a
container action runs as root, and git refuses such repositories otherwise.

Refs are attacker-influenced (a `base-ref` built from a branch name, SHAs from the event), and
git reads any argument starting with `-` as an option wherever it stands -- a ref
`--upload-pack=<cmd>` given to `git fetch` runs `<cmd>`. So every ref is checked first
(`ref_problem`: git's own `check-ref-format` rules, never a leading `-`; event SHAs must be
commit ids) and every git
call puts `--end-of-options` before its refs and `--` before paths (git >= 2.24).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..diff import ChangedLines, from_patches, parse_unified_diff
from ..errors import ConfigError
from .context import GitHubContext

GIT_TIMEOUT = 120
FETCH_DEPTHS = (50, 500, 5000)
MAX_API_FILES = 3000
MIN_GIT = (2, 24)  # the first git with `--end-of-options`
MAX_REF_LENGTH = 255  # a ref name is a file name in .git/refs: NAME_MAX
_COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


@dataclass(frozen=True)
class ChangesResult:
    changes: ChangedLines | None
    notes: tuple[str, ...] = field(default=())


class GitError(Exception):
    pass


def ref_problem(ref: str) -> str | None:
    """Why `ref` is not a plain ref name or commit id, or None when it is.

    git's `check-ref-format --allow-onelevel` rules, plus: never a leading `-` (git would take
    it for an option) and a length cap. Revision expressions (`HEAD~1`, `a..b`) are refused:
    inputs and events name refs and commits.
    """
    if not ref:
        return "it is empty"
    if ref.startswith("-"):
        return "it starts with `-`, so git would read it as an option"
    if len(ref) > MAX_REF_LENGTH:
        return f"it is longer than {MAX_REF_LENGTH} characters"
    if _REF_FORBIDDEN.search(ref):
        return "it contains a space, a control character or one of ~ ^ : ? * [ \\"
    if ".." in ref or "@{" in ref or ref == "@" or "//" in ref:
        return "it contains `..`, `@{` or `//`, or is `@`"
    if ref.endswith(("/", ".")) or ref.startswith("/"):
        return "it starts or ends with `/`, or ends with `.`"
    if any(part.startswith(".") or part.endswith(".lock") for part in ref.split("/")):
        return "a component starts with `.` or ends with `.lock`"
    return None


def check_base_ref(base_ref: str) -> None:
    """The `base-ref` input must be a ref name or commit id (ConfigError, exit 2, if not)."""
    problem = ref_problem(base_ref)
    if problem is not None:
        raise ConfigError(f"Input `base-ref` must be a git ref name or commit id: {problem}")


def is_commit_id(value: str) -> bool:
    """A full SHA-1 or SHA-256 commit id in lower-case hex, as events carry them."""
    return bool(_COMMIT_ID.match(value))


@functools.lru_cache(maxsize=4)
def git_version(environ_path: str | None = None) -> tuple[int, int]:
    """(major, minor) of the git on PATH; (0, 0) when it cannot be told."""
    env = dict(os.environ)
    if environ_path is not None:
        env["PATH"] = environ_path
    try:
        out = subprocess.run(
            ["git", "version"], capture_output=True, text=True, env=env, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return (0, 0)
    match = re.search(r"(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


class Git:
    """git in one repository, never prompting, never trusting the directory's owner."""

    def __init__(self, root: Path, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        env = dict(os.environ if environ is None else environ)
        env.update(GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="/bin/true", LC_ALL="C")
        env.pop("GIT_DIR", None)  # the repository is `root`, whatever the environment says
        env.pop("GIT_WORK_TREE", None)
        self._env = env
        version = git_version(env.get("PATH"))
        if version < MIN_GIT:
            shown = ".".join(map(str, version)) if version != (0, 0) else "unknown"
            raise GitError(
                f"git {shown} is too old: changed lines need git >= 2.24 (`--end-of-options`)"
            )

    def __call__(self, *args: str, check: bool = True) -> str:
        return self.raw(*args, check=check).decode("utf-8", "replace")

    def raw(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        """git's stdout as bytes (file contents are not text); GitError when it fails."""
        try:
            done = subprocess.run(
                ["git", "-c", "safe.directory=*", "-C", str(self.root), *args],
                input=stdin,
                capture_output=True,
                timeout=GIT_TIMEOUT,
                env=self._env,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]}: {exc}") from None
        if check and done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip()[:300]
            raise GitError(f"git {' '.join(args[:2])}: {detail or f'exit {done.returncode}'}")
        return done.stdout

    def has_commit(self, rev: str) -> bool:
        out = self(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        return bool(out)

    def commit_id(self, rev: str) -> str:
        return self("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").strip()

    def merge_base(self, base: str, head: str) -> str | None:
        out = self("merge-base", "--end-of-options", base, head, check=False).strip()
        return out or None

    def fetch(
        self, *options: str, remote: str = "origin", refs: tuple[str, ...] = (), check: bool = True
    ) -> None:
        """`git fetch` with every ref after `--end-of-options` (a ref is never an option)."""
        self(
            "fetch",
            "--no-tags",
            "--quiet",
            *options,
            "--end-of-options",
            remote,
            *refs,
            check=check,
        )


def _diff(git: Git, base: str, head: str, label: str) -> ChangedLines:
    options = ("--unified=0", "--no-color", "--no-ext-diff", "-M")
    text = git("diff", *options, "--end-of-options", base, head, "--")
    return parse_unified_diff(text, source=label)


def _ensure(git: Git, rev: str, remote: str = "origin") -> None:
    if not git.has_commit(rev):
        git.fetch(f"--depth={FETCH_DEPTHS[0]}", remote=remote, refs=(rev,))


def _merge_base_deepening(git: Git, base: str, head: str, remote: str = "origin") -> str:
    """Fetch more history of both sides until they meet (shallow clones start at depth 1)."""
    found = git.merge_base(base, head)
    shallow = git("rev-parse", "--is-shallow-repository", check=False).strip() == "true"
    for depth in FETCH_DEPTHS:
        if found or not shallow:
            break
        # A failed deepening leaves the merge base to the check below.
        git.fetch(f"--deepen={depth}", remote=remote, check=False)
        git.fetch(f"--depth={depth}", remote=remote, refs=(base, head), check=False)
        found = git.merge_base(base, head)
        shallow = git("rev-parse", "--is-shallow-repository", check=False).strip() == "true"
    if not found:
        raise GitError(f"no merge base between {base[:12]} and {head[:12]}")
    return found


def changes_from_git(
    root: Path, base: str, head: str, *, environ: Mapping[str, str] | None = None
) -> ChangedLines:
    for what, value in (("base", base), ("head", head)):
        if not is_commit_id(value):
            raise GitError(f"the event's {what} SHA is not a commit id; refs from it are not used")
    git = Git(root, environ)
    git("rev-parse", "--git-dir")
    _ensure(git, base)
    _ensure(git, head)
    merge_base = _merge_base_deepening(git, base, head)
    return _diff(git, merge_base, head, f"git diff {base[:12]}...{head[:12]}")


def _resolve_ref(git: Git, ref: str) -> str:
    for candidate in (f"origin/{ref}", ref):
        if git.has_commit(candidate):
            return candidate
    git.fetch(f"--depth={FETCH_DEPTHS[0]}", refs=(ref,))
    return "FETCH_HEAD"


def changes_from_base_ref(
    root: Path, base_ref: str, *, environ: Mapping[str, str] | None = None
) -> ChangedLines:
    check_base_ref(base_ref)
    git = Git(root, environ)
    git("rev-parse", "--git-dir")
    base = git.commit_id(_resolve_ref(git, base_ref))
    head = git.commit_id("HEAD")
    merge_base = _merge_base_deepening(git, base, head)
    return _diff(git, merge_base, head, f"git diff {base_ref}...HEAD")


PullFiles = Callable[[int], list[tuple[str, str | None, str | None]]]
"""Pull-request number -> (filename, previous_filename, patch or None) per changed file."""


def changes_from_api(number: int, list_files: PullFiles) -> ChangesResult:
    files = list_files(number)
    notes = []
    if len(files) >= MAX_API_FILES:
        notes.append(
            f"GitHub's pull-request files API lists at most {MAX_API_FILES} files; lines "
            "changed in further files are unknown"
        )
    without_patch = [name for name, _, patch in files if patch is None]
    if without_patch:
        notes.append(
            f"GitHub gave no patch for {len(without_patch)} file(s) (binary or too large); "
            "they count as changed files with unknown lines"
        )
    patches = [(name, previous, patch or "") for name, previous, patch in files]
    changes = from_patches(patches, source=f"pull request #{number} files API")
    return ChangesResult(changes, tuple(notes))


def github_pull_files(
    token: str, api_url: str, repository: str, **client_options: object
) -> PullFiles:
    """The files API through PyGithub (paginated, 100 per page)."""

    def list_files(number: int) -> list[tuple[str, str | None, str | None]]:
        from github import Auth, Github

        gh = Github(
            auth=Auth.Token(token),
            base_url=api_url,
            per_page=100,
            lazy=True,
            **client_options,  # type: ignore[arg-type]
        )
        pull = gh.get_repo(repository).get_pull(number)
        result: list[tuple[str, str | None, str | None]] = []
        for item in pull.get_files():
            result.append((item.filename, item.previous_filename, item.patch))
            if len(result) >= MAX_API_FILES:
                break
        return result

    return list_files


def compute_changes(
    root: Path,
    context: GitHubContext,
    *,
    base_ref: str = "",
    list_files: PullFiles | None = None,
    environ: Mapping[str, str] | None = None,
) -> ChangesResult:
    """The run's changed lines, or None with a note saying why they are unknown.

    A `base-ref` input that is not a ref name is a configuration error (exit 2), raised
    before anything runs; refs from the event that are not commit ids only make the changed
    lines unknown (or come from the files API), with a note.
    """
    if base_ref:
        check_base_ref(base_ref)
    pr = context.pull_request
    if pr is not None:
        base = str((pr.get("base") or {}).get("sha") or "")
        head = context.head_sha
        number = pr.get("number") or context.event.get("number")
        git_problem = ""
        if base and head:
            try:
                return ChangesResult(changes_from_git(root, base, head, environ=environ))
            except GitError as exc:
                git_problem = str(exc)
        else:
            git_problem = "the event has no base/head SHA"
        if list_files is not None and isinstance(number, int):
            try:
                result = changes_from_api(number, list_files)
            except Exception as exc:  # the API fallback failing leaves changes unknown
                return ChangesResult(
                    None,
                    (
                        f"changed lines unknown: git failed ({git_problem}) and the "
                        f"pull-request files API failed ({type(exc).__name__}: {exc})",
                    ),
                )
            return ChangesResult(
                result.changes,
                (f"git could not diff ({git_problem}); used the files API", *result.notes),
            )
        return ChangesResult(None, (f"changed lines unknown: {git_problem}",))
    if context.merge_group is not None:
        from .merge_queue import changes_from_merge_group  # it builds on this module's Git

        return changes_from_merge_group(root, context, environ=environ)
    if base_ref:
        try:
            return ChangesResult(changes_from_base_ref(root, base_ref, environ=environ))
        except GitError as exc:
            return ChangesResult(None, (f"changed lines unknown: `base-ref` {base_ref}: {exc}",))
    return ChangesResult(None)
