"""Every function of the submodules, every ``Client``/``AsyncClient`` method, over ``httpx.MockTransport``.

The named functions (``get_orbit(orbit)``, ``compute_mission(mission)``...) are called three
ways: as the seed's module functions over ``spacestudio.connect()``, as methods of a
``Client``'s groups, and awaited on an ``AsyncClient``. Each runs against a fresh stand-in
holding one object named ``target`` in its collection, and must send the request its name
promises to that collection (found from the spec). The groups' other methods (the operations
by id) are called with arguments made from their signatures.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import spacestudio
import yaml
from servers.spacestudio_server import CLIENT_ID, TOKEN_PATH, USER_ID, SpacestudioService
from specwright_runtime import Backoff

SPEC = Path(__file__).resolve().parents[2] / "specs" / "spacestudio.yaml"
API = "https://api.test"  # the stand-in's API root and, on the same host, its token endpoint
AUTH_URL = API + TOKEN_PATH
GROUPS = ("constellation", "simulation", "deployment", "parametric_study", "formation_flying", "inspection")
USER = f"/exoops/users/{USER_ID}"
FAST = Backoff(first=0.001, factor=1, maximum=0.001)


def _collections() -> dict[tuple[str, str], tuple[str, str]]:
    """(group, singular) -> (collection path segment, plural), from the spec's marks."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    out = {}
    for path, item in doc["paths"].items():
        mark, listing = item.get("x-specwright-resource"), item.get("get") or {}
        if mark and "x-specwright-display-name" in listing:
            out[(listing["x-speakeasy-group"], mark["singular"])] = (path.rsplit("/", 1)[1], mark["plural"])
    return out


COLLECTIONS = _collections()
PATTERNS = [
    ("create_from_paused_results", r"create_(\w+)_from_paused_results"),
    ("paused_results_merged", r"get_paused_(\w+)_results_merged"),
    ("delete_intermediate", r"delete_intermediate_objects_from_(\w+)"),
    ("wait_results", r"wait_and_get_(\w+)_results"),
    ("results", r"get_(\w+)_results"),
    ("status", r"get_(\w+)_status"),
    ("compute_until_duration", r"compute_(\w+)_until_duration"),
    ("compute", r"compute_(\w+)"),
    ("get_all", r"get_all_(\w+)"),
    ("get_id", r"get_(\w+)_id"),
    ("create", r"create_(\w+)"),
    ("modify", r"modify_(\w+)"),
    ("delete", r"delete_(\w+)"),
    ("get", r"get_(\w+)"),
]


def classify(group: str, name: str) -> tuple[str, str]:
    """(kind, collection segment) of a named function."""
    plurals = {plural: singular for (g, singular), (_, plural) in COLLECTIONS.items() if g == group}
    for kind, pattern in PATTERNS:
        match = re.fullmatch(pattern, name)
        if match:
            singular = plurals.get(match.group(1), match.group(1)) if kind == "get_all" else match.group(1)
            if (group, singular) in COLLECTIONS:
                return kind, COLLECTIONS[(group, singular)][0]
    raise AssertionError(f"{group}.{name} is no named function")


NAMED = [(group, name) for group in GROUPS for name in getattr(spacestudio, group).__all__]


def test_the_seeds_functions_are_all_there() -> None:
    simulation = set(spacestudio.simulation.__all__)
    for name in (
        "create_antenna", "get_zone_of_interest", "modify_zone_of_interest", "delete_antenna", "get_all_zones_of_interest",
        "compute_mission", "compute_mission_until_duration", "get_mission_results", "wait_and_get_mission_results",
        "create_mission_from_paused_results", "get_paused_mission_results_merged",
        "delete_intermediate_objects_from_mission", "get_mission_id",
    ):
        assert name in simulation, name
    constellation = set(spacestudio.constellation.__all__)
    for name in ("get_all_points_of_interests", "compute_performance_analysis_mission",
                 "wait_and_get_simulation_mission_results", "get_generation_mission_id"):
        assert name in constellation, name
    assert list(inspect.signature(spacestudio.simulation.modify_zone_of_interest).parameters)[:2] == [
        "interest_zone", "new_interest_zone"
    ]
    assert list(inspect.signature(spacestudio.constellation.compute_generation_mission).parameters)[:1] == ["mission"]
    assert list(inspect.signature(spacestudio.simulation.delete_intermediate_objects_from_mission).parameters)[:1] == [
        "original_mission_name"
    ]
    for group in GROUPS[2:]:
        assert {"create_mission", "get_mission", "get_mission_id", "modify_mission", "delete_mission", "get_all_missions",
                "compute_mission", "get_mission_results", "wait_and_get_mission_results"} <= set(getattr(spacestudio, group).__all__)


