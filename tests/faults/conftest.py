"""Fixtures for the fault-injection suite: a real :class:`FaultServer` and clients of both packages.

``pkg`` is an adapter over one generated package in one mode (``grad300``/``cuiman`` x
``sync``/``async``), so a test written once runs against all four. The async clients run on
one event loop per test (an ``asyncio.Runner``), so they keep their connection pool between
calls like a real program.
"""

from __future__ import annotations

import asyncio
import inspect
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cuiman
import grad300_client
import httpx
import pytest
from cuiman import AsyncClient, Client
from grad300_client import AsyncGrad300Api, Grad300Api
from servers.fault_server import FaultServer
from specwright_runtime import RequestOptions, RetryPolicy

#: The static bearer token every client is built with (never to be seen in an error).
TOKEN = "tok-static-s3cr3t"
GRAD300_PREFIX = "/api/v1"
CUIMAN_PREFIX = "/ogc"
#: Seconds per read/connect: far above any answer the server sends on time, far below a stall.
TIMEOUT = 0.25
#: Seconds a stall lasts: far longer than any timeout (the server cuts it short when closing).
STALL = 5.0


#: One SSL context for every client: httpx's default transport loads the CA bundle per client
#: (~20 ms), which adds up over hundreds of clients. The transports are real sockets all the same.
_SSL = ssl.create_default_context()


def real_transport(mode: str) -> httpx.HTTPTransport | httpx.AsyncHTTPTransport:
    """What the packages build by default, with the shared SSL context."""
    return httpx.HTTPTransport(verify=_SSL) if mode == "sync" else httpx.AsyncHTTPTransport(verify=_SSL)


def fast_policy(**kwargs: Any) -> RetryPolicy:
    """The default policy (3 attempts, same statuses) with tiny backoffs."""
    kwargs.setdefault("initial_backoff", 0.01)
    kwargs.setdefault("max_backoff", 0.05)
    return RetryPolicy(**kwargs)


def scan(id: int) -> dict[str, Any]:
    """A GRAD300 scan as the listing sends it."""
    return {
        "id": id,
        "file_name": f"tpi_{id:04d}.fits",
        "file_path": f"/data/tpi/tpi_{id:04d}.fits",
        "size": 2880,
        "object": "Sun",
        "ra": 10.5,
        "dec": -3.25,
        "date": "2026-01-01T00:00:00+00:00",
    }


def job(id: str, status: str = "successful") -> dict[str, Any]:
    """An OGC API - Processes job status."""
    return {"jobID": id, "status": status, "processID": "add", "type": "process"}


@dataclass(frozen=True)
class Errors:
    """A package's exception classes, by role (typed loosely: each package has its own attributes)."""

    base: Any
    status: Any
    auth: Any
    connection: Any
    timeout: Any
    response: Any


GRAD300_ERRORS = Errors(
    base=grad300_client.Grad300Error,
    status=grad300_client.Grad300APIError,
    auth=grad300_client.AuthenticationError,
    connection=grad300_client.Grad300ConnectionError,
    timeout=grad300_client.Grad300TimeoutError,
    response=grad300_client.Grad300ResponseError,
)
CUIMAN_ERRORS = Errors(
    base=cuiman.ClientError,
    status=cuiman.ClientStatusError,
    auth=cuiman.ClientAuthError,
    connection=cuiman.ClientConnectionError,
    timeout=cuiman.ClientTimeoutError,
    response=cuiman.ClientResponseError,
)


