"""Authorization code + PKCE login through OAuth2Auth with an async httpx client, at a real provider.

The blocking browser login runs in a worker thread: the event loop keeps running meanwhile,
and concurrent requests share one login.
"""

from __future__ import annotations

import asyncio
import stat
import threading
import time
from pathlib import Path

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider
from specwright_runtime.auth import OAuth2Auth, TokenCache
from specwright_runtime.core import AsyncCore
from specwright_runtime.loopback import LoopbackLogin
from specwright_runtime.oidc import AuthorizationDenied

from .conftest import make_error


def login_for(provider: OIDCProvider, browser: Browser) -> LoopbackLogin:
    return LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser)


@pytest.mark.asyncio
async def test_first_request_logs_in_then_refreshes(provider: OIDCProvider, browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser), cache=TokenCache(path))
    async with httpx.AsyncClient(auth=auth) as http:
        response = await http.get(provider.me_url)
        assert response.status_code == 200 and response.json() == {"sub": "alice"}
        provider.expire_access_tokens()
        assert (await http.get(provider.me_url)).status_code == 200
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code", "refresh_token"]
    assert provider.token_forms[1]["client_id"] == provider.client_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def refuse(url: str) -> None:
        raise AssertionError("logged in again despite the cache")

    second = OAuth2Auth(
        provider.token_endpoint,
        interactive=LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=refuse),
        cache=TokenCache(path),
    )
    async with httpx.AsyncClient(auth=second) as http:
        assert (await http.get(provider.me_url)).status_code == 200
    assert len(provider.token_forms) == 2


@pytest.mark.asyncio
async def test_the_event_loop_runs_during_the_login(provider: OIDCProvider) -> None:
    loop_thread = threading.get_ident()
    browser_threads: list[int] = []

    def slow_user(url: str) -> None:
        browser_threads.append(threading.get_ident())
        time.sleep(0.3)  # the user takes a moment in the browser

    browser = Browser(before=slow_user)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    task = asyncio.create_task(ticker())
    try:
        async with httpx.AsyncClient(auth=auth) as http:
            assert (await http.get(provider.me_url)).status_code == 200
    finally:
        task.cancel()
    assert browser_threads and browser_threads[0] != loop_thread
    assert ticks >= 10  # about 30 would fit in the 0.3 s; a blocked loop gets none


@pytest.mark.asyncio
async def test_concurrent_requests_share_one_login(provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    async with httpx.AsyncClient(auth=auth) as http:
        answers = await asyncio.gather(*(http.get(provider.me_url) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code"]


@pytest.mark.asyncio
async def test_explicit_login_through_the_async_core(provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    core = AsyncCore(httpx.AsyncClient(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
    try:
        token = await core.login(auth)
        assert auth.token is token
        assert (await core.http.get(provider.me_url)).status_code == 200
    finally:
        await core.close()
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code"]


@pytest.mark.asyncio
async def test_explicit_login_failure_maps_to_the_package_error(provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "deny"
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    core = AsyncCore(httpx.AsyncClient(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
    try:
        with pytest.raises(Exception) as caught:
            await core.login(auth)
    finally:
        await core.close()
    info = getattr(caught.value, "info", None)
    assert info is not None and info.is_auth_failure
    assert isinstance(info.cause, AuthorizationDenied)
    assert auth.token is None and provider.token_forms == []
