"""Authorization code + PKCE login (``loopback.LoopbackLogin``) through OAuth2Auth, at a real provider.

The first request logs in (lazily, through the browser); later ones reuse the token, refresh
it on a 401 or before it expires without the browser, and a token cache lets a second client
start without logging in. A test taking ``mode`` runs over an ``httpx.Client`` and over an
``httpx.AsyncClient`` (``client_for``); with the async client the blocking browser login runs in
a worker thread, so the event loop keeps running and concurrent requests share one login.
"""

from __future__ import annotations

import asyncio
import socket
import stat
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider, s256
from specwright_runtime.auth import OAuth2Auth, TokenCache
from specwright_runtime.core import AsyncCore, Call, SyncCore
from specwright_runtime.errors import StatusError
from specwright_runtime.loopback import AuthorizationCodeGrant, LoopbackLogin
from specwright_runtime.oidc import AuthorizationDenied
from specwright_runtime.oidc_auth import OpenIDConnectAuth

from .conftest import Mode, make_error


def login_for(provider: OIDCProvider, browser: Browser, **kwargs: Any) -> LoopbackLogin:
    return LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser, **kwargs)


def refuse_browser(url: str) -> None:
    raise AssertionError("the browser was opened again")


@asynccontextmanager
async def client_for(mode: Mode, auth: httpx.Auth) -> AsyncIterator[Any]:
    """This variant's httpx client with ``auth``; call it as ``await mode.go(http.get(...))``."""
    if mode.is_async:
        async with httpx.AsyncClient(auth=auth) as http:
            yield http
    else:
        with httpx.Client(auth=auth) as http:
            yield http


def test_first_request_logs_in_with_pkce(mode: Mode, provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))

    async def scenario() -> httpx.Response:
        async with client_for(mode, auth) as http:
            assert browser.opened == []  # nothing happens before the first request
            response: httpx.Response = await mode.go(http.get(provider.me_url))
            return response

    response = mode.run(scenario())
    assert response.status_code == 200 and response.json() == {"sub": "alice"}
    assert len(browser.opened) == 1
    query = browser.query
    assert urlsplit(browser.opened[0])._replace(query="").geturl() == provider.authorization_endpoint
    assert query["response_type"] == "code"
    assert query["client_id"] == provider.client_id
    assert query["scope"] == "openid"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 20
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == ("http", "127.0.0.1", "/")
    assert redirect.port and redirect.port > 0
    # the code went to the token endpoint with the verifier behind the challenge
    assert provider.grant_types() == ["authorization_code"]
    form = provider.token_forms[0]
    assert form["code"] == provider.issued_codes[0]
    assert form["redirect_uri"] == query["redirect_uri"]
    assert form["client_id"] == provider.client_id
    assert 43 <= len(form["code_verifier"]) <= 128
    assert s256(form["code_verifier"]) == query["code_challenge"]
    assert auth.token is not None and auth.token.refresh_token is not None


def test_later_requests_reuse_the_token(provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    with httpx.Client(auth=auth) as http:
        for _ in range(3):
            assert http.get(provider.me_url).status_code == 200
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code"]


def test_a_401_refreshes_without_the_browser(mode: Mode, provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))

    async def scenario() -> Any:
        async with client_for(mode, auth) as http:
            response = await mode.go(http.get(provider.me_url))
            assert response.status_code == 200 and response.json() == {"sub": "alice"}
            first = auth.token
            provider.expire_access_tokens()
            assert (await mode.go(http.get(provider.me_url))).status_code == 200
        return first

    first = mode.run(scenario())
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code", "refresh_token"]
    refresh_form = provider.token_forms[1]
    assert first is not None and refresh_form["refresh_token"] == first.refresh_token
    assert refresh_form["client_id"] == provider.client_id  # a public client must name itself
    assert auth.token is not first


def test_a_token_about_to_expire_is_refreshed_first(provider: OIDCProvider, browser: Browser) -> None:
    provider.expires_in = 10  # within the 30 s leeway: stale as soon as it arrives
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    with httpx.Client(auth=auth) as http:
        assert http.get(provider.me_url).status_code == 200
        assert http.get(provider.me_url).status_code == 200
    assert provider.grant_types() == ["authorization_code", "refresh_token"]
    assert len(provider.me_requests) == 2  # no 401 needed
    assert len(browser.opened) == 1


