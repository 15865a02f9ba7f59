"""auth: BearerAuth, BasicAuth, ApiKeyAuth, OAuth2Token and the OAuth2Auth flow, sync and async.

A test taking ``mode`` runs once over an ``httpx.Client`` and once over an ``httpx.AsyncClient``
(``send_with``), or over the matching core; the concurrency tests differ by nature (threads
against ``asyncio.gather``) and stay one per twin.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from specwright_runtime.auth import (
    ApiKeyAuth,
    BasicAuth,
    BearerAuth,
    ClientCredentialsGrant,
    OAuth2Auth,
    OAuth2Token,
    PasswordGrant,
    RefreshGrant,
    TokenCache,
    jwt_expiry,
)
from specwright_runtime.core import AsyncCore, Call, SyncCore
from specwright_runtime.errors import FailureKind, SpecwrightError, StatusError, TokenEndpointError
from specwright_runtime.retries import RetryPolicy
from specwright_runtime.wire import SecurityMode

from .conftest import Mode

TOKEN_URL = "https://auth.test/login/access-token"
PASSWORD = "hunter2-pa55"
SECRET = "cl1ent-s3cret"


def make_jwt(exp: float | None = None, **claims: Any) -> str:
    payload = dict(claims)
    if exp is not None:
        payload["exp"] = int(exp)
    return jwt.encode(payload, "signing-key-for-tests-only-32bytes!", algorithm="HS256")


def form_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode(), keep_blank_values=True).items()}


class TokenServer:
    """A token endpoint plus an API that accepts only the newest token.

    Token requests answer with tokens ``t1``, ``t2``, ... (or whatever ``token_answers`` says);
    API requests answer 200 for the newest issued token and 401 otherwise (or ``api_answer``).
    """

    def __init__(self, *, expires_in: float | None = 3600, token_delay: float = 0.0) -> None:
        self.expires_in = expires_in
        self.token_delay = token_delay
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.issued: list[str] = []
        self.token_answers: list[Callable[[httpx.Request], httpx.Response]] = []
        self.api_answer: Callable[[httpx.Request], httpx.Response] | None = None
        self.lock = threading.Lock()
        #: what was requested, in order: "token", or an API request's Authorization header
        self.order: list[str] = []

    def issue(self) -> httpx.Response:
        token = f"t{len(self.issued) + 1}"
        self.issued.append(token)
        payload: dict[str, Any] = {"access_token": token, "token_type": "bearer"}
        if self.expires_in is not None:
            payload["expires_in"] = self.expires_in
        return httpx.Response(200, json=payload)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url).startswith(TOKEN_URL):
            with self.lock:
                self.token_requests.append(request)
                self.order.append("token")
            if self.token_delay:
                time.sleep(self.token_delay)
            with self.lock:
                if self.token_answers:
                    return self.token_answers.pop(0)(request)
                return self.issue()
        with self.lock:
            self.api_requests.append(request)
            self.order.append(request.headers.get("authorization", "none"))
        if self.api_answer is not None:
            return self.api_answer(request)
        if self.issued and request.headers.get("authorization") == f"Bearer {self.issued[-1]}":
            return httpx.Response(200, json={"email": "me@example.com"})
        return httpx.Response(401, json={"detail": "Not authenticated"})


class AsyncTokenServer:
    """Like ``TokenServer`` but async: its token delay and ``api_answer`` await (for ``asyncio.gather``)."""

    def __init__(self, *, token_delay: float = 0.0) -> None:
        self.token_delay = token_delay
        self.issued: list[str] = []
        self.order: list[str] = []
        self.api_answer: Callable[[httpx.Request], Awaitable[httpx.Response]] | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            self.order.append("token")
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
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


def async_client_for(server: AsyncTokenServer, auth: httpx.Auth) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(server), auth=auth, base_url="https://api.test")


@pytest.fixture
def server() -> TokenServer:
    return TokenServer()


@pytest.fixture
def client_for() -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def build(handler: Callable[[httpx.Request], httpx.Response], auth: httpx.Auth) -> httpx.Client:
        client = httpx.Client(transport=httpx.MockTransport(handler), auth=auth, base_url="https://api.test")
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


def send_with(
    mode: Mode, handler: Callable[[httpx.Request], httpx.Response], auth: httpx.Auth, *paths: str
) -> list[httpx.Response]:
    """GET each of ``paths`` (default: one ``/login/test-token``) over this variant's client."""
    paths = paths or ("/login/test-token",)
    transport = httpx.MockTransport(handler)
    if not mode.is_async:
        with httpx.Client(transport=transport, auth=auth, base_url="https://api.test") as client:
            return [client.get(path) for path in paths]

    async def scenario() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport, auth=auth, base_url="https://api.test") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(scenario())


# -- static auth ----------------------------------------------------------------------------


