"""End to end: a CloudCIX-like server on 127.0.0.1, reached only through ``HTTP_PROXY``.

The API host names (``*.cloudcix.test``) do not resolve, so every answer proves that the
shared clients took the proxy from the standard environment variable, as httpx does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest
from cloudcix.api import Asset, Membership, Vault
from cloudcix.async_api import AsyncMembership
from cloudcix.auth import get_admin_token, get_token
from cloudcix.exceptions import CloudCIXAPIError, CloudCIXAuthException
from cloudcix.transport import aclose_http, close_http, configure_http
from cloudcix_servers import ADDRESSES, API_KEY, ASSETS, EMAIL, PASSWORD, TOKEN, CloudCIXServer
from servers.forward_proxy import ForwardProxy, to_server

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def through_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CloudCIXServer, ForwardProxy]]:
    with CloudCIXServer() as server, ForwardProxy(to_server(f"http://127.0.0.1:{server.port}")) as proxy:
        for name in PROXY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.lower(), raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("CLOUDCIX_API_V2_URL", f"http://api.cloudcix.test:{server.port}/")
        monkeypatch.setenv("CLOUDCIX_API_URL", f"http://legacyapi.cloudcix.test:{server.port}/")
        monkeypatch.setenv("CLOUDCIX_API_VERSION", "2")
        monkeypatch.setenv("CLOUDCIX_API_USERNAME", EMAIL)
        monkeypatch.setenv("CLOUDCIX_API_PASSWORD", PASSWORD)
        monkeypatch.setenv("CLOUDCIX_API_KEY", API_KEY)
        configure_http()  # the next request opens a client that reads this environment
        yield server, proxy
        close_http()


def test_the_seed_usage_through_the_proxy(
    through_proxy: tuple[CloudCIXServer, ForwardProxy], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: httpx, httpcore, the runtime, cloudcix
    server, proxy = through_proxy
    port = server.port
    token = get_admin_token()
    assert token == TOKEN

    response = Membership.address.list(token=token, params={"page": 1, "limit": 10, "active": True})
    assert response.status_code == 200
    assert response.json()["content"] == ADDRESSES[10:20]
    assert response.json()["content"][0]["postcode"] == "00010"  # a string stays a string
    assert server.seen[-1].query == {"page": ["1"], "limit": ["10"], "active": ["true"]}
    assert server.seen[-1].body == b"" and server.seen[-1].headers.get("Content-Length") in (None, "0")

    assert Membership.address.read(pk=3, token=token).json() == {"content": ADDRESSES[3]}
    assert Membership.address.create(token=token, data={"name": "New"}).status_code == 201
    assert json.loads(server.seen[-1].body) == {"name": "New"}
    assert Membership.address.update(pk=4, token=token, data={"name": "X"}).json()["content"]["name"] == "X"
    assert Membership.address.partial_update(pk=4, token=token, data={"name": "Y"}).json()["content"]["name"] == "Y"
    assert Membership.address.delete(pk=5, token=token).status_code == 204
    head = Membership.address.head(token=token)
    assert head.status_code == 200 and head.content == b""

    assert Membership.address.read(pk=999, token=token).status_code == 404  # returned, not raised
    assert Membership.address.list().status_code == 401  # no token, no header

    assert Membership.address.get_all(token=token) == ADDRESSES  # total_records, 3 pages
    assert Asset.asset.get_all(token=token) == ASSETS  # legacy path style, totalRecords, 2 pages
    assert server.seen[-1].path == "/Asset/v1/Asset/" and server.seen[-1].host == "legacyapi.cloudcix.test"

    echoed = Vault.bucket.read(pk=1, token=token, region_name="eu/west", path="b 1").json()
    assert echoed == {"content": {"path": "/eu%2Fwest/bucket/b%201/1/"}}  # each value one path segment

    with pytest.raises(CloudCIXAPIError) as caught:
        Membership.address.get_all()
    assert caught.value.status_code == 401

    with pytest.raises(CloudCIXAuthException) as refused:
        get_token(EMAIL, "wrong", API_KEY)
    assert refused.value.error_code == "membership_login_201"

    forwarded = [url for _, url, _ in proxy.seen]
    assert f"http://membership.api.cloudcix.test:{port}/auth/login/" in forwarded
    assert f"http://legacyapi.cloudcix.test:{port}/Asset/v1/Asset/?page=1&limit=100" in forwarded
    assert len(forwarded) == len(server.seen)  # everything went through the proxy

    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    errors = f"{caught.value!s} {caught.value!r} {caught.value.info!r} {refused.value!s} {refused.value!r}"
    for secret in (PASSWORD, API_KEY, TOKEN):
        assert secret not in logged and secret not in errors
    assert "HTTP Request: GET" in logged  # httpx did log the requests


def test_the_async_twin_through_the_proxy(through_proxy: tuple[CloudCIXServer, ForwardProxy]) -> None:
    server, proxy = through_proxy

    async def main() -> int:
        try:
            items = await AsyncMembership.address.get_all(token=TOKEN)
            response = await AsyncMembership.address.read(7, token=TOKEN)
            assert response.json() == {"content": ADDRESSES[7]}
            return len(items)
        finally:
            await aclose_http()

    assert asyncio.run(main()) == 250
    assert len(proxy.seen) == len(server.seen) == 4
