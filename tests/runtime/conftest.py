"""Shared fixtures for the specwright-runtime unit tests.

Everything HTTP goes through ``httpx.MockTransport``; nothing touches the network, except
the interactive-login tests: they log in at a real OpenID provider on 127.0.0.1
(``servers/oidc_provider.py``, fixtures ``provider`` and ``browser`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import inspect
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from specwright_runtime import core as core_module
from specwright_runtime.core import AsyncCore, SyncCore
from specwright_runtime.errors import ErrorInfo, FailureKind, SpecwrightError, StatusError
from specwright_runtime.retries import RetryPolicy

BASE_URL = "https://api.test/v1"

Answer = int | type[BaseException] | Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records every request and plays scripted answers.

    An answer is an ``int`` (an empty response with that status), an exception class
    (raised with the request, as a broken connection would), or a callable taking the
    request and returning an ``httpx.Response``. The last answer repeats forever.
    """

    def __init__(self, *answers: Answer) -> None:
        if not answers:
            raise ValueError("at least one answer is needed")
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, int):
            return httpx.Response(answer)
        if isinstance(answer, type) and issubclass(answer, BaseException):
            if issubclass(answer, httpx.RequestError):
                raise answer("simulated failure", request=request)
            raise answer("simulated failure")
        return answer(request)

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


class ApiError(StatusError):
    """What a generated package's error factory builds for every failure."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(info.status_code or 0, info.message, response_body=info.body, info=info)


def make_error(info: ErrorInfo) -> Exception:
    if info.kind is FailureKind.STATUS:
        return ApiError(info)
    return SpecwrightError(info.message, info=info)


@pytest.fixture
def recorder() -> Callable[..., Recorder]:
    """``recorder(503, lambda r: httpx.Response(200, json=...))`` builds a scripted handler."""
    return Recorder


@pytest.fixture
def error_factory() -> Callable[[ErrorInfo], Exception]:
    return make_error


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Retries without waiting and without randomness."""
    return RetryPolicy(initial_backoff=0, jitter=False)


@pytest.fixture
def make_core(fast_retry: RetryPolicy) -> Iterator[Callable[..., SyncCore]]:
    """Build a ``SyncCore`` over a MockTransport handler; clients are closed afterwards."""
    made: list[SyncCore] = []

    def build(
        handler: Callable[[httpx.Request], httpx.Response],
        *,
        auth: httpx.Auth | None = None,
        base_url: str = BASE_URL,
        retry: RetryPolicy | None = None,
        title: str = "Demo",
    ) -> SyncCore:
        client = httpx.Client(transport=httpx.MockTransport(handler), auth=auth)
        core = SyncCore(
            client,
            base_url=base_url,
            error_factory=make_error,
            title=title,
            retry=retry if retry is not None else fast_retry,
        )
        made.append(core)
        return core

    yield build
    for core in made:
        core.close()


@pytest.fixture
def make_async_core(fast_retry: RetryPolicy) -> Callable[..., AsyncCore]:
    """Build an ``AsyncCore`` over a MockTransport handler (no sockets, nothing to close)."""

    def build(
        handler: Callable[[httpx.Request], Any],
        *,
        auth: httpx.Auth | None = None,
        base_url: str = BASE_URL,
        retry: RetryPolicy | None = None,
        title: str = "Demo",
    ) -> AsyncCore:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth)
        return AsyncCore(
            client,
            base_url=base_url,
            error_factory=make_error,
            title=title,
            retry=retry if retry is not None else fast_retry,
        )

    return build


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the delays ``SyncCore`` sleeps for, without sleeping."""
    delays: list[float] = []
    fake_time = types.SimpleNamespace(sleep=delays.append, monotonic=time.monotonic)
    monkeypatch.setattr(core_module, "time", fake_time)
    return delays


@pytest.fixture
def async_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the delays ``AsyncCore`` sleeps for, without sleeping."""
    delays: list[float] = []

    async def fake_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(core_module, "asyncio", types.SimpleNamespace(sleep=fake_sleep))
    return delays


class Mode:
    """One variant, sync or async, of a test written once for both runtime twins.

    ``mode.core(handler)`` builds a ``SyncCore`` or an ``AsyncCore``; ``mode.run(x)`` returns a
    sync result as it is and runs an awaitable to completion (``asyncio.run``), so one test body
    drives either twin: ``mode.run(core.call(...))``. Inside a coroutine, ``await mode.go(x)``.
    """

    def __init__(self, name: str, request: pytest.FixtureRequest) -> None:
        self.name = name
        self.is_async = name == "async"
        self._request = request

    def core(self, handler: Callable[[httpx.Request], Any], **kwargs: Any) -> Any:
        """A ``SyncCore`` or an ``AsyncCore`` (typed ``Any``: a test body calls either the same way)."""
        return self._request.getfixturevalue("make_async_core" if self.is_async else "make_core")(handler, **kwargs)

    @property
    def sleeps(self) -> list[float]:
        """The delays the core of this variant sleeps for, recorded instead of slept."""
        delays: list[float] = self._request.getfixturevalue("async_sleeps" if self.is_async else "sleeps")
        return delays

    def run(self, value: Any) -> Any:
        if not inspect.isawaitable(value):
            return value

        async def wait() -> Any:
            return await value

        return asyncio.run(wait())

    async def go(self, value: Any) -> Any:
        return await value if inspect.isawaitable(value) else value

    def chunks(self, *parts: bytes) -> Iterator[bytes] | AsyncIterator[bytes]:
        """A streamed response body (``httpx.Response(content=...)``) for this variant's client."""
        if not self.is_async:
            return iter(parts)

        async def chunked() -> AsyncIterator[bytes]:
            for part in parts:
                yield part

        return chunked()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Mode:
    """Run the test once against the sync twin and once against the async twin."""
    return Mode(request.param, request)