class TestBearerAuth:
    def test_header(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(200)
        send_with(mode, rec, BearerAuth("abc123"), "/x")
        assert rec.last.headers["authorization"] == "Bearer abc123"
        assert rec.calls == 1

    def test_custom_header_and_no_scheme(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        client_for(rec, BearerAuth("abc", header="X-Token", scheme="")).get("/x")
        assert rec.last.headers["x-token"] == "abc"
        assert "authorization" not in rec.last.headers

    def test_set_and_clear(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        auth = BearerAuth()
        client = client_for(rec, auth)
        client.get("/x")
        assert "authorization" not in rec.last.headers
        auth.set_token("new")
        client.get("/x")
        assert rec.last.headers["authorization"] == "Bearer new"
        assert auth.token == "new"
        auth.set_token("")
        client.get("/x")
        assert "authorization" not in rec.last.headers
        assert auth.token is None

    def test_repr_hides_token(self) -> None:
        assert repr(BearerAuth("sup3r-s3cret")) == "BearerAuth(token=set)"
        assert repr(BearerAuth()) == "BearerAuth(token=None)"


class TestBasicAuth:
    def test_header_is_utf8_user_and_password(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        client_for(rec, BasicAuth("jürgen", "pa:ss")).get("/x")
        assert rec.last.headers["authorization"] == "Basic " + base64.b64encode("jürgen:pa:ss".encode()).decode()

    def test_set_credentials_replaces_and_clears(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        auth = BasicAuth()
        client = client_for(rec, auth)
        client.get("/x")
        assert "authorization" not in rec.last.headers
        auth.set_credentials("ann", "pw1")
        client.get("/x")
        assert rec.last.headers["authorization"] == "Basic " + base64.b64encode(b"ann:pw1").decode()
        assert auth.username == "ann"
        auth.set_credentials("bob", None)  # no password: an empty one
        client.get("/x")
        assert rec.last.headers["authorization"] == "Basic " + base64.b64encode(b"bob:").decode()
        auth.set_credentials(None, None)
        client.get("/x")
        assert "authorization" not in rec.last.headers and auth.username is None

    def test_repr_never_shows_the_password(self) -> None:
        assert repr(BasicAuth("ann", "sup3r-s3cret")) == "BasicAuth(username='ann', password=set)"
        assert repr(BasicAuth()) == "BasicAuth(username=None, password=None)"


class TestApiKeyAuth:
    def test_header(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        client_for(rec, ApiKeyAuth("K3Y")).get("/x")
        assert rec.last.headers["x-api-key"] == "K3Y"

    def test_query_keeps_other_params(self, client_for: Callable[..., httpx.Client], recorder: Any) -> None:
        rec = recorder(200)
        client_for(rec, ApiKeyAuth("K 3/Y", name="api_key", location="query")).get("/x", params={"page": 2})
        assert rec.last.url.params["api_key"] == "K 3/Y"
        assert rec.last.url.params["page"] == "2"
        assert "x-api-key" not in rec.last.headers

    def test_bad_location(self) -> None:
        with pytest.raises(ValueError, match="'header', 'query' or 'cookie'"):
            ApiKeyAuth("k", location="body")

    def test_repr_hides_key(self) -> None:
        text = repr(ApiKeyAuth("K3Y-VALUE", name="api_key", location="query"))
        assert "K3Y-VALUE" not in text
        assert "api_key" in text


# -- tokens ---------------------------------------------------------------------------------


class TestOAuth2Token:
    def test_expires_in(self) -> None:
        token = OAuth2Token.from_payload(
            {"access_token": "abc", "expires_in": 3600, "token_type": "bearer", "refresh_token": "r"}, now=1000.0
        )
        assert token == OAuth2Token("abc", "Bearer", 4600.0, "r")

    def test_jwt_exp(self) -> None:
        access = make_jwt(exp=2_000_000_000, sub="me")
        token = OAuth2Token.from_payload({"access_token": access}, now=0.0)
        assert token.expires_at == 2_000_000_000.0
        assert token.token_type == "Bearer"

    def test_expires_in_wins_over_jwt(self) -> None:
        token = OAuth2Token.from_payload({"access_token": make_jwt(exp=5), "expires_in": 60}, now=100.0)
        assert token.expires_at == 160.0

    @pytest.mark.parametrize("access", ["opaque-token", make_jwt(sub="no-exp"), "a.b.c", make_jwt(exp=None)])
    def test_unknown_lifetime(self, access: str) -> None:
        assert OAuth2Token.from_payload({"access_token": access}).expires_at is None

    def test_jwt_expiry_helper(self) -> None:
        assert jwt_expiry(make_jwt(exp=123)) == 123.0
        assert jwt_expiry("not-a-jwt") is None
        assert jwt_expiry(make_jwt(sub="x")) is None

    @pytest.mark.parametrize("expires_in", [True, "3600", None])
    def test_non_numeric_expires_in_is_ignored(self, expires_in: Any) -> None:
        assert OAuth2Token.from_payload({"access_token": "a", "expires_in": expires_in}).expires_at is None

    @pytest.mark.parametrize("payload", [[], "token", {"access_token": ""}, {"access_token": 5}, {}])
    def test_bad_payloads(self, payload: Any) -> None:
        with pytest.raises(ValueError):
            OAuth2Token.from_payload(payload)

    def test_other_token_types_are_kept_and_blank_refresh_dropped(self) -> None:
        token = OAuth2Token.from_payload({"access_token": "a", "token_type": "MAC", "refresh_token": ""})
        assert token.token_type == "MAC"
        assert token.refresh_token is None

    def test_expires_within(self) -> None:
        token = OAuth2Token("a", expires_at=1000.0)
        assert token.expires_within(30, now=980.0)
        assert not token.expires_within(30, now=960.0)
        assert not OAuth2Token("a").expires_within(10**9)

    def test_repr_hides_secrets(self) -> None:
        text = repr(OAuth2Token("acc3ss-value", refresh_token="refr3sh-value"))
        assert "acc3ss-value" not in text and "refr3sh-value" not in text


class TestGrants:
    def test_password_grant_form_and_repr(self) -> None:
        grant = PasswordGrant("me@example.com", PASSWORD, client_id="cli", client_secret=SECRET, scope="read")
        assert grant.form() == {
            "grant_type": "password",
            "username": "me@example.com",
            "password": PASSWORD,
            "client_id": "cli",
            "client_secret": SECRET,
            "scope": "read",
        }
        assert PASSWORD not in repr(grant) and SECRET not in repr(grant)

    def test_client_credentials_and_refresh(self) -> None:
        assert ClientCredentialsGrant("cli", SECRET).form() == {
            "grant_type": "client_credentials",
            "client_id": "cli",
            "client_secret": SECRET,
        }
        assert SECRET not in repr(ClientCredentialsGrant("cli", SECRET))
        assert RefreshGrant("r3fresh").form() == {"grant_type": "refresh_token", "refresh_token": "r3fresh"}
        assert "r3fresh" not in repr(RefreshGrant("r3fresh"))


# -- OAuth2Auth, sync -----------------------------------------------------------------------


def me(client: httpx.Client) -> httpx.Response:
    return client.get("/login/test-token")


class TestOAuth2Auth:
    def test_fetches_a_token_before_the_first_request(self, server: TokenServer, mode: Mode) -> None:
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("me@example.com", PASSWORD))
        [response] = send_with(mode, server, auth)
        assert response.status_code == 200
        assert server.order == ["token", "Bearer t1"]
        token_request = server.token_requests[0]
        assert token_request.method == "POST"
        assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert form_of(token_request) == {"grant_type": "password", "username": "me@example.com", "password": PASSWORD}
        assert "authorization" not in token_request.headers
        assert auth.token is not None and auth.token.access_token == "t1"

    def test_token_is_reused(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        client = client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)))
        for _ in range(3):
            assert me(client).status_code == 200
        assert server.order == ["token", "Bearer t1", "Bearer t1", "Bearer t1"]

    def test_client_credentials(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        me(client_for(server, OAuth2Auth(TOKEN_URL, ClientCredentialsGrant("cli", SECRET, scope="a b"))))
        assert form_of(server.token_requests[0]) == {
            "grant_type": "client_credentials",
            "client_id": "cli",
            "client_secret": SECRET,
            "scope": "a b",
        }

    @pytest.mark.parametrize(("expires_in", "leeway"), [(10, 30), (5, None)])  # None: the default leeway
    def test_renews_a_token_about_to_expire(
        self, server: TokenServer, mode: Mode, expires_in: float, leeway: float | None
    ) -> None:
        server.issued.append("old")
        token = OAuth2Token("old", expires_at=time.time() + expires_in)
        if leeway is None:
            auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=token)
        else:
            auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=token, leeway=leeway)
        assert send_with(mode, server, auth)[0].status_code == 200
        assert server.order == ["token", "Bearer t2"]

    def test_keeps_a_token_far_from_expiry(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        server.issued.append("old")
        auth = OAuth2Auth(
            TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("old", expires_at=time.time() + 600), leeway=30
        )
        assert me(client_for(server, auth)).status_code == 200
        assert server.order == ["Bearer old"]

    def test_renews_a_short_lived_jwt(self, client_for: Callable[..., httpx.Client]) -> None:
        issued: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if str(request.url) == TOKEN_URL:
                issued.append(make_jwt(exp=time.time() + 5, n=len(issued)))
                return httpx.Response(200, json={"access_token": issued[-1]})
            return httpx.Response(200)

        client = client_for(handler, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), leeway=30))
        me(client)
        me(client)
        assert len(issued) == 2  # the JWT expires within the leeway, so each request renews

    def test_uses_the_refresh_token_first(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        token = OAuth2Token("old", expires_at=time.time() - 1, refresh_token="r3fresh")
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD, client_id="cli"), token=token)
        me(client_for(server, auth))
        assert form_of(server.token_requests[0]) == {
            "grant_type": "refresh_token",
            "refresh_token": "r3fresh",
            "client_id": "cli",
        }

    def test_a_refused_refresh_token_falls_back_to_the_password(self, server: TokenServer, mode: Mode) -> None:
        server.token_answers.append(lambda request: httpx.Response(400, json={"error": "invalid_grant"}))
        stale = OAuth2Token("old", expires_at=time.time() - 1, refresh_token="r3voked")
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD, client_id="cli"), token=stale)
        [response] = send_with(mode, server, auth)
        assert response.status_code == 200
        grants = [form_of(r)["grant_type"] for r in server.token_requests]
        assert grants == ["refresh_token", "password"]
        assert form_of(server.token_requests[1]) == {
            "grant_type": "password",
            "username": "u",
            "password": PASSWORD,
            "client_id": "cli",
        }
        assert server.order == ["token", "token", "Bearer t1"]

    def test_a_refused_refresh_then_a_refused_password_raises(self, server: TokenServer, mode: Mode) -> None:
        for _ in range(2):
            server.token_answers.append(lambda request: httpx.Response(401, json={"error": "invalid_grant"}))
        stale = OAuth2Token("old", expires_at=time.time() - 1, refresh_token="r3voked")
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=stale)
        with pytest.raises(TokenEndpointError) as caught:
            send_with(mode, server, auth)
        assert caught.value.status_code == 401
        assert len(server.token_requests) == 2 and auth.token is None

    def test_renews_once_on_401_and_resends(self, server: TokenServer, mode: Mode) -> None:
        server.issued.append("revoked-by-server")
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
        [response] = send_with(mode, server, auth)
        assert response.status_code == 200
        assert server.order == ["Bearer stale", "token", "Bearer t2"]

    def test_does_not_loop_on_repeated_401(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        server.api_answer = lambda request: httpx.Response(401, json={"detail": "nope"})
        response = me(client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD))))
        assert response.status_code == 401
        assert server.order == ["token", "Bearer t1"]  # the fresh token was just fetched: no second renewal

    def test_does_not_loop_on_repeated_401_with_an_old_token(self, server: TokenServer, mode: Mode) -> None:
        server.api_answer = lambda request: httpx.Response(401, json={"detail": "nope"})
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
        assert send_with(mode, server, auth)[0].status_code == 401
        assert server.order == ["Bearer stale", "token", "Bearer t1"]

    def test_static_token_without_grant_is_not_renewed(
        self, server: TokenServer, client_for: Callable[..., httpx.Client]
    ) -> None:
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("fixed", expires_at=time.time() - 100))
        assert not auth.can_renew()
        assert me(client_for(server, auth)).status_code == 401
        assert server.order == ["Bearer fixed"]

    def test_without_token_or_grant_sends_no_header(
        self, server: TokenServer, client_for: Callable[..., httpx.Client]
    ) -> None:
        me(client_for(server, OAuth2Auth(TOKEN_URL)))
        assert server.order == ["none"]

    def test_set_token_and_grant(self, server: TokenServer, client_for: Callable[..., httpx.Client]) -> None:
        auth = OAuth2Auth(TOKEN_URL)
        client = client_for(server, auth)
        server.issued.append("manual")
        auth.set_token("manual")
        assert me(client).status_code == 200
        auth.set_token(None)
        auth.set_grant(PasswordGrant("u", PASSWORD))
        assert me(client).status_code == 200
        assert server.order == ["Bearer manual", "token", "Bearer t2"]

    def test_no_credentials_error(self) -> None:
        with pytest.raises(TokenEndpointError, match="no credentials"):
            OAuth2Auth(TOKEN_URL + "?client_secret=zzz").build_token_request()

    def test_repr_never_shows_secrets(self, server: TokenServer, mode: Mode) -> None:
        auth = OAuth2Auth(TOKEN_URL + "?client_secret=" + SECRET, PasswordGrant("u", PASSWORD))
        assert repr(auth) == f"OAuth2Auth(token_url='{TOKEN_URL}?client_secret=***', token=None)"
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD))
        send_with(mode, server, auth)
        assert auth.token is not None and auth.token.access_token == "t1"
        text = repr(auth)
        assert text == f"OAuth2Auth(token_url='{TOKEN_URL}', token=set)"
        assert PASSWORD not in text and "t1" not in text
        for text in (repr(auth.token), repr(PasswordGrant("u", PASSWORD))):
            assert PASSWORD not in text
            assert "'t1'" not in text


