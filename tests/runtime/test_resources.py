"""resources: ResourceClient and AsyncResourceClient — request shapes, path placeholders, errors,
retries and iter_all's stop rules.

Most tests run over ``httpx.MockTransport``; a test taking ``mode`` runs once per twin
(``resource(mode, ...)`` builds the client, ``mode.run(...)`` drives a call, ``collect`` drains
``iter_all``). The last ones run both twins against a small in-memory CloudCIX-like service on
127.0.0.1 (stdlib ``http.server`` in a thread).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field
from specwright_runtime.core import AsyncCore, RequestOptions, SyncCore
from specwright_runtime.errors import ErrorInfo, FailureKind, SpecwrightError, StatusError
from specwright_runtime.paging import PageNumberPaging
from specwright_runtime.resources import AsyncResourceClient, HeadResult, ResourceClient, ResourcePaging
from specwright_runtime.retries import RetryPolicy

from .conftest import Mode

MakeCore = Callable[..., SyncCore]
Handler = Callable[[httpx.Request], httpx.Response]

LINKS = "address/{address_id}/link/"
#: CloudCIX's list envelope; the defaults of ResourcePaging are neutral (a bare list, no total)
CLOUDCIX = ResourcePaging(items="$.content", totals=("$._metadata.total_records", "$._metadata.totalRecords"))


class Link(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    link_type: str = Field(alias="linkType")
    note: str | None = None


def ok(body: Any = None, status: int = 200) -> Handler:
    return lambda request: httpx.Response(status, json=body if body is not None else {"content": {}})


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def paged(
    count: int,
    *,
    total: int | None = None,
    total_key: str = "total_records",
    cap: int | None = None,
    ignore_page: bool = False,
) -> Handler:
    """A CloudCIX-style list endpoint over ``count`` items ``{"id": 0..count-1}``.

    ``total`` is what ``_metadata`` claims (default: the truth, ``-1``: no ``_metadata``);
    ``cap`` limits the page size the server honours; ``ignore_page`` always sends page 0.
    """

    def handle(request: httpx.Request) -> httpx.Response:
        page = 0 if ignore_page else int(request.url.params["page"])
        limit = int(request.url.params["limit"])
        size = min(limit, cap) if cap is not None else limit
        start = page * size  # a capping server places its pages by the size it honours
        items = [{"id": i} for i in range(start, min(start + size, count))]
        body: dict[str, Any] = {"content": items}
        if total != -1:
            body["_metadata"] = {total_key: count if total is None else total}
        return httpx.Response(200, json=body)

    return handle


def pages_asked(recorder: Any) -> list[tuple[str, str]]:
    return [(r.url.params["page"], r.url.params["limit"]) for r in recorder.requests]


def resource(mode: Mode, handler: Handler, template: str, **kwargs: Any) -> Any:
    """This variant's resource client over a core answering with ``handler``."""
    cls = AsyncResourceClient if mode.is_async else ResourceClient
    return cls(mode.core(handler), template, **kwargs)


def collect(mode: Mode, client: Any, **kwargs: Any) -> list[Any]:
    """Everything ``client.iter_all(**kwargs)`` yields (``iter_all`` itself is called at once)."""
    items = client.iter_all(**kwargs)
    if not mode.is_async:
        return list(items)

    async def drain() -> list[Any]:
        return [item async for item in items]

    return asyncio.run(drain())


# -- request shapes -----------------------------------------------------------------------


