"""Sub-clients bound to a path parameter (``x-specwright-groups``), generated and used.

The feature spec (``specs/bound_groups.yaml``) mirrors the shape of WWT Constellations: ``client.handle_client(handle)``
returns a ``HandleClient`` whose methods take the handle from there; groups nest under it,
bound (``.scene(id)``) or not (``.stats``); a bound group can page and download.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from generator.diagnostics import Diagnostic

ImportGenerated = Callable[..., AbstractContextManager[ModuleType]]
FIXTURE = Path(__file__).resolve().parent / "specs" / "bound_groups.yaml"


@pytest.fixture(scope="module")
def bclient(tmp_path_factory: pytest.TempPathFactory, import_generated: ImportGenerated) -> Iterator[ModuleType]:
    """The fixture spec generated into a fresh folder and imported as ``bclient``."""
    with import_generated(FIXTURE, "bclient", tmp_path_factory.mktemp("bound")) as module:
        yield module


def _server(seen: list[str]) -> Callable[[httpx.Request], httpx.Response]:
    pages = {0: ["a", "b"], 1: ["c", "d"], 2: ["e"]}

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        seen.append(f"{request.method} {path}")
        if request.url.path.endswith("/imageinfo"):
            page = int(request.url.params["page"])
            results = [{"_id": i} for i in pages.get(page, [])]
            return httpx.Response(200, json={"total_count": 5, "results": results})
        if request.url.path.endswith("/file"):
            return httpx.Response(200, content=b"PNG", headers={"Content-Disposition": 'attachment; filename="i.png"'})
        if request.method == "PATCH":
            return httpx.Response(200, json=json.loads(request.content))
        if request.url.path.endswith("/stats"):
            return httpx.Response(200, json={"images": 3})
        if request.url.path.startswith("/api/handle/"):
            return httpx.Response(200, json={"handle": request.url.path.split("/")[3], "display_name": "D"})
        return httpx.Response(200, json={"id": request.url.path.rsplit("/", 1)[1]})

    return handle


def test_factory_methods_hold_the_path_parameter(bclient: ModuleType, tmp_path: Path) -> None:
    seen: list[str] = []
    client = bclient.BclientApi(transport=httpx.MockTransport(_server(seen)))
    handle = client.handle_client("a b/c")
    assert isinstance(handle, bclient.api.HandleClient)
    info = handle.get()
    assert info.display_name == "D"
    assert handle.stats.get() == {"images": 3}
    assert handle.scene("s1").update({"text": "hi"}) == {"text": "hi"}
    assert [x.field_id for x in handle.iter_image_info(page=0, pagesize=2)] == ["a", "b", "c", "d", "e"]
    written = client.image("i/1").file_to_file(directory=tmp_path)
    assert written.read_bytes() == b"PNG"
    assert seen == [
        "GET /api/handle/a%20b%2Fc",
        "GET /api/handle/a%20b%2Fc/stats",
        "PATCH /api/handle/a%20b%2Fc/scene/s1",
        "GET /api/handle/a%20b%2Fc/imageinfo?page=0&pagesize=2",
        "GET /api/handle/a%20b%2Fc/imageinfo?page=1&pagesize=2",
        "GET /api/handle/a%20b%2Fc/imageinfo?page=2&pagesize=2",
        "GET /api/image/i%2F1/file",
    ]


def test_bound_parameters_leave_the_signatures(bclient: ModuleType) -> None:
    import inspect

    api = bclient.api
    assert list(inspect.signature(api.BclientApi.handle_client).parameters) == ["self", "handle"]
    assert "handle" not in inspect.signature(api.HandleClient.get).parameters
    assert "handle" not in inspect.signature(api.HandleClient.iter_image_info).parameters
    update = inspect.signature(api._HandleSceneGroup.update).parameters
    assert "handle" not in update and "id" not in update
    assert "HandleClient" in api.__all__ and "AsyncHandleClient" in bclient.async_api.__all__
    assert not hasattr(bclient.BclientApi(), "handle")  # a bound group is a factory, not an attribute


def test_repr_names_the_held_values(bclient: ModuleType) -> None:
    handle = bclient.BclientApi().handle_client("h1")
    assert repr(handle) == "<handle operations of Bound groups for handle='h1'>"
    assert repr(handle.scene("s")) == "<handle.scene operations of Bound groups for handle='h1', id='s'>"


def test_async_twin(bclient: ModuleType) -> None:
    seen: list[str] = []

    async def main() -> list[Any]:
        async with bclient.async_api.AsyncBclientApi(transport=httpx.MockTransport(_server(seen))) as client:
            handle = client.handle_client("h")
            assert isinstance(handle, bclient.async_api.AsyncHandleClient)
            items = [x.field_id async for x in handle.iter_image_info(page=1, pagesize=2)]
            return [(await handle.get()).handle, await handle.scene("x").update({"a": 1}), items]

    assert asyncio.run(main()) == ["h", {"a": 1}, ["c", "d", "e"]]
    assert seen[-2:] == ["GET /api/handle/h", "PATCH /api/handle/h/scene/x"]


def test_surface_names_bound_groups_by_how_they_are_reached(bclient: ModuleType) -> None:
    surface = json.loads((Path(bclient.__file__).parents[1] / "api-surface.json").read_text(encoding="utf-8"))
    assert surface["operations"]["handle_client(handle).get"] == "GET /handle/{handle}"
    assert surface["operations"]["handle_client(handle).scene(id).update"] == "PATCH /handle/{handle}/scene/{id}"
    api = surface["api"]
    assert api["BclientApi.handle_client"]["signature"] == "(handle: str) -> HandleClient"
    assert "BclientApi.handle_client(handle).iter_image_info" in api
    assert api["BclientApi.handle_client(handle).stats"] == {"kind": "attribute", "type": "_HandleStatsGroup"}
    assert "BclientApi.handle_client(handle).stats.get" in api
    assert "BclientApi.image(id).file" in api
    assert api["AsyncBclientApi.handle_client(handle).get"]["async"] is True


# -- validation rules ------------------------------------------------------------------------
Check = Callable[[dict[str, Any]], list[Diagnostic]]


@pytest.fixture
def check(validate_doc: Check) -> Check:
    return validate_doc


@pytest.fixture
def doc() -> dict[str, Any]:
    return copy.deepcopy(_DOC)


_DOC: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def test_fixture_is_valid(check: Check, doc: dict[str, Any]) -> None:
    assert check(doc) == []


def test_bound_parameter_must_be_in_every_path_of_the_group(check: Check, doc: dict[str, Any]) -> None:
    doc["x-specwright-groups"]["image"]["bind"] = "image_id"
    diags = check(doc)
    assert {(d.pointer, d.rule) for d in diags} == {("/x-specwright-groups/image/bind", "bind-param-exists")}
    assert "GET /image/{id}/file" in " ".join(d.message for d in diags)


def test_settings_for_a_group_nobody_uses(check: Check, doc: dict[str, Any]) -> None:
    doc["x-specwright-groups"]["scenes"] = {"bind": "id"}
    diags = check(doc)
    assert [(d.pointer, d.rule) for d in diags] == [("/x-specwright-groups/scenes", "group-exists")]


@pytest.mark.parametrize("factory", ["get_home_timeline", "close"])
def test_factory_cannot_hide_a_method(check: Check, doc: dict[str, Any], factory: str) -> None:
    doc["x-specwright-groups"]["image"]["factory"] = factory
    diags = check(doc)
    assert [(d.pointer, d.rule) for d in diags] == [("/x-specwright-groups/image/factory", "group-name-free")]


def test_nested_factory_cannot_hide_a_method_of_its_parent(check: Check, doc: dict[str, Any]) -> None:
    doc["x-specwright-groups"]["handle.scene"]["factory"] = "image_info"
    diags = check(doc)
    assert [(d.pointer, d.rule) for d in diags] == [("/x-specwright-groups/handle.scene/factory", "group-name-free")]


def test_settings_are_schema_checked(check: Check, doc: dict[str, Any]) -> None:
    doc["x-specwright-groups"]["image"]["class"] = "not a class"
    diags = check(doc)
    assert [(d.pointer, d.rule) for d in diags] == [("/x-specwright-groups/image/class", "x-specwright-groups:pattern")]
