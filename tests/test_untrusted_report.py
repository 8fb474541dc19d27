"""untrusted_report: a valid but hostile report loses its links; only clean paths annotate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importspy_action.model import Report
from importspy_action.report_reader import ReadReport, read_report
from importspy_action.untrusted_report import Locator, drop_foreign_urls, is_clean_relative_path
from importspy_action.workspace import Workspace
from tests.helpers import builders

SERVER = "https://github.com"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    for name in ("a.py", "b.py"):
        (root / "src" / name).write_text("x = 1\n")
    (tmp_path / "secret.py").write_text("outside\n")
    return Workspace(root)


def _report(*findings: object, exit_code: int = 0, **fields: object) -> ReadReport:
    base = builders.report(list(findings))  # type: ignore[arg-type]
    report = Report(**{**base.__dict__, "exit_code": exit_code, **fields})  # type: ignore[arg-type]
    return read_report(report.to_json())


def _located(workspace: Workspace, *paths: str) -> list[bool]:
    locate = Locator(workspace)
    return [locate(builders.finding(1, path=path)) for path in paths]


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
    result, dropped = drop_foreign_urls(report, SERVER)
    (clean,) = result.gates[0].outcome.findings
    assert (clean.url == url) is kept
    assert (result.context.get("run_url") == url) is kept
    assert (result.jobs[0]["run_url"] == url) is kept
    assert result.context["sha"] == builders.HEAD_SHA
    assert (dropped == 0) is kept


def test_an_http_enterprise_server_allows_its_own_http_links(workspace: Workspace) -> None:
    finding = builders.finding(1, path="src/a.py", url="http://ghe.corp:8080/o/r")
    result, _ = drop_foreign_urls(_report(finding), "http://ghe.corp:8080")
    assert result.gates[0].outcome.findings[0].url == "http://ghe.corp:8080/o/r"


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
    assert _located(workspace, path) == [located]


def test_a_symlink_leaving_the_workspace_is_not_a_location(workspace: Workspace) -> None:
    os.symlink(workspace.root.parent / "secret.py", workspace.root / "src" / "link.py")
    os.symlink(workspace.root / "src" / "a.py", workspace.root / "src" / "alias.py")
    assert _located(workspace, "src/link.py", "src/alias.py") == [False, True]


def test_a_file_the_change_touched_is_a_location_without_a_checkout(
    workspace: Workspace,
) -> None:
    """A workflow_run report job has no checkout of the pull request: its files come from
    the pull request files API, and clean paths of those files still annotate."""
    locate = Locator(workspace, frozenset({"new/module.py", "../escape.py"}))
    assert locate(builders.finding(1, path="new/module.py"))
    assert not locate(builders.finding(1, path="../escape.py"))  # still a clean path first


def test_a_finding_belongs_to_the_gate_that_lists_it() -> None:
    stray = builders.finding(1, path="../x.py", gate="lint")
    result, _ = drop_foreign_urls(_report(stray), SERVER)
    assert [f.gate for f in result.gates[0].outcome.findings] == ["contracts"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["src", "a.py", "..", ".", "", "b.py", "/", "\\", "\x00", "C:", "~"]),
        max_size=5,
    ).map("/".join)
)
def test_a_located_path_is_always_a_file_inside_the_workspace(path: str) -> None:
    root = Path(__file__).resolve().parents[1] / "importspy_action"
    workspace = Workspace(root)
    finding = builders.finding(1, path=path or "x")
    if Locator(workspace)(finding):
        assert is_clean_relative_path(finding.path)
        target = (root / finding.path).resolve()
        assert target.is_file() and target.is_relative_to(root)
        assert ".." not in finding.path.split("/")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/.\\:@ \x00ab%", max_size=12))
def test_the_url_filter_never_keeps_another_host(tail: str) -> None:
    from urllib.parse import urlsplit

    url = "https://github.com" + tail
    report = _report(builders.finding(1, path="README.md", url=url))
    result, _ = drop_foreign_urls(report, SERVER)
    (kept,) = result.gates[0].outcome.findings
    if kept.url is not None:
        parts = urlsplit(kept.url)
        assert parts.hostname == "github.com" and parts.scheme == "https"
        assert "@" not in parts.netloc and "\\" not in kept.url and " " not in kept.url
