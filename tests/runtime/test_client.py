"""The client layer: SyncClient/AsyncClient and the helper mixins, sync and async.

A local API with a token endpoint runs in ``httpx.MockTransport``; the OpenID Connect logins
go to the real provider on 127.0.0.1 (``provider``/``browser`` fixtures). Every scenario is
one coroutine: ``twin.go`` awaits what the async client returns and passes sync results on.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider
from specwright_runtime import (
    DEFAULT_TIMEOUT,
    ApiKeyScheme,
    AsyncClient,
    AsyncOpenIDConnectMethods,
    AsyncPasswordLoginMethods,
    BasicMethods,
    BasicScheme,
    BearerAuth,
    BearerScheme,
    FailureKind,
    OAuth2Auth,
    OAuth2Scheme,
    OpenIDConnectMethods,
    OpenIDConnectScheme,
    PasswordLoginMethods,
    SpecwrightError,
    SyncClient,
    TokenMethods,
)
from specwright_runtime.schemes import AuthScheme

from .conftest import ApiError, make_error

BASE_URL = "https://api.test/v1"
USER_AGENT = "demo/1.0 (specwright)"


class TokenApi:
    """An API at ``BASE_URL`` with a password-grant token endpoint at ``login/token``."""

    def __init__(self) -> None:
        self.token_forms: list[dict[str, str]] = []
        self.requests: list[httpx.Request] = []
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v1/login/token":
            form = dict(parse_qsl(request.content.decode()))
            self.token_forms.append(form)
            if form.get("password") != "right":
                return httpx.Response(400, json={"detail": "Incorrect email or password"})
            self.issued += 1
            return httpx.Response(200, json={"access_token": f"tok-{self.issued}", "expires_in": 300})
        if request.url.path == "/v1/missing":
            return httpx.Response(404, json={"detail": "no such thing"})
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/v1/login/token"]


class ClosingTransport(httpx.MockTransport):
    """A MockTransport that records being closed (sync and async)."""

    closed = False

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class Twin:
    """Builds the sync or the async variant of a client and runs scenarios on it."""

    def __init__(self, name: str) -> None:
        self.is_async = name == "async"

    def cls(self, *mixins: type, sync: tuple[type, ...] = (), async_: tuple[type, ...] = ()) -> type:
        base = AsyncClient if self.is_async else SyncClient
        extra = async_ if self.is_async else sync
        return type("DemoApi", (base, *mixins, *extra), {})

    def make(self, handler: Callable[[httpx.Request], httpx.Response] | None, cls: type, **kwargs: Any) -> Any:
        """A ``cls`` client over ``handler`` (``None``: the real network)."""
        if handler is not None:
            kwargs.setdefault("transport", ClosingTransport(handler))
        return cls(
            kwargs.pop("base_url", BASE_URL),
            error_factory=make_error,
            title="Demo",
            user_agent=USER_AGENT,
            **kwargs,
        )

    def password_client(self, api: TokenApi, **kwargs: Any) -> Any:
        cls = self.cls(TokenMethods, sync=(PasswordLoginMethods,), async_=(AsyncPasswordLoginMethods,))
        return self.make(api, cls, scheme=OAuth2Scheme("login/token"), **kwargs)

    async def go(self, value: Any) -> Any:
        return await value if inspect.isawaitable(value) else value

    def run(self, scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
        asyncio.run(scenario())


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> Twin:
    return Twin(request.param)


# -- the base classes ----------------------------------------------------------------------
def test_constructor_builds_auth_http_client_and_core(twin: Twin) -> None:
    async def scenario() -> None:
        client = twin.password_client(TokenApi(), base_url=BASE_URL + "/", total_timeout=7.0)
        assert client.base_url == BASE_URL
        assert isinstance(client._auth, OAuth2Auth)
        assert client._auth.token_url == BASE_URL + "/login/token"
        assert client._http.auth is client._auth
        assert client._http.follow_redirects is False
        assert client._http.timeout == DEFAULT_TIMEOUT
        assert client._http.headers["User-Agent"] == USER_AGENT
        core = client._core
        assert (core.base_url, core.title, core.total_timeout, core.http) == (BASE_URL, "Demo", 7.0, client._http)
        await twin.go(client.close())

    twin.run(scenario)


def test_request_sends_under_the_base_url_and_maps_errors(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api, headers={"X-Extra": "1"}, timeout=3.0)
        response = await twin.go(client.request("get", "/things", params={"a": 1}))
        assert response.status_code == 200
        with pytest.raises(ApiError) as caught:
            await twin.go(client.request("GET", "missing"))
        assert caught.value.status_code == 404 and str(caught.value) == "no such thing"
        await twin.go(client.close())

    twin.run(scenario)
    sent = api.requests[0]
    assert str(sent.url) == BASE_URL + "/things?a=1"
    assert sent.headers["User-Agent"] == USER_AGENT and sent.headers["X-Extra"] == "1"
    assert sent.extensions["timeout"]["read"] == 3.0


def test_an_auth_argument_replaces_the_schemes_auth_for_requests(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api, credentials={"token": "own"}, auth=BearerAuth("other"))
        await twin.go(client.request("GET", "/me"))
        assert isinstance(client._auth, OAuth2Auth)  # helpers still act on the scheme's auth
        await twin.go(client.close())

    twin.run(scenario)
    assert api.requests[0].headers["authorization"] == "Bearer other"


def test_core_at_shares_the_connections_and_settings(twin: Twin) -> None:
    async def scenario() -> None:
        client = twin.password_client(TokenApi(), retry=None, total_timeout=None)
        other = client._core_at("https://other.test/base/")
        assert other is not client._core and other.http is client._http
        assert other.base_url == "https://other.test/base"
        assert (other.title, other.error_factory, other.total_timeout) == ("Demo", make_error, None)
        assert type(other) is type(client._core)
        await twin.go(client.close())

    twin.run(scenario)


def test_context_manager_closes_and_repr_hides_credentials(twin: Twin) -> None:
    transport = ClosingTransport(TokenApi())

    async def scenario() -> None:
        client = twin.password_client(TokenApi(), base_url="https://me:secret@api.test/v1", transport=transport)
        assert "secret" not in repr(client) and repr(client).startswith("DemoApi(base_url=")
        if twin.is_async:
            async with client as entered:
                assert entered is client
        else:
            with client as entered:
                assert entered is client

    twin.run(scenario)
    assert transport.closed


# -- tokens and the password login -----------------------------------------------------------
def test_login_posts_the_password_grant_and_sends_the_token(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api)
        assert await twin.go(client.login("me@example.com", "right")) == "tok-1"
        answer = await twin.go(client.request("GET", "/me"))
        assert answer.json() == {"authorization": "Bearer tok-1"}
        await twin.go(client.close())

    twin.run(scenario)
    assert api.token_forms == [{"grant_type": "password", "username": "me@example.com", "password": "right"}]


def test_a_refused_login_raises_the_packages_auth_error(twin: Twin) -> None:
    async def scenario() -> None:
        client = twin.password_client(TokenApi())
        with pytest.raises(SpecwrightError) as caught:
            await twin.go(client.login("me@example.com", "wrong"))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.AUTH
        assert str(caught.value) == "Incorrect email or password"
        await twin.go(client.close())

    twin.run(scenario)


def test_start_login_logs_in_at_once_sync_and_on_the_first_request_async(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api)
        client._start_login("me@example.com", "right")
        assert len(api.token_forms) == (0 if twin.is_async else 1)
        answer = await twin.go(client.request("GET", "/me"))
        assert answer.json() == {"authorization": "Bearer tok-1"}
        await twin.go(client.close())

    twin.run(scenario)
    assert len(api.token_forms) == 1


def test_start_login_needs_both_credentials_and_does_nothing_without(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api)
        with pytest.raises(ValueError, match="both username and password"):
            client._start_login("me@example.com", None)
        with pytest.raises(ValueError, match="both username and password"):
            client._start_login(None, "right")
        client._start_login(None, None)
        answer = await twin.go(client.request("GET", "/me"))
        assert answer.json() == {"authorization": None}
        await twin.go(client.close())

    twin.run(scenario)
    assert api.token_forms == []


def test_a_failed_login_in_the_sync_constructor_closes_the_client() -> None:
    transport = ClosingTransport(TokenApi())
    cls = Twin("sync").cls(TokenMethods, PasswordLoginMethods)
    client = Twin("sync").make(TokenApi(), cls, scheme=OAuth2Scheme("login/token"), transport=transport)
    with pytest.raises(SpecwrightError):
        client._start_login("me@example.com", "wrong")
    assert transport.closed


def test_set_token_drops_a_stored_grant_and_clear_token_sends_nothing(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.password_client(api)
        client.set_credentials("me@example.com", "right")
        client.set_token("mine")
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": "Bearer mine"}
        client.clear_token()
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": None}
        await twin.go(client.close())

    twin.run(scenario)
    assert api.token_forms == []  # the grant went with set_token: nothing logged in


def test_token_methods_on_a_bearer_client(twin: Twin) -> None:
    api = TokenApi()

    async def scenario() -> None:
        client = twin.make(api, twin.cls(TokenMethods), scheme=BearerScheme(), credentials={"token": "t0"})
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": "Bearer t0"}
        client.set_token("t1")
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": "Bearer t1"}
        client.clear_token()
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": None}
        await twin.go(client.close())

    twin.run(scenario)


def test_helpers_refuse_an_auth_of_another_kind(twin: Twin) -> None:
    async def scenario() -> None:
        client = twin.make(TokenApi(), twin.cls(TokenMethods, BasicMethods), scheme=ApiKeyScheme("X-Key"))
        assert client._auth is None  # no key given: no auth at all
        with pytest.raises(TypeError, match="no bearer token"):
            client.set_token("t")
        with pytest.raises(TypeError, match="not HTTP basic"):
            client.set_credentials("u", "p")
        await twin.go(client.close())

    twin.run(scenario)


def test_basic_credentials_are_sent_and_replaced(twin: Twin) -> None:
    api = TokenApi()

    def basic(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    async def scenario() -> None:
        scheme: AuthScheme = BasicScheme()
        client = twin.make(api, twin.cls(BasicMethods), scheme=scheme, credentials={"username": "u", "password": "p"})
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": basic("u", "p")}
        client.set_credentials("v", "q")
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": basic("v", "q")}
        client.set_credentials(None, None)
        assert (await twin.go(client.request("GET", "/me"))).json() == {"authorization": None}
        await twin.go(client.close())

    twin.run(scenario)


# -- OpenID Connect logins at a real provider --------------------------------------------------
def oidc_client(twin: Twin, provider: OIDCProvider, browser: Browser) -> Any:
    cls = twin.cls(TokenMethods, sync=(OpenIDConnectMethods,), async_=(AsyncOpenIDConnectMethods,))
    return twin.make(
        None,
        cls,
        base_url=provider.url,
        scheme=OpenIDConnectScheme(provider.discovery_url, "openid"),
        credentials={"client_id": provider.client_id, "open_browser": browser},
    )


def test_oidc_browser_login(twin: Twin, provider: OIDCProvider, browser: Browser) -> None:
    async def scenario() -> None:
        client = oidc_client(twin, provider, browser)
        token = await twin.go(client.login())
        assert isinstance(token, str) and token
        answer = await twin.go(client.request("GET", "/api/me"))
        assert answer.json() == {"sub": "alice"}
        await twin.go(client.close())

    twin.run(scenario)
    assert len(browser.opened) == 1
    assert provider.grant_types() == ["authorization_code"]
    assert provider.me_requests[-1] is not None and provider.me_requests[-1].startswith("Bearer ")


def test_oidc_device_login(twin: Twin, provider: OIDCProvider, browser: Browser) -> None:
    provider.device_interval = 0.01  # type: ignore[assignment]  # polls without waiting seconds
    shown: list[Any] = []

    async def scenario() -> None:
        client = oidc_client(twin, provider, browser)
        token = await twin.go(client.device_login(prompt=shown.append))
        assert isinstance(token, str) and token
        assert (await twin.go(client.request("GET", "/api/me"))).json() == {"sub": "alice"}
        await twin.go(client.close())

    twin.run(scenario)
    assert browser.opened == []
    assert len(shown) == 1 and shown[0].user_code
    assert provider.device_forms[0]["client_id"] == provider.client_id


def test_oidc_refused_login_raises_the_packages_auth_error(twin: Twin, provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "deny"

    async def scenario() -> None:
        client = oidc_client(twin, provider, browser)
        with pytest.raises(SpecwrightError) as caught:
            await twin.go(client.login())
        assert caught.value.info is not None and caught.value.info.is_auth_failure
        assert "denied" in str(caught.value).lower() or "refused" in str(caught.value).lower()
        await twin.go(client.close())

    twin.run(scenario)
