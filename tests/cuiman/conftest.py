"""Fixtures for the cuiman tests: a real wraptile server, mock transports, a clean home."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cuiman import AsyncClient, Client
from ogc_answers import BASE_URL
from servers.wraptile_server import WraptileServer

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``HOME`` without ``~/.eozilla/config``, and no ``EOZILLA_*`` variables."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("EOZILLA_SERVER_URL", "EOZILLA_USER_NAME", "EOZILLA_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def wraptile() -> Iterator[WraptileServer]:
    """A real wraptile server on 127.0.0.1: the bundled demo processes plus our ``add``."""
    with WraptileServer() as server:
        yield server


@pytest.fixture
def sync_client(wraptile: WraptileServer) -> Iterator[Client]:
    """A client of the real server."""
    with Client(server_url=wraptile.base_url) as client:
        yield client


@pytest_asyncio.fixture
async def async_client(wraptile: WraptileServer) -> Any:
    """An asynchronous client of the real server."""
    async with AsyncClient(server_url=wraptile.base_url) as client:
        yield client


@pytest.fixture
def make_client() -> Iterator[Callable[..., Client]]:
    """``make_client(handler, **kwargs)``: a ``Client`` over an ``httpx.MockTransport`` (closed afterwards)."""
    made: list[Client] = []

    def build(handler: Handler, **kwargs: Any) -> Client:
        kwargs.setdefault("server_url", BASE_URL)
        client = Client(transport=httpx.MockTransport(handler), **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest_asyncio.fixture
async def make_async_client() -> Any:
    """``make_async_client(handler, **kwargs)``: an ``AsyncClient`` over a mock transport."""
    made: list[AsyncClient] = []

    def build(handler: Handler, **kwargs: Any) -> AsyncClient:
        kwargs.setdefault("server_url", BASE_URL)
        client = AsyncClient(transport=httpx.MockTransport(handler), **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        await client.close()
