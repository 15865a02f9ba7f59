"""attempts: the total timeout bounds every attempt, the waits between them and reading the body."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from specwright_runtime.core import Call, RequestOptions, SyncCore
from specwright_runtime.errors import ErrorInfo, FailureKind, SpecwrightError
from specwright_runtime.retries import RetryPolicy


class SlowBody(httpx.SyncByteStream):
    """A body that trickles in: each chunk arrives well within a read timeout."""

    def __init__(self, chunks: int, pause: float) -> None:
        self.chunks, self.pause = chunks, pause

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            time.sleep(self.pause)
            yield b"x"


def build(handler: Callable[[httpx.Request], httpx.Response], total: float | None, retry: RetryPolicy | None = None) -> SyncCore:
    def factory(info: ErrorInfo) -> Exception:
        return SpecwrightError(info.message, info=info)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return SyncCore(client, base_url="https://api.test", error_factory=factory, retry=retry, total_timeout=total)


def test_trickling_body_is_cut_at_the_total(sleeps: list[float]) -> None:
    core = build(lambda r: httpx.Response(200, stream=SlowBody(chunks=50, pause=0.02)), total=0.2)
    started = time.monotonic()
    with pytest.raises(SpecwrightError) as caught:
        core.send(Call("GET", "/slow"))
    assert time.monotonic() - started < 0.6
    assert caught.value.info is not None and caught.value.info.kind is FailureKind.TIMEOUT
    core.close()


def test_no_total_reads_the_whole_body() -> None:
    core = build(lambda r: httpx.Response(200, stream=SlowBody(chunks=5, pause=0.01)), total=None)
    assert core.send(Call("GET", "/slow")).content == b"xxxxx"
    core.close()


def test_a_wait_past_the_deadline_gives_up_at_once(sleeps: list[float]) -> None:
    answers = iter([httpx.Response(503, headers={"retry-after": "5"}), httpx.Response(200)])
    core = build(lambda r: next(answers), total=2.0, retry=RetryPolicy(initial_backoff=0, jitter=False))
    with pytest.raises(SpecwrightError) as caught:
        core.send(Call("GET", "/x"))
    assert caught.value.info is not None and caught.value.info.status_code == 503
    assert sleeps == []  # it did not wait 5 s for a deadline 2 s away


def test_waits_within_the_deadline_are_taken(sleeps: list[float]) -> None:
    answers = iter([httpx.Response(503, headers={"retry-after": "1"}), httpx.Response(200, json={})])
    core = build(lambda r: next(answers), total=30.0, retry=RetryPolicy(initial_backoff=0, jitter=False))
    assert core.send(Call("GET", "/x")).status_code == 200
    assert sleeps == [1.0]


def test_each_attempt_timeout_is_capped_by_the_time_left() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(200)

    core = build(handler, total=5.0)
    core.send(Call("GET", "/x", timeout=httpx.Timeout(30.0, connect=2.0)))
    assert 4.0 < seen[0]["read"] <= 5.0 and seen[0]["connect"] == 2.0


def test_per_call_total_overrides_the_client_default(sleeps: list[float]) -> None:
    core = build(lambda r: httpx.Response(200, stream=SlowBody(chunks=30, pause=0.02)), total=None)
    with pytest.raises(SpecwrightError):
        core.send(Call("GET", "/slow", options=RequestOptions(total_timeout=0.1)))
    core.close()


def test_streamed_downloads_have_no_default_total() -> None:
    core = build(lambda r: httpx.Response(200, stream=SlowBody(chunks=10, pause=0.02)), total=0.05)
    response = core.send(Call("GET", "/file"), stream=True)
    assert response.read() == b"x" * 10
    core.close()
