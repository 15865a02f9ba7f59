"""Stalled reads end in the package's timeout error; the total timeout bounds a whole call."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from servers.fault_server import Fault
from specwright_runtime import RequestOptions, RetryPolicy

from .conftest import STALL, TOKEN, Pkg, Stopwatch, fast_policy

NO_RETRY = RequestOptions(retry=RetryPolicy.disabled())
#: A call the timeout cut ends well before a stall served in full (``STALL``, 5 s) would: the
#: bounds below sit halfway, so that a busy machine's late wake-ups cannot fail them.
CUT = STALL / 2


def test_stall_before_headers_raises_the_timeout_error(pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    pkg.server.script(pkg.list_path, Fault.stall(STALL, Fault.json(200, pkg.ok_list)))
    watch = stopwatch()

    with pytest.raises(pkg.errors.timeout) as caught:
        pkg.call_list(NO_RETRY)

    assert watch.elapsed < CUT
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, ConnectionError)
    assert isinstance(error, pkg.errors.connection)
    assert error.method == "GET"
    assert error.url.startswith(pkg.url_of(pkg.list_path))
    assert error.url in str(error)
    assert TOKEN not in str(error)
    assert len(pkg.server.requests_to(pkg.list_path)) == 1


def test_stall_mid_body_raises_the_timeout_error(pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    pkg.server.script(pkg.list_path, Fault.stall(STALL, Fault.json(200, pkg.ok_list), mid_body=True))
    watch = stopwatch()

    with pytest.raises(pkg.errors.timeout):
        pkg.call_list(NO_RETRY)

    assert watch.elapsed < CUT


def test_a_stalled_attempt_is_retried_then_succeeds(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, [Fault.stall(STALL), Fault.json(200, pkg.ok_list)])

    result = pkg.call_list()

    assert len(pkg.list_ids(result)) == 2
    assert len(pkg.server.requests_to(pkg.list_path)) == 2


def test_stalls_on_every_attempt_are_bounded(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.server.script(sync_pkg.list_path, Fault.stall(STALL))
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.timeout):
        sync_pkg.call_list()

    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 3
    assert watch.elapsed < STALL  # three attempts, none served its stall in full


def test_a_stalled_post_is_not_retried(pkg: Pkg) -> None:
    pkg.server.script(pkg.post_path, [Fault.stall(STALL), Fault.json(201, pkg.ok_post)])

    with pytest.raises(pkg.errors.timeout):
        pkg.call_post()

    assert len(pkg.server.requests_to(pkg.post_path)) == 1


def test_per_call_timeout_overrides_the_client_timeout(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.connect(timeout=10.0)
    sync_pkg.server.script(sync_pkg.item_path, Fault.stall(STALL))
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.timeout):
        sync_pkg.call_item(RequestOptions(timeout=0.2, retry=RetryPolicy.disabled()))

    assert watch.elapsed < CUT


def test_total_timeout_cuts_a_stall_the_read_timeout_would_allow(pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    pkg.connect(timeout=10.0, total_timeout=0.4)
    pkg.server.script(pkg.list_path, Fault.stall(STALL, Fault.json(200, pkg.ok_list)))
    watch = stopwatch()

    with pytest.raises(pkg.errors.timeout) as caught:
        pkg.call_list()

    assert 0.3 < watch.elapsed < CUT
    assert caught.value.method == "GET"


def test_total_timeout_covers_a_body_that_trickles_in(pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    """Every chunk comes well within the read timeout; the whole body would take ~3 s."""
    pkg.connect(timeout=2.0, total_timeout=0.5)
    body = Fault.json(200, pkg.ok_list)
    pkg.server.script(pkg.list_path, Fault.trickle(body, chunk_size=max(1, len(body.body) // 60), delay=0.05))
    watch = stopwatch()

    with pytest.raises(pkg.errors.timeout):
        pkg.call_list()

    assert watch.elapsed < 2.0  # the body in full takes ~3 s


def test_total_timeout_per_call(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.connect(timeout=10.0, total_timeout=None)
    sync_pkg.server.script(sync_pkg.item_path, Fault.stall(STALL))
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.timeout):
        sync_pkg.call_item(RequestOptions(total_timeout=0.3))

    assert watch.elapsed < CUT


def test_total_timeout_bounds_retries_and_their_waits(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    """Many allowed attempts, each answered 503 at once: the call ends by the total timeout.

    With the deadline between two attempts the last answer's error is raised; when it falls
    inside an attempt (a busy machine), that attempt's timeout error.
    """
    sync_pkg.connect(
        total_timeout=0.5, retry=fast_policy(max_attempts=1000, initial_backoff=0.05, max_backoff=0.05, jitter=False)
    )
    sync_pkg.server.script(sync_pkg.list_path, Fault.status(503))
    watch = stopwatch()

    with pytest.raises((sync_pkg.errors.status, sync_pkg.errors.timeout)) as caught:
        sync_pkg.call_list()

    assert watch.elapsed < 5.0  # the attempts allowed would wait 50 s
    if isinstance(caught.value, sync_pkg.errors.status):
        assert caught.value.status_code == 503
    # retried, and about as often as 0.5 s of 0.05 s waits allow (10), not 1000 times
    assert 2 <= len(sync_pkg.server.requests_to(sync_pkg.list_path)) < 20


def test_timeout_error_keeps_the_httpx_cause(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.stall(STALL))

    with pytest.raises(sync_pkg.errors.timeout) as caught:
        sync_pkg.call_item(NO_RETRY)

    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
