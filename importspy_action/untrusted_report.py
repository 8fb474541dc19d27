"""Make a schema-valid report from another job safe to publish from this one.

`report_input.read_report` guarantees the *shape* of a report; this module removes what a
valid report can still abuse once the publisher (which holds a write token) renders it:

- URLs (a finding's `url`, `context.run_url`, `jobs[].run_url`) survive only when they
  point at this run's own GitHub server: same scheme and host (and port), no user
  information, https unless the server itself is http, and no character a browser would
  reinterpret (backslash, whitespace, control characters). Anything else would put a link
  chosen by the pull request's author on the check run (`details_url`) or in the summary.
- A finding becomes an annotation only when its `path` is a normalised relative POSIX path
  (no `..`, no `.` component, no leading `/` or drive, no backslash, NUL or control
  character) of a regular file inside the workspace. Other findings are *unlocated*: the
  model cannot express a finding without a location (and a forged location must not reach
  the Checks API), so they are taken out of the report and returned in
  `Sanitised.unlocated`, for the summary's "unlocated findings" section. They still count:
  an error nobody can locate is still an error (`Sanitised.findings_of`).
- Status and exit codes are not believed. Each gate is re-judged from its findings
  (located and unlocated) as `GateResult.judged` does, a gate that reported an error keeps
  its message and an exit code of 2 or 3, and the report's own `exit_code` is the worst of
  its gates. This is only a provisional answer so that no stale value survives: the
  publisher's verdict function judges again with the publisher's own `fail-on`
  (never the report's: a fork would write `never`).

Strings are left as they are; every one is rendered through `markdown_safe.text` (summary,
check run) or the console filter (terminal), which is where escaping belongs.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, urlsplit

from .errors import EXIT_CONFIG, EXIT_INTERNAL
from .model import Finding, GateResult, GateStatus, Report, Severity, dedupe
from .workspace import Workspace

_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"'`]")
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


@dataclass(frozen=True)
class Sanitised:
    """A report safe to render, the findings that cannot be placed, and what was changed."""

    report: Report
    unlocated: tuple[Finding, ...]
    notes: tuple[str, ...]

    def findings_of(self, gate: str) -> tuple[Finding, ...]:
        """Everything a gate found, located or not: what a verdict must judge."""
        located = self.report.gate(gate)
        return (located.findings if located else ()) + tuple(
            finding for finding in self.unlocated if finding.gate == gate
        )


class _ServerUrl:
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


def sanitise(report: Report, *, workspace: Workspace, server_url: str) -> Sanitised:
    """`report` with foreign URLs dropped, unplaceable findings moved out, verdicts redone."""
    server = _ServerUrl(server_url)
    dropped_urls = 0
    located_cache: dict[str, bool] = {}
    gates: list[GateResult] = []
    unlocated: list[Finding] = []
    for gate in report.gates:
        kept: list[Finding] = []
        lost: list[Finding] = []
        for finding in gate.findings:
            if finding.url is not None and not server.allows(finding.url):
                finding = replace(finding, url=None)
                dropped_urls += 1
            if finding.gate != gate.gate:  # a finding belongs to the gate that lists it
                finding = replace(finding, gate=gate.gate)
            where = located_cache.get(finding.path)
            if where is None:
                where = is_clean_relative_path(finding.path) and _in_workspace(
                    finding.path, workspace
                )
                located_cache[finding.path] = where
            (kept if where else lost).append(finding)
        unlocated.extend(lost)
        gates.append(_rejudged(gate, tuple(kept), kept + lost))
    context = dict(report.context)
    if "run_url" in context and not server.allows(context["run_url"]):
        del context["run_url"]
        dropped_urls += 1
    jobs = []
    for job in report.jobs:
        entry = dict(job)
        url = entry.get("run_url")
        if isinstance(url, str) and url and not server.allows(url):
            entry["run_url"] = ""
            dropped_urls += 1
        jobs.append(entry)
    notes = []
    if dropped_urls:
        notes.append(
            f"{dropped_urls} link(s) in the report were dropped: they do not point at "
            f"{server.scheme}://{server.host} (this run's GitHub server)."
        )
    if unlocated:
        notes.append(
            f"{len(unlocated)} finding(s) name a path that is not a file in this workspace; "
            "they are listed without annotations."
        )
    clean = replace(
        report,
        gates=tuple(gates),
        context=context,
        jobs=tuple(jobs),
        exit_code=max((gate.exit_code for gate in gates), default=0),
    )
    return Sanitised(clean, tuple(dedupe(unlocated)), tuple(notes))


def _rejudged(
    gate: GateResult, located: tuple[Finding, ...], everything: list[Finding]
) -> GateResult:
    """Status and exit code from the findings, not from what the report claims."""
    if gate.error:
        status, code = GateStatus.ERROR, EXIT_CONFIG if gate.exit_code == 2 else EXIT_INTERNAL
    elif any(finding.severity is Severity.ERROR for finding in everything):
        status, code = GateStatus.FAILED, 1
    elif not everything and gate.status is GateStatus.SKIPPED:
        status, code = GateStatus.SKIPPED, 0
    else:
        status, code = GateStatus.PASSED, 0
    return replace(gate, status=status, exit_code=code, findings=located)
