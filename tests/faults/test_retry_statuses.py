"""Transient statuses: idempotent requests are retried a bounded number of times; POST is not."""

from __future__ import annotations

import httpx
import pytest
from cuiman import Client
from cuiman.exceptions import ClientStatusError, error_from_info
from servers.fault_server import Fault, FaultServer
from specwright_runtime import Call, RequestOptions, RetryPolicy, SyncCore

from .conftest import TOKEN, Pkg, fast_policy


def test_503s_then_success(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, [Fault.status(503), Fault.status(503), Fault.json(200, pkg.ok_list)])

    result = pkg.call_list()

    assert len(pkg.list_ids(result)) == 2
    attempts = pkg.server.requests_to(pkg.list_path)
    assert len(attempts) == 3
    assert {(r.method, r.query_string) for r in attempts} == {(attempts[0].method, attempts[0].query_string)}
    assert all(r.authorization == f"Bearer {TOKEN}" for r in attempts)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_every_transient_status_is_retried(sync_pkg: Pkg, status: int) -> None:
    sync_pkg.server.script(
        sync_pkg.item_path, [Fault.json(status, {"detail": "busy"}), Fault.json(200, sync_pkg.ok_item)]
    )

    sync_pkg.call_item()

    assert len(sync_pkg.server.requests_to(sync_pkg.item_path)) == 2


@pytest.mark.parametrize("status", [400, 404, 409, 422, 501])
def test_other_errors_are_not_retried(sync_pkg: Pkg, status: int) -> None:
    sync_pkg.server.script(
        sync_pkg.item_path, [Fault.json(status, {"detail": "no"}), Fault.json(200, sync_pkg.ok_item)]
    )

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item()

    assert caught.value.status_code == status
    assert len(sync_pkg.server.requests_to(sync_pkg.item_path)) == 1


def test_attempts_are_bounded(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, Fault.json(503, {"detail": "down for maintenance"}))

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_list()

    error = caught.value
    assert error.status_code == 503
    assert error.method == "GET"
    assert error.url.startswith(pkg.url_of(pkg.list_path))
    assert error.response_body == {"detail": "down for maintenance"}
    assert len(pkg.server.requests_to(pkg.list_path)) == 3


def test_max_attempts_per_client_and_per_call(sync_pkg: Pkg) -> None:
    server = sync_pkg.server
    server.script(sync_pkg.list_path, Fault.status(503))
    sync_pkg.connect(retry=fast_policy(max_attempts=5))

    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_list()
    assert len(server.requests_to(sync_pkg.list_path)) == 5

    server.clear_requests()
    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_list(RequestOptions(retry=RetryPolicy.disabled()))
    assert len(server.requests_to(sync_pkg.list_path)) == 1

    server.clear_requests()
    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_list(RequestOptions(retry=fast_policy(max_attempts=2)))
    assert len(server.requests_to(sync_pkg.list_path)) == 2


def test_post_is_never_retried_on_503(pkg: Pkg) -> None:
    """grad300 ``login_access_token`` and cuiman ``execute_process`` are POSTs the specs do not mark."""
    pkg.server.script(pkg.post_path, [Fault.json(503, {"detail": "busy"}), Fault.json(201, pkg.ok_post)])

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_post()

    assert caught.value.status_code == 503
    assert caught.value.method == "POST"
    posts = pkg.server.requests_to(pkg.post_path)
    assert len(posts) == 1
    assert posts[0].method == "POST"


def test_post_is_not_retried_even_with_a_generous_policy(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.post_path, [Fault.status(503, retry_after=0), Fault.json(201, sync_pkg.ok_post)])
    sync_pkg.connect(retry=fast_policy(max_attempts=10))

    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_post()

    assert len(sync_pkg.server.requests_to(sync_pkg.post_path)) == 1


@pytest.mark.parametrize(("method", "retried"), [("PUT", True), ("DELETE", True), ("POST", False), ("PATCH", False)])
def test_only_idempotent_methods_are_retried(pkg: Pkg, method: str, retried: bool) -> None:
    """Through each package's ``request()`` escape hatch."""
    path = pkg.prefix + "/things/1"
    pkg.server.script(path, [Fault.status(503), Fault.json(200, {"ok": True})])

    if retried:
        response = pkg.call_request(method, "/things/1", json={"x": 1})
        assert response.status_code == 200
    else:
        with pytest.raises(pkg.errors.status):
            pkg.call_request(method, "/things/1", json={"x": 1})

    sent = pkg.server.requests_to(path, method)
    assert len(sent) == (2 if retried else 1)
    assert all(r.body == b'{"x":1}' for r in sent)


def test_cuiman_dismiss_job_is_a_delete_and_is_retried(server: FaultServer) -> None:
    server.script("/jobs/job-1", [Fault.status(502), Fault.json(200, {"jobID": "job-1", "status": "dismissed"})])
    with Client(server_url=server.url, retry=fast_policy(), timeout=1.0) as client:
        assert client.dismiss_job("job-1").status == "dismissed"

    assert [r.method for r in server.requests_to("/jobs/job-1")] == ["DELETE", "DELETE"]


def test_a_post_marked_idempotent_is_retried(server: FaultServer) -> None:
    """What ``x-speakeasy-retries`` on an operation generates (``Call(idempotent=True)``).

    Neither spec marks a POST, so this runs through the runtime core that both packages
    use, with cuiman's error factory.
    """
    server.script("/orders", [Fault.status(503), Fault.json(201, {"id": 7})])
    with httpx.Client(timeout=1.0) as http:
        core = SyncCore(http, base_url=server.url, error_factory=error_from_info, retry=fast_policy())
        result = core.call(Call("POST", "/orders", json={"n": 1}, idempotent=True), dict)
        assert result == {"id": 7}
        assert len(server.requests_to("/orders")) == 2

        server.clear_requests()
        server.script("/orders", [Fault.status(503), Fault.json(201, {"id": 8})])
        with pytest.raises(ClientStatusError):
            core.call(Call("POST", "/orders", json={"n": 1}), dict)
        assert len(server.requests_to("/orders")) == 1