class TestTokenEndpointFailures:
    @pytest.fixture
    def core_for(self, make_core: Callable[..., SyncCore]) -> Callable[..., SyncCore]:
        def build(server: TokenServer, auth: OAuth2Auth, **kwargs: Any) -> SyncCore:
            return make_core(server, auth=auth, base_url="https://api.test", **kwargs)

        return build

    @pytest.mark.parametrize(
        "body",
        [
            {"error": "invalid_grant", "error_description": "Incorrect email or password"},
            {"detail": "Incorrect email or password"},
        ],
    )
    def test_refusal_maps_to_auth(self, server: TokenServer, mode: Mode, body: dict[str, str]) -> None:
        server.token_answers.append(lambda r: httpx.Response(400, json=body))
        auth = OAuth2Auth(TOKEN_URL + "?api_key=K", PasswordGrant("u", PASSWORD))
        core = mode.core(server, auth=auth, base_url="https://api.test")
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.send(Call("GET", "/login/test-token")))
        err = caught.value
        assert not isinstance(err, StatusError)
        info = err.info
        assert info is not None
        assert info.kind is FailureKind.AUTH
        assert info.is_auth_failure
        assert info.status_code == 400
        assert info.method == "POST"
        assert info.url == TOKEN_URL + "?api_key=***"
        assert info.body == body
        assert str(err) == "Incorrect email or password"
        assert isinstance(info.cause, TokenEndpointError)
        assert PASSWORD not in str(err) and PASSWORD not in repr(info)
        assert server.api_requests == []
        assert len(server.token_requests) == 1

    @pytest.mark.parametrize(
        "answer",
        [
            lambda r: httpx.Response(200, json={"token": "wrong-field"}),
            lambda r: httpx.Response(200, content=b"<html>login</html>"),
            lambda r: httpx.Response(200, json=["x"]),
        ],
    )
    def test_nonsense_maps_to_auth(self, server: TokenServer, core_for: Callable[..., SyncCore], answer: Any) -> None:
        server.token_answers.append(answer)
        core = core_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)))
        with pytest.raises(SpecwrightError) as caught:
            core.send(Call("GET", "/x"))
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.AUTH
        assert caught.value.info.status_code == 200
        assert server.api_requests == []

    def test_failure_on_renewal_after_401(self, server: TokenServer, core_for: Callable[..., SyncCore]) -> None:
        server.token_answers.append(lambda r: httpx.Response(400, json={"detail": "Inactive user"}))
        core = core_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale")))
        with pytest.raises(SpecwrightError) as caught:
            core.send(Call("GET", "/x"))
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.AUTH
        assert str(caught.value) == "Inactive user"
        assert server.order == ["Bearer stale", "token"]

    def test_transient_token_failure_is_retried(self, server: TokenServer, core_for: Callable[..., SyncCore]) -> None:
        server.token_answers.append(lambda r: httpx.Response(503))
        core = core_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)))
        assert core.send(Call("GET", "/login/test-token")).status_code == 200
        assert server.order == ["token", "token", "Bearer t1"]

    def test_token_refusal_is_not_retried(self, server: TokenServer, core_for: Callable[..., SyncCore]) -> None:
        server.token_answers.extend([lambda r: httpx.Response(401)] * 3)
        core = core_for(
            server,
            OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)),
            retry=RetryPolicy(initial_backoff=0, jitter=False),
        )
        with pytest.raises(SpecwrightError):
            core.send(Call("GET", "/x"))
        assert len(server.token_requests) == 1

    def test_lock_is_released_after_a_failure(self, server: TokenServer, mode: Mode) -> None:
        server.token_answers.append(lambda r: httpx.Response(400, json={"detail": "no"}))
        core = mode.core(server, auth=OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)), base_url="https://api.test")
        call = Call("GET", "/login/test-token")

        async def scenario() -> int:  # both requests in one event loop, as in real use
            with pytest.raises(SpecwrightError):
                await mode.go(core.send(Call("GET", "/x")))
            if isinstance(core, AsyncCore):  # a deadlock would hang here, so bound the wait
                response: httpx.Response = await asyncio.wait_for(core.send(call), timeout=10)
                return response.status_code
            with ThreadPoolExecutor(1) as pool:
                status: int = pool.submit(lambda: core.send(call).status_code).result(timeout=10)
                return status

        assert asyncio.run(scenario()) == 200


