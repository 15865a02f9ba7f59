"""retries: which requests are retried, backoff, and Retry-After parsing."""

from __future__ import annotations

import random
import time
from email.utils import formatdate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from specwright_runtime.retries import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryPolicy, parse_retry_after

NOW = 1_700_000_000.0  # a fixed "now" for HTTP-date tests

quick = settings(max_examples=300, database=None, deadline=None)


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


class TestAllows:
    @pytest.mark.parametrize("method", sorted(IDEMPOTENT_METHODS))
    def test_idempotent_methods(self, method: str) -> None:
        assert RetryPolicy().allows(method, None) is True
        assert RetryPolicy().allows(method.lower(), None) is True

    @pytest.mark.parametrize("method", ["POST", "PATCH", "CONNECT"])
    def test_unsafe_methods(self, method: str) -> None:
        assert RetryPolicy().allows(method, None) is False

    def test_explicit_idempotence_wins(self) -> None:
        assert RetryPolicy().allows("POST", True) is True
        assert RetryPolicy().allows("GET", False) is False

    def test_disabled_never_retries(self) -> None:
        policy = RetryPolicy.disabled()
        assert policy.max_attempts == 1
        assert policy.allows("GET", None) is False
        assert policy.allows("POST", True) is False
        assert policy.delay(1, None) is None


class TestBackoff:
    def test_exponential_without_jitter(self) -> None:
        policy = RetryPolicy(initial_backoff=0.5, max_backoff=3.0, jitter=False)
        assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]

    def test_attempt_zero_is_treated_as_first(self) -> None:
        assert RetryPolicy(initial_backoff=0.5, jitter=False).backoff(0) == 0.5

    @quick
    @given(attempt=st.integers(min_value=1, max_value=60), seed=st.integers())
    def test_full_jitter_stays_under_the_ceiling(self, attempt: int, seed: int) -> None:
        policy = RetryPolicy(initial_backoff=0.25, max_backoff=8.0, rng=random.Random(seed))
        ceiling = min(8.0, 0.25 * 2 ** (attempt - 1))
        assert 0.0 <= policy.backoff(attempt) <= ceiling

    def test_jitter_is_random(self) -> None:
        policy = RetryPolicy(initial_backoff=1.0, rng=random.Random(1))
        assert len({policy.backoff(3) for _ in range(20)}) > 1


class TestDelay:
    def test_gives_up_after_max_attempts(self) -> None:
        policy = RetryPolicy(max_attempts=3, initial_backoff=1.0, jitter=False)
        assert policy.delay(1, None) == 1.0
        assert policy.delay(2, None) == 2.0
        assert policy.delay(3, None) is None
        assert policy.delay(4, "1") is None

    def test_retry_after_seconds_win_over_backoff(self) -> None:
        policy = RetryPolicy(initial_backoff=1.0, jitter=False)
        assert policy.delay(1, "7") == 7.0
        assert policy.delay(1, "0") == 0.0

    def test_retry_after_too_long_gives_up(self) -> None:
        policy = RetryPolicy(max_retry_after=60.0)
        assert policy.delay(1, "60") == 60.0
        assert policy.delay(1, "61") is None

    def test_unparsable_retry_after_falls_back_to_backoff(self) -> None:
        policy = RetryPolicy(initial_backoff=0.75, jitter=False)
        assert policy.delay(1, "soon") == 0.75

    def test_retry_after_date(self) -> None:
        policy = RetryPolicy()
        delay = policy.delay(1, http_date(time.time() + 30))
        assert delay is not None and 27.0 <= delay <= 30.0

    def test_default_statuses(self) -> None:
        assert RetryPolicy().statuses == RETRY_STATUSES == frozenset({408, 429, 500, 502, 503, 504})


class TestParseRetryAfter:
    @quick
    @given(st.integers(min_value=0, max_value=10**9))
    def test_digits_are_seconds(self, seconds: int) -> None:
        assert parse_retry_after(str(seconds)) == float(seconds)

    @quick
    @given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", " ", "\t"]))
    def test_surrounding_whitespace_is_ignored(self, seconds: int, pad: str) -> None:
        assert parse_retry_after(f"{pad}{seconds}{pad} ") == float(seconds)

    @quick
    @given(st.integers(min_value=0, max_value=10**7))
    def test_http_date_ahead(self, seconds: int) -> None:
        result = parse_retry_after(http_date(NOW + seconds), now=NOW)
        assert result is not None
        assert abs(result - seconds) <= 1.0  # HTTP dates have one-second resolution

    def test_http_date_against_the_clock(self) -> None:
        result = parse_retry_after(http_date(time.time() + 120))
        assert result is not None and 117.0 <= result <= 120.0

    @quick
    @given(st.integers(min_value=1, max_value=10**8))
    def test_http_date_in_the_past_is_zero(self, seconds: int) -> None:
        assert parse_retry_after(http_date(NOW - seconds), now=NOW) == 0.0

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "   ",
            "soon",
            "-5",
            "+5",
            "1.5",
            "1e3",
            "0x10",
            "Wed, 99 Foo 2024 25:61:61 GMT",
            "Wed, 21 Oct 2015 07:28:00",  # no zone: not a valid HTTP date
            "Wed, 21 Oct 2015 07:28:00 -0000",  # zone "unknown": naive datetime
        ],
    )
    def test_garbage_is_none(self, value: str) -> None:
        assert parse_retry_after(value) is None

    @quick
    @given(
        st.text(
            # everything except digits of any script (a date needs digits), so nothing here is valid
            alphabet=st.characters(codec="utf-8", exclude_categories=("Nd", "No", "Nl")),
            max_size=40,
        )
    )
    def test_text_without_digits_is_none(self, value: str) -> None:
        assert parse_retry_after(value) is None

    @quick
    @given(st.text(alphabet="0123456789 ,:-+ADFGJMNOSTWabceghilnoprtuvy", max_size=40))
    def test_never_negative_and_never_raises(self, value: str) -> None:
        result = parse_retry_after(value, now=NOW)
        assert result is None or result >= 0.0

    @pytest.mark.parametrize("value", ["\u00b2", "\u2460", "9" * 400])
    def test_odd_digit_strings_do_not_raise(self, value: str) -> None:
        result = parse_retry_after(value)
        assert result is None or result >= 0.0
