"""Checks over GitHub workflow files that the linters cannot make (or that we insist on).

Each check is a pure function from a parsed workflow (a dict) or its raw text to a list of
human-readable violations, so a test can feed it a deliberately broken snippet and watch it
fail. The tests in this folder apply them to every file in .github/workflows/ (found by
globbing, so workflows added later are covered without editing the tests) and to the caller
template in examples/workflows/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = REPO / ".github" / "workflows"
EXAMPLE_WORKFLOWS_DIR = REPO / "examples" / "workflows"
BIN = Path(sys.executable).parent

SHA = re.compile(r"^[0-9a-f]{40}$")
PYPI_PUBLISH = "pypa/gh-action-pypi-publish"
CHECKOUT = "actions/checkout"
SETUP_PYTHON = "actions/setup-python"
RUN_CONDITIONS_THAT_IGNORE_FAILURE = ("always()", "failure()", "cancelled()")

Workflow = Mapping[str, Any]


# --------------------------------------------------------------------------------------
# Finding and loading files
# --------------------------------------------------------------------------------------


def workflow_files() -> list[Path]:
    """Every workflow of this repository: anything YAML in .github/workflows/."""
    return sorted(p for p in WORKFLOWS_DIR.iterdir() if p.suffix in (".yml", ".yaml"))


def example_workflow_files() -> list[Path]:
    return sorted(p for p in EXAMPLE_WORKFLOWS_DIR.iterdir() if p.suffix in (".yml", ".yaml"))


class _WorkflowLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: PyYAML's YAML 1.1 rules would turn the `on:` key into True."""


_WorkflowLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WorkflowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def parse(text: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=_WorkflowLoader)  # a SafeLoader subclass
    if not isinstance(document, dict):
        raise ValueError("a workflow must be a YAML mapping")
    return document


def load(path: Path) -> dict[str, Any]:
    return parse(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Walking a workflow
# --------------------------------------------------------------------------------------


def jobs(workflow: Workflow) -> dict[str, dict[str, Any]]:
    found = workflow.get("jobs") or {}
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def steps(job: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job.get("steps") or [] if isinstance(s, dict)]


def triggers(workflow: Workflow) -> dict[str, Any]:
    on = workflow.get("on")
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(event): None for event in on}
    return dict(on or {})


def is_reusable(workflow: Workflow) -> bool:
    return "workflow_call" in triggers(workflow)


@dataclass(frozen=True)
class Uses:
    where: str  # "job build" or "job build, step 3"
    ref: str
    job: str


def iter_uses(workflow: Workflow) -> Iterator[Uses]:
    for job_id, job in jobs(workflow).items():
        if isinstance(job.get("uses"), str):
            yield Uses(f"job {job_id}", job["uses"], job_id)
        for index, step in enumerate(steps(job), start=1):
            if isinstance(step.get("uses"), str):
                yield Uses(f"job {job_id}, step {index}", step["uses"], job_id)


def action_name(ref: str) -> str:
    """`actions/checkout@sha` -> `actions/checkout`; sub-paths keep their owner/repo."""
    return ref.split("@", 1)[0]


def is_local(ref: str) -> bool:
    return ref.startswith(("./", "$/"))


def step_uses(step: Mapping[str, Any], action: str) -> bool:
    ref = step.get("uses")
    return isinstance(ref, str) and action_name(ref) == action


def needs(job: Mapping[str, Any]) -> list[str]:
    value = job.get("needs") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def upstream(workflow: Workflow, job_id: str) -> set[str]:
    """Every job `job_id` waits for, directly or through other jobs."""
    all_jobs = jobs(workflow)
    seen: set[str] = set()
    pending = list(needs(all_jobs[job_id]))
    while pending:
        current = pending.pop()
        if current in seen or current not in all_jobs:
            continue
        seen.add(current)
        pending.extend(needs(all_jobs[current]))
    return seen


def permission(scope: Mapping[str, Any], name: str) -> str | None:
    perms = scope.get("permissions")
    if perms == "write-all":
        return "write"
    if perms == "read-all":
        return "read"
    if isinstance(perms, dict):
        value = perms.get(name)
        return None if value is None else str(value)
    return None


