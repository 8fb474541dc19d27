"""untrusted_report.sanitise: a valid but hostile report loses its links, locations and claims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.model import GateResult, GateStatus, Report, Severity
from importspy_action.untrusted_report import is_clean_relative_path, sanitise
from importspy_action.workspace import Workspace
from tests.support import builders

SERVER = "https://github.com"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    for name in ("a.py", "b.py"):
        (root / "src" / name).write_text("x = 1\n")
    (tmp_path / "secret.py").write_text("outside\n")
    return Workspace(root)


def _report(*findings: object, exit_code: int = 0, **fields: object) -> Report:
    base = builders.report(list(findings))  # type: ignore[arg-type]
    return Report(**{**base.__dict__, "exit_code": exit_code, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://github.com/octo/demo/actions/runs/1", True),
        ("https://GitHub.com/octo/demo", True),
        ("https://github.com:443/octo", True),
        ("https://github.com", True),
        ("https://github.com.evil.example/x", False),
        ("https://evil.example/github.com", False),
        ("https://github.com@evil.example/", False),
        ("https://user:pw@github.com/", False),
        ("http://github.com/octo", False),
        ("https://github.com:8443/octo", False),
        ("https://github.com\\@evil.example", False),
        ("https://github.com/ x", False),
        ("https://github.com/\nx", False),
        ("//github.com/octo", False),
        ("javascript:alert(1)//github.com", False),
        ("https://github.com:99999/", False),
    ],
)
def test_only_links_to_this_runs_server_are_kept(
    workspace: Workspace, url: str, kept: bool
) -> None:
    finding = builders.finding(1, path="src/a.py", url=url)
    report = _report(
        finding,
        context={"run_url": url, "sha": builders.HEAD_SHA},
        jobs=({"job": "j", "result": "passed", "run_url": url},),
    )
    result = sanitise(report, workspace=workspace, server_url=SERVER)
    (clean,) = result.report.gates[0].findings
    assert (clean.url == url) is kept
    assert (result.report.context.get("run_url") == url) is kept
    assert (result.report.jobs[0]["run_url"] == url) is kept
    assert result.report.context["sha"] == builders.HEAD_SHA
    assert bool(result.notes) is not kept


def test_an_http_enterprise_server_allows_its_own_http_links(workspace: Workspace) -> None:
    finding = builders.finding(1, path="src/a.py", url="http://ghe.corp:8080/o/r")
    result = sanitise(_report(finding), workspace=workspace, server_url="http://ghe.corp:8080")
    assert result.report.gates[0].findings[0].url == "http://ghe.corp:8080/o/r"


@pytest.mark.parametrize(
    ("path", "located"),
    [
        ("src/a.py", True),
        ("src/missing.py", False),
        ("src", False),
        ("../secret.py", False),
        ("src/../../secret.py", False),
        ("src/../src/a.py", False),
        ("./src/a.py", False),
        ("src//a.py", False),
        ("src/a.py/", False),
        ("/etc/passwd", False),
        ("C:/src/a.py", False),
        ("src\\a.py", False),
        ("src/a.py\x00", False),
        ("src/a.py\n::error::x", False),
        ("src/\x1b[31ma.py", False),
    ],
)
def test_only_clean_paths_of_workspace_files_stay_annotations(
    workspace: Workspace, path: str, located: bool
) -> None:
    result = sanitise(
        _report(builders.finding(1, path=path)), workspace=workspace, server_url=SERVER
    )
    assert len(result.report.gates[0].findings) == int(located)
    assert len(result.unlocated) == int(not located)
    if not located:
        assert result.unlocated[0].path == path  # kept verbatim, for escaped display only
        assert "not a file in this workspace" in " ".join(result.notes)


def test_a_symlink_leaving_the_workspace_is_not_a_location(workspace: Workspace) -> None:
    os.symlink(workspace.root.parent / "secret.py", workspace.root / "src" / "link.py")
    os.symlink(workspace.root / "src" / "a.py", workspace.root / "src" / "alias.py")
    result = sanitise(
        _report(builders.finding(1, path="src/link.py"), builders.finding(2, path="src/alias.py")),
        workspace=workspace,
        server_url=SERVER,
    )
    assert [f.path for f in result.report.gates[0].findings] == ["src/alias.py"]
    assert [f.path for f in result.unlocated] == ["src/link.py"]


def test_claimed_exit_codes_and_statuses_are_recomputed(workspace: Workspace) -> None:
    error = builders.finding(1, path="src/a.py")
    lying = _report(error, exit_code=0)
    lying = Report(
        **{**lying.__dict__, "gates": (GateResult("contracts", GateStatus.PASSED, (error,)),)}
    )
    result = sanitise(lying, workspace=workspace, server_url=SERVER)
    assert result.report.exit_code == 1
    assert result.report.gates[0].status is GateStatus.FAILED
    claims_failure = Report(
        **{
            **lying.__dict__,
            "gates": (GateResult("contracts", GateStatus.FAILED, exit_code=1),),
            "exit_code": 1,
        }
    )
    result = sanitise(claims_failure, workspace=workspace, server_url=SERVER)
    assert result.report.exit_code == 0
    assert result.report.gates[0].status is GateStatus.PASSED


def test_an_unlocated_error_still_fails_its_gate(workspace: Workspace) -> None:
    result = sanitise(
        _report(builders.finding(1, path="../secret.py"), exit_code=0),
        workspace=workspace,
        server_url=SERVER,
    )
    assert result.report.gates[0].findings == ()
    assert result.report.gates[0].status is GateStatus.FAILED
    assert result.report.exit_code == 1
    assert [f.path for f in result.findings_of("contracts")] == ["../secret.py"]


def test_a_gate_error_is_kept_with_an_exit_code_of_2_or_3(workspace: Workspace) -> None:
    for claimed, expected in ((2, 2), (3, 3), (0, 3), (1, 3)):
        gate = GateResult("lint", GateStatus.PASSED, error="ruff died", exit_code=claimed)
        result = sanitise(
            _report(gates=(gate,), exit_code=0), workspace=workspace, server_url=SERVER
        )
        assert result.report.gates[0].status is GateStatus.ERROR
        assert result.report.exit_code == expected


def test_a_skipped_gate_stays_skipped_only_without_findings(workspace: Workspace) -> None:
    skipped = GateResult("coverage", GateStatus.SKIPPED)
    warning = builders.finding(1, Severity.WARNING, path="src/a.py", gate="coverage")
    hiding = GateResult("coverage", GateStatus.SKIPPED, (warning,))
    result = sanitise(
        _report(gates=(skipped,)), workspace=workspace, server_url=SERVER
    ).report.gates[0]
    assert result.status is GateStatus.SKIPPED
    result = sanitise(_report(gates=(hiding,)), workspace=workspace, server_url=SERVER).report
    assert result.gates[0].status is GateStatus.PASSED


def test_a_finding_belongs_to_the_gate_that_lists_it(workspace: Workspace) -> None:
    stray = builders.finding(1, path="../x.py", gate="lint")
    result = sanitise(_report(stray), workspace=workspace, server_url=SERVER)
    assert [f.gate for f in result.findings_of("contracts")] == ["contracts"]
    assert result.findings_of("lint") == ()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["src", "a.py", "..", ".", "", "b.py", "/", "\\", "\x00", "C:", "~"]),
        max_size=5,
    ).map("/".join)
)
def test_a_located_path_is_always_a_file_inside_the_workspace(path: str) -> None:
    root = Path(__file__).resolve().parents[2] / "importspy_action"
    workspace = Workspace(root)
    finding = builders.finding(1, path=path or "x")
    result = sanitise(_report(finding), workspace=workspace, server_url=SERVER)
    for located in result.report.gates[0].findings:
        assert is_clean_relative_path(located.path)
        target = (root / located.path).resolve()
        assert target.is_file() and target.is_relative_to(root)
        assert ".." not in located.path.split("/")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/.\\:@ \x00ab%", max_size=12))
def test_the_url_filter_never_keeps_another_host(tail: str) -> None:
    from urllib.parse import urlsplit

    url = "https://github.com" + tail
    root = Path(__file__).resolve().parents[2]
    report = _report(builders.finding(1, path="README.md", url=url))
    result = sanitise(report, workspace=Workspace(root), server_url=SERVER)
    (kept,) = result.report.gates[0].findings
    if kept.url is not None:
        parts = urlsplit(kept.url)
        assert parts.hostname == "github.com" and parts.scheme == "https"
        assert "@" not in parts.netloc and "\\" not in kept.url and " " not in kept.url
