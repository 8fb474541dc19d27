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


def run_batch(
    jobs: Sequence[Job],
    *,
    project_root: Path,
    site_packages: Path | None,
    timeout: float,
    max_memory: int,
) -> BatchResult:
    config = {
        "project_root": str(project_root),
        "site_packages": str(site_packages) if site_packages else None,
    }
    outcomes: dict[int, Outcome] = {}
    pending = list(jobs)
    processes = 0
    engine_version = ENGINE_VERSION
    if not pending:
        return BatchResult(outcomes, engine_version, processes)

    # Batched mode: one child until it dies; a timeout costs a restart, not the batch.
    crashed = False
    while pending and not crashed:
        worker, engine_version = _start(config, max_memory)
        processes += 1
        restart = False
        while pending and not restart:
            job = pending[0]
            message = _exchange(worker, job, timeout)
            if isinstance(message, dict):
                outcomes[job.ident] = _outcome(message)
                pending.pop(0)
            elif message == "timeout":
                outcomes[job.ident] = Outcome("timeout", timeout)
                pending.pop(0)
                worker.kill()
                restart = True
            else:  # the child died: switch to one process per module
                worker.kill()
                crashed = True
                restart = True
        if not restart:
            worker.close()

    # Isolation mode: each remaining module alone, so a poisoned one is named.
    for job in pending:
        worker, engine_version = _start(config, max_memory)
        processes += 1
        message = _exchange(worker, job, timeout)
        if isinstance(message, dict):
            outcomes[job.ident] = _outcome(message)
            worker.close()
        elif message == "timeout":
            outcomes[job.ident] = Outcome("timeout", timeout)
            worker.kill()
        else:
            outcomes[job.ident] = Outcome("crashed", worker.stderr_tail())
            worker.kill()
    return BatchResult(outcomes, engine_version, processes)


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
    for kind in ("decision", "contract_errors", "contract_error", "tool_error"):
        if kind in message:
            return Outcome(kind, message[kind])
    return Outcome("tool_error", "The engine sent an unreadable answer.")
