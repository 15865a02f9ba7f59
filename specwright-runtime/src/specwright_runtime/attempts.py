"""Attempts and deadlines of one call: which failures are retried, how long to wait, when to stop.

The total timeout covers every attempt, the waits between them and reading the body; the
per-attempt httpx timeouts are capped by the time left.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx

from .errors import TokenEndpointError
from .retries import RetryPolicy

#: httpx timeouts of a generated client unless the user gives others.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Seconds a whole call may take, retries and waits included (not streamed downloads).
DEFAULT_TOTAL_TIMEOUT = 120.0


class TotalTimeout(httpx.ReadTimeout):
    """The call's total timeout ran out (raised by the core, mapped like any timeout)."""


def until(chunks: Iterator[bytes], deadline: float | None, request: httpx.Request) -> Iterator[bytes]:
    """The chunks of a body, ended by :class:`TotalTimeout` once ``deadline`` has passed."""
    for chunk in chunks:
        if deadline is not None and time.monotonic() > deadline:
            raise TotalTimeout("total timeout exceeded while downloading", request=request)
        yield chunk


async def auntil(chunks: AsyncIterator[bytes], deadline: float | None, request: httpx.Request) -> AsyncIterator[bytes]:
    """Async twin of :func:`until`."""
    async for chunk in chunks:
        if deadline is not None and time.monotonic() > deadline:
            raise TotalTimeout("total timeout exceeded while downloading", request=request)
        yield chunk


def retryable(exc: Exception, policy: RetryPolicy) -> bool:
    """Whether a failed send may be retried: refused token requests by status, else connection errors."""
    if isinstance(exc, TokenEndpointError):
        return exc.status_code is not None and exc.status_code in policy.statuses
    return policy.retry_connection_errors


class Attempts:
    """One call's attempts: which failures are retried, how long to wait, the total deadline."""

    def __init__(self, policy: RetryPolicy, may_retry: bool, total: float | None) -> None:
        self.policy = policy
        self.may_retry = may_retry
        self.deadline = None if total is None else time.monotonic() + total
        self.total = total
        self.attempt = 0
        self.started = time.monotonic()
        self.delay = 0.0
        self.redirects = 0
        self._chunks: list[bytes] = []

    def start(self, request: httpx.Request) -> None:
        """Count an attempt and cap its httpx timeouts by the time left."""
        self.attempt += 1
        self.started = time.monotonic()
        self._chunks = []
        left = self.left()
        if left is not None:
            if left <= 0:
                raise TotalTimeout(f"total timeout of {self.total:g} s exceeded", request=request)
            timeouts = dict(request.extensions.get("timeout") or {})
            for key in ("connect", "read", "write", "pool"):
                value = timeouts.get(key)
                timeouts[key] = left if value is None else min(value, left)
            request.extensions["timeout"] = timeouts

    def left(self) -> float | None:
        """Seconds left before the total deadline (``None``: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def redirected(self) -> None:
        """A followed redirect is a hop of the same attempt, not a new one."""
        self.redirects += 1
        self.attempt -= 1

    def _wait(self, retry_after: str | None) -> bool:
        delay = self.policy.delay(self.attempt, retry_after)
        left = self.left()
        if delay is None or (left is not None and delay >= left):
            return False  # out of attempts, or the wait would outlast the total timeout
        self.delay = delay
        return True

    def retry_status(self, response: httpx.Response) -> bool:
        """Whether to retry after this answer (then wait ``self.delay`` first)."""
        if not self.may_retry or response.status_code not in self.policy.statuses:
            return False
        return self._wait(response.headers.get("retry-after"))

    def retry_failure(self, exc: Exception) -> bool:
        """Whether to retry after a failed send or body read."""
        if isinstance(exc, TotalTimeout) or not self.may_retry or not retryable(exc, self.policy):
            return False
        return self._wait(None)

    def body_chunk(self, request: httpx.Request, chunk: bytes) -> None:
        """Keep a chunk of the body; fail once the deadline has passed."""
        self._chunks.append(chunk)
        left = self.left()
        if left is not None and left <= 0:  # a body that trickles in must still end in time
            raise TotalTimeout(f"total timeout of {self.total:g} s exceeded while reading the body", request=request)

    def finish_body(self, response: httpx.Response) -> None:
        """Give the response the body read chunk by chunk."""
        # what ``Response.read()`` does, done chunk by chunk so the deadline is checked
        response._content = b"".join(self._chunks)
        self._chunks = []
