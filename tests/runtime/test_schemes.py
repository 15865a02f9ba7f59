"""Auth schemes build the auth a generated constructor used to build itself, without the network."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from specwright_runtime import (
    ApiKeyAuth,
    ApiKeyScheme,
    BasicAuth,
    BasicScheme,
    BearerAuth,
    BearerScheme,
    OAuth2Auth,
    OAuth2Scheme,
    OAuth2Token,
    OpenIDConnectAuth,
    OpenIDConnectScheme,
    TokenCache,
)

BASE_URL = "https://api.test/v1"


def sent(auth: httpx.Auth | None, url: str = BASE_URL + "/x") -> httpx.Request:
    """The request ``auth`` lets through (first step of its flow)."""
    request = httpx.Request("GET", url)
    if auth is None:
        return request
    return next(auth.sync_auth_flow(request))


def test_bearer_scheme_always_builds_an_auth() -> None:
    with_token = BearerScheme().build(BASE_URL, {"token": "t"})
    assert isinstance(with_token, BearerAuth) and sent(with_token).headers["Authorization"] == "Bearer t"
    without = BearerScheme().build(BASE_URL, {})
    assert isinstance(without, BearerAuth) and without.token is None
    assert "authorization" not in sent(without).headers


def test_basic_scheme_always_builds_an_auth_and_hides_the_password() -> None:
    auth = BasicScheme().build(BASE_URL, {"username": "ann", "password": "s3cret"})
    assert isinstance(auth, BasicAuth)
    assert sent(auth).headers["Authorization"] == "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert "s3cret" not in repr(auth)
    empty = BasicScheme().build(BASE_URL, {})
    assert isinstance(empty, BasicAuth) and "authorization" not in sent(empty).headers


@pytest.mark.parametrize(
    ("location", "header", "query", "cookie"),
    [("header", "k1", None, None), ("query", None, "k1", None), ("cookie", None, None, "X-Key=k1")],
)
def test_api_key_scheme(location: str, header: str | None, query: str | None, cookie: str | None) -> None:
    auth = ApiKeyScheme("X-Key", location).build(BASE_URL, {"api_key": "k1"})
    assert isinstance(auth, ApiKeyAuth)
    request = sent(auth)
    assert request.headers.get("X-Key") == header
    assert request.url.params.get("X-Key") == query
    assert request.headers.get("Cookie") == cookie


def test_api_key_scheme_without_a_key_builds_no_auth() -> None:
    assert ApiKeyScheme("X-Key").build(BASE_URL, {"api_key": None}) is None
    assert ApiKeyScheme("X-Key").build(BASE_URL, {}) is None


@pytest.mark.parametrize(
    ("token_url", "expected"),
    [
        ("login/token", BASE_URL + "/login/token"),
        ("/login/token", "https://api.test/login/token"),
        ("https://sso.test/token", "https://sso.test/token"),
    ],
)
def test_oauth2_scheme_resolves_the_token_url_against_the_base_url(token_url: str, expected: str) -> None:
    auth = OAuth2Scheme(token_url).build(BASE_URL, {})
    assert isinstance(auth, OAuth2Auth) and auth.token_url == expected
    assert auth.token is None and not auth.can_renew()


def test_oauth2_scheme_takes_a_token_and_a_cache(tmp_path: Path) -> None:
    auth = OAuth2Scheme("token").build(BASE_URL, {"token": "t0"})
    assert isinstance(auth, OAuth2Auth) and auth.token == OAuth2Token("t0")
    cache = TokenCache(tmp_path / "token.json")
    cache.save(OAuth2Token("cached", expires_at=None))
    cached = OAuth2Scheme("token").build(BASE_URL, {"token": None, "token_cache": tmp_path / "token.json"})
    assert isinstance(cached, OAuth2Auth) and cached.token is not None and cached.token.access_token == "cached"


def test_openid_connect_scheme_builds_a_lazy_auth() -> None:
    def opener(url: str) -> None:
        raise AssertionError("no login at construction")

    scheme = OpenIDConnectScheme("/realms/demo/.well-known/openid-configuration", "openid profile")
    auth = scheme.build(BASE_URL, {"client_id": "cli", "token": "t0", "open_browser": opener})
    assert isinstance(auth, OpenIDConnectAuth)
    assert auth.discovery == "https://api.test/realms/demo/.well-known/openid-configuration"
    assert (auth.client_id, auth.scope) == ("cli", "openid profile")
    assert auth.token == OAuth2Token("t0")
    assert auth._browser["open_browser"] is opener


def test_openid_connect_scheme_takes_the_users_provider_url() -> None:
    auth = OpenIDConnectScheme("/default").build(BASE_URL, {"openid_url": "https://sso.test/realm"})
    assert isinstance(auth, OpenIDConnectAuth)
    assert auth.discovery == "https://sso.test/realm"
    assert auth.client_id is None and auth.scope == "openid"


def test_openid_connect_scheme_uses_the_users_cache_for_a_token_cache_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    provider = "https://sso.test/realm"
    scheme = OpenIDConnectScheme("/default", "openid profile")
    TokenCache.for_login("demo", provider=provider, client_id="cli", scope="openid profile").save(OAuth2Token("cached"))
    credentials = {"openid_url": provider, "client_id": "cli", "token_cache_name": "demo"}

    auth = scheme.build(BASE_URL, credentials)
    assert isinstance(auth, OpenIDConnectAuth) and auth.token == OAuth2Token("cached")
    # another client, provider or scope is another login: not this token
    for other in ({"client_id": "cli2"}, {"openid_url": provider + "2"}):
        fresh = scheme.build(BASE_URL, {**credentials, **other})
        assert isinstance(fresh, OpenIDConnectAuth) and fresh.token is None
    narrower = OpenIDConnectScheme("/default").build(BASE_URL, credentials)
    assert isinstance(narrower, OpenIDConnectAuth) and narrower.token is None

    # the provider is the resolved URL: the spec's, under the base URL, without openid_url
    auth = scheme.build(BASE_URL, {"client_id": "cli", "token_cache_name": "demo"})
    assert isinstance(auth, OpenIDConnectAuth)
    auth.set_token("kept")
    expected = TokenCache.for_login("demo", provider="https://api.test/default", client_id="cli", scope="openid profile")
    assert expected.load() == OAuth2Token("kept")


def test_an_explicit_token_cache_wins_over_a_token_cache_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = tmp_path / "token.json"
    TokenCache(path).save(OAuth2Token("from-the-file"))
    credentials = {"client_id": "cli", "token_cache": path, "token_cache_name": "demo"}
    auth = OpenIDConnectScheme("https://sso.test/realm").build(BASE_URL, credentials)
    assert isinstance(auth, OpenIDConnectAuth) and auth.token == OAuth2Token("from-the-file")
    auth.set_token("new")
    assert TokenCache(path).load() == OAuth2Token("new")
    assert not (tmp_path / "home").exists()  # nothing written under the user's home


def test_schemes_are_frozen_values() -> None:
    assert OAuth2Scheme("a") == OAuth2Scheme("a") and hash(ApiKeyScheme("k")) == hash(ApiKeyScheme("k"))
    with pytest.raises(AttributeError):
        OAuth2Scheme("a").token_url = "b"  # type: ignore[misc]