class TestConcurrency:
    def test_threads_share_one_token_request(self, client_for: Callable[..., httpx.Client]) -> None:
        server = TokenServer(token_delay=0.2)
        client = client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)))
        workers = 8
        start = threading.Barrier(workers)

        def work() -> int:
            start.wait(timeout=10)
            return me(client).status_code

        with ThreadPoolExecutor(workers) as pool:
            statuses = [f.result(timeout=30) for f in [pool.submit(work) for _ in range(workers)]]
        assert statuses == [200] * workers
        assert len(server.token_requests) == 1
        assert len(server.api_requests) == workers

    def test_threads_hit_by_the_same_401_both_recover(self, client_for: Callable[..., httpx.Client]) -> None:
        server = TokenServer()
        both_sent = threading.Barrier(2)

        def api(request: httpx.Request) -> httpx.Response:
            if request.headers.get("authorization") == "Bearer stale":
                both_sent.wait(timeout=10)  # both requests used the stale token
                return httpx.Response(401, content=iter([b'{"detail": "expired"}']))  # streamed, like a real socket
            return httpx.Response(200, json={"ok": True})

        server.api_answer = api
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=OAuth2Token("stale"))
        client = client_for(server, auth)

        def work() -> int:
            try:
                return me(client).status_code
            except Exception as exc:  # the bug surfaces here as httpx.StreamClosed
                return type(exc).__name__  # type: ignore[return-value]

        with ThreadPoolExecutor(2) as pool:
            results = [f.result(timeout=30) for f in [pool.submit(work) for _ in range(2)]]
        assert results == [200, 200]
        assert len(server.token_requests) == 1

    @pytest.mark.asyncio
    async def test_gather_shares_one_token_request(self) -> None:
        server = AsyncTokenServer(token_delay=0.05)
        async with async_client_for(server, OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD))) as client:
            responses = await asyncio.gather(*(client.get(f"/me/{i}") for i in range(10)))
        assert [r.status_code for r in responses] == [200] * 10
        assert server.token_requests == 1
        assert server.order[0] == "token"
        assert server.order[1:] == ["Bearer t1"] * 10

    @pytest.mark.asyncio
    async def test_gather_shares_one_token_request_through_the_core(
        self, make_async_core: Callable[..., AsyncCore]
    ) -> None:
        server = AsyncTokenServer(token_delay=0.05)
        core = make_async_core(
            server, auth=OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD)), base_url="https://api.test"
        )
        results = await asyncio.gather(*(core.call(Call("GET", "/me"), dict) for _ in range(5)))
        assert results == [{"ok": True}] * 5
        assert server.token_requests == 1

    @pytest.mark.asyncio
    async def test_gathered_requests_hit_by_the_same_401_both_recover(self) -> None:
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
        async with async_client_for(server, auth) as client:
            results = await asyncio.gather(client.get("/a"), client.get("/b"), return_exceptions=True)
        assert [getattr(r, "status_code", type(r).__name__) for r in results] == [200, 200]
        assert server.token_requests == 1