def is_pinned(ref: str) -> bool:
    """`owner/repo[/path]@<40 lowercase hex>`: a full commit SHA, nothing else."""
    if "@" not in ref:
        return False
    name, _, version = ref.rpartition("@")
    return bool(name) and "/" in name and not name.startswith("/") and bool(SHA.match(version))


# --------------------------------------------------------------------------------------
# Checks: each returns the list of violations (empty when the workflow is fine)
# --------------------------------------------------------------------------------------


def unpinned_uses(workflow: Workflow, *, allow_local: bool, allow: Sequence[str] = ()) -> list[str]:
    """Every `uses:` must name a full 40-hex commit SHA (mutable tags can be moved).

    `allow_local` admits `./`/`$/` references (this repository's own workflows); `allow`
    lists action/workflow names that may stay on a tag (the example template's reference
    to importspy-action itself, whose SHA the user picks).
    """
    problems = []
    for use in iter_uses(workflow):
        if is_local(use.ref):
            if not allow_local:
                problems.append(f"{use.where}: local reference {use.ref!r} is not allowed here")
            continue
        if use.ref.startswith("docker://"):
            if "@sha256:" not in use.ref:
                problems.append(f"{use.where}: {use.ref!r} is not pinned to an image digest")
            continue
        if action_name(use.ref) in allow:
            continue
        if not is_pinned(use.ref):
            problems.append(f"{use.where}: {use.ref!r} is not pinned to a full commit SHA")
    return problems


_PINNED_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+@[0-9a-f]{40})(?P<rest>.*)$")
_VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\b")


