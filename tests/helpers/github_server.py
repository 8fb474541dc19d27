"""A local GitHub REST API for tests: a real HTTP server on 127.0.0.1 that enforces GitHub's rules.

Why a server and not a mock: the sender talks to GitHub through PyGithub, `requests` and
urllib3; only a real socket exercises their timeouts, retries, pagination and error mapping.
Why it validates: a fake that accepts anything would let a payload GitHub rejects (51
annotations, a 70 kB summary, an emoji that breaks GitHub's storage) pass every test.
Request bodies are validated against githubkit's OpenAPI-derived request models (generated
from GitHub's published REST description) plus the rules GitHub enforces that the
description does not encode (listed in `_github_rules`). A rejected body gets a 422 shaped
like GitHub's.

Interface (kept stable; the container tests use it too)::

    from tests.helpers.github_server import Fault, GitHubServer

    with GitHubServer(repository="octo/demo", token="t0ken") as api:
        env = {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": "octo/demo", ...}
        api.add_pull(7, head_sha="a" * 40, files=[{"filename": "src/x.py", "patch": "@@ ..."}])
        api.script("POST", "/check-runs", Fault.server_error(502), Fault.server_error(500))
        ...                                   # run the code under test
        api.requests                          # every request, in order (RecordedRequest)
        api.check_runs                        # id -> CheckRunState (annotations appended)
        api.count("POST", "/check-runs")      # requests whose path ends with / contains that

- `url`: base URL for `GITHUB_API_URL` (``http://127.0.0.1:<port>``); `host`/`port` too.
- `tls=(certfile, keyfile)`: serve HTTPS (an Enterprise Server with a private CA).
- `token`: the token the server accepts (``Authorization: token|Bearer <token>``); None
  accepts any request, authenticated or not.
- `script(method, path_part, *faults)`: the next requests matching method and containing
  `path_part` in their path get these faults, one per request, in order; then normal service.
- `Fault.server_error(status)`, `Fault.retry_after(seconds, status=403)`,
  `Fault.secondary_rate_limit(retry_after=None)`, `Fault.rate_limit_reset(reset_epoch)`,
  `Fault.not_accessible()`, `Fault.bad_credentials()`, `Fault.slow(seconds)` (the request is
  APPLIED, then the answer is delayed -- a timed-out create that really created the run),
  `Fault.reset_connection()` (the socket is closed with no answer).
- `rejections`: the 422 answers given, with the reasons (assert a test sent valid bodies).

Pointing the action at it (in-process or in the container, `--network=host`): set
`GITHUB_API_URL=server.url`, `GITHUB_REPOSITORY`, the token as `INPUT_GITHUB-TOKEN`, and the
fast-client variables of `tests.helpers.builders.FAST_API` (no write spacing, scaled retry
waits, 1 s request timeout) so fault scenarios take milliseconds instead of minutes.
`tests.helpers.builders.actions_env()` builds such an environment.

Endpoints: GET /repos/{o}/{r}; POST /repos/{o}/{r}/check-runs; GET|PATCH
/repos/{o}/{r}/check-runs/{id}; GET /repos/{o}/{r}/check-runs/{id}/annotations; GET
/repos/{o}/{r}/commits/{ref}; GET /repos/{o}/{r}/commits/{ref}/check-runs (check_name,
filter, status, paginated); GET /repos/{o}/{r}/pulls/{n} (406 for the diff media type above
300 files, as GitHub); GET /repos/{o}/{r}/pulls/{n}/files (paginated, at most 3000 files).
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from githubkit_schemas.v2026_03_10 import models as gh_models
from pydantic import ValidationError

MAX_ANNOTATIONS_PER_REQUEST = 50
MAX_OUTPUT_TEXT = 65_535  # characters and (GitHub's storage) bytes
MAX_TITLE = 255
MAX_ANNOTATION_BYTES = 64 * 1024
MAX_PR_FILES = 3000
MAX_DIFF_FILES = 300
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
NOT_ACCESSIBLE_MESSAGE = "Resource not accessible by integration"


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour for one request."""

    status: int = 0  # 0: answer normally (after `delay`)
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    apply: bool = False  # apply the request's effect before answering (slow answers)
    drop: bool = False  # close the connection without an answer

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(status=status, body={"message": "Server Error"})

    @classmethod
    def retry_after(cls, seconds: float, status: int = 403) -> Fault:
        return cls(
            status=status,
            body={"message": SECONDARY_RATE_LIMIT_MESSAGE},
            headers={"Retry-After": _seconds_header(seconds)},
        )

    @classmethod
    def secondary_rate_limit(cls, retry_after: float | None = None) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": _seconds_header(retry_after)}
        return cls(status=403, body={"message": SECONDARY_RATE_LIMIT_MESSAGE}, headers=headers)

    @classmethod
    def rate_limit_reset(cls, reset_epoch: float, status: int = 403) -> Fault:
        return cls(
            status=status,
            body={"message": "API rate limit exceeded for installation ID 1."},
            headers={
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(int(reset_epoch)),
            },
        )

    @classmethod
    def not_accessible(cls) -> Fault:
        return cls(status=403, body={"message": NOT_ACCESSIBLE_MESSAGE})

    @classmethod
    def bad_credentials(cls) -> Fault:
        return cls(status=401, body={"message": "Bad credentials"})

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds, apply=True)

    @classmethod
    def reset_connection(cls) -> Fault:
        return cls(drop=True)


