"""Loopback login failures: forged state, refusal, no redirect in time; the server's address and closing."""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider
from specwright_runtime.auth import OAuth2Auth
from specwright_runtime.core import Call, SyncCore
from specwright_runtime.errors import FailureKind, SpecwrightError
from specwright_runtime.loopback import LoopbackLogin, judge_redirect
from specwright_runtime.oidc import AuthorizationDenied, LoginError, LoginTimeout, StateMismatch

from .conftest import make_error


def login_for(
    provider: OIDCProvider, open_browser: Callable[[str], object], *, timeout: float = 300.0
) -> LoopbackLogin:
    return LoopbackLogin(
        provider.authorization_endpoint, provider.client_id, open_browser=open_browser, timeout=timeout
    )


def port_of(authorization_url: str) -> int:
    redirect_uri = dict(parse_qsl(urlsplit(authorization_url).query))["redirect_uri"]
    port = urlsplit(redirect_uri).port
    assert port is not None
    return port


def assert_closed(port: int) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_wrong_state_is_refused(provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "wrong_state"
    with pytest.raises(StateMismatch):
        login_for(provider, browser).grant()
    assert browser.pages[0].status_code == 400
    assert "Login failed" in browser.pages[0].text
    assert provider.token_forms == []  # the code of a forged redirect is never used
    assert_closed(browser.port)


def test_access_denied_is_typed(provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "deny"
    with pytest.raises(AuthorizationDenied) as caught:
        login_for(provider, browser).grant()
    assert caught.value.error == "access_denied"
    assert caught.value.description == "The user said no"
    assert "access_denied" in str(caught.value)
    assert "The user said no" not in browser.pages[0].text  # nothing from the redirect is echoed
    assert_closed(browser.port)


def test_a_redirect_without_code(provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "no_code"
    with pytest.raises(LoginError, match="no authorization code") as caught:
        login_for(provider, browser).grant()
    assert type(caught.value) is LoginError


def test_other_redirect_errors_and_their_state() -> None:
    state = "s" * 32
    other = judge_redirect(f"/?error=invalid_scope&state={state}", state)
    assert type(other) is LoginError and other.error == "invalid_scope"
    forged = judge_redirect("/?error=access_denied&state=nope", state)
    assert isinstance(forged, StateMismatch)
    assert judge_redirect(f"/?code=abc&state={state}", state) == "abc"
    assert isinstance(judge_redirect("/?code=abc", state), StateMismatch)


def test_no_redirect_in_time(provider: OIDCProvider) -> None:
    browser = Browser(visit=False)  # the user never comes back
    started = time.monotonic()
    with pytest.raises(LoginTimeout, match=r"within 0\.3 s") as caught:
        login_for(provider, browser, timeout=0.3).grant()
    assert 0.3 <= time.monotonic() - started < 5
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.url == provider.authorization_endpoint
    assert_closed(browser.port)


def test_no_free_port_of_the_list(provider: OIDCProvider, browser: Browser) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        login = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser, ports=[busy])
        with pytest.raises(LoginError, match=f"could not listen .* port\\(s\\) {busy}") as caught:
            login.grant()
    assert browser.opened == []
    assert caught.value.url == provider.authorization_endpoint


def test_a_failing_open_browser_closes_the_server(provider: OIDCProvider) -> None:
    ports: list[int] = []

    def broken(url: str) -> None:
        ports.append(port_of(url))
        raise RuntimeError("no display")

    with pytest.raises(RuntimeError, match="no display"):
        LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=broken).grant()
    assert_closed(ports[0])


@pytest.mark.skipif(sys.platform != "linux", reason="127.0.0.2 is a loopback address only on Linux")
def test_the_server_listens_on_127_0_0_1_only(provider: OIDCProvider) -> None:
    reached: dict[str, bool] = {}

    def probe(url: str) -> None:
        for host in ("127.0.0.1", "127.0.0.2"):
            try:
                socket.create_connection((host, port_of(url)), timeout=2).close()
                reached[host] = True
            except ConnectionRefusedError:
                reached[host] = False

    browser = Browser(before=probe)
    login_for(provider, browser).grant()
    # another address of this very machine is not served: the socket is bound to 127.0.0.1
    assert reached == {"127.0.0.1": True, "127.0.0.2": False}


def test_a_refused_login_in_a_call_is_the_package_auth_error(provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "deny"
    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, browser))
    core = SyncCore(httpx.Client(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
    try:
        with pytest.raises(SpecwrightError) as caught:
            core.call(Call("GET", "/api/me"), dict)
    finally:
        core.close()
    info = caught.value.info
    assert info is not None and info.kind is FailureKind.AUTH
    assert isinstance(info.cause, AuthorizationDenied)
    assert len(browser.opened) == 1  # not retried: one refusal is the answer
    assert provider.me_requests == []


def test_a_code_the_provider_refuses(provider: OIDCProvider) -> None:
    def replay(url: str) -> None:
        # someone else redeems the code first: the client's exchange is refused
        browser = Browser()
        browser(url)
        code = provider.issued_codes[-1]
        httpx.post(
            provider.token_endpoint,
            data={"grant_type": "authorization_code", "code": code, "client_id": provider.client_id},
        )

    auth = OAuth2Auth(provider.token_endpoint, interactive=login_for(provider, replay))
    core = SyncCore(httpx.Client(auth=auth), base_url=provider.url, error_factory=make_error, title="Demo")
    try:
        with pytest.raises(SpecwrightError) as caught:
            core.call(Call("GET", "/api/me"), dict)
    finally:
        core.close()
    info = caught.value.info
    assert info is not None and info.kind is FailureKind.AUTH and info.status_code == 400
    assert info.message == "Code not valid"
    assert auth.token is None