def pins_without_version_comment(text: str) -> list[str]:
    """A SHA alone says nothing to a reviewer (or Dependabot): `# vX.Y.Z` must follow it."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _PINNED_LINE.match(line)
        if match and not _VERSION_COMMENT.search(match.group("rest")):
            problems.append(f"line {number}: {match.group(1)} has no `# vX.Y.Z` comment")
    return problems


def pinned_versions(text: str) -> dict[str, set[tuple[str, str]]]:
    """action name -> {(sha, version comment)} as written in one file."""
    found: dict[str, set[tuple[str, str]]] = {}
    for line in text.splitlines():
        match = _PINNED_LINE.match(line)
        if not match:
            continue
        name, _, sha = match.group(1).rpartition("@")
        comment = _VERSION_COMMENT.search(match.group("rest"))
        found.setdefault(name, set()).add((sha, comment.group(0).lstrip("# ") if comment else ""))
    return found


def unexplained_ignores(text: str) -> list[str]:
    """A `# zizmor: ignore[...]` must sit right under a comment that says why."""
    problems = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if "zizmor: ignore[" not in line:
            continue
        previous = lines[number - 2].strip() if number > 1 else ""
        if not previous.startswith("#"):
            problems.append(f"line {number}: zizmor ignore without an explaining comment above")
    return problems


def checkouts_persisting_credentials(workflow: Workflow) -> list[str]:
    """actions/checkout writes the token into .git/config unless told not to."""
    problems = []
    for job_id, job in jobs(workflow).items():
        for index, step in enumerate(steps(job), start=1):
            if not step_uses(step, CHECKOUT):
                continue
            value = (step.get("with") or {}).get("persist-credentials")
            if value not in (False, "false"):
                problems.append(
                    f"job {job_id}, step {index}: checkout without persist-credentials: false"
                )
    return problems


def expressions_in_run(workflow: Workflow) -> list[str]:
    """`${{ }}` in a script is pasted in before the shell parses it: template injection."""
    problems = []
    for job_id, job in jobs(workflow).items():
        for index, step in enumerate(steps(job), start=1):
            script = step.get("run")
            if isinstance(script, str) and "${{" in script:
                problems.append(
                    f"job {job_id}, step {index}: `${{{{` inside run: (pass it via env:)"
                )
    return problems


def top_level_permissions_not_empty(workflow: Workflow) -> list[str]:
    if workflow.get("permissions") != {}:
        found = workflow.get("permissions", "(absent: the repository default)")
        return [f"top-level permissions must be {{}}, found {found!r}"]
    return []


def publishing_jobs(workflow: Workflow) -> set[str]:
    return {
        job_id
        for job_id, job in jobs(workflow).items()
        if any(step_uses(step, PYPI_PUBLISH) for step in steps(job))
    }


# Actions whose job legitimately needs an OIDC token: the upload (or signing) happens there.
# A workflow that publishes something else (a container image, say) adds its publisher here.
OIDC_CONSUMERS = {
    PYPI_PUBLISH: "PyPI Trusted Publishing and PEP 740 attestations",
    "actions/attest-build-provenance": "build provenance attestations",
    "actions/attest": "artifact attestations",
    "sigstore/cosign-installer": "keyless cosign signatures",
}


def id_token_outside_upload(workflow: Workflow) -> list[str]:
    """`id-token: write` mints OIDC tokens; only a job that uploads (or signs) may have it,
    never the whole workflow, and every PyPI upload job has it itself."""
    problems = []
    if permission(workflow, "id-token") == "write":
        problems.append("id-token: write at workflow level (every job would get it)")
    uploaders = publishing_jobs(workflow)
    for job_id, job in jobs(workflow).items():
        consumes = any(step_uses(step, name) for step in steps(job) for name in OIDC_CONSUMERS)
        if permission(job, "id-token") == "write" and not consumes:
            problems.append(f"job {job_id}: id-token: write but it neither uploads nor signs")
        if job_id in uploaders and permission(job, "id-token") != "write":
            problems.append(f"job {job_id}: uploads to PyPI without its own id-token: write")
    return problems


def _ignores_upstream_failure(job: Mapping[str, Any]) -> bool:
    condition = str(job.get("if", ""))
    return any(token in condition.replace(" ", "") for token in RUN_CONDITIONS_THAT_IGNORE_FAILURE)


def upload_not_gated(workflow: Workflow, *, gate: str) -> list[str]:
    """Every PyPI upload waits (through `needs`) for the job calling the gated `gate` workflow,
    and never runs when that chain failed (no always()/failure()/cancelled() conditions)."""
    problems = []
    all_jobs = jobs(workflow)
    gate_jobs = {
        job_id
        for job_id, job in all_jobs.items()
        if isinstance(job.get("uses"), str) and action_name(job["uses"]).endswith(gate)
    }
    for job_id in sorted(publishing_jobs(workflow)):
        chain = upstream(workflow, job_id)
        if not chain & gate_jobs:
            problems.append(f"job {job_id}: uploads without needing a job that calls {gate}")
        for name in sorted({job_id} | chain):
            if _ignores_upstream_failure(all_jobs[name]):
                problems.append(f"job {name}: `if:` lets it run after a failure upstream")
    return problems


def job_not_gated_on(workflow: Workflow, job_id: str, gate_job: str) -> list[str]:
    """`job_id` must need `gate_job` (transitively) and not run after it failed."""
    all_jobs = jobs(workflow)
    if job_id not in all_jobs:
        return [f"job {job_id} is missing"]
    problems = []
    chain = upstream(workflow, job_id)
    if gate_job not in chain:
        problems.append(f"job {job_id} does not need {gate_job}")
    for name in sorted({job_id} | chain):
        if _ignores_upstream_failure(all_jobs[name]):
            problems.append(f"job {name}: `if:` lets it run after a failure upstream")
    return problems


def _relative(path: str) -> str:
    """`./a/b/` -> `a/b` (a leading dot of a hidden name stays)."""
    path = path.strip()
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/")


def caller_relative_uses(workflow: Workflow) -> list[str]:
    """In a reusable workflow `./` resolves to the CALLER's repository.

    The only `./path` a called workflow may use is one its own job checked out just before
    from `job.workflow_repository` (this repository), or a folder of it (the native action)
    — the way ci.yml runs the action.
    """
    if not is_reusable(workflow):
        return []
    problems = []
    for job_id, job in jobs(workflow).items():
        ref = job.get("uses")
        if isinstance(ref, str) and ref.startswith("./"):
            problems.append(f"job {job_id}: {ref!r} would be looked up in the caller's repository")
        own_checkouts: set[str] = set()
        for index, step in enumerate(steps(job), start=1):
            options = step.get("with") or {}
            if step_uses(step, CHECKOUT) and "job.workflow_repository" in str(
                options.get("repository", "")
            ):
                if "job.workflow_sha" not in str(options.get("ref", "")):
                    problems.append(
                        f"job {job_id}, step {index}: checks out this repository without "
                        "ref: job.workflow_sha (workflow and action would drift apart)"
                    )
                own_checkouts.add(_relative(str(options.get("path", ""))))
            ref = step.get("uses")
            if isinstance(ref, str) and ref.startswith("./"):
                target = _relative(ref)
                inside = any(target == c or target.startswith(c + "/") for c in own_checkouts)
                if not target or not inside:
                    problems.append(
                        f"job {job_id}, step {index}: {ref!r} would be looked up in the caller's "
                        "repository"
                    )
    return problems


def concurrency_problems(workflow: Workflow) -> list[str]:
    """Groups need a literal prefix (a called workflow's `github.workflow` is the caller's,
    so an expression-only group can collide with the caller's group); only pull requests
    may cancel runs in progress."""
    concurrency = workflow.get("concurrency")
    if concurrency is None:
        return ["no workflow-level concurrency"]
    group = concurrency if isinstance(concurrency, str) else str(concurrency.get("group", ""))
    problems = []
    if not re.match(r"^[A-Za-z][\w.-]*-", group) or group.startswith("${{"):
        problems.append(f"concurrency group {group!r} does not start with a literal prefix")
    cancel = None if isinstance(concurrency, str) else concurrency.get("cancel-in-progress")
    allowed = (None, False, "${{ github.event_name == 'pull_request' }}")
    if cancel not in allowed:
        problems.append(f"cancel-in-progress {cancel!r} may cancel runs that are not pull requests")
    return problems


def cache_in_build_jobs(workflow: Workflow) -> list[str]:
    """A job that builds distributions must not restore a cache a pull request could have
    written (cache poisoning): no setup-python `cache:`, no actions/cache."""
    problems = []
    for job_id, job in jobs(workflow).items():
        builds = any("-m build" in str(step.get("run", "")) for step in steps(job))
        if not builds:
            continue
        for index, step in enumerate(steps(job), start=1):
            if step_uses(step, SETUP_PYTHON) and (step.get("with") or {}).get("cache"):
                problems.append(f"job {job_id}, step {index}: pip cache in a job that builds")
            if step_uses(step, "actions/cache") or step_uses(step, "actions/cache/restore"):
                problems.append(f"job {job_id}, step {index}: actions/cache in a job that builds")
    return problems


# --------------------------------------------------------------------------------------
# Running the linters
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolRun:
    returncode: int
    output: str


def run_tool(name: str, *args: str, cwd: Path = REPO) -> ToolRun:
    """Run a linter installed in this virtualenv (the dev extra), with the venv's bin first
    on PATH so actionlint finds the shellcheck wheel's binary."""
    executable = BIN / name
    if not executable.exists():
        raise FileNotFoundError(
            f"{name} is not installed in {BIN}; `make venv` installs it "
            "(dev extra of pyproject.toml)"
        )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(cwd), "NO_COLOR": "1"}
    completed = subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return ToolRun(completed.returncode, completed.stdout + completed.stderr)


def actionlint(*files: Path, cwd: Path = REPO) -> ToolRun:
    return run_tool("actionlint", "-no-color", *map(str, files), cwd=cwd)


def zizmor(*inputs: Path, cwd: Path = REPO) -> ToolRun:
    return run_tool(
        "zizmor",
        "--offline",
        "--strict-collection",
        "--persona=pedantic",
        "--no-progress",
        *map(str, inputs),
        cwd=cwd,
    )


def check_jsonschema(schema: str, *files: Path, cwd: Path = REPO) -> ToolRun:
    return run_tool("check-jsonschema", "--builtin-schema", schema, *map(str, files), cwd=cwd)
