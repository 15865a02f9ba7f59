"""``Retry-After``: honoured in seconds and as an HTTP date; too long a wait raises at once."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from email.utils import formatdate

import pytest
from servers.fault_server import Fault
from specwright_runtime import RequestOptions

from .conftest import Pkg, Stopwatch, fast_policy


def http_date(epoch: float) -> str:
    return formatdate(epoch, usegmt=True)


def test_429_with_retry_after_seconds_is_honoured(pkg: Pkg) -> None:
    """The policy's backoff is at most 0.05 s, so only ``Retry-After: 1`` explains a 1 s pause."""
    pkg.server.script(
        pkg.list_path,
        [Fault.json(429, {"detail": "slow down"}, headers={"Retry-After": "1"}), Fault.json(200, pkg.ok_list)],
    )

    result = pkg.call_list()

    assert len(pkg.list_ids(result)) == 2
    first, second = pkg.server.requests_to(pkg.list_path)
    assert 0.95 <= second.at - first.at < 1.6


def test_503_with_retry_after_http_date_is_honoured(sync_pkg: Pkg) -> None:
    when = math.floor(time.time()) + 1  # the next whole second: a wait of up to 1 s
    sync_pkg.server.script(
        sync_pkg.list_path, [Fault.status(503, retry_after=http_date(when)), Fault.json(200, sync_pkg.ok_list)]
    )

    sync_pkg.call_list()

    first, second = sync_pkg.server.requests_to(sync_pkg.list_path)
    assert second.wall >= when - 0.05  # not before the date the server named
    assert second.at - first.at < 1.5


def test_retry_after_http_date_in_the_past_retries_at_once(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.server.script(
        sync_pkg.list_path,
        [Fault.status(503, retry_after=http_date(time.time() - 3600)), Fault.json(200, sync_pkg.ok_list)],
    )
    watch = stopwatch()

    sync_pkg.call_list()

    assert watch.elapsed < 0.5
    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 2


@pytest.mark.parametrize("retry_after", ["3600", "61", "far-future-date"])
def test_too_long_retry_after_raises_at_once(pkg: Pkg, stopwatch: Callable[[], Stopwatch], retry_after: str) -> None:
    """Above ``max_retry_after`` (60 s): give up without sleeping, with the server's answer."""
    value = http_date(time.time() + 3600) if retry_after == "far-future-date" else retry_after
    pkg.server.script(
        pkg.list_path,
        [Fault.json(429, {"detail": "quota exceeded"}, headers={"Retry-After": value}), Fault.json(200, pkg.ok_list)],
    )
    watch = stopwatch()

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_list()

    assert watch.elapsed < 0.5
    error = caught.value
    assert error.status_code == 429
    assert error.response_body == {"detail": "quota exceeded"}
    assert error.info.headers["retry-after"] == value
    assert len(pkg.server.requests_to(pkg.list_path)) == 1


def test_retry_after_past_the_total_timeout_raises_at_once(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.server.script(sync_pkg.list_path, [Fault.status(503, retry_after=5), Fault.json(200, sync_pkg.ok_list)])
    sync_pkg.connect(total_timeout=2.0)
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_list()

    assert watch.elapsed < 0.5
    assert caught.value.status_code == 503
    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 1


def test_retry_after_past_a_per_call_total_timeout_raises_at_once(
    sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]
) -> None:
    sync_pkg.server.script(sync_pkg.item_path, [Fault.status(503, retry_after=3), Fault.json(200, sync_pkg.ok_item)])
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_item(RequestOptions(total_timeout=1.0))

    assert watch.elapsed < 0.5
    assert len(sync_pkg.server.requests_to(sync_pkg.item_path)) == 1


def test_a_smaller_max_retry_after_is_respected(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.server.script(sync_pkg.list_path, [Fault.status(503, retry_after=2), Fault.json(200, sync_pkg.ok_list)])
    sync_pkg.connect(retry=fast_policy(max_retry_after=1.0))
    watch = stopwatch()

    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_list()

    assert watch.elapsed < 0.5
    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 1


def test_unparseable_retry_after_falls_back_to_backoff(sync_pkg: Pkg, stopwatch: Callable[[], Stopwatch]) -> None:
    sync_pkg.server.script(
        sync_pkg.list_path, [Fault.status(503, retry_after="soon"), Fault.json(200, sync_pkg.ok_list)]
    )
    watch = stopwatch()

    sync_pkg.call_list()

    assert watch.elapsed < 0.5
    assert len(sync_pkg.server.requests_to(sync_pkg.list_path)) == 2


def test_retry_after_does_not_make_a_post_retried(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.post_path, [Fault.status(429, retry_after=0), Fault.json(201, sync_pkg.ok_post)])

    with pytest.raises(sync_pkg.errors.status):
        sync_pkg.call_post()

    assert len(sync_pkg.server.requests_to(sync_pkg.post_path)) == 1
