"""Named-resource functions (``x-specwright-resource``) and held path parameters (``x-speakeasy-globals``).

The feature spec (``specs/named_resources.yaml``) is a small lab service: samples (a plain
collection) and runs (computed, with a status, results in a shared log collection, and
continuations of paused runs that name their parent), all under a tenant the client holds.
It is generated as ``labs`` with module functions on and driven over ``httpx.MockTransport``
against an in-memory stand-in: the group's methods, their async twins and the module of
functions over the default client.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import yaml

from generator.diagnostics import Diagnostic

ImportGenerated = Callable[..., AbstractContextManager[ModuleType]]
SPEC = Path(__file__).resolve().parent / "specs" / "named_resources.yaml"
BASE = "https://lab.example.test/api"


@pytest.fixture(scope="module")
def labs(tmp_path_factory: pytest.TempPathFactory, import_generated: ImportGenerated) -> Iterator[ModuleType]:
    with import_generated(SPEC, "labs", tmp_path_factory.mktemp("named"), module_functions=True) as module:
        yield module
        module.disconnect()


class Lab:
    """An in-memory lab service: collections by tenant, runs with scripted states."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.samples: list[dict[str, Any]] = []
        self.runs: list[dict[str, Any]] = []
        self.logs: dict[str, dict[str, Any]] = {}
        self.states: list[str] = []
        self.seen: list[str] = []
        self.bodies: list[Any] = []

    def add(self, collection: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
        item = {"id": f"i{next(self.ids)}", **fields}
        collection.append(item)
        return item

    def __call__(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.decode()
        self.seen.append(f"{request.method} {raw}")
        parts = [unquote(p) for p in request.url.raw_path.decode().split("/")[2:]]  # after /api/
        assert parts[:2] == ["tenants", "t1"] or parts[1] == "t 2", raw
        body = json.loads(request.content) if request.content else None
        if body is not None:
            self.bodies.append(body)
        kind, rest = parts[2], parts[3:]
        if kind == "logs":
            log = self.logs.get(rest[0])
            return httpx.Response(200, json=log) if log else httpx.Response(404, json={"detail": "no log"})
        collection = self.samples if kind == "samples" else self.runs
        if not rest:
            if request.method == "GET":
                return httpx.Response(200, json=collection)
            if any(s.get("label") == body.get("name") for s in collection):
                return httpx.Response(409, json={"detail": "taken"})
            return httpx.Response(201, json=self.add(collection, label=body["name"], **body))
        item = next((s for s in collection if s["id"] == rest[0]), None)
        if item is None:
            return httpx.Response(404, json={"detail": "no such object"})
        if request.method == "DELETE":
            collection.remove(item)
            return httpx.Response(204)
        if request.method == "PUT":
            item.clear()
            item.update({"id": rest[0], "label": body["name"], **body})
            return httpx.Response(200, json=item)
        action = rest[1]
        if action == "start":
            item["logId"] = f"log-{item['id']}"
            self.logs[item["logId"]] = {"output": {"final": item["label"]}, "errors": []}
            return httpx.Response(202, json={"started": True})
        if action == "state":
            return httpx.Response(200, json=self.states.pop(0) if self.states else "done")
        if action == "continue":
            made = self.add(self.runs, label=rest[2], parentRunId=item["id"])
            return httpx.Response(200, json=made)
        assert action == "merged"
        return httpx.Response(200, json={"merged": item["label"]})


@pytest.fixture
def lab() -> Lab:
    return Lab()


@pytest.fixture
def client(labs: ModuleType, lab: Lab) -> Iterator[Any]:
    with labs.LabsApi(BASE, tenant_id="t1", transport=httpx.MockTransport(lab)) as made:
        yield made


def test_the_tenant_is_held_by_the_client(labs: ModuleType, lab: Lab) -> None:
    assert "tenant_id" not in inspect.signature(labs.LabsApi.get_log).parameters
    client = labs.LabsApi(BASE, transport=httpx.MockTransport(lab))
    with pytest.raises(ValueError, match="tenant_id is not set"):
        client.lab.list_samples()
    assert lab.seen == []
    client.tenant_id = "t 2"
    client.lab.list_samples()
    assert lab.seen == ["GET /api/tenants/t%202/samples"]  # one path segment, percent-encoded
    client.close()


def test_crud_by_display_name(labs: ModuleType, lab: Lab, client: Any) -> None:
    created = client.lab.create_sample({"name": "A", "mass": 1})
    assert isinstance(created, labs.models.Sample) and created.label == "A"
    assert client.lab.get_sample("A").id == created.id
    assert client.lab.get_sample("nope") is None
    assert client.lab.get_sample_id("A") == created.id and client.lab.get_sample_id("nope") is None
    lab.seen.clear()
    modified = client.lab.modify_sample({"name": "A", "mass": 1}, {"name": "B", "mass": 2})
    assert modified.label == "B" and modified.model_extra == {"mass": 2}
    assert lab.seen == ["GET /api/tenants/t1/samples", f"PUT /api/tenants/t1/samples/{created.id}"]
    assert client.lab.modify_sample("B", {"name": "C"}).label == "C"  # a plain name works too
    assert [s.label for s in client.lab.get_all_samples()] == ["C"]
    client.lab.delete_sample("C")
    assert lab.samples == []


def test_a_missing_name_raises_the_packages_error(labs: ModuleType, client: Any) -> None:
    for call in (
        lambda: client.lab.delete_sample("ghost"),
        lambda: client.lab.modify_sample({"name": "ghost"}, {"name": "x"}),
        lambda: client.lab.compute_run("ghost", 5),
    ):
        with pytest.raises(labs.LabsError, match=r"no .* with label 'ghost'") as caught:
            call()
        assert caught.value.info.kind == "not_found"
    with pytest.raises(ValueError, match="'name'"):
        client.lab.modify_sample({"label": "x"}, {"name": "y"})


def test_server_errors_are_typed(labs: ModuleType, client: Any) -> None:
    client.lab.create_sample({"name": "A"})
    with pytest.raises(labs.LabsAPIError) as caught:
        client.lab.create_sample({"name": "A"})
    assert caught.value.status_code == 409 and caught.value.response_body == {"detail": "taken"}


def test_compute_wait_and_results(labs: ModuleType, lab: Lab, client: Any) -> None:
    run = lab.add(lab.runs, label="r1")
    with pytest.raises(labs.LabsError, match="has no logId"):
        client.lab.get_run_results("r1")  # not computed yet
    assert client.lab.compute_run("r1", 60) == {"started": True}
    assert lab.bodies[-1] == 60  # the action's own body, a bare number
    lab.states[:] = ["queued", "running"]
    seen: list[Any] = []
    log = client.lab.wait_and_get_run_results(
        "r1", backoff=labs_backoff(), on_status=seen.append, timeout=30
    )
    assert seen == ["queued", "running", "done"]
    assert log.output == {"final": "r1"} and isinstance(log, labs.models.Log)
    assert client.lab.get_run_status("r1") == "done"
    assert client.lab.get_run_results("r1").output == {"final": "r1"}
    assert client.lab.get_paused_run_results_merged("r1") == {"merged": "r1"}
    assert f"GET /api/tenants/t1/runs/{run['id']}/state" in lab.seen


def labs_backoff() -> Any:
    from specwright_runtime import Backoff

    return Backoff(first=0.01, factor=1, maximum=0.01)


def test_a_wait_times_out_with_the_timeout_error(labs: ModuleType, lab: Lab, client: Any) -> None:
    lab.add(lab.runs, label="slow")
    lab.states[:] = ["running"] * 1000
    with pytest.raises(labs.LabsTimeoutError, match=r"run 'slow' did not finish within 0\.05 s"):
        client.lab.wait_and_get_run_results("slow", timeout=0.05, backoff=labs_backoff())


def test_continuations_and_their_cleanup(lab: Lab, client: Any) -> None:
    parent = lab.add(lab.runs, label="p")
    client.lab.compute_run("p", 10)
    made = client.lab.create_run_from_paused_results("p", "p / part 2")
    assert made.label == "p / part 2" and made.parentRunId == parent["id"]
    assert lab.bodies[-1] == {"final": "p"}  # the $.output of the paused run's log
    assert lab.seen[-1] == f"POST /api/tenants/t1/runs/{parent['id']}/continue/p%20%2F%20part%202"
    lab.add(lab.samples, label="derived", parentRunId=parent["id"])
    lab.add(lab.samples, label="kept")
    lab.add(lab.runs, label="other", parentRunId="elsewhere")
    assert client.lab.delete_intermediate_objects_from_run("p") == 2
    assert [s["label"] for s in lab.samples] == ["kept"]
    assert [r["label"] for r in lab.runs] == ["p", "other"]
    deletes = [s for s in lab.seen if s.startswith("DELETE")]
    assert deletes[0].startswith("DELETE /api/tenants/t1/samples/")  # other collections first


def test_async_twin(labs: ModuleType, lab: Lab) -> None:
    async def scenario() -> None:
        async with labs.AsyncLabsApi(BASE, tenant_id="t1", transport=httpx.MockTransport(lab)) as client:
            await client.lab.create_sample({"name": "A"})
            assert (await client.lab.get_sample("A")).label == "A"
            lab.add(lab.runs, label="r")
            await client.lab.compute_run("r", 1)
            lab.states[:] = ["running"]
            log = await client.lab.wait_and_get_run_results("r", backoff=labs_backoff())
            assert log.output == {"final": "r"}
            await client.lab.delete_sample("A")
            with pytest.raises(labs.LabsError):
                await client.lab.delete_sample("A")

    asyncio.run(scenario())
    assert lab.samples == []


def test_module_functions_over_the_default_client(labs: ModuleType, lab: Lab) -> None:
    labs.disconnect()
    with pytest.raises(labs.NotConnectedError, match=r"call connect\(\) first"):
        labs.lab.get_all_samples()
    labs.connect(BASE, tenant_id="t1", transport=httpx.MockTransport(lab))
    labs.lab.create_sample({"name": "A"})
    assert labs.lab.get_sample("A").label == "A"
    assert labs.lab.get_sample_id("A") == lab.samples[0]["id"]
    labs.lab.delete_sample("A")
    assert lab.samples == []
    for name in labs.lab.__all__:
        method = inspect.signature(getattr(labs.default_client().lab, name))
        function = inspect.signature(getattr(labs.lab, name))
        assert list(function.parameters) == list(method.parameters), name
    labs.disconnect()


# -- validation rules ------------------------------------------------------------------------
Check = Callable[[dict[str, Any]], list[Diagnostic]]
_DOC: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))


