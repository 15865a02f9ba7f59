"""Records and tables built a page at a time: the same values as one ``from_scan`` per scan."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from collections.abc import Callable

import httpx
import pytest
from grad300_client import (
    AsyncGrad300Client,
    Grad300APIError,
    Grad300Client,
    Grad300ResponseError,
    ScanRecord,
    ScanType,
)
from grad300_client.schemas import Scan

from .conftest import BASE_COLUMNS, BASE_URL, TOKEN, FakeBackend, scan

MakeClient = Callable[..., Grad300Client]


def _payloads(n: int) -> list[dict[str, object]]:
    out = []
    for i in range(1, n + 1):
        extra: dict[str, object] = {"nsamples": i} if i % 2 else {"mode": "x", "nested": {"a": [i]}}
        out.append(scan(i, "TPI", source="Sun" if i % 3 else "Moon", gain=None if i % 4 == 0 else i, **extra))
    return out


def test_a_page_of_records_equals_from_scan_per_scan() -> None:
    payloads = _payloads(7)
    expected = [ScanRecord.from_scan(ScanType.IMAGES, Scan.model_validate(p)) for p in payloads]
    bulk = ScanRecord._take_scans(ScanType.IMAGES, [Scan.model_validate(p) for p in payloads])
    assert bulk == expected
    assert all(type(r) is ScanRecord for r in bulk)
    # every dataclass field is set, in the form __init__ gives it, and nothing else
    assert [dataclasses.asdict(r) for r in bulk] == [dataclasses.asdict(r) for r in expected]
    assert [sorted(vars(r)) for r in bulk] == [sorted(f.name for f in dataclasses.fields(ScanRecord))] * 7
    assert bulk[0].metadata == {"nsamples": 1, **{k: v for k, v in payloads[0].items() if k in ("ctime", "mtime", "azimuth", "elevation")}}


def test_query_records_across_pages_equals_per_scan_records(make_client: MakeClient) -> None:
    payloads = _payloads(23)
    backend = FakeBackend({"TPI": payloads})
    records = make_client(backend, token=TOKEN).query_records(scan_type="TPI", page_size=5)
    expected = [ScanRecord.from_scan(ScanType.TPI, Scan.model_validate(p)) for p in payloads]
    assert records == expected
    assert backend.offsets("TPI") == [0, 5, 10, 15, 20]


def test_max_results_cuts_inside_a_page_without_another_request(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": _payloads(23)})
    records = make_client(backend, token=TOKEN).query_records(scan_type="TPI", page_size=5, max_results=7)
    assert [r.id for r in records] == list(range(1, 8))
    assert backend.offsets("TPI") == [0, 5]


def test_filters_apply_to_every_page(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": _payloads(23)})  # FakeBackend ignores the filters, like old servers
    records = make_client(backend, token=TOKEN).query_records(scan_type="TPI", source="moon", page_size=4)
    assert [r.id for r in records] == [i for i in range(1, 24) if i % 3 == 0]


def test_async_query_records_and_table_equal_sync(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": _payloads(23), "Images": [scan(40, "Images")]})
    sync_client = make_client(backend, token=TOKEN)

    async def both() -> tuple[list[ScanRecord], object]:
        transport = httpx.MockTransport(backend)
        async with AsyncGrad300Client(BASE_URL, token=TOKEN, transport=transport) as client:
            return await client.query_records(page_size=6), await client.query(page_size=6)

    async_records, async_table = asyncio.run(both())
    assert gc.isenabled()  # the pause held over the query's awaits has ended
    assert async_records == sync_client.query_records(page_size=6)
    sync_table = sync_client.query(page_size=6)
    assert async_table.colnames == sync_table.colnames  # type: ignore[attr-defined]
    for name in sync_table.colnames:
        assert list(async_table[name]) == list(sync_table[name]), name  # type: ignore[index]


def test_table_columns_hold_the_records_values(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": _payloads(9)})
    client = make_client(backend, token=TOKEN)
    records = client.query_records(scan_type="TPI", page_size=4)
    table = client.query(scan_type="TPI", page_size=4)
    assert table.colnames == BASE_COLUMNS + sorted({key for r in records for key in r.metadata})
    for name in BASE_COLUMNS:
        values = [getattr(r, name) for r in records]
        if name == "scan_type":
            values = [v.value for v in values]
        assert list(table[name]) == values, name
    assert list(table["nsamples"]) == [r.metadata.get("nsamples") for r in records]
    assert table["nested"][1] == {"a": [2]}
    assert table["mode"].dtype == object


def test_bad_page_is_a_typed_error_with_status_and_body(make_client: MakeClient) -> None:
    payloads = _payloads(6)
    payloads[4] = {**payloads[4], "ra": "east"}
    backend = FakeBackend({"TPI": payloads})
    with pytest.raises(Grad300ResponseError) as caught:
        make_client(backend, token=TOKEN).query_records(scan_type="TPI", page_size=3)
    info = caught.value.info
    assert info is not None and info.status_code == 200
    assert isinstance(info.body, list) and info.body[1]["ra"] == "east"
    assert "offset=3" in (caught.value.url or "")
    assert "1.ra" in str(caught.value)
    assert gc.isenabled()


def test_error_status_on_a_later_page(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": _payloads(6)})
    backend.overrides["/scans/TPI/"] = lambda request: (
        httpx.Response(200, json=_payloads(3))
        if request.url.params["offset"] == "0"
        else httpx.Response(422, json={"detail": "offset too large"})
    )
    with pytest.raises(Grad300APIError) as caught:
        make_client(backend, token=TOKEN).query_records(scan_type="TPI", page_size=3)
    assert caught.value.status_code == 422
    assert caught.value.response_body == {"detail": "offset too large"}
    assert gc.isenabled()


def test_async_failure_mid_query_ends_the_pause() -> None:
    backend = FakeBackend({"TPI": _payloads(6)})
    backend.overrides["/scans/TPI/"] = lambda request: (
        httpx.Response(200, json=_payloads(3))
        if request.url.params["offset"] == "0"
        else httpx.Response(500, json={"detail": "boom"})
    )

    async def run() -> None:
        transport = httpx.MockTransport(backend)
        async with AsyncGrad300Client(BASE_URL, token=TOKEN, transport=transport) as client:
            await client.query(scan_type="TPI", page_size=3)

    with pytest.raises(Grad300APIError) as caught:
        asyncio.run(run())
    assert caught.value.status_code == 500
    assert gc.isenabled()
