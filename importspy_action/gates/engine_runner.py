"""Drive the contracts worker: one batched child, deadlines, memory cap, crash isolation.

All modules go through ONE child process (the engine costs ~9 ms per module; a process
~330 ms). Each module gets `timeout` seconds once it is handed over; a module that overruns
is reported as timed out, the child is killed and a fresh one continues with the rest. If
the child dies (a crash, the memory cap), every module not yet judged is retried in its own
process, so the poisoned module is named and all the others still get a verdict.

The child's answers are read by a thread that blocks on the pipe and hands whole lines to a
queue; the deadline is a timed `queue.get`. That works on every OS: `selectors` cannot wait
on pipes on Windows. The memory cap is RLIMIT_AS, which exists on POSIX only; on Windows the
child runs without a memory cap (the per-module deadline still applies).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ToolError
from .worker_count import auto_workers

ENGINE_VERSION = "0.5.0"
DECISION_SCHEMA = 1
STARTUP_TIMEOUT = 60.0
WORKER_SCRIPT = Path(__file__).with_name("contracts_worker.py")
"""Run as a script under `-I` (isolated): neither PYTHONPATH nor the current directory -- the
user's workspace -- can shadow the engine's imports. The worker imports only importspy."""


@dataclass(frozen=True)
class Job:
    ident: int
    subject: Path
    contract: Path | None


@dataclass(frozen=True)
class Outcome:
    """What happened to one job: `kind` is the protocol key, or timeout / crashed."""

    kind: str
    payload: Any = None


@dataclass(frozen=True)
class BatchResult:
    outcomes: dict[int, Outcome]
    engine_version: str
    processes: int


class _Worker:
    """One child process with a line reader that honours deadlines."""

    def __init__(self, config: dict[str, Any], max_memory: int) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the child
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=tempfile.gettempdir(),
            env=env,
            preexec_fn=_limit_memory(max_memory),
        )
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read_lines, daemon=True)
        self._reader.start()
        self.send(config)

    def _read_lines(self) -> None:
        """Runs in its own thread: every line the child writes, then None at end of file."""
        stream = self.proc.stdout
        assert stream is not None
        try:
            for line in iter(stream.readline, b""):
                self._lines.put(line)
        except (OSError, ValueError):  # the pipe was closed under us: same as end of file
            pass
        self._lines.put(None)

    def send(self, payload: dict[str, Any]) -> bool:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(payload) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def read(self, timeout: float) -> dict[str, Any] | str:
        """Next message, or "timeout", or "eof" when the child died."""
        try:
            line = self._lines.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return "timeout"
        if line is None:
            self._lines.put(None)  # stay at end of file for any later read
            return "eof"
        try:
            message = json.loads(line)
        except ValueError:
            return "eof"
        return message if isinstance(message, dict) else "eof"

    def stderr_tail(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return text[-2000:]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.proc.stdin:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._finish()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self._finish()

    def _finish(self) -> None:
        # The child has exited, so its end of the pipe is closed and the reader sees end of
        # file; join it before closing our end so no thread is left blocked in a read.
        self._reader.join(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if stream:
                    stream.close()
        self._stderr.close()


def _limit_memory(max_memory: int) -> Any:
    try:
        import resource
    except ImportError:  # not POSIX: no cap, the deadline still applies
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))

    return apply


def _start(config: dict[str, Any], max_memory: int) -> tuple[_Worker, str]:
    worker = _Worker(config, max_memory)
    hello = worker.read(STARTUP_TIMEOUT)
    if not isinstance(hello, dict) or "hello" not in hello:
        tail = worker.stderr_tail()
        worker.kill()
        reason = "did not start in time" if hello == "timeout" else "exited during start-up"
        raise ToolError(
            f"The ImportSpy engine process {reason}." + (f" It said: {tail}" if tail else "")
        )
    info = hello["hello"]
    version, schema = info.get("engine_version"), info.get("decision_schema")
    if version != ENGINE_VERSION or schema != DECISION_SCHEMA:
        worker.kill()
        raise ToolError(
            f"Found importspy {version} (decision schema {schema}); this action is built for "
            f"importspy {ENGINE_VERSION} (decision schema {DECISION_SCHEMA}) and refuses to "
            "guess what another version's verdicts mean. Reinstall importspy-action."
        )
    return worker, str(version)


class _Feed:
    """The jobs, handed out one at a time to whichever lane asks first (thread-safe).

    Lanes pull instead of taking fixed slices so a few slow modules do not leave one lane
    busy while the others idle."""

    def __init__(self, jobs: Sequence[Job]) -> None:
        self._jobs = list(reversed(jobs))
        self._lock = threading.Lock()

    def take(self) -> Job | None:
        with self._lock:
            return self._jobs.pop() if self._jobs else None

    def stop(self) -> None:
        with self._lock:
            self._jobs.clear()


class _Lane:
    """One engine worker's share of the batch: the batched child until it dies, then one
    process per module (isolation), exactly as a single-worker run would do it."""

    def __init__(self, config: dict[str, Any], max_memory: int, timeout: float) -> None:
        self.config, self.max_memory, self.timeout = config, max_memory, timeout
        self.outcomes: dict[int, Outcome] = {}
        self.processes = 0
        self.engine_version = ENGINE_VERSION
        self.error: Exception | None = None

    def _start(self) -> _Worker:
        worker, self.engine_version = _start(self.config, self.max_memory)
        self.processes += 1
        return worker

    def run(self, feed: _Feed) -> None:
        try:
            unjudged = self._batched(feed)
            while unjudged is not None:
                self._isolated(unjudged)
                unjudged = feed.take()
        except Exception as exc:  # re-raised by run_batch in the caller's thread
            self.error = exc
            feed.stop()  # the other lanes stop too; the error ends the whole batch

    def _batched(self, feed: _Feed) -> Job | None:
        """Judge jobs in one child; return the job in flight when the child died."""
        worker: _Worker | None = None
        try:
            while (job := feed.take()) is not None:
                if worker is None:
                    worker = self._start()
                message = _exchange(worker, job, self.timeout)
                if isinstance(message, dict):
                    self.outcomes[job.ident] = _outcome(message)
                elif message == "timeout":  # a timeout costs a restart, not the batch
                    self.outcomes[job.ident] = Outcome("timeout", self.timeout)
                    worker.kill()
                    worker = None
                else:  # the child died: this lane switches to one process per module
                    worker.kill()
                    worker = None
                    return job
        except BaseException:
            if worker is not None:  # never leave a child behind on an unexpected error
                worker.kill()
            raise
        if worker is not None:
            worker.close()
        return None

    def _isolated(self, job: Job) -> None:
        """One module alone in its own process, so a poisoned one is named."""
        worker = self._start()
        message = _exchange(worker, job, self.timeout)
        if isinstance(message, dict):
            self.outcomes[job.ident] = _outcome(message)
            worker.close()
        elif message == "timeout":
            self.outcomes[job.ident] = Outcome("timeout", self.timeout)
            worker.kill()
        else:
            self.outcomes[job.ident] = Outcome("crashed", worker.stderr_tail())
            worker.kill()


def run_batch(
    jobs: Sequence[Job],
    *,
    project_root: Path,
    site_packages: Path | None,
    timeout: float,
    max_memory: int,
    workers: int | None = 1,
) -> BatchResult:
    """Judge every job; `workers` engine children share them (None: `auto`, see
    worker_count). Outcomes are keyed by job, so they do not depend on how many workers
    judged them or in which order; only `processes` does."""
    config = {
        "project_root": str(project_root),
        "site_packages": str(site_packages) if site_packages else None,
    }
    if not jobs:
        return BatchResult({}, ENGINE_VERSION, 0)
    count = auto_workers(max_memory, len(jobs)) if workers is None else workers
    count = max(1, min(count, len(jobs)))
    feed = _Feed(jobs)
    lanes = [_Lane(config, max_memory, timeout) for _ in range(count)]
    if count == 1:
        lanes[0].run(feed)
    else:
        threads = [threading.Thread(target=lane.run, args=(feed,)) for lane in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for lane in lanes:
        if lane.error is not None:
            raise lane.error
    outcomes: dict[int, Outcome] = {}
    for lane in lanes:
        outcomes.update(lane.outcomes)
    return BatchResult(
        {job.ident: outcomes[job.ident] for job in jobs},
        next((lane.engine_version for lane in lanes if lane.processes), ENGINE_VERSION),
        sum(lane.processes for lane in lanes),
    )


def _exchange(worker: _Worker, job: Job, timeout: float) -> dict[str, Any] | str:
    payload = {
        "id": job.ident,
        "subject": str(job.subject),
        "contract": str(job.contract) if job.contract else None,
    }
    if not worker.send(payload):
        return "eof"
    return worker.read(timeout)


def _outcome(message: dict[str, Any]) -> Outcome:
    if "memory_error" in message:  # the cap stopped it, as when the cap kills a child
        return Outcome("crashed", str(message["memory_error"]))
    for kind in ("decision", "contract_errors", "contract_error", "tool_error"):
        if kind in message:
            return Outcome(kind, message[kind])
    return Outcome("tool_error", "The engine sent an unreadable answer.")
