"""Which requests are retried, and how long to wait between attempts."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retry idempotent requests on connection errors and transient statuses.

    The wait before attempt ``n + 1`` is ``min(max_backoff, initial_backoff * 2 ** (n - 1))``
    with full jitter, unless the server sent ``Retry-After``, which is honoured up to
    ``max_retry_after`` seconds (a longer wait gives up instead of sleeping).
    """

    max_attempts: int = 3
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    statuses: frozenset[int] = RETRY_STATUSES
    retry_connection_errors: bool = True
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def allows(self, method: str, idempotent: bool | None) -> bool:
        """Whether a request with this method may be sent more than once."""
        if self.max_attempts <= 1:
            return False
        if idempotent is not None:
            return idempotent
        return method.upper() in IDEMPOTENT_METHODS

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_backoff, self.initial_backoff * (2 ** max(attempt - 1, 0)))
        return self.rng.uniform(0, ceiling) if self.jitter else ceiling

    def delay(self, attempt: int, retry_after: str | None) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to give up now."""
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            seconds = parse_retry_after(retry_after)
            if seconds is not None:
                return seconds if seconds <= self.max_retry_after else None
        return self.backoff(attempt)


def parse_retry_after(value: str, *, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` (delay seconds or an HTTP date) into seconds from now.

    Returns ``None`` when the value is neither; dates in the past give ``0.0``.
    """
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(min(int(value[:12]), 10**11))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