@pytest.fixture
def doc() -> dict[str, Any]:
    return copy.deepcopy(_DOC)


def rules(diags: list[Diagnostic]) -> set[tuple[str, str]]:
    return {(d.pointer, d.rule) for d in diags}


def test_fixture_is_valid(validate_doc: Check, doc: dict[str, Any]) -> None:
    assert validate_doc(doc) == []


def test_a_function_name_taken_by_an_operation(validate_doc: Check, doc: dict[str, Any]) -> None:
    doc["paths"]["/tenants/{tenantId}/samples"]["post"]["operationId"] = "create_sample"
    assert rules(validate_doc(doc)) == {("/paths/~1tenants~1{tenantId}~1samples/x-specwright-resource", "method-name-unique")}


def test_one_list_operation(validate_doc: Check, doc: dict[str, Any]) -> None:
    del doc["paths"]["/tenants/{tenantId}/samples"]["get"]["x-specwright-display-name"]
    assert ("/paths/~1tenants~1{tenantId}~1samples/x-specwright-resource", "resource-list") in rules(validate_doc(doc))


def test_actions_need_the_objects_id_and_a_status_its_done_values(validate_doc: Check, doc: dict[str, Any]) -> None:
    doc["paths"]["/tenants/{tenantId}/runs/{runId}/state"]["get"]["x-specwright-resource-action"] = "status"
    found = rules(validate_doc(doc))
    assert ("/paths/~1tenants~1{tenantId}~1runs~1{runId}~1state/get/x-specwright-resource-action", "resource-action") in found


