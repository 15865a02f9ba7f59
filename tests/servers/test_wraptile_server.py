"""Self-test of the real wraptile test server (uvicorn subprocess on 127.0.0.1)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .wraptile_server import WraptileServer, closed_port_url, free_port

EXPECTED_PROCESSES = {"add", "sleep_a_while", "primes_between"}


@pytest.fixture(scope="module")
def server() -> Iterator[WraptileServer]:
    with WraptileServer() as srv:
        yield srv


@pytest.fixture
def client(server: WraptileServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0, trust_env=False) as c:
        yield c


def _wait_for_job(client: httpx.Client, job_id: str, timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/jobs/{job_id}")
        assert response.status_code == 200, response.text
        info: dict[str, Any] = response.json()
        if info["status"] not in ("accepted", "running"):
            return info
        assert time.monotonic() < deadline, f"job {job_id} still {info['status']} after {timeout} s"
        time.sleep(0.05)


def test_server_starts(server: WraptileServer, client: httpx.Client) -> None:
    assert server.is_running()
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.startup_seconds is not None and server.startup_seconds < 30
    response = client.get("/conformance")
    assert response.status_code == 200
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in response.json()["conformsTo"]
    assert f"Uvicorn running on http://127.0.0.1:{server.port}" in server.log_text()


def test_processes_lists_bundled_and_own(server: WraptileServer, client: httpx.Client) -> None:
    response = client.get("/processes")
    assert response.status_code == 200
    ids = {p["id"] for p in response.json()["processes"]}
    assert ids >= EXPECTED_PROCESSES, ids
    add = client.get("/processes/add").json()
    assert add["title"] == "Add two numbers"
    assert set(add["inputs"]) == {"a", "b"}
    assert add["inputs"]["a"]["schema"] == {"type": "number", "default": 1.0}
    assert set(add["outputs"]) == {"return_value"}


def test_execute_add(server: WraptileServer, client: httpx.Client) -> None:
    response = client.post("/processes/add/execution", json={"inputs": {"a": 2, "b": 40}})
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["processID"] == "add"
    info = _wait_for_job(client, job["jobID"])
    assert info["status"] == "successful", info
    assert info["progress"] == 100
    assert info["message"] == "added"
    results = client.get(f"/jobs/{job['jobID']}/results")
    assert results.status_code == 200
    assert results.json() == {"return_value": 42.0}
    assert 'POST /processes/add/execution HTTP/1.1" 201' in server.log_text()


def test_process_is_gone_after_exit() -> None:
    with WraptileServer() as srv:
        url = srv.base_url
        assert httpx.get(url + "/conformance", trust_env=False).status_code == 200
    assert not srv.is_running()
    assert srv.pid is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/conformance", timeout=2.0, trust_env=False)
    # The log survives the temp file: it is kept in memory on exit.
    assert "Finished server process" in srv.log_text()


def test_closed_port_url_refuses_connections() -> None:
    url = closed_port_url()
    assert url.startswith("http://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/conformance", timeout=2.0, trust_env=False)


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_startup_failure_raises_with_log() -> None:
    srv = WraptileServer(service="no_such_module_xyz:service")
    with pytest.raises(RuntimeError, match="exited early") as excinfo:
        srv.start()
    assert "no_such_module_xyz" in str(excinfo.value)
    assert not srv.is_running()


def test_base_path_variant() -> None:
    with WraptileServer(base_path="/ogc") as srv:
        assert srv.base_url == f"http://127.0.0.1:{srv.port}/ogc"
        with httpx.Client(base_url=srv.base_url, timeout=10.0, trust_env=False) as c:
            processes = c.get("/processes")
            assert processes.status_code == 200
            assert {p["id"] for p in processes.json()["processes"]} >= EXPECTED_PROCESSES
            assert processes.json()["links"][0]["href"] == srv.base_url + "/processes"
            assert httpx.get(srv.origin + "/processes", trust_env=False).status_code == 404
            job = c.post("/processes/add/execution", json={"inputs": {"a": 1, "b": 2}}).json()
            assert _wait_for_job(c, job["jobID"])["status"] == "successful"
            assert c.get(f"/jobs/{job['jobID']}/results").json() == {"return_value": 3.0}


def test_invalid_base_path_rejected() -> None:
    with pytest.raises(ValueError):
        WraptileServer(base_path="ogc/")