# -- per-operation security (Call.security) -----------------------------------------------


class RecordingLogin:
    """An interactive login stub: counts how often the user would be asked, then answers with a grant."""

    def __init__(self) -> None:
        self.asked = 0

    def grant(self) -> PasswordGrant:
        self.asked += 1
        return PasswordGrant("user", PASSWORD)


def optional_endpoint(server: TokenServer) -> Callable[[httpx.Request], httpx.Response]:
    """An operation anyone may call: anonymous requests are answered, a token must be the newest."""

    def answer(request: httpx.Request) -> httpx.Response:
        sent = request.headers.get("authorization")
        if sent is None or (server.issued and sent == f"Bearer {server.issued[-1]}"):
            return httpx.Response(200, json={"authorization": sent})
        return httpx.Response(401, json={"detail": "Not authenticated"})

    return answer


def call_with(mode: Mode, server: Callable[[httpx.Request], httpx.Response], auth: httpx.Auth, security: SecurityMode) -> Any:
    """Send one GET with this ``security`` through this variant's core."""
    core = mode.core(server, auth=auth, base_url="https://api.test")
    return mode.run(core.send(Call("GET", "/items", security=security)))


STATIC_AUTHS: dict[str, Callable[[], httpx.Auth]] = {
    "bearer": lambda: BearerAuth("st4tic"),
    "basic": lambda: BasicAuth("ann", "pw"),
    "api key header": lambda: ApiKeyAuth("K3Y"),
    "api key query": lambda: ApiKeyAuth("K3Y", name="api_key", location="query"),
}


