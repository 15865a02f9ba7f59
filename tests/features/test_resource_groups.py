"""Generic resource groups (``x-specwright-resources``), generated and used against a real server.

``specs/resource_groups.yaml`` is shaped like CloudCIX: a server URL with ``{application}`` and ``{host}``
variables, groups of services on their own application (``membership``) or on their own URL
(``asset``), an API-key header, and list envelopes with ``_metadata.total_records``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from servers.fault_server import Fault, FaultServer

from generator.diagnostics import Diagnostic

SPEC = Path(__file__).resolve().parent / "specs" / "resource_groups.yaml"


@pytest.fixture(scope="module")
def rhosts(
    tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]
) -> Iterator[ModuleType]:
    with import_generated(SPEC, "rhosts", tmp_path_factory.mktemp("resources")) as module:
        yield module


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


def _client(module: ModuleType, server: FaultServer, *, async_: bool = False) -> Any:
    cls = module.async_api.AsyncRhostsApi if async_ else module.RhostsApi
    return cls(server_variables={"scheme": "http", "host": f"127.0.0.1:{server.port}"}, api_key="k-1")


def test_groups_reach_their_own_servers(rhosts: ModuleType, server: FaultServer) -> None:
    server.script("/membership/address/7/link/3/", Fault.json(200, {"content": {"id": 3}}))
    server.script("/legacy/Asset/v1/asset/", Fault.json(201, {"content": {"id": 9}}), method="POST")
    server.script("/membership/status/", Fault.json(200, {"ok": True}))
    with _client(rhosts, server) as client:
        assert client.membership.address_link.read(3, address_id=7) == {"content": {"id": 3}}
        assert client.asset.asset.create(data={"name": "pc"}) == {"content": {"id": 9}}
        assert client.shared.status.list() == {"ok": True}
        assert client.membership.base_url == f"http://127.0.0.1:{server.port}/membership"
    posted = server.requests[1]
    assert (posted.method, posted.path, json.loads(posted.body)) == ("POST", "/legacy/Asset/v1/asset/", {"name": "pc"})
    assert all(r.headers.get("x-auth-token") == "k-1" for r in server.requests)


def test_iter_all_pages_with_the_spec_paging(rhosts: ModuleType, server: FaultServer) -> None:
    def page(items: list[int]) -> Fault:
        return Fault.json(200, {"_metadata": {"totalRecords": 5}, "content": [{"id": i} for i in items]})

    server.script("/membership/address/", [page([1, 2]), page([3, 4]), page([5])])
    with _client(rhosts, server) as client:
        ids = [item["id"] for item in client.membership.address.iter_all(params={"search[name]": "x"})]
    assert ids == [1, 2, 3, 4, 5]
    assert [(r.query["page"], r.query["limit"], r.query["search[name]"]) for r in server.requests] == [
        ("0", "2", "x"),
        ("1", "2", "x"),
        ("2", "2", "x"),
    ]


def test_errors_are_the_package_exceptions(rhosts: ModuleType, server: FaultServer) -> None:
    server.script("/membership/address/4/", Fault.json(404, {"detail": "no such address"}))
    with _client(rhosts, server) as client, pytest.raises(rhosts.RhostsAPIError) as caught:
        client.membership.address.read(4)
    assert caught.value.status_code == 404
    assert caught.value.response_body == {"detail": "no such address"}


def test_async_groups(rhosts: ModuleType, server: FaultServer) -> None:
    server.script("/membership/address/", Fault.json(200, {"_metadata": {"total_records": 1}, "content": [{"id": 1}]}))
    server.script("/membership/address/1/", Fault.status(204), method="DELETE")

    async def main() -> list[Any]:
        async with _client(rhosts, server, async_=True) as client:
            items = [item async for item in client.membership.address.iter_all()]
            await client.membership.address.delete(1)
            return items

    assert asyncio.run(main()) == [{"id": 1}]
    assert [r.method for r in server.requests] == ["GET", "DELETE"]


def test_group_values_cannot_be_overridden(rhosts: ModuleType) -> None:
    client = rhosts.RhostsApi(server_variables={"application": "elsewhere"})
    assert client.base_url == "https://api.example.com/elsewhere"
    assert client.membership.base_url == "https://api.example.com/membership"
    assert repr(client.membership) == "<membership resources at https://api.example.com/membership>"
    assert sorted(rhosts.resources.Membership.SERVICES) == ["address", "address_link"]


# -- validation ------------------------------------------------------------------------------
Validate = Callable[[dict[str, Any]], list[Diagnostic]]


def _diagnostics(validate_doc: Validate, change: Callable[[dict[str, Any]], None]) -> list[tuple[str, str]]:
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    change(doc)
    return [(d.pointer, d.rule) for d in validate_doc(doc)]


GROUPS = "/x-specwright-resources/groups"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["x-specwright-resources"]["groups"]["membership"]["variables"].update(region="eu"),
         [(GROUPS + "/membership/variables/region", "server-variable-exists")]),
        (lambda d: d["x-specwright-resources"]["groups"]["asset"].update(url="https://{tenant}.example.com"),
         [(GROUPS + "/asset/url", "server-variable-exists")]),
        (lambda d: d["x-specwright-resources"]["groups"]["asset"]["services"].update(asset="/asset/"),
         [(GROUPS + "/asset/services/asset", "resource-path-relative")]),
        (lambda d: d["x-specwright-resources"]["groups"].update(login={"services": {"x": "x/"}}),
         [(GROUPS + "/login", "group-name-free")]),
        (lambda d: d["x-specwright-resources"]["groups"]["asset"]["services"].update(base_url="b/"),
         [(GROUPS + "/asset/services/base_url", "group-name-free")]),
        (lambda d: d["x-specwright-resources"]["groups"]["asset"].update(services={}),
         [(GROUPS + "/asset/services", "x-specwright-resources:minProperties")]),
    ],
)
def test_resource_rules(validate_doc: Validate, change: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    assert _diagnostics(validate_doc, change) == expected


def test_fixture_spec_is_valid(validate_doc: Validate) -> None:
    assert _diagnostics(validate_doc, lambda d: None) == []
