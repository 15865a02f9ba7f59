"""HTTP basic auth (``type: http, scheme: basic``), generated and used.

``specs/basic.yaml`` declares only a basic scheme: the generated clients take ``username=``
and ``password=``, send ``Authorization: Basic base64(user:pass)``, replace the pair with
``set_credentials`` and send nothing without a username. The password shows in no repr.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

SPEC = Path(__file__).resolve().parent / "specs" / "basic.yaml"
PASSWORD = "s3cret-pässword"


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]) -> Iterator[ModuleType]:
    with import_generated(SPEC, "basic", tmp_path_factory.mktemp("basic")) as module:
        yield module


def _expected(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class _Server:
    """An ``httpx.MockTransport`` handler that records the Authorization header of each request."""

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.headers.get("Authorization"))
        return httpx.Response(200, json={"path": request.url.path})


def _calls(basic: ModuleType, server: _Server, async_: bool, steps: list[tuple[str, str] | None], **kwargs: Any) -> None:
    """Call ``whoami`` once, then once after each ``set_credentials(*step)`` (``None``: no username)."""
    if not async_:
        with basic.BasicApi(transport=httpx.MockTransport(server), **kwargs) as client:
            assert client.whoami() == {"path": "/whoami"}
            for step in steps:
                client.set_credentials(*(step or (None, None)))
                client.whoami()
        return

    async def main() -> None:
        async with basic.async_api.AsyncBasicApi(transport=httpx.MockTransport(server), **kwargs) as client:
            assert await client.whoami() == {"path": "/whoami"}
            for step in steps:
                client.set_credentials(*(step or (None, None)))
                await client.whoami()

    asyncio.run(main())


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
def test_constructor_credentials_are_sent_as_basic(basic: ModuleType, async_: bool) -> None:
    server = _Server()
    _calls(basic, server, async_, [], username="ada", password=PASSWORD)
    assert server.seen == [_expected("ada", PASSWORD)]


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
def test_set_credentials_replaces_and_clears_the_pair(basic: ModuleType, async_: bool) -> None:
    server = _Server()
    _calls(basic, server, async_, [("grace", "other"), None], username="ada", password=PASSWORD)
    assert server.seen == [_expected("ada", PASSWORD), _expected("grace", "other"), None]


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
def test_no_credentials_sends_no_authorization_header(basic: ModuleType, async_: bool) -> None:
    server = _Server()
    _calls(basic, server, async_, [("ada", PASSWORD)])
    assert server.seen == [None, _expected("ada", PASSWORD)]


def test_constructor_takes_username_and_password(basic: ModuleType) -> None:
    import inspect

    for cls in (basic.BasicApi, basic.async_api.AsyncBasicApi):
        parameters = inspect.signature(cls).parameters
        assert "username" in parameters and "password" in parameters and "token" not in parameters
        assert callable(cls.set_credentials)


def test_the_password_is_in_no_repr(basic: ModuleType) -> None:
    encoded = _expected("ada", PASSWORD).removeprefix("Basic ")
    client = basic.BasicApi(username="ada", password=PASSWORD)
    aclient = basic.async_api.AsyncBasicApi(username="ada", password=PASSWORD)
    try:
        texts = [repr(client), repr(client._auth), repr(aclient), repr(aclient._auth), str(client._auth)]
        assert "ada" in repr(client._auth)  # the username may show; it is not the secret
        assert not [t for t in texts if PASSWORD in t or encoded in t]
    finally:
        client.close()
        asyncio.run(aclient.close())