def prepare(service: SpacestudioService, kind: str, collection: str) -> dict[str, Any]:
    """The ``target`` object, computed when the function reads results."""
    target = service.add(collection, "target")
    if kind in ("results", "create_from_paused_results"):
        target["computationLogId"] = "log-1"
        service.logs["log-1"] = {"results": {"finalOrbit": {"altitude": 1.0}}, "errors": []}
    if kind == "wait_results":
        target["computationLogId"] = "log-1"
        service.logs["log-1"] = {"results": {"name": "target"}, "errors": []}
        service.statuses[target["id"]] = [0, 50.0]
    if kind == "delete_intermediate":
        service.add(collection, "child", pausedParentMissionId=target["id"])
        service.add("orbitdefinitions", "child orbit", pausedParentMissionId=target["id"])
        service.add("orbitdefinitions", "kept orbit", pausedParentMissionId="other")
    return target


def arguments(kind: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return {
        "create": (({"name": "new", "altitude": 7.0e5},), {}),
        "modify": (({"name": "target"}, {"name": "renamed"}), {}),
        "get_all": ((), {}),
        "compute_until_duration": (("target", 3600), {}),
        "create_from_paused_results": (("target", "next / part 2"), {}),
        "wait_results": (("target",), {"backoff": FAST, "timeout": 10}),
    }.get(kind, (("target",), {}))


def check(service: SpacestudioService, kind: str, collection: str, target: dict[str, Any], result: Any) -> None:
    """The request the function's name promises was sent, and its result is the server's."""
    last = service.requests[-1]
    base = f"{USER}/{collection}"
    tid = target["id"]
    expected = {
        "create": f"POST {base}",
        "get": f"GET {base}",
        "get_id": f"GET {base}",
        "get_all": f"GET {base}",
        "modify": f"PUT {base}/{tid}",
        "delete": f"DELETE {base}/{tid}",
        "compute": f"GET {base}/compute/{tid}",
        "compute_until_duration": f"POST {base}/compute_until_duration/{tid}",
        "status": f"GET {base}/status/{tid}",
        "results": f"GET {USER}/computationlogs/log-1",
        "wait_results": f"GET {USER}/computationlogs/log-1",
        "create_from_paused_results": f"POST {base}/create_from_results/{tid}/next%20%2F%20part%202",
        "paused_results_merged": f"GET {base}/create_merged_results/{tid}",
    }.get(kind)
    if expected is not None:
        assert last == expected
    value = result.model_dump(by_alias=True) if hasattr(result, "model_dump") else result
    if kind == "create":
        assert value["displayedName"] == "new" and service.bodies[-1] == {"name": "new", "altitude": 7.0e5}
    elif kind == "get":
        assert value["id"] == tid
    elif kind == "get_id":
        assert value == tid
    elif kind == "get_all":
        assert [v.displayedName for v in result] == ["target"]
    elif kind == "modify":
        assert value["displayedName"] == "renamed" and service.names(collection) == ["renamed"]
    elif kind == "delete":
        assert result is None and service.names(collection) == []
    elif kind == "compute":
        assert value == {"computing": tid}
    elif kind == "compute_until_duration":
        assert service.bodies[-1] == 3600
    elif kind == "status":
        assert value == 0  # not computing
    elif kind in ("results", "wait_results"):
        assert value["errors"] == [] and value["results"]
        if kind == "wait_results":
            assert service.requests.count(f"GET {base}/status/{tid}") == 3  # 0, 50, then -1
    elif kind == "create_from_paused_results":
        assert value["displayedName"] == "next / part 2" and value["pausedParentMissionId"] == tid
        assert service.bodies[-1] == {"finalOrbit": {"altitude": 1.0}}  # the paused mission's results
    elif kind == "paused_results_merged":
        assert value == {"merged": ["target"], "errors": []}
    elif kind == "delete_intermediate":
        assert result == 2
        assert service.names(collection) == ["target"] and service.names("orbitdefinitions") == ["kept orbit"]


@pytest.mark.parametrize(("group", "name"), NAMED, ids=[f"{g}.{n}" for g, n in NAMED])
def test_module_function(group: str, name: str) -> None:
    service = SpacestudioService()
    kind, collection = classify(group, name)
    target = prepare(service, kind, collection)
    spacestudio.connect(API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=httpx.MockTransport(service))
    try:
        args, kwargs = arguments(kind)
        result = getattr(getattr(spacestudio, group), name)(*args, **kwargs)
    finally:
        spacestudio.disconnect()
    check(service, kind, collection, target, result)


@pytest.mark.parametrize(("group", "name"), NAMED, ids=[f"{g}.{n}" for g, n in NAMED])
def test_client_method(group: str, name: str) -> None:
    service = SpacestudioService()
    kind, collection = classify(group, name)
    target = prepare(service, kind, collection)
    with spacestudio.Client(API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=httpx.MockTransport(service)) as client:
        args, kwargs = arguments(kind)
        result = getattr(getattr(client, group), name)(*args, **kwargs)
    check(service, kind, collection, target, result)


@pytest.mark.parametrize(("group", "name"), NAMED, ids=[f"{g}.{n}" for g, n in NAMED])
def test_async_client_method(group: str, name: str) -> None:
    service = SpacestudioService()
    kind, collection = classify(group, name)
    target = prepare(service, kind, collection)

    async def call() -> Any:
        transport = httpx.MockTransport(service)
        async with spacestudio.AsyncClient(API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=transport) as client:
            args, kwargs = arguments(kind)
            return await getattr(getattr(client, group), name)(*args, **kwargs)

    check(service, kind, collection, target, asyncio.run(call()))


# -- the operations by id ------------------------------------------------------------------
def _operations() -> list[tuple[str | None, str, str, str]]:
    """(group, method name, HTTP method, path) of every operation, from the spec."""
    doc = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    out = []
    for path, item in doc["paths"].items():
        for method in ("get", "post", "put", "delete"):
            if method in item:
                op = item[method]
                out.append((op.get("x-speakeasy-group"), op["x-speakeasy-name-override"], method.upper(), path))
    return out


OPERATIONS = _operations()


def _value(name: str, target: dict[str, Any], tmp_path: Path) -> Any:
    values: dict[str, Any] = {
        "id": target["id"],
        "body": {"name": "made"},
        "duration": 60,
        "results": {"finalOrbit": {}},
        "new_mission_name": "continued",
        "gridfs_filename": "report.json",
        "computation_log_id": "log-1",
        "directory": tmp_path,
    }
    return values[name]


def _call_args(method: Callable[..., Any], target: dict[str, Any], tmp_path: Path) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(method).parameters.values()):
        if param.default is not inspect.Parameter.empty:
            continue
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = _value(param.name, target, tmp_path)
        else:
            args.append(_value(param.name, target, tmp_path))
    return args, kwargs