def _seconds_header(seconds: float) -> str:
    return str(max(0, round(seconds)))


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int = 0  # what the server answered (0: no answer, connection dropped)


@dataclass
class CheckRunState:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    output: dict[str, Any]
    annotations: list[dict[str, Any]] = field(default_factory=list)
    details_url: str | None = None
    external_id: str | None = None
    started_at: str | None = None
    completed_at: str | None = None


@dataclass
class PullState:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    files: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: tests read `requests`, not stderr

    def do_GET(self) -> None:
        self.server.owner.handle(self)

    def do_POST(self) -> None:
        self.server.owner.handle(self)

    def do_PATCH(self) -> None:
        self.server.owner.handle(self)

    def do_PUT(self) -> None:
        self.server.owner.handle(self)

    def do_DELETE(self) -> None:
        self.server.owner.handle(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: GitHubServer


class GitHubServer:
    """The server; use as a context manager (or start()/stop())."""

    def __init__(
        self,
        *,
        repository: str = "octo/demo",
        token: str | None = "test-token",
        host: str = "127.0.0.1",
        port: int = 0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.repository = repository
        self.token = token
        self.requests: list[RecordedRequest] = []
        self.check_runs: dict[int, CheckRunState] = {}
        self.pulls: dict[int, PullState] = {}
        self.rejections: list[tuple[RecordedRequest, list[str]]] = []
        self._faults: list[tuple[str, str, list[Fault]]] = []
        self._lock = threading.RLock()
        self._next_id = 1000
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        self._scheme = "http"
        if tls is not None:  # (certfile, keyfile): an Enterprise Server with a private CA
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
            self._scheme = "https"
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"{self._scheme}://{self.host}:{self.port}"

    @property
    def html_url(self) -> str:
        return f"{self.url}/html"

    def start(self) -> GitHubServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- scripting and inspection ---------------------------------------------------------
    def script(self, method: str, path_part: str, *faults: Fault) -> None:
        """The next requests `method` whose path contains `path_part` get `faults`, in order."""
        with self._lock:
            self._faults.append((method.upper(), path_part, list(faults)))

    def add_pull(
        self,
        number: int,
        *,
        head_sha: str,
        base_sha: str = "b" * 40,
        base_ref: str = "main",
        files: list[dict[str, Any]] | None = None,
    ) -> PullState:
        with self._lock:
            pull = PullState(number, head_sha, base_sha, base_ref, list(files or []))
            self.pulls[number] = pull
            return pull

    def count(self, method: str, path_part: str = "") -> int:
        return len(self.matching(method, path_part))

    def matching(self, method: str, path_part: str = "") -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.method == method.upper() and path_part in r.path]

    def runs_for(self, head_sha: str, name: str | None = None) -> list[CheckRunState]:
        with self._lock:
            return [
                run
                for run in self.check_runs.values()
                if run.head_sha == head_sha and (name is None or run.name == name)
            ]

    # -- request handling -----------------------------------------------------------------
    def handle(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: Any = None
        body_error = ""
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                body_error = f"Problems parsing JSON: {exc}"
        record = RecordedRequest(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            fault = self._take_fault(record)
        if fault is not None and fault.drop:
            record.status = 0
            with suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return
        if fault is not None and fault.status:
            self._send(handler, record, fault.status, fault.body or {}, fault.headers, fault.delay)
            return
        if not self._authorized(record):
            self._send(
                handler,
                record,
                401,
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                },
            )
            return
        if body_error:
            self._send(handler, record, 400, {"message": body_error})
            return
        with self._lock:
            status, payload, headers = self._route(record)
        if status == 422:
            self.rejections.append((record, list(payload.get("errors", []))))
        self._send(handler, record, status, payload, headers, fault.delay if fault else 0.0)

    def _take_fault(self, record: RecordedRequest) -> Fault | None:
        for index, (method, part, faults) in enumerate(self._faults):
            if method == record.method and part in record.path and faults:
                fault = faults.pop(0)
                if not faults:
                    del self._faults[index]
                return fault
        return None

    def _authorized(self, record: RecordedRequest) -> bool:
        if self.token is None:
            return True
        header = record.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return scheme.lower() in ("token", "bearer") and value == self.token

    def _send(
        self,
        handler: _Handler,
        record: RecordedRequest,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        record.status = status
        if delay:
            time.sleep(delay)
        if isinstance(payload, (bytes, str)):
            data = payload.encode("utf-8") if isinstance(payload, str) else payload
            content_type = "text/plain; charset=utf-8"
        else:
            data = json.dumps(payload).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            base = {
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4999",
                "x-ratelimit-reset": str(int(time.time()) + 3600),
                "x-ratelimit-used": "1",
                "x-github-request-id": f"TEST:{len(self.requests)}",
            }
            base.update({k.lower(): v for k, v in (headers or {}).items()})
            for name, value in base.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True  # the client gave up (timed out); state stands

    # -- routes ---------------------------------------------------------------------------
    def _route(self, record: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/repos/{self.repository}"
        path = record.path.rstrip("/")
        method = record.method
        if not path.startswith(prefix):
            return 404, _not_found(), {}
        rest = path[len(prefix) :]
        if rest == "" and method == "GET":
            return 200, self._repo_json(), {}
        if rest == "/check-runs" and method == "POST":
            return self._create_check_run(record)
        match = re.fullmatch(r"/check-runs/(\d+)(/annotations)?", rest)
        if match:
            run = self.check_runs.get(int(match.group(1)))
            if run is None:
                return 404, _not_found(), {}
            if match.group(2) and method == "GET":
                return self._paginate(record, run.annotations, None)
            if method == "GET":
                return 200, self._run_json(run), {}
            if method == "PATCH":
                return self._update_check_run(record, run)
        match = re.fullmatch(r"/commits/([^/]+)/check-runs", rest)
        if match and method == "GET":
            return self._list_check_runs(record, match.group(1))
        match = re.fullmatch(r"/commits/([^/]+)", rest)
        if match and method == "GET":
            return 200, self._commit_json(match.group(1)), {}
        match = re.fullmatch(r"/pulls/(\d+)(/files)?", rest)
        if match and method == "GET":
            pull = self.pulls.get(int(match.group(1)))
            if pull is None:
                return 404, _not_found(), {}
            if match.group(2):
                return self._paginate(record, pull.files[:MAX_PR_FILES], None)
            accept = record.headers.get("accept", "")
            if "diff" in accept and len(pull.files) > MAX_DIFF_FILES:
                return (
                    406,
                    {
                        "message": "Sorry, the diff exceeded the maximum number of files "
                        f"({MAX_DIFF_FILES}). Consider using 'List pull requests files' API "
                        "or locally cloning the repository instead.",
                        "errors": [
                            {"resource": "PullRequest", "field": "diff", "code": "too_large"}
                        ],
                    },
                    {},
                )
            return 200, self._pull_json(pull), {}
        return 404, _not_found(), {}

    def _paginate(
        self, record: RecordedRequest, items: list[dict[str, Any]], list_key: str | None
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(100, int(_first(record.query, "per_page", "30")))
        page = max(1, int(_first(record.query, "page", "1")))
        chunk = items[(page - 1) * per_page : page * per_page]
        last = max(1, -(-len(items) // per_page))
        links = []
        base = f"{self.url}{record.path}"
        others = "&".join(
            f"{k}={v[0]}" for k, v in record.query.items() if k not in ("page", "per_page")
        )
        extra = f"&{others}" if others else ""
        if page < last:
            links.append(f'<{base}?per_page={per_page}&page={page + 1}{extra}>; rel="next"')
            links.append(f'<{base}?per_page={per_page}&page={last}{extra}>; rel="last"')
        headers = {"Link": ", ".join(links)} if links else {}
        if list_key is None:
            return 200, chunk, headers
        return 200, {"total_count": len(items), list_key: chunk}, headers

    def _create_check_run(self, record: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        problems = _validate(record.body, _POST_MODELS) + _github_rules(record.body)
        if problems:
            return 422, _invalid(problems), {}
        body = record.body
        if not re.fullmatch(r"[0-9a-f]{40}", str(body.get("head_sha", ""))):
            return 422, _invalid(["No commit found for SHA: " + str(body.get("head_sha"))]), {}
        self._next_id += 1
        now = _now()
        output = dict(body.get("output") or {})
        annotations = list(output.pop("annotations", []) or [])
        status = body.get("status") or ("completed" if body.get("conclusion") else "queued")
        run = CheckRunState(
            id=self._next_id,
            name=body["name"],
            head_sha=body["head_sha"],
            status=status,
            conclusion=body.get("conclusion"),
            output=output,
            annotations=annotations,
            details_url=body.get("details_url"),
            external_id=body.get("external_id"),
            started_at=body.get("started_at") or now,
            completed_at=(body.get("completed_at") or now) if status == "completed" else None,
        )
        self.check_runs[run.id] = run
        return (
            201,
            self._run_json(run),
            {"Location": f"{self.url}/repos/{self.repository}/check-runs/{run.id}"},
        )

    def _update_check_run(
        self, record: RecordedRequest, run: CheckRunState
    ) -> tuple[int, Any, dict[str, str]]:
        problems = _validate(record.body, _PATCH_MODELS) + _github_rules(record.body)
        if problems:
            return 422, _invalid(problems), {}
        body = record.body
        for key in ("name", "details_url", "external_id", "started_at"):
            if key in body:
                setattr(run, key, body[key])
        if "output" in body:
            output = dict(body["output"])
            run.annotations.extend(output.pop("annotations", []) or [])
            run.output.update(output)
        if body.get("conclusion"):
            run.conclusion = body["conclusion"]
            run.status = "completed"
            run.completed_at = body.get("completed_at") or _now()
        elif body.get("status"):
            run.status = body["status"]
        return 200, self._run_json(run), {}

    def _list_check_runs(
        self, record: RecordedRequest, ref: str
    ) -> tuple[int, Any, dict[str, str]]:
        name = _first(record.query, "check_name", "")
        status = _first(record.query, "status", "")
        runs = [
            run
            for run in sorted(self.check_runs.values(), key=lambda r: -r.id)
            if run.head_sha == ref
            and (not name or run.name == name)
            and (not status or run.status == status)
        ]
        if _first(record.query, "filter", "latest") == "latest":
            seen: set[str] = set()
            latest = []
            for run in runs:
                if run.name not in seen:
                    seen.add(run.name)
                    latest.append(run)
            runs = latest
        return self._paginate(record, [self._run_json(run) for run in runs], "check_runs")

    # -- JSON shapes PyGithub reads -------------------------------------------------------
    def _repo_json(self) -> dict[str, Any]:
        owner, name = self.repository.split("/", 1)
        return {
            "id": 1,
            "node_id": "R_1",
            "name": name,
            "full_name": self.repository,
            "owner": {"login": owner, "id": 2, "type": "Organization"},
            "private": False,
            "url": f"{self.url}/repos/{self.repository}",
            "html_url": f"{self.html_url}/{self.repository}",
            "default_branch": "main",
        }

    def _run_json(self, run: CheckRunState) -> dict[str, Any]:
        api = f"{self.url}/repos/{self.repository}"
        return {
            "id": run.id,
            "node_id": f"CR_{run.id}",
            "head_sha": run.head_sha,
            "external_id": run.external_id or "",
            "url": f"{api}/check-runs/{run.id}",
            "html_url": f"{self.html_url}/{self.repository}/runs/{run.id}",
            "details_url": run.details_url or f"{self.html_url}/{self.repository}/runs/{run.id}",
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": run.started_at,
            "completed_at": run.completed_at,
            "name": run.name,
            "output": {
                "title": run.output.get("title"),
                "summary": run.output.get("summary"),
                "text": run.output.get("text"),
                "annotations_count": len(run.annotations),
                "annotations_url": f"{api}/check-runs/{run.id}/annotations",
            },
            "check_suite": {"id": 5},
            "app": {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"},
            "pull_requests": [],
        }

    def _commit_json(self, ref: str) -> dict[str, Any]:
        return {
            "sha": ref,
            "url": f"{self.url}/repos/{self.repository}/commits/{ref}",
            "html_url": f"{self.html_url}/{self.repository}/commit/{ref}",
            "commit": {"message": "test commit"},
            "parents": [],
            "files": [],
        }

    def _pull_json(self, pull: PullState) -> dict[str, Any]:
        api = f"{self.url}/repos/{self.repository}"
        return {
            "id": 100 + pull.number,
            "number": pull.number,
            "state": "open",
            "url": f"{api}/pulls/{pull.number}",
            "html_url": f"{self.html_url}/{self.repository}/pull/{pull.number}",
            "head": {"sha": pull.head_sha, "ref": "feature", "repo": self._repo_json()},
            "base": {"sha": pull.base_sha, "ref": pull.base_ref, "repo": self._repo_json()},
            "changed_files": len(pull.files),
        }


# -- validation ---------------------------------------------------------------------------

_POST_MODELS = (
    gh_models.ReposOwnerRepoCheckRunsPostBodyOneof0,
    gh_models.ReposOwnerRepoCheckRunsPostBodyOneof1,
)
_PATCH_MODELS = (
    gh_models.ReposOwnerRepoCheckRunsCheckRunIdPatchBodyAnyof0,
    gh_models.ReposOwnerRepoCheckRunsCheckRunIdPatchBodyAnyof1,
)


def _validate(body: Any, models: tuple[type[Any], ...]) -> list[str]:
    """GitHub's request schema: the body must validate against one of the variants."""
    if not isinstance(body, dict):
        return ["Request body must be a JSON object"]
    errors: list[str] = []
    for model in models:
        try:
            model.model_validate(body)
        except ValidationError as exc:
            errors.extend(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
        else:
            return []
    return errors


def _github_rules(body: Any) -> list[str]:
    """Rules GitHub enforces that its OpenAPI description does not encode."""
    if not isinstance(body, dict):
        return []
    problems: list[str] = []
    if _has_astral(body):
        problems.append("characters above U+FFFF are not accepted (GitHub answers 422)")
    if "name" in body and not str(body["name"]).strip():
        problems.append("name must not be empty")
    output = body.get("output")
    if isinstance(output, dict):
        title = output.get("title")
        if isinstance(title, str) and len(title) > MAX_TITLE:
            problems.append(f"output.title is longer than {MAX_TITLE} characters")
        for key in ("summary", "text"):
            value = output.get(key)
            if isinstance(value, str) and len(value.encode("utf-8")) > MAX_OUTPUT_TEXT:
                problems.append(f"output.{key} is longer than {MAX_OUTPUT_TEXT} bytes")
        annotations = output.get("annotations") or []
        if isinstance(annotations, list):
            if len(annotations) > MAX_ANNOTATIONS_PER_REQUEST:
                problems.append(
                    f"output.annotations: at most {MAX_ANNOTATIONS_PER_REQUEST} per request"
                )
            for index, item in enumerate(annotations):
                if isinstance(item, dict):
                    problems.extend(_annotation_rules(index, item))
    return problems


def _annotation_rules(index: int, item: Mapping[str, Any]) -> list[str]:
    where = f"output.annotations[{index}]"
    problems = []
    for key in ("message", "raw_details"):
        value = item.get(key)
        if isinstance(value, str) and len(value.encode("utf-8")) > MAX_ANNOTATION_BYTES:
            problems.append(f"{where}.{key} is larger than 64 KB")
    title = item.get("title")
    if isinstance(title, str) and len(title) > MAX_TITLE:
        problems.append(f"{where}.title is longer than {MAX_TITLE} characters")
    start, end = item.get("start_line"), item.get("end_line")
    if isinstance(start, int) and start < 1:
        problems.append(f"{where}.start_line must be >= 1")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        problems.append(f"{where}.end_line must be >= start_line")
    if ("start_column" in item or "end_column" in item) and start != end:
        problems.append(f"{where}: columns are only allowed when start_line == end_line")
    if not str(item.get("path", "")).strip() or str(item.get("path", "")).startswith("/"):
        problems.append(f"{where}.path must be a repository-relative path")
    return problems


def _has_astral(value: Any) -> bool:
    if isinstance(value, str):
        return any(ord(ch) > 0xFFFF for ch in value)
    if isinstance(value, dict):
        return any(_has_astral(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_astral(v) for v in value)
    return False


def _invalid(problems: list[str]) -> dict[str, Any]:
    return {
        "message": "Invalid request.\n\n" + "\n".join(problems),
        "errors": problems,
        "documentation_url": "https://docs.github.com/rest/checks/runs",
        "status": "422",
    }


def _not_found() -> dict[str, str]:
    return {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def _first(query: Mapping[str, list[str]], key: str, default: str) -> str:
    values = query.get(key)
    return values[0] if values else default


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_annotations(server: GitHubServer) -> Iterator[dict[str, Any]]:
    """Every annotation on every check run, in creation order."""
    for run in server.check_runs.values():
        yield from run.annotations