class Pkg:
    """One generated package in one mode, pointed at the fault server.

    Server paths of its calls: ``list_path`` (``call_list``: grad300 ``list_scans("TPI")``,
    cuiman ``get_jobs()``), ``item_path`` (``call_item``: grad300 ``test_token()``, cuiman
    ``get_job("job-1")``) and ``post_path`` (``call_post``: grad300 ``login_access_token``,
    cuiman ``execute_process``), with bodies the call accepts in ``ok_list``/``ok_item``/``ok_post``.
    ``call_request(method, path, **kwargs)`` uses the packages' ``request()`` escape hatch.
    Calls of async clients run on this adapter's event loop.
    """

    def __init__(self, name: str, mode: str, server: FaultServer) -> None:
        self.name = name
        self.mode = mode
        self.server = server
        self.errors = GRAD300_ERRORS if name == "grad300" else CUIMAN_ERRORS
        self.prefix = GRAD300_PREFIX if name == "grad300" else CUIMAN_PREFIX
        self.base_url = server.url + self.prefix
        self._runner = asyncio.Runner() if mode == "async" else None
        self._clients: list[Any] = []
        self.client: Any = None
        self.connect()

    def __repr__(self) -> str:
        return f"Pkg({self.name}-{self.mode})"

    # -- paths and bodies ---------------------------------------------------------------------
    @property
    def list_path(self) -> str:
        return self.prefix + ("/scans/TPI/" if self.name == "grad300" else "/jobs")

    @property
    def item_path(self) -> str:
        return self.prefix + ("/login/test-token" if self.name == "grad300" else "/jobs/job-1")

    @property
    def post_path(self) -> str:
        return self.prefix + ("/login/access-token" if self.name == "grad300" else "/processes/add/execution")

    @property
    def ok_list(self) -> Any:
        if self.name == "grad300":
            return [scan(1), scan(2)]
        return {"jobs": [job("job-1"), job("job-2")], "links": []}

    @property
    def ok_item(self) -> Any:
        return {"email": "me@example.com", "is_active": True} if self.name == "grad300" else job("job-1")

    @property
    def ok_post(self) -> Any:
        if self.name == "grad300":
            return {"access_token": "issued", "token_type": "bearer"}
        return job("job-9", "accepted")

    def url_of(self, path: str) -> str:
        """The URL an error should name for a server path."""
        return self.server.url + path

    # -- clients ------------------------------------------------------------------------------
    def connect(self, **kwargs: Any) -> Any:
        """(Re)build the client; ``kwargs`` override timeout, total_timeout, retry, token, base_url."""
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs.setdefault("total_timeout", 10.0)
        kwargs.setdefault("retry", fast_policy())
        kwargs.setdefault("transport", real_transport(self.mode))
        token = kwargs.pop("token", TOKEN)
        base_url = kwargs.pop("base_url", self.base_url)
        if self.name == "grad300":
            cls: Any = Grad300Api if self.mode == "sync" else AsyncGrad300Api
            client = cls(base_url, token=token, **kwargs)
        else:
            cls = Client if self.mode == "sync" else AsyncClient
            client = cls(server_url=base_url, access_token=token, **kwargs)
        self._clients.append(client)
        self.client = client
        return client

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """``fn(client)``, awaited on this adapter's loop when it returns a coroutine."""
        result = fn(self.client)
        if inspect.isawaitable(result):
            assert self._runner is not None
            return self._runner.run(_awaited(result))
        return result

    def call_list(self, options: RequestOptions | None = None) -> Any:
        if self.name == "grad300":
            return self.run(lambda c: c.list_scans("TPI", request_options=options))
        return self.run(lambda c: c.get_jobs(request_options=options))

    def call_item(self, options: RequestOptions | None = None) -> Any:
        if self.name == "grad300":
            return self.run(lambda c: c.test_token(request_options=options))
        return self.run(lambda c: c.get_job("job-1", request_options=options))

    def call_post(self, options: RequestOptions | None = None) -> Any:
        if self.name == "grad300":
            form = {"username": "me@example.com", "password": "pw"}
            return self.run(lambda c: c.login_access_token(form, request_options=options))
        return self.run(lambda c: c.execute_process("add", {"inputs": {"a": 1, "b": 2}}, request_options=options))

    def call_request(self, method: str, path: str, **kwargs: Any) -> Any:
        """``client.request(method, path, **kwargs)``: ``path`` is below the base URL."""
        return self.run(lambda c: c.request(method, path, **kwargs))

    def list_ids(self, result: Any) -> list[Any]:
        """The item ids of a ``call_list`` result."""
        if self.name == "grad300":
            return [item.id for item in result]
        return [item.jobID for item in result.jobs]

    def close(self) -> None:
        for client in self._clients:
            closing = client.close()
            if inspect.isawaitable(closing):
                assert self._runner is not None
                self._runner.run(_awaited(closing))
        if self._runner is not None:
            self._runner.close()


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


PACKAGES = ["grad300", "cuiman"]
MODES = ["sync", "async"]


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``~/.eozilla/config`` and no ``EOZILLA_*`` variables reach the cuiman clients."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("EOZILLA_SERVER_URL", "EOZILLA_USER_NAME", "EOZILLA_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A fresh fault server for each test."""
    with FaultServer() as fault_server:
        yield fault_server


@pytest.fixture(params=[(p, m) for p in PACKAGES for m in MODES], ids=lambda pm: f"{pm[0]}-{pm[1]}")
def pkg(request: pytest.FixtureRequest, server: FaultServer) -> Iterator[Pkg]:
    """Each package, sync and async, pointed at the fault server."""
    name, mode = request.param
    adapter = Pkg(name, mode, server)
    yield adapter
    adapter.close()


@pytest.fixture(params=PACKAGES)
def sync_pkg(request: pytest.FixtureRequest, server: FaultServer) -> Iterator[Pkg]:
    """Each package's synchronous client (for the slower faults)."""
    adapter = Pkg(request.param, "sync", server)
    yield adapter
    adapter.close()


@pytest.fixture(params=MODES)
def grad300(request: pytest.FixtureRequest, server: FaultServer) -> Iterator[Pkg]:
    """grad300, sync and async (downloads and token renewal exist only there)."""
    adapter = Pkg("grad300", request.param, server)
    yield adapter
    adapter.close()


class Stopwatch:
    """Seconds since it was made."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start


@pytest.fixture
def stopwatch() -> Callable[[], Stopwatch]:
    return Stopwatch