def test_a_refused_refresh_token_means_a_new_login(provider: OIDCProvider, browser: Browser, tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "token.json")
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser), cache=cache)
    with httpx.Client(auth=auth) as http:
        assert http.get(provider.me_url).status_code == 200
        provider.expire_access_tokens()
        provider.revoke_refresh_tokens()
        assert http.get(provider.me_url).status_code == 200
    assert len(browser.opened) == 2
    assert provider.grant_types() == ["authorization_code", "refresh_token", "authorization_code"]
    cached = cache.load()
    assert cached is not None and auth.token is not None
    assert cached.refresh_token == auth.token.refresh_token
    assert cached.refresh_token in provider.valid_refresh_tokens


def test_token_cache_is_private_and_spares_the_next_login(
    mode: Mode, provider: OIDCProvider, browser: Browser, tmp_path: Path
) -> None:
    path = tmp_path / "cli" / "token.json"
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser), cache=TokenCache(path))

    async def scenario() -> None:
        async with client_for(mode, auth) as http:
            assert (await mode.go(http.get(provider.me_url))).status_code == 200
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert auth.token is not None and auth.token.access_token in path.read_text()

        later = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=refuse_browser)
        second = OAuth2Auth(provider.token_endpoint, interactive=later, cache=TokenCache(path))
        async with client_for(mode, second) as http:
            assert (await mode.go(http.get(provider.me_url))).status_code == 200
            assert len(provider.token_forms) == 1  # the cached token, not a new login
            provider.expire_access_tokens()  # and it refreshes from the cached refresh token
            assert (await mode.go(http.get(provider.me_url))).status_code == 200

    mode.run(scenario())
    assert provider.grant_types() == ["authorization_code", "refresh_token"]
    assert provider.token_forms[1]["client_id"] == provider.client_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_explicit_login_through_the_core(mode: Mode, provider: OIDCProvider, browser: Browser) -> None:
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))

    async def scenario() -> None:
        core: SyncCore | AsyncCore
        if mode.is_async:
            core = AsyncCore(
                httpx.AsyncClient(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo"
            )
        else:
            core = SyncCore(httpx.Client(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
        try:
            token = await mode.go(core.login(auth))
            assert len(browser.opened) == 1 and auth.token is token
            assert (await mode.go(core.http.get(provider.me_url))).status_code == 200
            provider.expire_access_tokens()
            assert (await mode.go(core.http.get(provider.me_url))).status_code == 200
        finally:
            await mode.go(core.close())

    mode.run(scenario())
    assert len(browser.opened) == 1  # the code grant was not kept: renewal used the refresh token
    assert provider.grant_types() == ["authorization_code", "refresh_token"]


def test_fetch_token_with_a_code_grant_keeps_its_client_for_refreshes(provider: OIDCProvider, browser: Browser) -> None:
    grant = login_for(provider, browser).grant()
    assert isinstance(grant, AuthorizationCodeGrant)
    auth = OAuth2Auth(provider.token_endpoint)  # no interactive login, no client_id
    core = SyncCore(httpx.Client(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
    try:
        core.fetch_token(auth, grant)
        # the used code is not kept as the grant: the next renewal is the refresh token
        renewal = dict(parse_qsl(auth.build_token_request().content.decode()))
        assert renewal["grant_type"] == "refresh_token"
        provider.expire_access_tokens()
        assert core.http.get(provider.me_url).status_code == 200
    finally:
        core.close()
    assert provider.grant_types() == ["authorization_code", "refresh_token"]
    assert provider.token_forms[1]["client_id"] == provider.client_id


def test_custom_redirect_path_and_extra_parameters(provider: OIDCProvider, browser: Browser) -> None:
    login = login_for(
        provider, browser, redirect_path="/callback", extra_params={"prompt": "login"}, scope=["openid", "profile"]
    )
    grant = login.grant()
    assert urlsplit(browser.redirect_uri).path == "/callback"
    assert grant.redirect_uri == browser.redirect_uri
    assert browser.query["prompt"] == "login"
    assert browser.query["scope"] == "openid profile"
    assert browser.pages[0].status_code == 200


def test_the_first_free_port_of_a_list_is_used(provider: OIDCProvider, browser: Browser) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free = probe.getsockname()[1]
        grant = login_for(provider, browser, ports=[busy, free]).grant()
    assert browser.port == free
    assert grant.redirect_uri == f"http://127.0.0.1:{free}/"


def test_the_browser_gets_a_page_without_the_code(provider: OIDCProvider, browser: Browser) -> None:
    login_for(provider, browser).grant()
    page = browser.pages[0]
    code = dict(parse_qsl(urlsplit(browser.redirects[0]).query))["code"]
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert "Logged in" in page.text
    assert code not in page.text and code == provider.issued_codes[0]


def test_other_paths_do_not_end_the_login(provider: OIDCProvider) -> None:
    seen: list[int] = []

    def favicon_first(url: str) -> None:
        port = urlsplit(dict(parse_qsl(urlsplit(url).query))["redirect_uri"]).port
        seen.append(httpx.get(f"http://127.0.0.1:{port}/favicon.ico").status_code)

    browser = Browser(before=favicon_first)
    grant = login_for(provider, browser).grant()
    assert seen == [404]
    assert grant.code == provider.issued_codes[0]


def test_the_loopback_server_is_closed_after_the_login(provider: OIDCProvider, browser: Browser) -> None:
    login_for(provider, browser).grant()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", browser.port), timeout=2).close()


def test_invalid_settings_are_refused(provider: OIDCProvider) -> None:
    with pytest.raises(ValueError, match="redirect_path"):
        LoopbackLogin(provider.authorization_endpoint, "c", redirect_path="callback")
    with pytest.raises(ValueError, match="ports"):
        LoopbackLogin(provider.authorization_endpoint, "c", ports=[])
    with pytest.raises(ValueError, match="ports"):
        LoopbackLogin(provider.authorization_endpoint, "c", ports=[70000])


# -- the async client only: the login runs beside the event loop ------------------------------


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


def test_calls_that_do_not_require_credentials_never_open_the_browser(
    mode: Mode, provider: OIDCProvider, browser: Browser
) -> None:
    auth = OpenIDConnectAuth(provider.discovery_url, provider.client_id, open_browser=browser)

    async def status(core: SyncCore | AsyncCore, security: Any) -> int:
        """The answer's status to a GET of the protected API with this ``security``."""
        try:
            response: httpx.Response = await mode.go(core.send(Call("GET", "/api/me", security=security)))
        except StatusError as exc:
            return exc.status_code
        return response.status_code

    async def scenario() -> None:
        core: SyncCore | AsyncCore
        if mode.is_async:
            core = AsyncCore(httpx.AsyncClient(auth=auth), base_url=provider.url, error_factory=make_error)
        else:
            core = SyncCore(httpx.Client(auth=auth), base_url=provider.url, error_factory=make_error)
        try:
            provider.discovery_answer = (503, {"detail": "down"})  # a discovery would fail these calls
            assert await status(core, "optional") == 401  # no token to be had without the user: none sent
            assert await status(core, "none") == 401
            assert provider.me_requests == [None, None]
            provider.discovery_answer = None

            await mode.go(core.login(auth))
            assert await status(core, "optional") == 200
            assert auth.token is not None and provider.me_requests[-1] == f"Bearer {auth.token.access_token}"
            assert await status(core, "none") == 401 and provider.me_requests[-1] is None
            provider.expire_access_tokens()
            assert await status(core, "optional") == 200  # the 401 renewed with the refresh token
            provider.expire_access_tokens()
            provider.revoke_refresh_tokens()
            assert await status(core, "optional") == 401  # only a login could help: sent without
            assert provider.me_requests[-1] is None and auth.token is None
        finally:
            await mode.go(core.close())

    mode.run(scenario())
    assert len(browser.opened) == 1  # the explicit login only
    assert provider.grant_types() == ["authorization_code", "refresh_token", "refresh_token"]
