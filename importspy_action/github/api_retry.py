"""How the sender survives the GitHub API saying no: classify, wait within a budget, retry.

- 5xx and connection errors/timeouts are transient: retried with bounded exponential backoff.
  They are also *ambiguous* for writes (the server may have applied the request before the
  answer was lost), so before a write is sent again the caller's `lookup` checks whether it
  already happened -- a timed-out create never makes a second check run.
- 403/429 rate limits wait as GitHub asks: `Retry-After`, else `x-ratelimit-reset`, else (a
  secondary limit with no header) one minute, as GitHub's documentation says.
- 401 and 403 "Resource not accessible by integration" are permission problems: retrying
  cannot help, so they end the attempt at once and the caller falls back.
- 422 means GitHub rejected the payload: no retry (it would be rejected again).

Every wait comes out of one `Budget` (input `report-budget`): a wait longer than what is left
is not started at all. PyGithub's own retry is off (it would sleep outside the budget).
`ApiTuning.time_scale` shrinks real sleeping for tests while the budget still counts the
nominal seconds, so a test can exercise a 60 s Retry-After in milliseconds.
"""

from __future__ import annotations

import email.utils
import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import GithubException

T = TypeVar("T")

SECONDARY_LIMIT_WAIT = 60.0


@dataclass(frozen=True)
class ApiTuning:
    """Knobs of the HTTP client. Defaults are the polite production values.

    Environment overrides (for tests and unusual servers, not action inputs):
    IMPORTSPY_ACTION_API_TIMEOUT (seconds per request, integer >= 1),
    IMPORTSPY_ACTION_REQUEST_INTERVAL / IMPORTSPY_ACTION_WRITE_INTERVAL (PyGithub's spacing
    between requests / writes; GitHub asks integrations to space writes ~1 s apart),
    IMPORTSPY_ACTION_TIME_SCALE (multiplies real sleeping; the budget counts nominal time).
    """

    timeout: int = 15
    request_interval: float = 0.25
    write_interval: float = 1.0
    time_scale: float = 1.0
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_attempts: int = 6

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ApiTuning:
        defaults = cls()

        def number(name: str, default: float) -> float:
            raw = environ.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                return default
            return value if value >= 0 else default

        return cls(
            timeout=max(1, round(number("IMPORTSPY_ACTION_API_TIMEOUT", defaults.timeout))),
            request_interval=number("IMPORTSPY_ACTION_REQUEST_INTERVAL", defaults.request_interval),
            write_interval=number("IMPORTSPY_ACTION_WRITE_INTERVAL", defaults.write_interval),
            time_scale=number("IMPORTSPY_ACTION_TIME_SCALE", defaults.time_scale),
        )


class Budget:
    """Seconds the reporting may spend in total: request time plus (nominal) waiting."""

    def __init__(
        self,
        seconds: float,
        *,
        scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.total = seconds
        self._scale = scale
        self._clock = clock
        self._sleep = sleep
        self._start = clock()
        self._real_slept = 0.0
        self._nominal_slept = 0.0
        self.waits: list[float] = []  # nominal seconds of every wait taken, for reports/tests

    def spent(self) -> float:
        elapsed = self._clock() - self._start
        return elapsed - self._real_slept + self._nominal_slept

    def remaining(self) -> float:
        return max(0.0, self.total - self.spent())

    def wait(self, seconds: float) -> bool:
        """Wait `seconds` (nominal) if the budget allows; False (and no wait) otherwise."""
        seconds = max(0.0, seconds)
        if seconds > self.remaining():
            return False
        real = seconds * self._scale
        before = self._clock()
        self._sleep(real)
        self._real_slept += self._clock() - before
        self._nominal_slept += seconds
        self.waits.append(seconds)
        return True


class Kind(str, enum.Enum):
    TRANSIENT = "transient"  # 5xx, connection error, timeout: back off and retry
    RATE_LIMITED = "rate-limited"  # wait as told, then retry
    DENIED = "denied"  # 401, 403 not accessible / no permission: fall back
    REJECTED = "rejected"  # 422: the payload is wrong
    FAILED = "failed"  # anything else


@dataclass(frozen=True)
class ApiFailure:
    kind: Kind
    status: int
    message: str
    wait: float | None = None  # seconds the server asked us to wait
    ambiguous: bool = False  # a write may have been applied although we saw no answer

    def describe(self) -> str:
        where = f"HTTP {self.status}" if self.status else "no answer"
        return f"{where}: {self.message}"


class DeliveryError(Exception):
    """The API call could not be completed; `failure` says why, `budget` if time ran out."""

    def __init__(self, what: str, failure: ApiFailure, *, budget: bool = False) -> None:
        self.what = what
        self.failure = failure
        self.budget = budget
        reason = failure.describe()
        if budget:
            reason += " (the report budget does not allow another wait)"
        super().__init__(f"could not {what}: {reason}")


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    if not headers:
        return None
    lowered = {str(key).lower(): value for key, value in headers.items()}
    value = lowered.get(name.lower())
    return None if value is None else str(value)


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict):
        message = str(data.get("message") or "")
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            message += " " + "; ".join(str(item) for item in errors[:5])
        return message.strip() or type(exc).__name__
    return str(data or type(exc).__name__)[:500]