def _seed(service: SpacestudioService, path: str) -> dict[str, Any]:
    segment = path.split("/")[4] if path.count("/") >= 4 else ""
    collection = segment if segment in service.collections else "orbitdefinitions"
    target = service.add(collection, "target", computationLogId="log-1")
    service.logs["log-1"] = {"results": {}, "errors": []}
    return target


@pytest.mark.parametrize(("group", "name", "http", "path"), OPERATIONS, ids=[f"{g or 'client'}.{n}" for g, n, _, _ in OPERATIONS])
@pytest.mark.parametrize("twin", ["sync", "async"])
def test_operation_methods(group: str | None, name: str, http: str, path: str, twin: str, tmp_path: Path) -> None:
    service = SpacestudioService()
    target = _seed(service, path)
    transport = httpx.MockTransport(service)
    names = [name, f"{name}_to_file"] if "gridfs/as" in path else [name]

    async def run_async() -> list[Any]:
        async with spacestudio.AsyncClient(API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=transport) as client:
            holder = getattr(client, group) if group else client
            out = []
            for each in names:
                args, kwargs = _call_args(getattr(holder, each), target, tmp_path / twin)
                out.append(await getattr(holder, each)(*args, **kwargs))
            return out

    if twin == "async":
        results = asyncio.run(run_async())
    else:
        with spacestudio.Client(API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=transport) as client:
            holder = getattr(client, group) if group else client
            results = []
            for each in names:
                args, kwargs = _call_args(getattr(holder, each), target, tmp_path / twin)
                results.append(getattr(holder, each)(*args, **kwargs))
    method, sent = service.requests[-1].split(" ", 1)
    template = re.escape(path).replace(re.escape("{userId}"), USER_ID)
    assert method == http and re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", template), sent), (method, sent)
    if len(names) == 2:  # a download: the bytes, then the same bytes on disk
        assert isinstance(results[0], bytes) and results[1].read_bytes() == results[0]


def test_module_functions_of_the_package(connected: spacestudio.Client, service: SpacestudioService) -> None:
    """The ungrouped operations are package functions too (over the default client)."""
    assert spacestudio.get_user_infos().id == USER_ID
    made = spacestudio.create_optical_ground_station({"name": "optical"})
    assert [o.displayedName for o in spacestudio.list_optical_ground_stations()] == ["optical"]
    spacestudio.delete_optical_ground_station(made.id)
    assert service.collections["opticalgroundstationdefinitions"] == []
    assert spacestudio.get_user_id() == USER_ID
    assert connected.user_id == USER_ID and spacestudio.default_client() is connected
