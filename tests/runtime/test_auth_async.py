"""auth: the async OAuth2Auth flow (pytest-asyncio), including asyncio.gather sharing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from specwright_runtime.auth import BearerAuth, OAuth2Auth, OAuth2Token, PasswordGrant
from specwright_runtime.core import AsyncCore, Call
from specwright_runtime.errors import FailureKind, SpecwrightError, TokenEndpointError

pytestmark = pytest.mark.asyncio

TOKEN_URL = "https://auth.test/token"
PASSWORD = "hunter2-pa55"


class AsyncTokenServer:
    """Async token endpoint (``t1``, ``t2``, ...) and an API accepting only the newest token."""

    def __init__(self, *, token_delay: float = 0.0) -> None:
        self.token_delay = token_delay
        self.issued: list[str] = []
        self.order: list[str] = []
        self.token_answers: list[Callable[[httpx.Request], httpx.Response]] = []
        self.api_answer: Callable[[httpx.Request], Any] | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            self.order.append("token")
            self.last_token_form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            if self.token_answers:
                return self.token_answers.pop(0)(request)
            self.issued.append(f"t{len(self.issued) + 1}")
            return httpx.Response(200, json={"access_token": self.issued[-1], "expires_in": 3600})
        self.order.append(request.headers.get("authorization", "none"))
        if self.api_answer is not None:
            return await self.api_answer(request)
        if self.issued and request.headers.get("authorization") == f"Bearer {self.issued[-1]}":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(401, json={"detail": "Not authenticated"})

    @property
    def token_requests(self) -> int:
        return self.order.count("token")


def client_for(server: AsyncTokenServer, auth: httpx.Auth) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(server), auth=auth, base_url="https://api.test")


async def test_bearer_auth_async() -> None:
    seen: list[str | None] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=BearerAuth("abc")) as client:
        await client.get("https://api.test/x")
    assert seen == ["Bearer abc"]


async def test_fetches_a_token_before_the_first_request() -> None:
    server = AsyncTokenServer()
    async with client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("me@example.com", PASSWORD))) as client:
        assert (await client.get("/me")).status_code == 200
    assert server.order == ["token", "Bearer t1"]
    assert server.last_token_form == {"grant_type": "password", "username": "me@example.com", "password": PASSWORD}


async def test_renews_a_token_about_to_expire() -> None:
    server = AsyncTokenServer()
    server.issued.append("old")
    token = OAuth2Token("old", expires_at=time.time() + 5)
    async with client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=token)) as client:
        assert (await client.get("/me")).status_code == 200
    assert server.order == ["token", "Bearer t2"]


async def test_renews_once_on_401_and_resends() -> None:
    server = AsyncTokenServer()
    server.issued.append("revoked")
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
    async with client_for(server, auth) as client:
        assert (await client.get("/me")).status_code == 200
    assert server.order == ["Bearer stale", "token", "Bearer t2"]


async def test_does_not_loop_on_repeated_401() -> None:
    server = AsyncTokenServer()

    async def always_401(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401)

    server.api_answer = always_401
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
    async with client_for(server, auth) as client:
        assert (await client.get("/me")).status_code == 401
    assert server.order == ["Bearer stale", "token", "Bearer t1"]


async def test_gather_shares_one_token_request() -> None:
    server = AsyncTokenServer(token_delay=0.05)
    async with client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD))) as client:
        responses = await asyncio.gather(*(client.get(f"/me/{i}") for i in range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    assert server.token_requests == 1
    assert server.order[0] == "token"
    assert server.order[1:] == ["Bearer t1"] * 10


async def test_gather_shares_one_token_request_through_the_core(make_async_core: Callable[..., AsyncCore]) -> None:
    server = AsyncTokenServer(token_delay=0.05)
    core = make_async_core(
        server, auth=OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)), base_url="https://api.test"
    )
    results = await asyncio.gather(*(core.call(Call("GET", "/me"), dict) for _ in range(5)))
    assert results == [{"ok": True}] * 5
    assert server.token_requests == 1


async def test_token_endpoint_failure_maps_to_auth(make_async_core: Callable[..., AsyncCore]) -> None:
    server = AsyncTokenServer()
    server.token_answers.append(lambda r: httpx.Response(400, json={"detail": "Incorrect email or password"}))
    core = make_async_core(
        server, auth=OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)), base_url="https://api.test"
    )
    with pytest.raises(SpecwrightError) as caught:
        await core.send(Call("GET", "/me"))
    info = caught.value.info
    assert info is not None
    assert info.kind is FailureKind.AUTH
    assert info.status_code == 400
    assert info.url == TOKEN_URL
    assert str(caught.value) == "Incorrect email or password"
    assert isinstance(info.cause, TokenEndpointError)
    assert server.order == ["token"]


async def test_lock_is_released_after_a_failure(make_async_core: Callable[..., AsyncCore]) -> None:
    server = AsyncTokenServer()
    server.token_answers.append(lambda r: httpx.Response(400, json={"detail": "no"}))
    core = make_async_core(
        server, auth=OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)), base_url="https://api.test"
    )
    with pytest.raises(SpecwrightError):
        await core.send(Call("GET", "/me"))
    response = await asyncio.wait_for(core.send(Call("GET", "/me")), timeout=10)
    assert response.status_code == 200


async def test_repr_never_shows_password_or_token() -> None:
    server = AsyncTokenServer()
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD))
    async with client_for(server, auth) as client:
        await client.get("/me")
    assert auth.token is not None and auth.token.access_token == "t1"
    for text in (repr(auth), repr(auth.token), repr(PasswordGrant("u", PASSWORD))):
        assert PASSWORD not in text
        assert "'t1'" not in text


async def test_gathered_requests_hit_by_the_same_401_both_recover() -> None:
    server = AsyncTokenServer()
    arrived: list[str] = []
    both_sent = asyncio.Event()

    async def body() -> AsyncIterator[bytes]:
        yield b'{"detail": "expired"}'

    async def api(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") == "Bearer stale":
            arrived.append("stale")
            if len(arrived) == 2:
                both_sent.set()
            await asyncio.wait_for(both_sent.wait(), timeout=10)
            return httpx.Response(401, content=body())  # streamed, like a real socket
        return httpx.Response(200, json={"ok": True})

    server.api_answer = api
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
    async with client_for(server, auth) as client:
        results = await asyncio.gather(client.get("/a"), client.get("/b"), return_exceptions=True)
    assert [getattr(r, "status_code", type(r).__name__) for r in results] == [200, 200]
    assert server.token_requests == 1
