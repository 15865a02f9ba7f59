"""An ``apiKey`` security scheme (``specs/api_key.yaml``), generated and used.

The key goes in the header (or the cookie) the spec names; without a key nothing is sent, and
the key shows in no repr.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from http.cookies import SimpleCookie
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from servers.fault_server import Fault, FaultServer

SPEC = Path(__file__).resolve().parent / "specs" / "api_key.yaml"
KEY = "k-0123456789abcdef"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]) -> Iterator[ModuleType]:
    with import_generated(SPEC, "keyed", tmp_path_factory.mktemp("keyed")) as module:
        yield module


def _recorder(seen: list[tuple[str, str | None]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("X-API-Key")))
        return httpx.Response(200, json="ok" if request.url.path == "/health" else {"id": 1})

    return httpx.MockTransport(handle)


def test_the_key_goes_in_the_named_header(keyed: ModuleType) -> None:
    seen: list[tuple[str, str | None]] = []
    with keyed.KeyedApi(api_key=KEY, transport=_recorder(seen)) as client:
        assert client.get_item(1) == {"id": 1}
        assert client.health() == "ok"
    assert seen[0] == ("/items/1", KEY)
    assert seen[1][0] == "/health"  # an operation with ``security: []`` still works with a keyed client


def test_async_client_sends_the_key(keyed: ModuleType) -> None:
    seen: list[tuple[str, str | None]] = []

    async def main() -> object:
        async with keyed.async_api.AsyncKeyedApi(api_key=KEY, transport=_recorder(seen)) as client:
            return await client.get_item(2)

    assert asyncio.run(main()) == {"id": 1}
    assert seen == [("/items/2", KEY)]


def test_no_key_sends_no_header(keyed: ModuleType) -> None:
    seen: list[tuple[str, str | None]] = []
    with keyed.KeyedApi(transport=_recorder(seen)) as client:
        client.get_item(3)
    assert seen == [("/items/3", None)]


def test_the_key_is_in_no_repr(keyed: ModuleType) -> None:
    with keyed.KeyedApi(api_key=KEY) as client:
        assert not [t for t in (repr(client), repr(client._auth), str(client._auth)) if KEY in t]


@pytest.fixture(scope="module")
def cookie_keyed(
    tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]
) -> Iterator[ModuleType]:
    """The same spec with the key in a cookie (``in: cookie``, ``name: session_key``)."""
    folder = tmp_path_factory.mktemp("cookie_keyed")
    spec = folder / "cookie_key.yaml"
    spec.write_text(SPEC.read_text().replace("{type: apiKey, in: header, name: X-API-Key}", "{type: apiKey, in: cookie, name: session_key}"))
    with import_generated(spec, "cookie_keyed", folder / "out") as module:
        yield module


def test_a_cookie_key_reaches_a_real_server_as_a_cookie(cookie_keyed: ModuleType) -> None:
    with FaultServer() as server:
        server.script("/items/4", Fault.json(200, {"id": 4}))
        with cookie_keyed.CookieKeyedApi(server.url, api_key=KEY, headers={"X-Trace": "1"}) as client:
            assert client.get_item(4) == {"id": 4}
        [request] = server.requests_to("/items/4")
    jar = SimpleCookie(request.headers["cookie"])
    assert jar["session_key"].value == KEY
    assert "session_key" not in request.headers and "x-api-key" not in request.headers