def _retry_after(headers: Mapping[str, Any] | None, now: float) -> float | None:
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def classify(exc: BaseException, *, now: Callable[[], float] = time.time) -> ApiFailure:
    """Sort an exception from PyGithub/requests into what to do about it."""
    if isinstance(exc, requests.exceptions.RequestException):
        return _classify_transport(exc)
    if not isinstance(exc, GithubException):
        return ApiFailure(Kind.FAILED, 0, f"{type(exc).__name__}: {exc}")
    status = int(exc.status or 0)
    message = _message(exc)
    if status >= 500:
        return ApiFailure(Kind.TRANSIENT, status, message, ambiguous=True)
    if status == 401:
        return ApiFailure(Kind.DENIED, status, message)
    if status in (403, 429):
        return _classify_limited(status, message, exc.headers, now)
    if status == 422:
        return ApiFailure(Kind.REJECTED, status, message)
    if status == 404:
        return ApiFailure(Kind.DENIED, status, message or "Not Found")
    return ApiFailure(Kind.FAILED, status, message)


def _classify_transport(exc: requests.exceptions.RequestException) -> ApiFailure:
    """A failure below HTTP: TLS, timeout, connection (the last two may have been applied)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return ApiFailure(
            Kind.FAILED,
            0,
            f"TLS verification failed ({exc}); for GitHub Enterprise Server with a private CA "
            "set the `ca-bundle` input",
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return ApiFailure(Kind.TRANSIENT, 0, "the request timed out", ambiguous=True)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return ApiFailure(Kind.TRANSIENT, 0, f"connection failed ({exc})", ambiguous=True)
    return ApiFailure(Kind.FAILED, 0, f"request failed ({exc})")


def _classify_limited(
    status: int, message: str, headers: Mapping[str, Any] | None, now: Callable[[], float]
) -> ApiFailure:
    """403/429: a primary or secondary rate limit (wait and retry) or a plain denial.

    GitHub answers both with 403, so the headers and the message tell them apart.
    """
    lowered = message.lower()
    wait = _retry_after(headers, now())
    remaining = _header(headers, "x-ratelimit-remaining")
    reset = _header(headers, "x-ratelimit-reset")
    if wait is None and remaining == "0" and reset and reset.strip().isdigit():
        wait = max(0.0, float(reset) - now()) + 1.0
    secondary = "secondary rate limit" in lowered or lowered.endswith(
        (
            "please wait a few minutes before you try again.",
            "please retry your request again later.",
        )
    )
    primary = lowered.startswith("api rate limit exceeded")
    if wait is not None or secondary or primary or status == 429:
        if wait is None and (secondary or primary):
            wait = SECONDARY_LIMIT_WAIT
        return ApiFailure(Kind.RATE_LIMITED, status, message, wait=wait)
    return ApiFailure(Kind.DENIED, status, message)


class Retrier:
    """Runs API calls under the retry policy and the shared budget."""

    def __init__(self, budget: Budget, tuning: ApiTuning) -> None:
        self.budget = budget
        self.tuning = tuning
        self.attempts = 0  # API calls started, retries included
        self.log: list[str] = []

    def call(
        self,
        what: str,
        action: Callable[[], T],
        *,
        lookup: Callable[[], T | None] | None = None,
        ignore_budget: bool = False,
    ) -> T:
        """Run `action`; after an ambiguous failure run `lookup` first (None: not applied)."""
        attempt = 0
        while True:
            if not ignore_budget and attempt and self.budget.remaining() <= 0:
                raise DeliveryError(what, self._last, budget=True)
            self.attempts += 1
            try:
                return action()
            except (GithubException, requests.exceptions.RequestException) as exc:
                failure = classify(exc)
            self._last = failure
            self.log.append(f"{what}: {failure.describe()}")
            if failure.kind in (Kind.DENIED, Kind.REJECTED, Kind.FAILED):
                raise DeliveryError(what, failure)
            attempt += 1
            if attempt >= self.tuning.max_attempts or ignore_budget:
                raise DeliveryError(what, failure)
            delay = failure.wait
            if delay is None:
                delay = min(self.tuning.max_delay, self.tuning.base_delay * 2 ** (attempt - 1))
            if not self.budget.wait(delay):
                raise DeliveryError(what, failure, budget=True)
            if failure.ambiguous and lookup is not None:
                found = self.call(f"check whether '{what}' was applied", lookup)
                if found is not None:
                    self.log.append(f"{what}: it had been applied; not sent again")
                    return found

    _last: ApiFailure = ApiFailure(Kind.FAILED, 0, "no attempt was made")
