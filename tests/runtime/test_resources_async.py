"""AsyncResourceClient over httpx.MockTransport: the async twin of test_resources.py's checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field
from specwright_runtime.core import AsyncCore, RequestOptions
from specwright_runtime.errors import FailureKind, SpecwrightError, StatusError
from specwright_runtime.resources import AsyncResourceClient, ResourcePaging

MakeCore = Callable[..., AsyncCore]
Handler = Callable[[httpx.Request], httpx.Response]

pytestmark = pytest.mark.asyncio

LINKS = "address/{address_id}/link/"
#: CloudCIX's list envelope; the defaults of ResourcePaging are neutral (a bare list, no total)
CLOUDCIX = ResourcePaging(items="$.content", totals=("$._metadata.total_records", "$._metadata.totalRecords"))


class Link(BaseModel):
    link_type: str = Field(alias="linkType")


def ok(body: Any, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, json=body)


def paged(count: int, *, total: int | None = None, total_key: str = "total_records", same_page: bool = False) -> Handler:
    """CloudCIX-style pages of ``{"id": n}``; ``total=-1`` leaves ``_metadata`` out."""

    def handle(request: httpx.Request) -> httpx.Response:
        page = 0 if same_page else int(request.url.params["page"])
        limit = int(request.url.params["limit"])
        items = [{"id": i} for i in range(page * limit, min((page + 1) * limit, count))]
        body: dict[str, Any] = {"content": items}
        if total != -1:
            body["_metadata"] = {total_key: count if total is None else total}
        return httpx.Response(200, json=body)

    return handle


async def collect(client: AsyncResourceClient, **kwargs: Any) -> list[Any]:
    return [item async for item in client.iter_all(**kwargs)]


async def test_crud_request_shapes(make_async_core: MakeCore, recorder: Any) -> None:
    rec = recorder(ok({"content": {"id": 3}}))
    links = AsyncResourceClient(make_async_core(rec), LINKS)

    assert await links.list(address_id=7, params={"page": 2}) == {"content": {"id": 3}}
    assert await links.read("a/b", address_id=7) == {"content": {"id": 3}}
    await links.create(data=Link(linkType="x"), address_id=7)
    await links.update(3, data={"a": 1}, address_id=7)
    await links.partial_update(3, data={"a": 2}, address_id=7)
    await links.delete(3, address_id=7)
    head = await links.head(3, address_id=7)

    shapes = [(r.method, r.url.raw_path, r.content) for r in rec.requests]
    assert shapes == [
        ("GET", b"/v1/address/7/link/?page=2", b""),
        ("GET", b"/v1/address/7/link/a%2Fb/", b""),
        ("POST", b"/v1/address/7/link/", b'{"linkType":"x"}'),
        ("PUT", b"/v1/address/7/link/3/", b'{"a":1}'),
        ("PATCH", b"/v1/address/7/link/3/", b'{"a":2}'),
        ("DELETE", b"/v1/address/7/link/3/", b""),
        ("HEAD", b"/v1/address/7/link/3/", b""),
    ]
    assert [("content-type" in r.headers) for r in rec.requests] == [False, False, True, True, True, False, False]
    assert head.status_code == 200


async def test_placeholder_at_the_start_and_headers(make_async_core: MakeCore, recorder: Any) -> None:
    rec = recorder(ok({}))
    buckets = AsyncResourceClient(make_async_core(rec), "{region_name}/bucket/")

    await buckets.list(region_name="..", request_options=RequestOptions(headers={"X-Trace": "t"}))

    assert rec.last.url.raw_path == b"/v1/%2E%2E/bucket/"
    assert rec.last.headers["x-trace"] == "t"


async def test_missing_and_unknown_placeholders_send_nothing(make_async_core: MakeCore, recorder: Any) -> None:
    rec = recorder(ok({}))
    links = AsyncResourceClient(make_async_core(rec), LINKS)

    with pytest.raises(TypeError, match="'address_id'"):
        await links.read(3)
    with pytest.raises(TypeError, match="'address_id'"):
        links.iter_all()  # checked when called, not at the first ``async for`` step
    with pytest.raises(TypeError, match="'region'"):
        await links.list(address_id=7, region="x")
    assert rec.calls == 0


async def test_404_raises_with_status_and_body(make_async_core: MakeCore, recorder: Any) -> None:
    links = AsyncResourceClient(make_async_core(recorder(ok({"detail": "No link 3"}, 404))), LINKS)
    with pytest.raises(StatusError) as caught:
        await links.read(3, address_id=7)
    assert (caught.value.status_code, caught.value.response_body) == (404, {"detail": "No link 3"})


@pytest.mark.parametrize(("method", "calls"), [("read", 3), ("delete", 3), ("partial_update", 1), ("create", 1)])
async def test_retries_follow_the_method(make_async_core: MakeCore, recorder: Any, method: str, calls: int) -> None:
    rec = recorder(503)
    client = AsyncResourceClient(make_async_core(rec), "contact/")
    args: dict[str, Any] = {"data": {}} if method in ("partial_update", "create") else {}
    pk = () if method == "create" else (1,)
    with pytest.raises(StatusError):
        await getattr(client, method)(*pk, **args)
    assert rec.calls == calls


class TestIterAll:
    async def test_neutral_defaults_page_a_bare_list(self, make_async_core: MakeCore, recorder: Any) -> None:
        def handle(request: httpx.Request) -> httpx.Response:
            page, limit = int(request.url.params["page"]), int(request.url.params["limit"])
            return httpx.Response(200, json=[{"id": i} for i in range(page * limit, min((page + 1) * limit, 3))])

        rec = recorder(handle)
        items = await collect(AsyncResourceClient(make_async_core(rec), "contact/"), page_size=2)
        assert [i["id"] for i in items] == [0, 1, 2]
        assert rec.calls == 2  # no total: the short page ended it

    async def test_neutral_defaults_do_not_read_an_envelope(self, make_async_core: MakeCore, recorder: Any) -> None:
        with pytest.raises(SpecwrightError, match=r"no list at \$ "):
            await collect(AsyncResourceClient(make_async_core(recorder(paged(3))), "contact/"))

    async def test_exact_multiple_stops_at_the_total(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(200))
        items = await collect(AsyncResourceClient(make_async_core(rec), LINKS, paging=CLOUDCIX), address_id=7)
        assert [i["id"] for i in items] == list(range(200))
        assert rec.calls == 2

    async def test_lying_total_stops_on_the_empty_page(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(150, total=999))
        assert len(await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX))) == 150
        assert rec.calls == 3

    async def test_repeated_page_stops(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(500, same_page=True))
        assert len(await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX))) == 100
        assert rec.calls == 2

    async def test_max_items(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(500))
        items = await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX), max_items=150)
        assert [i["id"] for i in items] == list(range(150))
        assert rec.calls == 2

    async def test_total_records_camel_case_fallback(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(200, total_key="totalRecords"))
        assert len(await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX))) == 200
        assert rec.calls == 2

    async def test_caller_params_untouched(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(30))
        params: dict[str, Any] = {"order": "name", "limit": 1}
        await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX), params=params, page_size=20)
        assert params == {"order": "name", "limit": 1}
        assert [dict(r.url.params) for r in rec.requests] == [
            {"order": "name", "limit": "20", "page": "0"},
            {"order": "name", "limit": "20", "page": "1"},
        ]

    async def test_configured_paging(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(lambda r: httpx.Response(200, json={"rows": [{"id": 1}], "n": 1}))
        paging = ResourcePaging(page_param="pageNumber", size_param="pageSize", items="$.rows", totals=("$.n",))
        items = await collect(AsyncResourceClient(make_async_core(rec), "t/", paging=paging))
        assert items == [{"id": 1}]
        assert (rec.calls, rec.last.url.query) == (1, b"pageNumber=0&pageSize=100")

    async def test_items_that_are_not_a_list(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(lambda r: httpx.Response(200, content=json.dumps({"content": "nope"}).encode()))
        with pytest.raises(SpecwrightError) as caught:
            await collect(AsyncResourceClient(make_async_core(rec), "contact/", paging=CLOUDCIX))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.VALIDATION


async def test_repr(make_async_core: MakeCore, recorder: Any) -> None:
    client = AsyncResourceClient(make_async_core(recorder(200)), "/{region_name}/bucket")
    assert repr(client) == "AsyncResourceClient('https://api.test/v1/{region_name}/bucket/')"
