"""The test server itself: it must reject what GitHub rejects, or sender tests prove nothing."""

from __future__ import annotations

import pytest
import requests

from tests.helpers.github_server import Fault, GitHubServer

SHA = "a" * 40
AUTH = {"Authorization": "token test-token"}


def _annotation(i: int = 1, **extra: object) -> dict[str, object]:
    item: dict[str, object] = {
        "path": "src/x.py",
        "start_line": i,
        "end_line": i,
        "annotation_level": "failure",
        "message": "boom",
    }
    item.update(extra)
    return item


def _create(api: GitHubServer, body: dict[str, object], timeout: float = 5) -> requests.Response:
    return requests.post(
        f"{api.url}/repos/octo/demo/check-runs", json=body, headers=AUTH, timeout=timeout
    )


def test_valid_create_update_and_list() -> None:
    with GitHubServer() as api:
        created = _create(
            api,
            {
                "name": "ImportSpy",
                "head_sha": SHA,
                "status": "in_progress",
                "output": {"title": "t", "summary": "s", "annotations": [_annotation()]},
            },
        )
        assert created.status_code == 201, created.text
        run_id = created.json()["id"]
        patched = requests.patch(
            f"{api.url}/repos/octo/demo/check-runs/{run_id}",
            json={
                "conclusion": "failure",
                "output": {"title": "t", "summary": "s2", "annotations": [_annotation(2)]},
            },
            headers=AUTH,
            timeout=5,
        )
        assert patched.status_code == 200, patched.text
        run = api.check_runs[run_id]
        assert run.status == "completed" and run.conclusion == "failure"
        assert [a["start_line"] for a in run.annotations] == [1, 2]
        listed = requests.get(
            f"{api.url}/repos/octo/demo/commits/{SHA}/check-runs",
            params={"check_name": "ImportSpy"},
            headers=AUTH,
            timeout=5,
        ).json()
        assert [r["id"] for r in listed["check_runs"]] == [run_id]
        assert api.count("POST", "/check-runs") == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"head_sha": SHA, "status": "in_progress"}, "name"),
        ({"name": "n", "head_sha": SHA, "status": "completed"}, "conclusion"),
        (
            {
                "name": "n",
                "head_sha": SHA,
                "output": {
                    "title": "t",
                    "summary": "s",
                    "annotations": [_annotation(i + 1) for i in range(51)],
                },
            },
            "annotations",
        ),
        (
            {"name": "n", "head_sha": SHA, "output": {"title": "t", "summary": "x" * 65_536}},
            "summary",
        ),
        (
            {"name": "n", "head_sha": SHA, "output": {"title": "t", "summary": "é" * 40_000}},
            "summary",
        ),
        ({"name": "n", "head_sha": SHA, "output": {"title": "t" * 256, "summary": "s"}}, "title"),
        (
            {
                "name": "n",
                "head_sha": SHA,
                "output": {
                    "title": "t",
                    "summary": "s",
                    "annotations": [_annotation(annotation_level="error")],
                },
            },
            "annotation_level",
        ),
        (
            {
                "name": "n",
                "head_sha": SHA,
                "output": {
                    "title": "t",
                    "summary": "s",
                    "annotations": [_annotation(message="m" * (64 * 1024 + 1))],
                },
            },
            "64 KB",
        ),
        ({"name": "n", "head_sha": SHA, "output": {"title": "t", "summary": "s 🐍"}}, "U+FFFF"),
        (
            {
                "name": "n",
                "head_sha": SHA,
                "output": {
                    "title": "t",
                    "summary": "s",
                    "annotations": [{**_annotation(), "end_line": 3, "start_column": 2}],
                },
            },
            "columns",
        ),
        ({"name": "n", "head_sha": "main"}, "SHA"),
    ],
)
def test_rejects_what_github_rejects(body: dict[str, object], reason: str) -> None:
    with GitHubServer() as api:
        answer = _create(api, body)
        assert answer.status_code == 422
        assert reason in answer.text
        assert api.check_runs == {}
        assert len(api.rejections) == 1


def test_scripted_faults_then_normal_service() -> None:
    with GitHubServer() as api:
        api.script("GET", "/repos/octo/demo", Fault.server_error(502), Fault.retry_after(7))
        first = requests.get(f"{api.url}/repos/octo/demo", headers=AUTH, timeout=5)
        second = requests.get(f"{api.url}/repos/octo/demo", headers=AUTH, timeout=5)
        third = requests.get(f"{api.url}/repos/octo/demo", headers=AUTH, timeout=5)
        assert [first.status_code, second.status_code, third.status_code] == [502, 403, 200]
        assert second.headers["Retry-After"] == "7"
        assert [r.status for r in api.requests] == [502, 403, 200]


def test_unauthenticated_requests_get_401() -> None:
    with GitHubServer(token="right") as api:
        answer = requests.get(
            f"{api.url}/repos/octo/demo", headers={"Authorization": "token wrong"}, timeout=5
        )
        assert answer.status_code == 401
        assert answer.json()["message"] == "Bad credentials"


def test_slow_fault_applies_the_request_before_answering_late() -> None:
    with GitHubServer() as api:
        api.script("POST", "/check-runs", Fault.slow(1.0))
        with pytest.raises(requests.exceptions.Timeout):
            _create(api, {"name": "n", "head_sha": SHA, "status": "in_progress"}, timeout=0.2)
        # the client gave up, but the run exists: exactly the case a retry must look up first
        assert len(api.runs_for(SHA, "n")) == 1


def test_pull_files_are_paginated_and_the_diff_refused_over_300_files() -> None:
    with GitHubServer() as api:
        files = [
            {"filename": f"f{i}.py", "status": "modified", "patch": "@@ -1 +1 @@\n+x"}
            for i in range(301)
        ]
        api.add_pull(3, head_sha=SHA, files=files)
        page = requests.get(
            f"{api.url}/repos/octo/demo/pulls/3/files",
            params={"per_page": 100},
            headers=AUTH,
            timeout=5,
        )
        assert len(page.json()) == 100 and 'rel="next"' in page.headers["Link"]
        diff = requests.get(
            f"{api.url}/repos/octo/demo/pulls/3",
            headers={**AUTH, "Accept": "application/vnd.github.diff"},
            timeout=5,
        )
        assert diff.status_code == 406
