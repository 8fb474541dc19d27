"""The retry policy's decisions, with a fake clock (no real sleeping)."""

from __future__ import annotations

import pytest
import requests
from github import GithubException

from importspy_action.github.api_retry import (
    ApiTuning,
    Budget,
    DeliveryError,
    Kind,
    Retrier,
    classify,
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _gh(status: int, message: str, headers: dict[str, str] | None = None) -> GithubException:
    return GithubException(status, {"message": message}, headers or {})


@pytest.mark.parametrize(
    ("exc", "kind", "wait"),
    [
        (_gh(502, "Bad gateway"), Kind.TRANSIENT, None),
        (requests.exceptions.ReadTimeout("slow"), Kind.TRANSIENT, None),
        (requests.exceptions.ConnectionError("reset"), Kind.TRANSIENT, None),
        (_gh(401, "Bad credentials"), Kind.DENIED, None),
        (_gh(403, "Resource not accessible by integration"), Kind.DENIED, None),
        (_gh(403, "You have exceeded a secondary rate limit."), Kind.RATE_LIMITED, 60.0),
        (_gh(403, "x", {"Retry-After": "17"}), Kind.RATE_LIMITED, 17.0),
        (_gh(429, "slow down", {"retry-after": "3"}), Kind.RATE_LIMITED, 3.0),
        (
            _gh(
                403,
                "API rate limit exceeded",
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1100"},
            ),
            Kind.RATE_LIMITED,
            101.0,
        ),
        (_gh(422, "Invalid request"), Kind.REJECTED, None),
    ],
)
def test_classify(exc: BaseException, kind: Kind, wait: float | None) -> None:
    failure = classify(exc, now=lambda: 1000.0)
    assert failure.kind is kind
    assert failure.wait == wait


def test_transient_failures_back_off_exponentially_within_the_attempt_limit() -> None:
    fake = FakeTime()
    budget = Budget(1000, clock=fake.clock, sleep=fake.sleep)
    retrier = Retrier(budget, ApiTuning(max_attempts=4))
    calls = []

    def always_502() -> None:
        calls.append(fake.now)
        raise _gh(502, "Bad gateway")

    with pytest.raises(DeliveryError):
        retrier.call("create", always_502)
    assert len(calls) == 4
    assert budget.waits == [1.0, 2.0, 4.0]


def test_a_wait_beyond_the_budget_is_refused_without_sleeping() -> None:
    fake = FakeTime()
    budget = Budget(30, clock=fake.clock, sleep=fake.sleep)
    retrier = Retrier(budget, ApiTuning())

    def limited() -> None:
        raise _gh(403, "x", {"Retry-After": "31"})

    with pytest.raises(DeliveryError) as caught:
        retrier.call("create", limited)
    assert caught.value.budget and fake.now == 0.0 and retrier.attempts == 1


def test_scaled_budget_counts_nominal_seconds() -> None:
    fake = FakeTime()
    budget = Budget(100, scale=0.001, clock=fake.clock, sleep=fake.sleep)
    assert budget.wait(60)
    assert fake.now == pytest.approx(0.06)
    assert budget.remaining() == pytest.approx(40)
    assert not budget.wait(41)


def test_ambiguous_failure_runs_the_lookup_before_sending_again() -> None:
    fake = FakeTime()
    retrier = Retrier(Budget(100, clock=fake.clock, sleep=fake.sleep), ApiTuning())
    sent = []

    def create() -> str:
        sent.append(1)
        raise requests.exceptions.ReadTimeout("slow")

    assert retrier.call("create", create, lookup=lambda: "found") == "found"
    assert len(sent) == 1


def test_tuning_from_environ_ignores_garbage() -> None:
    tuning = ApiTuning.from_environ(
        {"IMPORTSPY_ACTION_API_TIMEOUT": "0.2", "IMPORTSPY_ACTION_WRITE_INTERVAL": "x"}
    )
    assert tuning.timeout == 1 and tuning.write_interval == 1.0
