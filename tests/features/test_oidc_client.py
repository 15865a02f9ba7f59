"""A generated client for an ``openIdConnect`` security scheme, against a real provider.

The spec (``specs/oidc.yaml``) only names the provider; the client discovers its endpoints when a
token is first needed, logs in through the (scripted) browser with code + PKCE, refreshes,
caches tokens 0600, and can log in with the device flow instead.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from servers.oidc_provider import Browser, OIDCProvider

SPEC = Path(__file__).resolve().parent / "specs" / "oidc.yaml"


@pytest.fixture(scope="module")
def sso(
    tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]
) -> Iterator[ModuleType]:
    with import_generated(SPEC, "sso", tmp_path_factory.mktemp("sso")) as module:
        yield module


def _client(sso: ModuleType, provider: OIDCProvider, browser: Any, cache: Path | None = None, *, async_: bool = False) -> Any:
    cls = sso.async_api.AsyncSsoApi if async_ else sso.SsoApi
    return cls(
        provider.url,
        client_id=provider.client_id,
        openid_url=provider.discovery_url,
        open_browser=browser,
        token_cache=cache,
    )


def test_no_network_at_construction(sso: ModuleType, provider: OIDCProvider, browser: Browser) -> None:
    client = _client(sso, provider, browser)
    assert browser.opened == [] and provider.token_forms == []
    assert "client_id='specwright-cli'" in repr(client._auth)
    client.close()


def test_first_call_logs_in_and_a_second_client_uses_the_cache(
    sso: ModuleType, provider: OIDCProvider, browser: Browser, tmp_path: Path
) -> None:
    cache = tmp_path / "tokens" / "sso.json"
    with _client(sso, provider, browser, cache) as client:
        assert client.me()["sub"]
    assert len(browser.opened) == 1
    assert "scope=profile+offline_access" in browser.opened[0] and "code_challenge_method=S256" in browser.opened[0]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600

    def no_browser(url: str) -> None:
        raise AssertionError("a cached token must not open the browser")

    with _client(sso, provider, no_browser, cache) as client:
        assert client.me()["sub"]
    assert [f["grant_type"] for f in provider.token_forms] == ["authorization_code"]


def test_explicit_login_then_refresh_on_expiry(sso: ModuleType, provider: OIDCProvider, browser: Browser) -> None:
    provider.expires_in = 1  # inside the renewal margin: every call renews with the refresh token
    with _client(sso, provider, browser) as client:
        token = client.login()
        assert isinstance(token, str) and token
        client.me()
    assert len(browser.opened) == 1
    assert [f["grant_type"] for f in provider.token_forms] == ["authorization_code", "refresh_token"]


def test_denied_login_raises_the_package_error(sso: ModuleType, provider: OIDCProvider, browser: Browser) -> None:
    provider.authorize_mode = "deny"
    with _client(sso, provider, browser) as client, pytest.raises(sso.SsoError) as caught:
        client.login()
    assert "denied" in str(caught.value).lower()
    assert not isinstance(caught.value, sso.SsoConnectionError)


def test_device_login(sso: ModuleType, provider: OIDCProvider, browser: Browser) -> None:
    provider.device_interval = 1
    provider.device_answers = ["ok"]
    shown: list[Any] = []
    with _client(sso, provider, browser) as client:
        client.device_login(prompt=shown.append)
        assert client.me()["sub"]
    assert browser.opened == []
    assert len(shown) == 1 and shown[0].user_code


def test_async_client_logs_in_lazily(sso: ModuleType, provider: OIDCProvider, browser: Browser) -> None:
    async def main() -> tuple[Any, Any]:
        async with _client(sso, provider, browser, async_=True) as client:
            return await asyncio.gather(client.me(), client.me())

    first, second = asyncio.run(main())
    assert first["sub"] == second["sub"]
    assert len(browser.opened) == 1  # concurrent calls share one login
