"""query / query_records paging: page sequences, stop rules, max_results, scan types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from grad300_client import Grad300APIError, Grad300Client, ScanType

from .conftest import TOKEN, FakeBackend, scan

MakeClient = Callable[..., Grad300Client]


def _tpi(n: int) -> FakeBackend:
    return FakeBackend({"TPI": [scan(i, "TPI") for i in range(1, n + 1)]})


def test_five_items_page_size_two(make_client: MakeClient) -> None:
    backend = _tpi(5)
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2)
    assert [r.id for r in records] == [1, 2, 3, 4, 5]
    assert backend.offsets("TPI") == [0, 2, 4]
    assert {r.url.params["limit"] for r in backend.requests} == {"2"}


def test_exact_multiple_ends_on_empty_page(make_client: MakeClient) -> None:
    backend = _tpi(4)
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2)
    assert [r.id for r in records] == [1, 2, 3, 4]
    assert backend.offsets("TPI") == [0, 2, 4]


def test_empty_listing_is_one_request(make_client: MakeClient) -> None:
    backend = FakeBackend()
    client = make_client(backend, token=TOKEN)
    assert client.query_records(scan_type="TPI", page_size=3) == []
    assert backend.offsets("TPI") == [0]


def test_short_first_page_stops(make_client: MakeClient) -> None:
    backend = _tpi(3)
    client = make_client(backend, token=TOKEN)
    assert len(client.query_records(scan_type="TPI", page_size=10)) == 3
    assert backend.offsets("TPI") == [0]


def test_default_page_size_is_100(make_client: MakeClient) -> None:
    backend = _tpi(1)
    client = make_client(backend, token=TOKEN)
    client.query(scan_type="TPI")
    assert backend.listing_requests("TPI")[0].url.params["limit"] == "100"


def test_max_results_stops_early(make_client: MakeClient) -> None:
    backend = _tpi(5)
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2, max_results=3)
    assert [r.id for r in records] == [1, 2, 3]
    assert backend.offsets("TPI") == [0, 2]


def test_max_results_stops_before_next_scan_type(backend: FakeBackend, client: Grad300Client) -> None:
    table = client.query(page_size=10, max_results=2)
    assert list(table["id"]) == [1, 2]
    assert backend.paths() == ["/scans/TPI/"]


def test_max_results_counts_only_matching_records(backend: FakeBackend, client: Grad300Client) -> None:
    records = client.query_records(source="sun", page_size=2, max_results=3)
    assert [r.id for r in records] == [1, 3, 5]


def test_no_scan_type_queries_all_four_in_order(backend: FakeBackend, client: Grad300Client) -> None:
    records = client.query_records(page_size=10)
    assert backend.paths() == ["/scans/TPI/", "/scans/Images/", "/scans/Spectrum/", "/scans/OnOff/"]
    assert [r.id for r in records] == [1, 2, 3, 4, 5, 10, 20, 30]
    assert [r.scan_type for r in records][-3:] == [ScanType.IMAGES, ScanType.SPECTRUM, ScanType.ONOFF]


def test_scan_type_alias_in_query(backend: FakeBackend, client: Grad300Client) -> None:
    records = client.query_records(scan_type="on_off")
    assert backend.paths() == ["/scans/OnOff/"]
    assert [r.id for r in records] == [30]


def test_server_ignoring_offset_terminates(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": [scan(i, "TPI") for i in range(1, 6)]}, ignore_offset=True)
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2)
    # the same full page again means the server ignores the offset: stop, no duplicates
    assert [r.id for r in records] == [1, 2]
    assert backend.offsets("TPI") == [0, 2]


def test_server_returning_everything_terminates(make_client: MakeClient) -> None:
    # the server ignores offset and limit: always the same 5 items
    items = [scan(i, "TPI") for i in range(1, 6)]
    backend = FakeBackend()
    backend.overrides["/scans/TPI/"] = lambda request: httpx.Response(200, json=items)
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2)
    assert sorted({r.id for r in records}) == [1, 2, 3, 4, 5]
    assert len(records) == 5
    assert len(backend.listing_requests("TPI")) <= 2


class _WrappingServer:
    """A server that wraps the offset around the end (pages A, B, A, B, ...); it gives up
    with a RuntimeError after 50 requests so that a runaway loop fails instead of hanging."""

    def __init__(self) -> None:
        self.items = [scan(i, "TPI") for i in range(1, 5)]
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls > 50:
            raise RuntimeError("runaway paging: more than 50 page requests")
        offset = int(request.url.params["offset"]) % len(self.items)
        limit = int(request.url.params["limit"])
        return httpx.Response(200, json=self.items[offset : offset + limit])


def test_wrapping_server_stops_before_max_results(make_client: MakeClient) -> None:
    server = _WrappingServer()
    backend = FakeBackend()
    backend.overrides["/scans/TPI/"] = server
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2, max_results=7)
    assert [r.id for r in records] == [1, 2, 3, 4]  # the cycle ends it, not max_results
    assert server.calls == 3


def test_wrapping_server_terminates(make_client: MakeClient) -> None:
    server = _WrappingServer()
    backend = FakeBackend()
    backend.overrides["/scans/TPI/"] = server
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=2)
    assert [r.id for r in records] == [1, 2, 3, 4]
    assert server.calls <= 3


def test_server_filter_params_sent_on_every_page(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": [scan(i, "TPI", source="Sun") for i in range(1, 6)]})
    client = make_client(backend, token=TOKEN)
    date_from = datetime(2026, 1, 1, tzinfo=UTC)
    client.query_records(scan_type="TPI", source="Sun", scan_name="tpi", date_from=date_from, page_size=2)
    requests = backend.listing_requests("TPI")
    assert len(requests) == 3
    for request in requests:
        params = request.url.params
        assert params["source"] == "Sun"
        assert params["scan_name"] == "tpi"
        assert params["date_from"] == "2026-01-01T00:00:00+00:00"
        assert "date_to" not in params


@pytest.mark.parametrize("page_size", [0, -5])
def test_page_size_must_be_positive(client: Grad300Client, backend: FakeBackend, page_size: int) -> None:
    with pytest.raises(ValueError, match="'page_size' must be greater than 0"):
        client.query(page_size=page_size)
    assert backend.requests == []


@pytest.mark.parametrize("max_results", [0, -1])
def test_max_results_must_be_positive(client: Grad300Client, backend: FakeBackend, max_results: int) -> None:
    with pytest.raises(ValueError, match="'max_results' must be greater than 0 when provided"):
        client.query_records(max_results=max_results)
    assert backend.requests == []


def test_date_to_before_date_from(client: Grad300Client, backend: FakeBackend) -> None:
    with pytest.raises(ValueError, match="'date_to' must be greater than or equal to 'date_from'"):
        client.query(date_from=datetime(2026, 2, 1, tzinfo=UTC), date_to=datetime(2026, 1, 1, tzinfo=UTC))
    assert backend.requests == []


def test_unknown_scan_type_in_query(client: Grad300Client, backend: FakeBackend) -> None:
    with pytest.raises(ValueError, match="Unknown scan type 'foo'"):
        client.query(scan_type="foo")
    assert backend.requests == []


def test_error_mid_query_aborts(backend: FakeBackend, client: Grad300Client) -> None:
    backend.overrides["/scans/Spectrum/"] = httpx.Response(500, json={"detail": "boom"})
    with pytest.raises(Grad300APIError) as excinfo:
        client.query(page_size=10)
    assert excinfo.value.status_code == 500
    assert str(excinfo.value) == "boom"
    assert "/scans/OnOff/" not in backend.paths()
    assert backend.paths()[:2] == ["/scans/TPI/", "/scans/Images/"]


def test_error_on_second_page_aborts(make_client: MakeClient) -> None:
    backend = _tpi(5)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params["offset"] == "2":
            return httpx.Response(503, json={"detail": "later"})
        return backend._list("TPI", request)

    backend.overrides["/scans/TPI/"] = answer
    client = make_client(backend, token=TOKEN)
    with pytest.raises(Grad300APIError) as excinfo:
        client.query_records(scan_type="TPI", page_size=2)
    assert excinfo.value.status_code == 503
    assert 4 not in backend.offsets("TPI")


def test_query_wrappers(backend: FakeBackend, client: Grad300Client) -> None:
    assert list(client.query_source("SUN", scan_type="TPI")["id"]) == [1, 3, 5]
    assert backend.listing_requests()[-1].url.params["source"] == "SUN"
    name = backend.scans["TPI"][1]["file_name"]
    assert list(client.query_scan_name(name.upper(), scan_type="TPI")["id"]) == [2]
    assert backend.listing_requests()[-1].url.params["scan_name"] == name.upper()
    table = client.query_date_range(
        date_from=datetime(2026, 1, 1, 2, tzinfo=UTC),
        date_to=datetime(2026, 1, 1, 4, tzinfo=UTC),
        scan_type="TPI",
    )
    assert list(table["id"]) == [2, 3, 4]
    assert list(client.query_source("sun", page_size=1, max_results=2)["id"]) == [1, 3]