def credentials_sent(request: httpx.Request) -> list[str]:
    """Whatever credentials a request carries, wherever they are."""
    found = [request.headers.get(name) for name in ("authorization", "x-api-key")]
    return [value for value in [*found, request.url.params.get("api_key")] if value is not None]


class TestSecurity:
    @pytest.mark.parametrize("kind", STATIC_AUTHS)
    @pytest.mark.parametrize(("security", "sends"), [("required", True), ("optional", True), ("none", False)])
    def test_static_credentials(self, mode: Mode, recorder: Any, kind: str, security: SecurityMode, sends: bool) -> None:
        rec = recorder(200)
        call_with(mode, rec, STATIC_AUTHS[kind](), security)
        assert bool(credentials_sent(rec.last)) is sends

    @pytest.mark.parametrize(
        ("security", "order", "asked"),
        [("required", ["token", "Bearer t1"], 1), ("optional", ["none"], 0), ("none", ["none"], 0)],
    )
    def test_without_a_token_only_required_logs_in(
        self, server: TokenServer, mode: Mode, security: SecurityMode, order: list[str], asked: int
    ) -> None:
        server.api_answer = optional_endpoint(server)
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, interactive=login)
        assert call_with(mode, server, auth, security).status_code == 200
        assert server.order == order
        assert login.asked == asked

    def test_none_fetches_no_token_even_when_one_could_be_had(self, server: TokenServer, mode: Mode) -> None:
        login = RecordingLogin()
        stale = OAuth2Token("old", expires_at=time.time() - 10, refresh_token="r3fresh")
        auth = OAuth2Auth(TOKEN_URL, PasswordGrant("u", PASSWORD), token=stale, interactive=login)
        server.api_answer = optional_endpoint(server)
        assert call_with(mode, server, auth, "none").status_code == 200
        assert server.order == ["none"]
        assert login.asked == 0 and auth.token is stale

    @pytest.mark.parametrize(("security", "sent"), [("required", "Bearer cached"), ("optional", "Bearer cached"), ("none", "none")])
    def test_a_cached_valid_token(self, server: TokenServer, mode: Mode, tmp_path: Path, security: SecurityMode, sent: str) -> None:
        cache = TokenCache(tmp_path / "token.json")
        cache.save(OAuth2Token("cached", expires_at=time.time() + 3600))
        server.issued.append("cached")
        server.api_answer = optional_endpoint(server)
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, cache=cache, interactive=login)
        assert call_with(mode, server, auth, security).status_code == 200
        assert server.order == [sent]
        assert login.asked == 0

    @pytest.mark.parametrize(
        ("grant", "token", "grant_type"),
        [
            (None, OAuth2Token("old", expires_at=time.time() - 10, refresh_token="r3fresh"), "refresh_token"),
            (PasswordGrant("u", PASSWORD), None, "password"),
            (PasswordGrant("u", PASSWORD), OAuth2Token("old", expires_at=time.time() - 10), "password"),
        ],
    )
    def test_optional_renews_without_the_user(
        self, server: TokenServer, mode: Mode, grant: PasswordGrant | None, token: OAuth2Token | None, grant_type: str
    ) -> None:
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, grant, token=token, interactive=login)
        assert call_with(mode, server, auth, "optional").status_code == 200
        assert server.order == ["token", "Bearer t1"]
        assert form_of(server.token_requests[0])["grant_type"] == grant_type
        assert login.asked == 0

    def test_optional_sends_no_expired_token_only_the_user_could_renew(self, server: TokenServer, mode: Mode) -> None:
        server.api_answer = optional_endpoint(server)
        login = RecordingLogin()
        expired = OAuth2Token("old", expires_at=time.time() - 10)
        auth = OAuth2Auth(TOKEN_URL, token=expired, interactive=login)
        assert call_with(mode, server, auth, "optional").status_code == 200
        assert server.order == ["none"]
        assert login.asked == 0 and auth.token is expired  # kept for a call that may log in

    def test_optional_sends_a_token_within_the_leeway_it_cannot_renew(self, server: TokenServer, mode: Mode) -> None:
        server.issued.append("short")
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("short", expires_at=time.time() + 10), interactive=login)
        assert call_with(mode, server, auth, "optional").status_code == 200
        assert server.order == ["Bearer short"]  # still valid: sent, where a required call would log in
        assert login.asked == 0

    def test_optional_with_a_refused_refresh_token_goes_without(self, server: TokenServer, mode: Mode) -> None:
        server.api_answer = optional_endpoint(server)
        server.token_answers.append(lambda r: httpx.Response(400, json={"error": "invalid_grant"}))
        login = RecordingLogin()
        stale = OAuth2Token("old", expires_at=time.time() - 10, refresh_token="r3voked")
        auth = OAuth2Auth(TOKEN_URL, token=stale, interactive=login)
        assert call_with(mode, server, auth, "optional").status_code == 200
        assert server.order == ["token", "none"]
        assert login.asked == 0
        assert auth.token is None  # the refresh token is dead, as a required call would find too

    def test_optional_401_renews_once_without_the_user(self, server: TokenServer, mode: Mode) -> None:
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("stale", refresh_token="r3fresh"), interactive=login)
        assert call_with(mode, server, auth, "optional").status_code == 200
        assert server.order == ["Bearer stale", "token", "Bearer t1"]
        assert form_of(server.token_requests[0])["grant_type"] == "refresh_token"
        assert login.asked == 0

    def test_optional_401_after_a_renewal_is_not_renewed_again(self, server: TokenServer, mode: Mode) -> None:
        server.api_answer = lambda r: httpx.Response(401)
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("stale", refresh_token="r3fresh"), interactive=login)
        with pytest.raises(StatusError) as caught:
            call_with(mode, server, auth, "optional")
        assert caught.value.status_code == 401
        assert server.order == ["Bearer stale", "token", "Bearer t1"]
        assert login.asked == 0

    @pytest.mark.parametrize(
        ("security", "order", "asked"),
        [("required", ["Bearer stale", "token", "Bearer t1"], 1), ("optional", ["Bearer stale", "none"], 0)],
    )
    def test_a_401_only_a_login_could_answer(
        self, server: TokenServer, mode: Mode, security: SecurityMode, order: list[str], asked: int
    ) -> None:
        server.api_answer = optional_endpoint(server)
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("stale"), interactive=login)
        assert call_with(mode, server, auth, security).status_code == 200
        assert server.order == order
        assert login.asked == asked

    def test_optional_401_without_any_way_to_a_token_is_the_answer(self, server: TokenServer, mode: Mode) -> None:
        server.api_answer = optional_endpoint(server)
        auth = OAuth2Auth(TOKEN_URL, token=OAuth2Token("fixed"))  # a static token: nothing to renew, no login
        with pytest.raises(StatusError) as caught:
            call_with(mode, server, auth, "optional")
        assert caught.value.status_code == 401
        assert server.order == ["Bearer fixed"]

    @pytest.mark.parametrize(
        ("security", "order", "asked"),
        [
            ("required", ["token", "Bearer t1", "Bearer t1"], 1),
            ("optional", ["none", "none"], 0),
            ("none", ["none", "none"], 0),
        ],
    )
    def test_retries_keep_the_mode(
        self, server: TokenServer, mode: Mode, security: SecurityMode, order: list[str], asked: int
    ) -> None:
        answers = [lambda r: httpx.Response(503), optional_endpoint(server)]
        server.api_answer = lambda request: answers.pop(0)(request) if len(answers) > 1 else answers[0](request)
        login = RecordingLogin()
        auth = OAuth2Auth(TOKEN_URL, interactive=login)
        assert call_with(mode, server, auth, security).status_code == 200
        assert server.order == order
        assert login.asked == asked

    @pytest.mark.parametrize(("security", "sends"), [("required", True), ("optional", True), ("none", False)])
    def test_retries_and_redirect_hops_keep_the_mode(self, mode: Mode, recorder: Any, security: SecurityMode, sends: bool) -> None:
        rec = recorder(503, lambda r: httpx.Response(307, headers={"location": "/v1/moved"}), 200)
        core = mode.core(rec, auth=BearerAuth("st4tic"))
        mode.run(core.send(Call("GET", "/items", security=security, extra={"follow_redirects": True})))
        assert [r.url.path for r in rec.requests] == ["/v1/items", "/v1/items", "/v1/moved"]
        assert [bool(credentials_sent(r)) for r in rec.requests] == [sends] * 3


