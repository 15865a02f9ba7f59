"""The async twins: AsyncClient and cloudcix.async_api, over the same mock transport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from cloudcix.async_api import AsyncAsset, AsyncMembership, AsyncVault
from cloudcix.async_client import AsyncClient
from cloudcix.exceptions import CloudCIXAPIError, MissingClientKeywordArgumentException
from cloudcix.transport import AsyncHttpPool, aclose_http
from cloudcix_fakes import Recorder, page

LINK = "https://membership.api.cloudcix.com/address/7/link/"


@pytest.mark.asyncio
async def test_every_method(mock: Recorder) -> None:
    link = AsyncMembership.address_link
    assert isinstance(link, AsyncClient)
    calls: list[tuple[Any, str, str, Any]] = [
        (link.list(token="T", address_id=7), "GET", LINK, None),
        (link.read(3, token="T", address_id=7), "GET", LINK + "3/", None),
        (link.head(token="T", pk=3, address_id=7), "HEAD", LINK + "3/", None),
        (link.delete(3, token="T", address_id=7), "DELETE", LINK + "3/", None),
        (link.create(token="T", data={"a": 1}, address_id=7), "POST", LINK, {"a": 1}),
        (link.update(3, token="T", data={"a": 2}, address_id=7), "PUT", LINK + "3/", {"a": 2}),
        (link.partial_update(3, token="T", data={"a": 3}, address_id=7), "PATCH", LINK + "3/", {"a": 3}),
        (link.request("get", token="T", address_id=7), "GET", LINK, None),
    ]
    for pending, method, url, sent in calls:
        response = await pending
        assert isinstance(response, httpx.Response) and response.status_code == 200
        request = mock.last
        assert (request.method, str(request.url), request.headers["X-Auth-Token"]) == (method, url, "T")
        assert (json.loads(request.content) if sent is not None else request.content) == (
            sent if sent is not None else b""
        )
    assert len(mock.requests) == len(calls)
    await aclose_http()


@pytest.mark.asyncio
async def test_statuses_are_returned(mock: Recorder) -> None:
    mock.play(lambda r: httpx.Response(404, json={"detail": "gone"}))
    response = await AsyncAsset.asset.read(5)
    assert (response.status_code, response.json()) == (404, {"detail": "gone"})
    assert str(mock.last.url) == "https://legacyapi.api.cloudcix.com/Asset/v1/Asset/5/"


@pytest.mark.asyncio
async def test_get_all(mock: Recorder) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        size = 100 if number < 2 else 30
        return httpx.Response(200, json=page([{"id": number * 100 + i} for i in range(size)], 5000, "totalRecords"))

    mock.play(answer)
    params = {"order": "id"}
    items = await AsyncVault.bucket.get_all(params=params, region_name="eu", path="b")
    assert [item["id"] for item in items] == list(range(230))
    assert params == {"order": "id"}
    assert mock.urls[-1] == "https://vault.api.cloudcix.com/eu/bucket/b/?order=id&page=2&limit=100"
    mock.play(lambda r: httpx.Response(401, json={"detail": "no token"}))
    with pytest.raises(CloudCIXAPIError) as caught:
        await AsyncVault.region.get_all()
    assert caught.value.status_code == 401


@pytest.mark.asyncio
async def test_placeholders(mock: Recorder) -> None:
    with pytest.raises(MissingClientKeywordArgumentException):
        await AsyncMembership.address_link.list()
    await AsyncMembership.guiden_api_key.read(pk="a/b")
    assert str(mock.last.url) == "https://membership.api.cloudcix.com/guiden/api_key/a%2Fb/"


@pytest.mark.asyncio
async def test_one_shared_client_per_loop(mock: Recorder) -> None:
    first = AsyncHttpPool.client()
    assert AsyncHttpPool.client() is first
    await aclose_http()
    assert first.is_closed and AsyncHttpPool.client() is not first
