"""Connections that break: mid-body, before any answer; retried when idempotent, bounded."""

from __future__ import annotations

import httpx
import pytest
from servers.fault_server import Fault
from specwright_runtime import FailureKind, RequestOptions, RetryPolicy

from .conftest import TOKEN, Pkg, fast_policy


def test_dropped_mid_body_then_success(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, [Fault.drop_mid_body(4000, 120), Fault.json(200, pkg.ok_list)])

    result = pkg.call_list()

    assert len(pkg.list_ids(result)) == 2
    assert len(pkg.server.requests_to(pkg.list_path)) == 2


def test_closed_without_an_answer_then_success(pkg: Pkg) -> None:
    pkg.server.script(pkg.item_path, [Fault.disconnect(), Fault.disconnect(), Fault.json(200, pkg.ok_item)])

    pkg.call_item()

    assert len(pkg.server.requests_to(pkg.item_path)) == 3


def test_dropped_every_time_raises_a_connection_error_after_bounded_attempts(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, Fault.drop_mid_body(1000, 10))

    with pytest.raises(pkg.errors.connection) as caught:
        pkg.call_list()

    error = caught.value
    assert not isinstance(error, pkg.errors.timeout)
    assert isinstance(error, ConnectionError)
    assert error.info.kind is FailureKind.CONNECTION
    assert error.info.status_code is None
    assert error.method == "GET"
    assert error.url.startswith(pkg.url_of(pkg.list_path))
    assert TOKEN not in str(error)
    assert isinstance(error.__cause__, httpx.TransportError)
    assert len(pkg.server.requests_to(pkg.list_path)) == 3


def test_a_dropped_post_is_not_retried(pkg: Pkg) -> None:
    pkg.server.script(pkg.post_path, [Fault.drop_mid_body(500, 20), Fault.json(201, pkg.ok_post)])

    with pytest.raises(pkg.errors.connection) as caught:
        pkg.call_post()

    assert caught.value.method == "POST"
    assert len(pkg.server.requests_to(pkg.post_path)) == 1


def test_a_post_closed_without_an_answer_is_not_retried(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.post_path, [Fault.disconnect(), Fault.json(201, sync_pkg.ok_post)])

    with pytest.raises(sync_pkg.errors.connection):
        sync_pkg.call_post()

    assert len(sync_pkg.server.requests_to(sync_pkg.post_path)) == 1


def test_connection_retries_can_be_turned_off(sync_pkg: Pkg) -> None:
    sync_pkg.connect(retry=fast_policy(retry_connection_errors=False))
    sync_pkg.server.script(sync_pkg.list_path, [Fault.drop_mid_body(1000, 10), Fault.json(200, sync_pkg.ok_list)])

    with pytest.raises(sync_pkg.errors.connection):
        sync_pkg.call_list()

    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 1


def test_dropped_error_body_is_a_connection_error(sync_pkg: Pkg) -> None:
    """A 404 whose body breaks off: the connection failure wins over the status (not retried: 404)."""
    sync_pkg.server.script(sync_pkg.item_path, Fault.drop_mid_body(300, 5, status=404))

    with pytest.raises(sync_pkg.errors.connection):
        sync_pkg.call_item(RequestOptions(retry=RetryPolicy.disabled()))


def test_nothing_listening_is_a_connection_error(sync_pkg: Pkg) -> None:
    """The server's port after it closed: connection refused, retried, then a connection error."""
    port_url = sync_pkg.server.url
    sync_pkg.server.close()
    sync_pkg.connect(base_url=port_url + sync_pkg.prefix)

    with pytest.raises(sync_pkg.errors.connection) as caught:
        sync_pkg.call_list()

    assert not isinstance(caught.value, sync_pkg.errors.timeout)