def test_the_results_operation_exists(validate_doc: Check, doc: dict[str, Any]) -> None:
    doc["paths"]["/tenants/{tenantId}/runs"]["x-specwright-resource"]["results"]["operationId"] = "nope"
    assert ("/paths/~1tenants~1{tenantId}~1runs/x-specwright-resource/results/operationId", "resource-results") in rules(validate_doc(doc))


def test_only_path_parameters_are_held(validate_doc: Check, doc: dict[str, Any]) -> None:
    doc["x-speakeasy-globals"]["parameters"] = [{"name": "q", "in": "query", "schema": {"type": "string"}}]
    found = rules(validate_doc(doc))
    assert ("/x-speakeasy-globals/parameters/0", "globals-supported") in found
    # and without a held tenant, the results operation has two path parameters to fill
    assert ("/paths/~1tenants~1{tenantId}~1runs/x-specwright-resource/results/operationId", "resource-results") in found


def test_settings_are_schema_checked(validate_doc: Check, doc: dict[str, Any]) -> None:
    doc["paths"]["/tenants/{tenantId}/samples"]["x-specwright-resource"]["singular"] = "Not a name"
    found = rules(validate_doc(doc))
    assert ("/paths/~1tenants~1{tenantId}~1samples/x-specwright-resource/singular", "x-specwright-resource:pattern") in found
