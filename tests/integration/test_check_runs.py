"""The check-run reporter over real HTTP against the local GitHub server, through the CLI.

Each test publishes reports with `importspy-action merge` in a pull_request run's
environment and asserts what GitHub would hold afterwards: how many requests, which commit,
which annotations -- and, in every fault scenario, that no finding is lost (summary + JSON
complete), that no check run is duplicated and that the exit code is the gates' verdict.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from importspy_action.cli import main
from importspy_action.model import Finding, Severity
from importspy_action.reporters.markdown import cell
from tests.helpers import builders
from tests.helpers.builders import HEAD_SHA, MERGE_SHA
from tests.helpers.github_server import Fault, GitHubServer, iter_annotations
from tests.integration.conftest import write_report


def _publish(
    tmp_path: Path,
    env: dict[str, str],
    findings: list[Finding],
    *extra: str,
    fail_on: str = "error",
) -> int:
    write_report(tmp_path / "in" / "report.json", builders.report(findings, fail_on=fail_on))
    builders.workspace_files(tmp_path, findings)  # merge mode annotates files that are here
    argv = ["merge", "in/*.json", "--workspace", str(tmp_path), "--github-token", "test-token"]
    return main([*argv, "--max-annotations", "100000", *extra], environ=env)


def _assert_nothing_lost(tmp_path: Path, env: dict[str, str], findings: list[Finding]) -> None:
    """The files written before any network call list every finding, whatever the API did."""
    data = json.loads((tmp_path / "importspy-report.json").read_text(encoding="utf-8"))
    messages = {f["message"] for gate in data["gates"] for f in gate["findings"]}
    assert messages == {f.message for f in findings}
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    for finding in findings:
        assert cell(finding.message) in summary  # escaped: it renders as written


def _errors(n: int) -> list[Finding]:
    return [builders.finding(i) for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 50, 51, 120])
def test_publishes_on_the_pr_head_with_the_fewest_requests(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    n: int,
) -> None:
    code = _publish(tmp_path, actions_env, _errors(n))
    assert code == (1 if n else 0)
    assert api.rejections == []
    writes = api.count("POST") + api.count("PATCH")
    assert writes == max(1, math.ceil(n / 50))
    # only the changed-lines lookup (git has no repository here) reads; publishing does not
    assert [r.path for r in api.matching("GET") if "/pulls/" not in r.path] == []
    (run,) = api.check_runs.values()
    assert run.head_sha == HEAD_SHA != MERGE_SHA
    assert run.name == "ImportSpy"
    assert run.status == "completed"
    assert run.conclusion == ("failure" if n else "success")
    assert len(run.annotations) == n
    assert {a["message"] for a in run.annotations} == {f.message for f in _errors(n)}
    out = capsys.readouterr().out
    assert "::error" not in out  # the check run carries the annotations: not shown twice
    outputs = builders.outputs(actions_env)
    assert outputs["check-run-id"] == str(run.id)
    assert outputs["check-run-url"].endswith(f"/runs/{run.id}")


def test_conclusion_neutral_when_fail_on_never_hides_findings(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    code = _publish(tmp_path, actions_env, _errors(3), "--fail-on", "never", fail_on="never")
    assert code == 0
    (run,) = api.check_runs.values()
    assert run.conclusion == "neutral"


FAULTS = {
    "5xx on create": ("POST", [Fault.server_error(502), Fault.server_error(500)]),
    "5xx on update": ("PATCH", [Fault.server_error(503)]),
    "secondary limit with Retry-After": ("POST", [Fault.retry_after(30)]),
    "secondary limit text only": ("PATCH", [Fault.secondary_rate_limit()]),
    "429 with Retry-After": ("POST", [Fault.retry_after(5, status=429)]),
    "primary limit reset": ("PATCH", [Fault.rate_limit_reset(__import__("time").time() + 20)]),
    "create times out but was applied": ("POST", [Fault.slow(2.5)]),
    "update times out but was applied": ("PATCH", [Fault.slow(2.5)]),
    "connection dropped on create": ("POST", [Fault.reset_connection()]),
    "connection dropped on update": ("PATCH", [Fault.reset_connection()]),
}


@pytest.mark.parametrize("scenario", sorted(FAULTS))
def test_transient_faults_are_survived_without_duplicates(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scenario: str,
) -> None:
    method, faults = FAULTS[scenario]
    api.script(method, "/check-runs", *faults)
    findings = _errors(120)  # create + 2 updates
    code = _publish(tmp_path, actions_env, findings)
    assert code == 1
    assert api.rejections == []
    assert len(api.runs_for(HEAD_SHA)) == 1, "exactly one check run"
    (run,) = api.check_runs.values()
    assert run.status == "completed" and run.conclusion == "failure"
    annotations = list(iter_annotations(api))
    assert len(annotations) == len(findings), "every annotation exactly once"
    assert len({a["message"] for a in annotations}) == len(findings)
    assert "::error" not in capsys.readouterr().out
    _assert_nothing_lost(tmp_path, actions_env, findings)


def test_timed_out_create_is_looked_up_by_name_and_sha_before_creating_again(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    api.script("POST", "/check-runs", Fault.slow(2.5))
    _publish(tmp_path, actions_env, _errors(3))
    lookups = api.matching("GET", f"/commits/{HEAD_SHA}/check-runs")
    assert len(lookups) == 1
    assert lookups[0].query["check_name"] == ["ImportSpy"]
    assert api.count("POST", "/check-runs") == 1


@pytest.mark.parametrize(
    "fault",
    [Fault.bad_credentials(), Fault.not_accessible()],
    ids=["401", "403 not accessible"],
)
def test_permission_denied_falls_back_to_annotations_and_explains_two_stage_flow(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault: Fault,
) -> None:
    api.script("POST", "/check-runs", fault)
    findings = _errors(3)
    code = _publish(tmp_path, actions_env, findings)
    assert code == 1, "the exit code reflects the gates, not the API"
    assert api.count("POST") == 1, "no retry: it cannot help"
    assert api.check_runs == {}
    out = capsys.readouterr().out
    assert out.count("::error ") == 3
    notices = [line for line in out.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1 and "docs/forks.md" in notices[0]
    assert builders.outputs(actions_env)["check-run-id"] == ""
    _assert_nothing_lost(tmp_path, actions_env, findings)


def test_fail_on_report_error_turns_a_failed_publish_into_exit_3(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    api.script("POST", "/check-runs", Fault.not_accessible())
    assert _publish(tmp_path, actions_env, [], "--fail-on-report-error", "true") == 3


def test_a_wait_longer_than_the_budget_is_not_started(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.script("POST", "/check-runs", Fault.retry_after(600))
    findings = _errors(2)
    code = _publish(tmp_path, actions_env, findings, "--report-budget", "60s")
    assert code == 1
    assert api.count("POST") == 1
    out = capsys.readouterr().out
    assert out.count("::error ") == 2  # fallback carries the findings
    _assert_nothing_lost(tmp_path, actions_env, findings)


def test_budget_running_out_between_batches_still_completes_the_run(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    # 3 requests planned; the second is rate limited beyond the budget
    api.script("PATCH", "/check-runs", Fault.retry_after(500))
    findings = _errors(120)
    code = _publish(tmp_path, actions_env, findings, "--report-budget", "100s")
    assert code == 1
    (run,) = api.check_runs.values()
    assert run.status == "completed" and run.conclusion == "failure"
    assert len(run.annotations) == 50
    assert "70 annotations could not be delivered" in run.output["summary"]
    _assert_nothing_lost(tmp_path, actions_env, findings)


def test_empty_token_makes_no_request_and_one_notice(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_report(tmp_path / "in" / "r.json", builders.report(_errors(2)))
    builders.workspace_files(tmp_path, _errors(2))
    code = main(["merge", "in/*.json", "--workspace", str(tmp_path)], environ=actions_env)
    assert code == 1
    assert api.requests == []
    out = capsys.readouterr().out
    assert out.count("::notice") == 1 and "github-token" in out
    assert out.count("::error ") == 2


def test_unicode_and_oversize_text_is_made_to_fit(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    findings = [
        builders.finding(0, message="snake 🐍 " + "é" * 70_000, title="🐍" * 300),
        builders.finding(99, path="src/🐍.py", expected="🐍" * 20_000),
        *[builders.finding(i, message=f"{i} " + "ü" * 2000) for i in range(1, 60)],
    ]
    code = _publish(tmp_path, actions_env, findings, "--check-name", "ImportSpy 🐍")
    assert code == 1
    assert api.rejections == []
    (run,) = api.check_runs.values()
    assert len(run.annotations) == 61
    assert run.name == "ImportSpy \\U0001F40D"
    assert "src/\\U0001F40D.py" in {a["path"] for a in run.annotations}
    assert "\\U0001F40D" in run.annotations[0]["message"]
    text = run.output["text"]
    assert len(text.encode("utf-8")) <= 65_535
    assert "more findings" in text


def test_changed_lines_annotations_use_the_pull_request_files_api_without_git(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    api.add_pull(
        7,
        head_sha=HEAD_SHA,
        files=[
            {
                "filename": "src/mod1.py",
                "status": "modified",
                "patch": "@@ -1,0 +2,3 @@\n+a\n+b\n+c",
            }
        ],
    )
    findings = _errors(14)  # mod1.py gets lines 2 and 9
    code = _publish(tmp_path, actions_env, findings, "--annotations", "changed-lines")
    assert code == 1
    (run,) = api.check_runs.values()
    assert [(a["path"], a["start_line"]) for a in run.annotations] == [("src/mod1.py", 2)]
    assert "1 of 14 findings" in run.output["summary"]
    assert api.count("GET", "/pulls/7/files") == 1


def test_dry_run_writes_the_exact_payloads_a_real_run_sends(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    findings = _errors(75)
    assert _publish(tmp_path, actions_env, findings, "--dry-run") == 1
    assert api.requests == []
    files = sorted((tmp_path / "importspy-check-run").glob("*.json"))
    assert [f.name for f in files] == ["001-create.json", "002-update.json"]
    dry = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    assert [d["method"] for d in dry] == ["POST", "PATCH"]
    assert _publish(tmp_path, actions_env, findings) == 1
    sent = [r.body for r in api.requests if r.method in ("POST", "PATCH")]
    for body in sent:
        body.pop("external_id", None)
    assert sent == [d["body"] for d in dry]


def test_merges_matrix_reports_into_one_check_run(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path
) -> None:
    shared = builders.finding(1)
    py310 = builders.report([shared, builders.finding(2)], job="gates")
    py312 = builders.report([shared, builders.finding(3, Severity.WARNING)], job="gates")
    write_report(tmp_path / "reports" / "py3.10" / "importspy-report.json", py310)
    write_report(tmp_path / "reports" / "py3.12" / "importspy-report.json", py312)
    builders.workspace_files(tmp_path, [*py310.findings, *py312.findings])
    code = main(
        [
            "merge",
            "reports/**/*.json",
            "--workspace",
            str(tmp_path),
            "--github-token",
            "test-token",
        ],
        environ=actions_env,
    )
    assert code == 1
    (run,) = api.check_runs.values()
    assert len(run.annotations) == 3  # the shared finding once
    summary = run.output["summary"]
    assert cell("gates (py3.10)") in summary and cell("gates (py3.12)") in summary
    merged = json.loads((tmp_path / "importspy-report.json").read_text(encoding="utf-8"))
    assert [job["job"] for job in merged["jobs"]] == ["gates (py3.10)", "gates (py3.12)"]
    assert merged["counts"] == {"error": 2, "warning": 1, "notice": 0}
    summary = Path(actions_env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert f"| {cell('gates (py3.10)')} | failed | 2 | 0 | 0 |" in summary
    assert f"| {cell('gates (py3.12)')} | failed | 1 | 1 | 0 |" in summary


def test_workflow_run_publisher_annotates_the_triggering_head_and_refuses_other_commits(
    api: GitHubServer, actions_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "workflow_run.json"
    event.write_text(
        json.dumps(
            {
                "workflow_run": {
                    "head_sha": HEAD_SHA,
                    "pull_requests": [],
                    "head_repository": {"full_name": "someone/demo"},
                    "repository": {"full_name": "octo/demo"},
                }
            }
        ),
        encoding="utf-8",
    )
    env = {**actions_env, "GITHUB_EVENT_NAME": "workflow_run", "GITHUB_EVENT_PATH": str(event)}
    findings = _errors(2)
    assert _publish(tmp_path, env, findings) == 1
    (run,) = api.check_runs.values()
    assert run.head_sha == HEAD_SHA
    forged = builders.report(findings, context={"repository": "octo/demo", "sha": "9" * 40})
    write_report(tmp_path / "forged" / "r.json", forged)
    code = main(
        ["merge", "forged/*.json", "--workspace", str(tmp_path), "--github-token", "test-token"],
        environ=env,
    )
    assert code == 2
    assert len(api.check_runs) == 1


def test_the_token_is_masked_first_and_never_printed(
    api: GitHubServer,
    actions_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api.script("POST", "/check-runs", Fault.server_error(502), Fault.bad_credentials())
    _publish(tmp_path, actions_env, _errors(2))
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if "test-token" in line]
    assert lines == ["::add-mask::test-token"]
    assert all(r.headers["authorization"] == "token test-token" for r in api.requests)