# -- confidential clients and refresh answers ----------------------------------------------
def _token_server(answers: list[dict[str, Any]], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/token":
            return httpx.Response(200, json=answers.pop(0))
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_a_confidential_client_authenticates_at_the_token_endpoint(method: Any) -> None:
    seen: list[httpx.Request] = []
    grant = PasswordGrant("ann", "pw", client_id="cli")
    auth = OAuth2Auth("https://id.test/token", grant, client_id="cli", client_secret="s e/cret", client_auth=method)
    answers = [{"access_token": "a1", "token_type": "Bearer", "expires_in": 300}]
    with httpx.Client(auth=auth, transport=_token_server(answers, seen)) as http:
        http.get("https://api.test/x")
    form = parse_qs(seen[0].content.decode())
    if method == "client_secret_basic":
        # RFC 6749 section 2.3.1: id and secret form-encoded, then base64, in the header; not in the form
        assert seen[0].headers["Authorization"] == "Basic " + base64.b64encode(b"cli:s%20e%2Fcret").decode()
        assert "client_secret" not in form and "client_id" not in form
    else:
        assert form["client_secret"] == ["s e/cret"] and form["client_id"] == ["cli"]
        assert "Authorization" not in seen[0].headers
    assert "s e/cret" not in repr(auth)


def test_a_refresh_answer_without_a_refresh_token_keeps_the_old_one() -> None:
    seen: list[httpx.Request] = []
    answers = [
        {"access_token": "a2", "token_type": "Bearer", "expires_in": 1},  # no new refresh token
        {"access_token": "a3", "token_type": "Bearer", "expires_in": 300},
    ]
    auth = OAuth2Auth(
        "https://id.test/token",
        token=OAuth2Token("a1", expires_at=time.time() - 1, refresh_token="r1"),
        client_id="cli",
    )
    with httpx.Client(auth=auth, transport=_token_server(answers, seen)) as http:
        http.get("https://api.test/x")  # a1 expired: refreshed with r1, giving a2 (short-lived)
        http.get("https://api.test/x")  # a2 within the leeway: refreshed with r1 again
    refreshes = [parse_qs(r.content.decode()) for r in seen if r.url.path == "/token"]
    assert [f["refresh_token"] for f in refreshes] == [["r1"], ["r1"]]
    assert auth.token is not None and auth.token.access_token == "a3" and auth.token.refresh_token == "r1"
