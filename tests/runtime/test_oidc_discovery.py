"""oidc: reading a provider's discovery document, sync and async, and its typed errors."""

from __future__ import annotations

import socket

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider
from specwright_runtime.auth import OAuth2Auth
from specwright_runtime.device import DeviceLogin
from specwright_runtime.errors import TokenEndpointError
from specwright_runtime.loopback import LoopbackLogin
from specwright_runtime.oidc import DiscoveryError, LoginError, ProviderMetadata, adiscover, discover, discovery_url


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/realms/x/.well-known/openid-configuration"


def test_discover_reads_the_endpoints(provider: OIDCProvider) -> None:
    meta = discover(provider.discovery_url)
    assert meta.issuer == provider.issuer
    assert meta.authorization_endpoint == provider.authorization_endpoint
    assert meta.token_endpoint == provider.token_endpoint
    assert meta.device_authorization_endpoint == provider.device_endpoint
    assert meta.userinfo_endpoint == provider.me_url
    assert meta.code_challenge_methods_supported == ("S256",)
    assert "refresh_token" in meta.grant_types_supported
    with pytest.raises(AttributeError):
        meta.issuer = "changed"  # type: ignore[misc]


def test_an_issuer_url_gets_the_well_known_path(provider: OIDCProvider) -> None:
    assert discovery_url(provider.issuer + "/") == provider.discovery_url
    assert discover(provider.issuer).token_endpoint == provider.token_endpoint


@pytest.mark.asyncio
async def test_adiscover_reads_the_endpoints(provider: OIDCProvider) -> None:
    meta = await adiscover(provider.discovery_url)
    assert meta.token_endpoint == provider.token_endpoint
    async with httpx.AsyncClient() as http:
        again = await adiscover(provider.discovery_url, http=http)
    assert again == meta


def test_a_given_client_is_used_without_its_auth(provider: OIDCProvider) -> None:
    # the discovery must not start the login that needs it
    def refuse(url: str) -> None:
        raise AssertionError("discovery started a login")

    login = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=refuse)
    with httpx.Client(auth=OAuth2Auth(provider.token_endpoint, interactive=login)) as http:
        meta = discover(provider.discovery_url, http=http)
    assert meta.issuer == provider.issuer


def test_http_error_status(provider: OIDCProvider) -> None:
    provider.discovery_answer = (404, {"error": "Realm does not exist"})
    with pytest.raises(DiscoveryError) as caught:
        discover(provider.discovery_url)
    assert caught.value.status_code == 404
    assert "HTTP 404" in str(caught.value)
    assert caught.value.url == provider.discovery_url
    assert isinstance(caught.value, LoginError) and isinstance(caught.value, TokenEndpointError)


def test_not_json(provider: OIDCProvider) -> None:
    provider.discovery_answer = (200, b"<html>login portal</html>")
    with pytest.raises(DiscoveryError, match="not JSON"):
        discover(provider.discovery_url)


def test_not_an_object(provider: OIDCProvider) -> None:
    provider.discovery_answer = (200, b"[1, 2]")
    with pytest.raises(DiscoveryError, match="not a JSON object"):
        discover(provider.discovery_url)


def test_missing_endpoints_are_named(provider: OIDCProvider) -> None:
    document = provider.document()
    del document["token_endpoint"]
    document["authorization_endpoint"] = "not a url"
    provider.discovery_answer = (200, document)
    with pytest.raises(DiscoveryError) as caught:
        discover(provider.discovery_url)
    assert "authorization_endpoint" in str(caught.value)
    assert "token_endpoint" in str(caught.value)


def test_issuer_must_match_the_discovery_url(provider: OIDCProvider) -> None:
    document = provider.document()
    document["issuer"] = "https://evil.test/realms/demo"
    provider.discovery_answer = (200, document)
    with pytest.raises(DiscoveryError, match="issuer"):
        discover(provider.discovery_url)
    assert discover(provider.discovery_url, check_issuer=False).issuer == "https://evil.test/realms/demo"


def test_unreachable_provider() -> None:
    url = closed_port_url()
    with pytest.raises(DiscoveryError, match="could not fetch") as caught:
        discover(url)
    assert caught.value.status_code is None
    assert caught.value.url == url


@pytest.mark.asyncio
async def test_unreachable_provider_async() -> None:
    with pytest.raises(DiscoveryError, match="could not fetch"):
        await adiscover(closed_port_url())


def test_optional_endpoints_and_device_login_without_one(provider: OIDCProvider) -> None:
    document = provider.document()
    del document["device_authorization_endpoint"]
    meta = ProviderMetadata.from_document(document, url=provider.discovery_url)
    assert meta.device_authorization_endpoint is None
    with pytest.raises(DiscoveryError, match="device_authorization_endpoint"):
        DeviceLogin.from_provider(meta, provider.client_id)


def test_logins_built_from_the_metadata(provider: OIDCProvider) -> None:
    meta = discover(provider.discovery_url)
    browser = Browser()
    login = LoopbackLogin.from_provider(meta, provider.client_id, open_browser=browser)
    assert login.authorization_endpoint == provider.authorization_endpoint
    device = DeviceLogin.from_provider(meta, provider.client_id)
    assert (device.device_authorization_endpoint, device.token_endpoint) == (
        provider.device_endpoint,
        provider.token_endpoint,
    )
