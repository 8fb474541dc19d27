"""What a schema-valid report from another job can still abuse, made harmless.

`report_input.read_report` guarantees the *shape* of a report and `report_reader` turns it
into data (its own status and exit code are never believed; `verdict.judge` decides again
with this run's rules). What is left is handled here:

- URLs (a finding's `url`, `context.run_url`, `jobs[].run_url`) survive only when they
  point at this run's own GitHub server: same scheme and host (and port), no user
  information, https unless the server itself is http, and no character a browser would
  reinterpret (backslash, whitespace, control characters). Anything else would put a link
  chosen by the pull request's author on the check run (`details_url`) or in the summary.
- A finding becomes an *annotation* only when its `path` is a normalised relative POSIX path
  (no `..`, no `.` component, no leading `/` or drive, no backslash, NUL or control
  character) of a regular file inside the workspace -- or of a file the pull request
  changed, since a `workflow_run` report job has no checkout of the pull request (`Locator`).
  Other findings still count (an error nobody can locate is still an error) and are listed
  in the summary's "unlocated" section, never sent to the Checks API.

Strings are left as they are; every one is rendered through `markdown_safe` (summary, check
run) or the console (terminal), which is where escaping belongs.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from urllib.parse import SplitResult, urlsplit

from .model import Finding
from .report_reader import ReadReport
from .workspace import Workspace

_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"'`]")
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


class ServerUrl:
    """Decides whether a URL points at the run's own GitHub server."""

    def __init__(self, server_url: str) -> None:
        server = urlsplit(server_url.strip())
        if server.scheme not in ("https", "http") or not server.hostname:
            raise ValueError(f"server URL {server_url!r} is not an http(s) URL")
        self.scheme = server.scheme
        self.host = server.hostname.lower()
        self.port = _port(server)

    def allows(self, url: str) -> bool:
        if not url or _UNSAFE_IN_URL.search(url):
            return False
        try:
            parts = urlsplit(url)
            port = _port(parts)
        except ValueError:  # an invalid port or IPv6 literal
            return False
        return (
            parts.scheme == self.scheme
            and parts.username is None
            and parts.password is None
            and "@" not in parts.netloc
            and (parts.hostname or "").lower() == self.host
            and port == self.port
            and (parts.path == "" or parts.path.startswith("/"))
        )


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_clean_relative_path(path: str) -> bool:
    """A path GitHub can annotate and that cannot name anything outside the repository."""
    if not path or _UNSAFE_IN_PATH.search(path) or path.startswith("/"):
        return False
    if len(path) > 1 and path[1] == ":":  # C:foo, a Windows drive
        return False
    if posixpath.normpath(path) != path:  # ./x, x//y, x/, x/./y
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _in_workspace(path: str, workspace: Workspace) -> bool:
    try:
        target = (workspace.root / path).resolve()
        return workspace.contains(target) and target.is_file()
    except (OSError, ValueError, RuntimeError):  # too long, a loop, an unencodable name
        return False


class Locator:
    """Whether a finding can be an annotation: a clean path of a workspace file or of a file
    the change touched. Cached per path (a report repeats a few hundred paths)."""

    def __init__(self, workspace: Workspace, changed: frozenset[str] = frozenset()) -> None:
        self.workspace = workspace
        self.changed = changed
        self._known: dict[str, bool] = {}

    def __call__(self, finding: Finding) -> bool:
        known = self._known.get(finding.path)
        if known is None:
            path = finding.path
            known = is_clean_relative_path(path) and (
                path in self.changed or _in_workspace(path, self.workspace)
            )
            self._known[path] = known
        return known


def drop_foreign_urls(report: ReadReport, server_url: str) -> tuple[ReadReport, int]:
    """The report with every URL not on this run's server removed; how many were dropped.

    Also makes each finding belong to the gate that lists it (a report cannot slip a finding
    of one gate into another's list)."""
    server = ServerUrl(server_url)
    dropped = 0

    def clean(finding: Finding, gate: str) -> Finding:
        nonlocal dropped
        if finding.url is not None and not server.allows(finding.url):
            finding = replace(finding, url=None)
            dropped += 1
        return finding if finding.gate == gate else replace(finding, gate=gate)

    gates = tuple(
        replace(
            gate,
            outcome=replace(
                gate.outcome,
                findings=tuple(clean(f, gate.name) for f in gate.outcome.findings),
            ),
        )
        for gate in report.gates
    )
    context = dict(report.context)
    if context.get("run_url") and not server.allows(context["run_url"]):
        del context["run_url"]
        dropped += 1
    jobs = []
    for job in report.jobs:
        entry = dict(job)
        url = entry.get("run_url")
        if isinstance(url, str) and url and not server.allows(url):
            entry["run_url"] = ""
            dropped += 1
        jobs.append(entry)
    return replace(report, gates=gates, context=context, jobs=tuple(jobs)), dropped
