"""Method signatures shaped by the spec: renamed and positional arguments, flattened bodies,
returned parts of a body, argument checks, per-operation security and XML text.

The feature spec (``specs/signatures.yaml``) uses ``x-speakeasy-name-override`` on parameters
and properties, ``x-specwright-positional``, ``x-specwright-flatten-body`` and
``x-specwright-result``, and the three kinds of operation ``security``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType

import httpx
import pytest

ImportGenerated = Callable[..., AbstractContextManager[ModuleType]]
FIXTURE = Path(__file__).resolve().parent / "specs" / "signatures.yaml"


@pytest.fixture(scope="module")
def sig(tmp_path_factory: pytest.TempPathFactory, import_generated: ImportGenerated) -> Iterator[ModuleType]:
    with import_generated(FIXTURE, "sig", tmp_path_factory.mktemp("sig")) as module:
        yield module


class Server:
    """Answers like the spec, and records what each request carried."""

    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path == "/v1/things" and request.method == "GET":
            page, size = int(request.url.params["page"]), int(request.url.params["size"])
            names = [f"t{i}" for i in range(5)][page * size : page * size + size]
            return httpx.Response(200, json={"total": 5, "items": [{"_id": n.upper(), "name": n} for n in names]})
        if path == "/v1/things":
            return httpx.Response(201, json={"id": "new-" + json.loads(request.content)["name"]})
        if path == "/v1/search":
            return httpx.Response(200, json={"ids": [json.loads(request.content)["q"]]})
        return httpx.Response(200, content=b"<Folder/>", headers={"Content-Type": "application/xml"})

    @property
    def authorizations(self) -> list[str | None]:
        return [r.headers.get("Authorization") for r in self.seen]


def client(sig: ModuleType, server: Server, **kwargs: object) -> object:
    return sig.SigApi(transport=httpx.MockTransport(server), **kwargs)


def test_signatures_follow_the_extensions(sig: ModuleType) -> None:
    listing = inspect.signature(sig.SigApi.list_things)
    assert list(listing.parameters)[:3] == ["self", "page_num", "page_size"]
    assert listing.parameters["page_num"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert listing.parameters["page_size"].default == 10
    search = inspect.signature(sig.SigApi.search)
    assert search.parameters["query"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert search.parameters["limit"].kind is inspect.Parameter.KEYWORD_ONLY
    assert "body" not in search.parameters
    assert inspect.signature(sig.SigApi.iter_list_things).parameters["page_num"].default == 0


def test_renamed_parameters_reach_the_wire_under_their_own_names(sig: ModuleType) -> None:
    server = Server()
    things = client(sig, server).list_things(1, 2)  # type: ignore[attr-defined]
    assert server.seen[0].url.params["page"] == "1" and server.seen[0].url.params["size"] == "2"
    assert [t.id for t in things] == ["T2", "T3"]  # the list inside the envelope, "_id" as .id
    assert isinstance(things[0], sig.models.Thing)


def test_pager_reads_the_whole_body_and_stops_at_the_total(sig: ModuleType) -> None:
    server = Server()
    names = [t.name for t in client(sig, server).iter_list_things(page_size=2)]  # type: ignore[attr-defined]
    assert names == ["t0", "t1", "t2", "t3", "t4"]
    assert [r.url.params["page"] for r in server.seen] == ["0", "1", "2"]


def test_arguments_are_checked_before_sending(sig: ModuleType) -> None:
    server = Server()
    api = client(sig, server)
    with pytest.raises(ValueError, match="page_num"):
        api.list_things(-1)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="page_size"):
        api.list_things(0, 51)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="page_num"):
        api.list_things("first")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="query"):
        api.search("")  # type: ignore[attr-defined]
    assert server.seen == []
    api.list_things("1")  # type: ignore[attr-defined]  # a whole number in a string is taken
    assert server.seen[0].url.params["page"] == "1"


def test_flattened_body_and_returned_part(sig: ModuleType) -> None:
    server = Server()
    api = client(sig, server)
    assert api.search("stars") == ["stars"]  # type: ignore[attr-defined]
    assert json.loads(server.seen[0].content) == {"q": "stars"}  # an unset optional field is not sent
    api.search("moon", limit=3)  # type: ignore[attr-defined]
    assert json.loads(server.seen[1].content) == {"q": "moon", "limit": 3}
    assert api.add_thing({"name": "x"}) == "new-x"  # type: ignore[attr-defined]


def test_operation_security_decides_what_is_sent(sig: ModuleType) -> None:
    server = Server()
    api = client(sig, server, token="secret")
    api.list_things(0)  # type: ignore[attr-defined]  # optional: the token goes when there is one
    api.add_thing({"name": "x"})  # type: ignore[attr-defined]  # required
    api.search("q")  # type: ignore[attr-defined]  # public
    api.get_doc()  # type: ignore[attr-defined]  # public
    assert server.authorizations == ["Bearer secret", "Bearer secret", None, None]
    anonymous = Server()
    client(sig, anonymous).list_things(0)  # type: ignore[attr-defined]
    assert anonymous.authorizations == [None]


def test_xml_with_a_string_schema_is_text(sig: ModuleType) -> None:
    assert client(sig, Server()).get_doc() == "<Folder/>"  # type: ignore[attr-defined]
    assert inspect.signature(sig.SigApi.get_doc).return_annotation == "str"


def test_async_twin_has_the_same_shape(sig: ModuleType) -> None:
    async def run() -> list[str]:
        server = Server()
        async with sig.AsyncSigApi(transport=httpx.MockTransport(server)) as api:
            assert await api.search("a") == ["a"]
            return [t.id async for t in api.iter_list_things(1, 2)]

    assert asyncio.run(run()) == ["T2", "T3", "T4"]
