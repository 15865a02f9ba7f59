"""list / list_records: one page, query parameters, scan type names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from grad300_client import Grad300Client, ScanRecord, ScanType
from grad300_client.models import normalize_scan_type

from .conftest import API_URL, TOKEN, FakeBackend, scan

MakeClient = Callable[..., Grad300Client]


def test_list_sends_offset_and_limit_only(client: Grad300Client, backend: FakeBackend) -> None:
    client.list("TPI", limit=2)
    request = backend.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/api/v1/scans/TPI/"
    assert list(request.url.params.multi_items()) == [("offset", "0"), ("limit", "2")]


def test_list_sends_filters_in_order(client: Grad300Client, backend: FakeBackend) -> None:
    client.list(
        "TPI",
        offset=3,
        limit=2,
        source="su",
        scan_name="tpi_2026",
        date_from=datetime(2026, 1, 1, tzinfo=UTC),
        date_to=datetime(2026, 2, 1, 12, 30, tzinfo=timezone(timedelta(hours=2))),
    )
    assert list(backend.requests[0].url.params.multi_items()) == [
        ("offset", "3"),
        ("limit", "2"),
        ("source", "su"),
        ("scan_name", "tpi_2026"),
        ("date_from", "2026-01-01T00:00:00+00:00"),
        ("date_to", "2026-02-01T12:30:00+02:00"),
    ]
    # the "+" of the offset survives URL encoding
    assert "date_from=2026-01-01T00%3A00%3A00%2B00%3A00" in str(backend.requests[0].url)


def test_list_naive_date_is_sent_without_offset(client: Grad300Client, backend: FakeBackend) -> None:
    client.list("TPI", date_from=datetime(2026, 1, 2, 3, 4, 5))
    assert backend.requests[0].url.params["date_from"] == "2026-01-02T03:04:05"


def test_list_empty_filters_are_not_sent(client: Grad300Client, backend: FakeBackend) -> None:
    client.list("TPI", source="", scan_name="", date_from=None, date_to=None)
    assert sorted(backend.requests[0].url.params.keys()) == ["limit", "offset"]


def test_list_default_limit_is_conf_page_size(client: Grad300Client, backend: FakeBackend) -> None:
    client.list("TPI")
    assert backend.requests[0].url.params["limit"] == "100"
    assert backend.requests[0].url.params["offset"] == "0"


@pytest.mark.parametrize("limit", [0, -1])
@pytest.mark.parametrize("method", ["list", "list_records"])
def test_list_rejects_non_positive_limit(client: Grad300Client, backend: FakeBackend, method: str, limit: int) -> None:
    with pytest.raises(ValueError, match="'limit' must be greater than 0"):
        getattr(client, method)("TPI", limit=limit)
    assert backend.requests == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("TPI", "/scans/TPI/"),
        ("tpi", "/scans/TPI/"),
        ("  Tpi ", "/scans/TPI/"),
        ("image", "/scans/Images/"),
        ("images", "/scans/Images/"),
        ("IMAGES", "/scans/Images/"),
        ("spectrum", "/scans/Spectrum/"),
        ("onoff", "/scans/OnOff/"),
        ("on_off", "/scans/OnOff/"),
        ("OnOff", "/scans/OnOff/"),
        (ScanType.SPECTRUM, "/scans/Spectrum/"),
        (ScanType.IMAGES, "/scans/Images/"),
    ],
)
def test_scan_type_aliases(client: Grad300Client, backend: FakeBackend, name: str, path: str) -> None:
    client.list_records(name, limit=1)
    assert backend.paths() == [path]


@pytest.mark.parametrize("name", ["foo", "on-off", "", "TPIs"])
def test_unknown_scan_type(client: Grad300Client, backend: FakeBackend, name: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        client.list(name)
    assert str(excinfo.value) == f"Unknown scan type '{name}'. Expected one of: TPI, Images, Spectrum, OnOff"
    assert backend.requests == []


def test_normalize_scan_type_function() -> None:
    assert normalize_scan_type("image") is ScanType.IMAGES
    assert normalize_scan_type(ScanType.ONOFF) is ScanType.ONOFF
    assert [t.value for t in ScanType] == ["TPI", "Images", "Spectrum", "OnOff"]
    with pytest.raises(ValueError, match="Unknown scan type 'foo'"):
        normalize_scan_type("foo")


def test_list_records_returns_one_page_of_records(client: Grad300Client) -> None:
    records = client.list_records("TPI", offset=1, limit=2)
    assert [r.id for r in records] == [2, 3]
    assert all(isinstance(r, ScanRecord) for r in records)
    assert all(r.scan_type is ScanType.TPI for r in records)


def test_list_does_no_client_side_filtering(client: Grad300Client, backend: FakeBackend) -> None:
    # the fake backend ignores filters; list() must not filter on its own
    table = client.list("TPI", source="Sun", scan_name="no-such-name")
    assert list(table["id"]) == [1, 2, 3, 4, 5]
    assert backend.requests[0].url.params["source"] == "Sun"


def test_list_record_fields(make_client: MakeClient) -> None:
    payload = scan(7, "Images", source="Cas A", gain=12, comment="hello", custom_key="extra")
    backend = FakeBackend({"Images": [payload]})
    client = make_client(backend, token=TOKEN)
    (record,) = client.list_records("images")
    assert record.id == 7
    assert record.scan_type is ScanType.IMAGES
    assert record.file_name == payload["file_name"]
    assert record.file_path == payload["file_path"]
    assert record.size == payload["size"]
    assert record.source == "Cas A"
    assert record.ra == pytest.approx(payload["ra"])
    assert record.dec == pytest.approx(payload["dec"])
    assert record.date == datetime.fromisoformat(payload["date"])
    assert record.date.tzinfo is not None
    assert record.date_obs == datetime.fromisoformat(payload["date_obs"])
    assert record.date_end == datetime.fromisoformat(payload["date_end"])
    assert record.gain == 12
    assert record.comment == "hello"
    assert "object" not in record.metadata
    assert set(record.metadata) == {"ctime", "mtime", "azimuth", "elevation", "nsamples", "custom_key"}
    assert record.metadata["custom_key"] == "extra"
    assert record.metadata["nsamples"] == 32


def test_list_record_optional_fields_missing(make_client: MakeClient) -> None:
    payload = {
        "id": 3,
        "file_name": "x.fits",
        "file_path": "/data/x.fits",
        "size": 10,
        "object": "Sun",
        "ra": 1.5,
        "dec": -2.5,
        "date": "2026-01-01T00:00:00Z",
    }
    client = make_client(FakeBackend({"TPI": [payload]}), token=TOKEN)
    (record,) = client.list_records("TPI")
    assert record.date == datetime(2026, 1, 1, tzinfo=UTC)
    assert (record.date_obs, record.date_end, record.gain, record.comment) == (None, None, None, None)
    assert record.metadata == {}


def test_scan_record_from_api() -> None:
    record = ScanRecord.from_api(ScanType.TPI, scan(1, "TPI", source="Moon"))
    assert record.source == "Moon"
    assert record.scan_type is ScanType.TPI
    with pytest.raises(ValueError, match="Invalid scan payload"):
        ScanRecord.from_api(ScanType.TPI, {"id": 1})


@pytest.mark.parametrize(
    "body",
    [{"items": []}, [1, 2], [{"id": 1}], "text"],
    ids=["object", "non-object-items", "incomplete-item", "string"],
)
def test_unexpected_listing_payload_is_value_error(make_client: MakeClient, body: object) -> None:
    backend = FakeBackend()
    backend.overrides["/scans/TPI/"] = httpx.Response(200, json=body)
    client = make_client(backend, token=TOKEN)
    with pytest.raises(ValueError):
        client.list_records("TPI")


def test_list_url(client: Grad300Client, backend: FakeBackend) -> None:
    client.list("Spectrum", offset=5, limit=7)
    assert str(backend.requests[0].url) == API_URL + "/scans/Spectrum/?offset=5&limit=7"