class TestRequests:
    def test_crud_request_shapes(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(ok({"content": {"id": 3}}))
        links = resource(mode, rec, LINKS)

        assert mode.run(links.list(address_id=7, params={"page": 2})) == {"content": {"id": 3}}
        assert mode.run(links.read("a/b", address_id=7)) == {"content": {"id": 3}}
        mode.run(links.create(data=Link(link_type="x"), address_id=7))
        mode.run(links.update(3, data={"a": 1}, address_id=7))
        mode.run(links.partial_update(3, data={"a": 2}, address_id=7))
        mode.run(links.delete(3, address_id=7))
        head = mode.run(links.head(3, address_id=7))

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

    def test_list(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(ok({"_metadata": {"total_records": 0}, "content": []}))
        links = ResourceClient(make_core(rec), LINKS)

        result = links.list(address_id=7, params={"search[name]": "a b", "order": None, "id__in": [1, 2]})

        assert result == {"_metadata": {"total_records": 0}, "content": []}
        request = rec.last
        assert request.method == "GET"
        assert str(request.url) == "https://api.test/v1/address/7/link/?search%5Bname%5D=a%20b&id__in=1&id__in=2"
        assert request.content == b""  # the old client sent the body ``null``
        assert "content-type" not in request.headers
        assert request.headers["accept"] == "application/json"

    def test_read(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(ok({"content": {"id": 3}}))
        links = ResourceClient(make_core(rec), LINKS)

        assert links.read(3, address_id=7) == {"content": {"id": 3}}
        assert (rec.last.method, rec.last.url.path) == ("GET", "/v1/address/7/link/3/")
        assert rec.last.content == b""

    def test_create_posts_a_model_by_alias(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(ok({"content": {"id": 9}}, status=201))
        links = ResourceClient(make_core(rec), LINKS)

        created = links.create(data=Link(link_type="x"), address_id=7, params={"dry": True})

        assert created == {"content": {"id": 9}}
        request = rec.last
        assert (request.method, request.url.path, request.url.query) == ("POST", "/v1/address/7/link/", b"dry=true")
        assert request.headers["content-type"] == "application/json"
        assert body_of(request) == {"linkType": "x"}  # alias, unset ``note`` left out

    @pytest.mark.parametrize(("method", "verb"), [("update", "PUT"), ("partial_update", "PATCH")])
    def test_update_and_partial_update(self, make_core: MakeCore, recorder: Any, method: str, verb: str) -> None:
        rec = recorder(ok({"content": {"id": 3}}))
        links = ResourceClient(make_core(rec), LINKS)

        result = getattr(links, method)(3, data={"note": "n", "when": None}, address_id=7)

        assert result == {"content": {"id": 3}}
        assert (rec.last.method, rec.last.url.path) == (verb, "/v1/address/7/link/3/")
        assert body_of(rec.last) == {"note": "n", "when": None}

    def test_empty_answer_is_none(self, make_core: MakeCore, recorder: Any) -> None:
        links = ResourceClient(make_core(recorder(204)), LINKS)
        assert links.update(3, data={}, address_id=7) is None

    @pytest.mark.parametrize("answer", [204, ok({"detail": "gone"})])
    def test_delete(self, make_core: MakeCore, recorder: Any, answer: Any) -> None:
        rec = recorder(answer)
        links = ResourceClient(make_core(rec), LINKS)

        links.delete(3, address_id=7)
        assert (rec.last.method, rec.last.url.path, rec.last.content) == ("DELETE", "/v1/address/7/link/3/", b"")
        assert "content-type" not in rec.last.headers

    def test_head(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(lambda r: httpx.Response(200, headers={"X-Total": "5"}))
        links = ResourceClient(make_core(rec), LINKS)

        whole = links.head(address_id=7)
        one = links.head(3, address_id=7)

        assert isinstance(whole, HeadResult)
        assert (whole.status_code, whole.headers["x-total"]) == (200, "5")
        assert [(r.method, r.url.path, r.content) for r in rec.requests] == [
            ("HEAD", "/v1/address/7/link/", b""),
            ("HEAD", "/v1/address/7/link/3/", b""),
        ]
        assert one.status_code == 200

    def test_request_options_headers_and_timeout(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(ok())
        links = resource(mode, rec, "contact/")

        mode.run(links.read(1, request_options=RequestOptions(headers={"X-Trace": "t1"}, timeout=3.0)))

        assert rec.last.headers["x-trace"] == "t1"
        assert rec.last.extensions["timeout"]["read"] == 3.0

    def test_client_auth_is_sent(self, make_core: MakeCore, recorder: Any) -> None:
        class Token(httpx.Auth):
            def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
                request.headers["X-Auth-Token"] = "tok"
                yield request

        rec = recorder(ok())
        ResourceClient(make_core(rec, auth=Token()), "contact/").read(1)
        assert rec.last.headers["x-auth-token"] == "tok"


# -- path placeholders --------------------------------------------------------------------


class TestPaths:
    def test_placeholder_at_the_start(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(ok())
        buckets = resource(mode, rec, "{region_name}/bucket/")

        mode.run(buckets.read("logs", region_name="eu-west"))
        assert rec.last.url.raw_path == b"/v1/eu-west/bucket/logs/"

        mode.run(buckets.list(region_name="..", request_options=RequestOptions(headers={"X-Trace": "t"})))
        assert rec.last.url.raw_path == b"/v1/%2E%2E/bucket/"
        assert rec.last.headers["x-trace"] == "t"

    @pytest.mark.parametrize(
        ("value", "segment"),
        [
            ("a/b", b"a%2Fb"),
            ("..", b"%2E%2E"),
            (".", b"%2E"),
            ("a b?c#d&e", b"a%20b%3Fc%23d%26e"),
            ("https://evil.test/x", b"https%3A%2F%2Fevil.test%2Fx"),
            ("é", b"%C3%A9"),
        ],
    )
    def test_values_are_one_segment(self, make_core: MakeCore, recorder: Any, value: str, segment: bytes) -> None:
        rec = recorder(ok())
        buckets = ResourceClient(make_core(rec), "{region_name}/bucket/")

        buckets.read(value, region_name=value)

        assert rec.last.url.host == "api.test"
        assert rec.last.url.raw_path == b"/v1/" + segment + b"/bucket/" + segment + b"/"

    def test_template_with_its_own_pk(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(ok())
        keys = ResourceClient(make_core(rec), "guiden/api_key/{pk}/")

        keys.read(5)
        keys.update(5, data={"a": 1})
        keys.list(pk=5)

        assert [r.url.path for r in rec.requests] == ["/v1/guiden/api_key/5/"] * 3

    def test_template_is_normalised(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(ok())
        contacts = ResourceClient(make_core(rec), "/contact")

        contacts.list()
        contacts.read(1)

        assert contacts.path == "contact/"
        assert [r.url.path for r in rec.requests] == ["/v1/contact/", "/v1/contact/1/"]

    def test_missing_placeholder_before_any_request(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(ok())
        links = resource(mode, rec, LINKS)

        for attempt in (
            lambda: links.list(),
            lambda: links.read(3),
            lambda: links.create(data={}),
            lambda: links.delete(3),
            lambda: links.head(),
            lambda: links.iter_all(),  # checked when called, not at the first (async) for step
        ):
            with pytest.raises(TypeError, match="'address_id'"):
                mode.run(attempt())
        assert rec.calls == 0

    def test_unknown_keyword(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(ok())
        links = resource(mode, rec, LINKS)

        with pytest.raises(TypeError, match="'adress_id'"):
            mode.run(links.read(3, address_id=7, adress_id=7))
        with pytest.raises(TypeError, match="'pk'"):  # no {pk} in the template: pk is not a path argument
            mode.run(links.list(address_id=7, pk=3))
        with pytest.raises(TypeError, match="'region'"):
            mode.run(links.list(address_id=7, region="x"))
        assert rec.calls == 0

    @pytest.mark.parametrize("value", [None, ""])
    def test_none_or_empty_values_are_refused(self, make_core: MakeCore, recorder: Any, value: Any) -> None:
        rec = recorder(ok())
        links = ResourceClient(make_core(rec), LINKS)
        with pytest.raises((TypeError, ValueError), match="'address_id'"):
            links.read(3, address_id=value)
        with pytest.raises((TypeError, ValueError), match="'pk'"):
            links.read(value, address_id=7)
        assert rec.calls == 0

    @pytest.mark.parametrize(
        ("template", "message"),
        [
            ("a/{b/", "malformed"),
            ("a/{1x}/", "malformed"),
            ("a/{params}/", "clash"),
            ("https://other.test/x/", "relative"),
        ],
    )
    def test_bad_templates(self, make_core: MakeCore, recorder: Any, template: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            ResourceClient(make_core(recorder(ok())), template)

    def test_repr_shows_the_template_without_credentials(self, mode: Mode, recorder: Any) -> None:
        cls = AsyncResourceClient if mode.is_async else ResourceClient
        core = mode.core(recorder(ok()), base_url="https://user:s3cret@membership.api.test/")
        text = repr(cls(core, LINKS))
        assert text == f"{cls.__name__}('https://membership.api.test/address/{{address_id}}/link/')"
        assert "s3cret" not in text
        text = repr(cls(mode.core(recorder(200)), "/{region_name}/bucket"))
        assert text == f"{cls.__name__}('https://api.test/v1/{{region_name}}/bucket/')"


# -- errors and retries -------------------------------------------------------------------


class TestErrorsAndRetries:
    def test_404_raises_with_status_and_body(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(lambda r: httpx.Response(404, json={"detail": "No link 3"}))
        links = resource(mode, rec, LINKS)

        with pytest.raises(StatusError) as caught:
            mode.run(links.read(3, address_id=7))

        assert caught.value.status_code == 404
        assert caught.value.response_body == {"detail": "No link 3"}
        assert str(caught.value) == "No link 3"
        assert caught.value.url == "https://api.test/v1/address/7/link/3/"

    def test_invalid_json_on_2xx(self, make_core: MakeCore, recorder: Any) -> None:
        links = ResourceClient(make_core(recorder(lambda r: httpx.Response(200, content=b"<html>"))), "contact/")
        with pytest.raises(SpecwrightError) as caught:
            links.read(1)
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.DECODE

    @pytest.mark.parametrize(
        ("call", "calls"),
        [
            (lambda c: c.list(), 3),
            (lambda c: c.read(1), 3),
            (lambda c: c.head(1), 3),
            (lambda c: c.update(1, data={}), 3),
            (lambda c: c.delete(1), 3),
            (lambda c: c.create(data={}), 1),
            (lambda c: c.partial_update(1, data={}), 1),
        ],
    )
    def test_only_idempotent_methods_are_retried(
        self, mode: Mode, recorder: Any, call: Callable[[Any], Any], calls: int
    ) -> None:
        rec = recorder(503)
        with pytest.raises(StatusError):
            mode.run(call(resource(mode, rec, "contact/")))
        assert rec.calls == calls

    def test_retried_get_succeeds(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(503, ok({"content": {"id": 1}}))
        assert ResourceClient(make_core(rec), "contact/").read(1) == {"content": {"id": 1}}
        assert rec.calls == 2


# -- iter_all -----------------------------------------------------------------------------


class TestIterAll:
    @pytest.mark.parametrize(
        ("count", "asked"), [(5, [("0", "2"), ("1", "2"), ("2", "2")]), (3, [("0", "2"), ("1", "2")])]
    )
    def test_neutral_defaults_page_a_bare_list(
        self, mode: Mode, recorder: Any, count: int, asked: list[tuple[str, str]]
    ) -> None:
        def handle(request: httpx.Request) -> httpx.Response:
            page, limit = int(request.url.params["page"]), int(request.url.params["limit"])
            return httpx.Response(200, json=[{"id": i} for i in range(page * limit, min((page + 1) * limit, count))])

        rec = recorder(handle)
        items = collect(mode, resource(mode, rec, "contact/"), page_size=2)
        assert [i["id"] for i in items] == list(range(count))
        assert pages_asked(rec) == asked  # no total: the short page ended it

    def test_neutral_defaults_do_not_read_an_envelope(self, mode: Mode, recorder: Any) -> None:
        # an API's envelope must come from its spec; unconfigured, the envelope is not a list
        rec = recorder(paged(3))
        with pytest.raises(SpecwrightError, match=r"no list at \$ "):
            collect(mode, resource(mode, rec, "contact/"))

    def test_paging_config_as_page_numbers(self) -> None:
        assert ResourcePaging().page_numbers() == PageNumberPaging(page="page", size="limit", first_page=0)
        assert CLOUDCIX.page_numbers().totals == ("$._metadata.total_records", "$._metadata.totalRecords")
        assert ResourcePaging(totals=["$.n"]).totals == ("$.n",)

    def test_exact_multiple_stops_at_the_total(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(paged(200))
        items = collect(mode, resource(mode, rec, LINKS, paging=CLOUDCIX), address_id=7)

        assert [i["id"] for i in items] == list(range(200))
        assert pages_asked(rec) == [("0", "100"), ("1", "100")]  # no third request
        assert all(r.url.path == "/v1/address/7/link/" for r in rec.requests)

    def test_exact_multiple_without_total_ends_on_the_empty_page(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(200, total=-1))
        items = list(ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all())
        assert len(items) == 200
        assert pages_asked(rec) == [("0", "100"), ("1", "100"), ("2", "100")]

    def test_short_page_without_total_is_the_last(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(150, total=-1))
        assert len(list(ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all())) == 150
        assert rec.calls == 2

    @pytest.mark.parametrize("total", [10_000, 999])
    def test_total_lying_too_high_stops_on_the_empty_page(self, mode: Mode, recorder: Any, total: int) -> None:
        rec = recorder(paged(150, total=total))
        items = collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX))
        assert len(items) == 150
        assert pages_asked(rec) == [("0", "100"), ("1", "100"), ("2", "100")]

    def test_short_pages_continue_while_the_total_says_more(self, make_core: MakeCore, recorder: Any) -> None:
        # a server capping the page size: a short page is not the end when a total is known
        rec = recorder(paged(250, cap=60))
        items = list(ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all())
        assert [i["id"] for i in items] == list(range(250))
        assert rec.calls == 5  # 60 + 60 + 60 + 60 + 10: the total ended it

    def test_repeated_page_stops(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(paged(500, ignore_page=True))
        items = collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX))
        assert [i["id"] for i in items] == list(range(100))
        assert rec.calls == 2

    @pytest.mark.parametrize(
        ("max_items", "asked"),
        [(130, [("0", "100"), ("1", "100")]), (150, [("0", "100"), ("1", "100")]), (5, [("0", "5")])],
    )
    def test_max_items(self, mode: Mode, recorder: Any, max_items: int, asked: list[Any]) -> None:
        rec = recorder(paged(250))
        items = collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX), max_items=max_items)
        assert [i["id"] for i in items] == list(range(max_items))
        assert pages_asked(rec) == asked

    def test_max_items_zero_sends_nothing(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(250))
        assert list(ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all(max_items=0)) == []
        assert rec.calls == 0

    def test_total_records_camel_case_fallback(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(paged(200, total_key="totalRecords"))
        assert len(collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX))) == 200
        assert rec.calls == 2  # the total ended it, not an empty page

    def test_total_records_wins_over_camel_case(self, make_core: MakeCore, recorder: Any) -> None:
        body = {"_metadata": {"total_records": 2, "totalRecords": 900}, "content": [{"id": 1}, {"id": 2}]}
        rec = recorder(ok(body))
        assert len(list(ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all(page_size=2))) == 2
        assert rec.calls == 1

    def test_caller_params_untouched(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(paged(150))
        params: dict[str, Any] = {"search[name]": "x", "page": 7, "limit": 3}
        snapshot = dict(params)

        collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX), params=params, page_size=100)

        assert params == snapshot
        assert [r.url.params["search[name]"] for r in rec.requests] == ["x", "x"]
        assert pages_asked(rec) == [("0", "100"), ("1", "100")]  # paging parameters are the iterator's

        rec = recorder(paged(30))
        params = {"order": "name", "limit": 1}
        collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX), params=params, page_size=20)
        assert params == {"order": "name", "limit": 1}
        assert [dict(r.url.params) for r in rec.requests] == [
            {"order": "name", "limit": "20", "page": "0"},
            {"order": "name", "limit": "20", "page": "1"},
        ]

    def test_is_lazy(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(250))
        items = ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all()
        assert rec.calls == 0
        assert next(items) == {"id": 0}
        assert rec.calls == 1

    def test_configured_paging(self, mode: Mode, recorder: Any) -> None:
        def handle(request: httpx.Request) -> httpx.Response:
            p, n = int(request.url.params["p"]), int(request.url.params["n"])
            data = [{"id": i} for i in range((p - 1) * n, min(p * n, 5))]
            return httpx.Response(200, json={"data": data, "meta": {"count": 5}})

        rec = recorder(handle)
        paging = ResourcePaging(page_param="p", size_param="n", first_page=1, items="$.data", totals=("$.meta.count",))
        client = resource(mode, rec, "things/", paging=paging)

        assert [i["id"] for i in collect(mode, client, page_size=2)] == [0, 1, 2, 3, 4]
        assert [(r.url.params["p"], r.url.params["n"]) for r in rec.requests] == [("1", "2"), ("2", "2"), ("3", "2")]

        rec = recorder(lambda r: httpx.Response(200, json={"rows": [{"id": 1}], "n": 1}))
        paging = ResourcePaging(page_param="pageNumber", size_param="pageSize", items="$.rows", totals=("$.n",))
        assert collect(mode, resource(mode, rec, "t/", paging=paging)) == [{"id": 1}]
        assert (rec.calls, rec.last.url.query) == (1, b"pageNumber=0&pageSize=100")

    def test_default_page_size_comes_from_the_paging_config(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(paged(10))
        list(ResourceClient(make_core(rec), "contact/", paging=replace(CLOUDCIX, page_size=4)).iter_all())
        assert pages_asked(rec) == [("0", "4"), ("1", "4"), ("2", "4")]

    @pytest.mark.parametrize(
        "answer",
        [
            ok({"content": {"id": 1}, "_metadata": {"total_records": 1}}),
            lambda r: httpx.Response(200, content=json.dumps({"content": "nope"}).encode()),
        ],
    )
    def test_items_that_are_not_a_list(self, mode: Mode, recorder: Any, answer: Handler) -> None:
        rec = recorder(answer)
        with pytest.raises(SpecwrightError, match=r"no list at \$\.content") as caught:
            collect(mode, resource(mode, rec, "contact/", paging=CLOUDCIX))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.VALIDATION

    def test_error_on_a_later_page_raises(self, make_core: MakeCore, recorder: Any) -> None:
        first = paged(250)
        rec = recorder(first, lambda r: httpx.Response(404, json={"detail": "page gone"}))
        items = ResourceClient(make_core(rec), "contact/", paging=CLOUDCIX).iter_all()
        assert len([next(items) for _ in range(100)]) == 100
        with pytest.raises(StatusError, match="page gone") as caught:
            next(items)
        assert caught.value.status_code == 404

    @pytest.mark.parametrize("kwargs", [{"page_size": 0}, {"max_items": -1}])
    def test_bad_arguments(self, make_core: MakeCore, recorder: Any, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            ResourceClient(make_core(recorder(ok())), "contact/", paging=CLOUDCIX).iter_all(**kwargs)

    @pytest.mark.parametrize(
        "kwargs", [{"page_size": 0}, {"items": "content"}, {"totals": ("$.a", "meta.b")}, {"items": "$.content[0]"}]
    )
    def test_bad_paging_config(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            ResourcePaging(**kwargs)


# -- end to end: a real HTTP server on 127.0.0.1 ------------------------------------------


@dataclass
class Seen:
    method: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class ResourceServer:
    """A tiny CloudCIX-like service: any path ending in ``/`` is a collection, ``<coll>/<id>/`` an item.

    Lists answer ``{"_metadata": {"total_records": n}, "content": [...]}`` for ``page``/``limit``;
    reads answer ``{"content": item}``; unknown items 404 ``{"detail": ...}``.
    """

    def __init__(self) -> None:
        self.collections: dict[str, list[dict[str, Any]]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def answer(self, method: str, raw_path: str, query: dict[str, str], body: bytes) -> tuple[int, Any]:
        with self.lock:
            path = raw_path.removeprefix("/v1/")
            if path in self.collections or method == "POST":
                items = self.collections.setdefault(path, [])
                if method == "POST":
                    item = {"id": len(items) + 1, **json.loads(body)}
                    items.append(item)
                    return 201, item
                page, limit = int(query.get("page", 0)), int(query.get("limit", 100))
                return 200, {"_metadata": {"total_records": len(items)}, "content": items[page * limit : (page + 1) * limit]}
            collection, _, pk = path.rstrip("/").rpartition("/")
            items = self.collections.get(collection + "/", [])
            found = next((i for i in items if str(i["id"]) == pk), None)
            if found is None:
                return 404, {"detail": f"No item {pk}"}
            if method in ("PUT", "PATCH"):
                if method == "PUT":
                    found.clear()
                    found["id"] = int(pk)
                found.update(json.loads(body))
            if method == "DELETE":
                items.remove(found)
                return 204, None
            return 200, {"content": found}


def _make_handler(server: ResourceServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            with server.lock:
                server.seen.append(Seen(self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body))
            status, payload = server.answer(self.command, parts.path, query, body)
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    return Handler


@pytest.fixture
def server() -> Iterator[ResourceServer]:
    served = ResourceServer()
    served.thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()
    served.thread.join(timeout=5)


def test_end_to_end_sync(server: ResourceServer, error_factory: Callable[[ErrorInfo], Exception]) -> None:
    with httpx.Client() as http:
        core = SyncCore(http, base_url=server.url + "/v1", error_factory=error_factory, retry=RetryPolicy.disabled())
        links = ResourceClient(core, LINKS, paging=CLOUDCIX)

        created = [links.create(data={"name": f"n{i}"}, address_id="7/8") for i in range(250)]
        assert created[0] == {"id": 1, "name": "n0"}
        assert links.read(2, address_id="7/8") == {"content": {"id": 2, "name": "n1"}}
        assert links.partial_update(2, data={"note": "x"}, address_id="7/8") == {
            "content": {"id": 2, "name": "n1", "note": "x"}
        }
        assert links.update(2, data={"name": "m"}, address_id="7/8") == {"content": {"id": 2, "name": "m"}}
        assert links.head(2, address_id="7/8").status_code == 200
        links.delete(1, address_id="7/8")
        with pytest.raises(StatusError) as caught:
            links.read(1, address_id="7/8")
        assert (caught.value.status_code, caught.value.response_body) == (404, {"detail": "No item 1"})

        server.seen.clear()
        ids = [item["id"] for item in links.iter_all(address_id="7/8")]

    assert ids == list(range(2, 251))
    assert [(s.method, s.raw_path, s.query["page"], s.query["limit"]) for s in server.seen] == [
        ("GET", "/v1/address/7%2F8/link/", "0", "100"),
        ("GET", "/v1/address/7%2F8/link/", "1", "100"),
        ("GET", "/v1/address/7%2F8/link/", "2", "100"),
    ]
    assert all(s.body == b"" and "content-length" not in s.headers for s in server.seen)


@pytest.mark.asyncio
async def test_end_to_end_async(server: ResourceServer, error_factory: Callable[[ErrorInfo], Exception]) -> None:
    async with httpx.AsyncClient() as http:
        core = AsyncCore(http, base_url=server.url + "/v1", error_factory=error_factory)
        buckets = AsyncResourceClient(core, "{region_name}/bucket/", paging=CLOUDCIX)

        for i in range(5):
            await buckets.create(data={"name": f"b{i}"}, region_name="eu/west")
        assert await buckets.read(3, region_name="eu/west") == {"content": {"id": 3, "name": "b2"}}
        head = await buckets.head(region_name="eu/west")
        assert head.status_code == 200 and head.headers["content-type"] == "application/json"
        await buckets.delete(3, region_name="eu/west")

        server.seen.clear()
        names = [item["name"] async for item in buckets.iter_all(page_size=2, region_name="eu/west")]

    assert names == ["b0", "b1", "b3", "b4"]
    assert [(s.raw_path, s.query["page"]) for s in server.seen] == [
        ("/v1/eu%2Fwest/bucket/", "0"),
        ("/v1/eu%2Fwest/bucket/", "1"),
    ]
