"""AsyncGrad300Client: the same methods, awaited (MockTransport and the real local server)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from astropy.io import fits
from astropy.table import Table
from grad300_client import (
    AsyncGrad300,
    AsyncGrad300Client,
    AuthenticationError,
    Grad300APIError,
    Grad300ConnectionError,
    Grad300ResponseError,
    ScanRecord,
    ScanType,
)
from servers.grad300_server import Grad300Server

from .conftest import API_URL, BASE_COLUMNS, BASE_URL, EMAIL, PASSWORD, TOKEN, FakeBackend, fits_bytes_tpi, scan

pytestmark = pytest.mark.asyncio


def _client(backend: FakeBackend, **kwargs: object) -> AsyncGrad300Client:
    return AsyncGrad300Client(BASE_URL, transport=httpx.MockTransport(backend), **kwargs)  # type: ignore[arg-type]


async def test_alias_and_base_url() -> None:
    assert issubclass(AsyncGrad300, AsyncGrad300Client)
    async with AsyncGrad300("http://h/api/v1/", api_prefix="api/v1/") as client:
        assert client.base_api_url == "http://h/api/v1"


async def test_login_on_first_request(backend: FakeBackend) -> None:
    async with _client(backend, user=EMAIL, password=PASSWORD) as client:
        assert await client.test_token() == {"email": EMAIL, "is_active": True}
    assert backend.paths() == ["/login/access-token", "/login/test-token"]
    form = httpx.QueryParams(backend.requests[0].content.decode())
    assert (form["username"], form["password"]) == (EMAIL, PASSWORD)
    assert backend.requests[1].headers["authorization"] == "Bearer login-token-1"


async def test_explicit_login(backend: FakeBackend) -> None:
    async with _client(backend) as client:
        assert await client.login(EMAIL, PASSWORD) == "login-token-1"
        await client.list("TPI", limit=1)
    assert backend.paths() == ["/login/access-token", "/scans/TPI/"]
    assert backend.requests[1].headers["authorization"] == "Bearer login-token-1"


async def test_set_and_clear_token(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        await client.list("TPI", limit=1)
        client.set_token("other")
        await client.list("TPI", limit=1)
        client.clear_token()
        await client.list("TPI", limit=1)
    headers = [r.headers.get("authorization") for r in backend.requests]
    assert headers == [f"Bearer {TOKEN}", "Bearer other", None]


async def test_clear_token_after_login(backend: FakeBackend) -> None:
    async with _client(backend) as client:
        await client.login(EMAIL, PASSWORD)
        client.clear_token()
        await client.list("TPI", limit=1)
    assert backend.paths() == ["/login/access-token", "/scans/TPI/"]
    assert "authorization" not in backend.requests[-1].headers


async def test_bad_login(backend: FakeBackend) -> None:
    async with _client(backend) as client:
        with pytest.raises(AuthenticationError) as excinfo:
            await client.login(EMAIL, "wrong")
    assert excinfo.value.status_code == 400


async def test_list_params_and_table(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        table = await client.list("tpi", offset=1, limit=2, source="Sun", date_to=datetime(2026, 1, 5, tzinfo=UTC))
        records = await client.list_records("image")
    assert isinstance(table, Table)
    assert table.colnames[:13] == BASE_COLUMNS
    assert list(table["id"]) == [2, 3]  # no client-side filtering in list()
    assert list(backend.requests[0].url.params.multi_items()) == [
        ("offset", "1"),
        ("limit", "2"),
        ("source", "Sun"),
        ("date_to", "2026-01-05T00:00:00+00:00"),
    ]
    assert backend.requests[0].url.path == "/api/v1/scans/TPI/"
    assert [r.id for r in records] == [10]
    assert isinstance(records[0], ScanRecord)
    assert records[0].scan_type is ScanType.IMAGES


async def test_argument_checks(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        with pytest.raises(ValueError, match="'limit' must be greater than 0"):
            await client.list("TPI", limit=0)
        with pytest.raises(ValueError, match="'page_size' must be greater than 0"):
            await client.query(page_size=0)
        with pytest.raises(ValueError, match="Unknown scan type 'foo'"):
            await client.query_records(scan_type="foo")
    assert backend.requests == []


async def test_query_paging_and_filters() -> None:
    backend = FakeBackend({"TPI": [scan(i, "TPI", source="Sun" if i % 2 else "Moon") for i in range(1, 6)]})
    async with _client(backend, token=TOKEN) as client:
        records = await client.query_records(scan_type="TPI", page_size=2)
        assert [r.id for r in records] == [1, 2, 3, 4, 5]
        assert backend.offsets("TPI") == [0, 2, 4]
        table = await client.query_source("SUN", scan_type="TPI", page_size=2)
        assert list(table["id"]) == [1, 3, 5]


async def test_query_all_types_and_max_results(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        table = await client.query(page_size=10)
        assert backend.paths() == ["/scans/TPI/", "/scans/Images/", "/scans/Spectrum/", "/scans/OnOff/"]
        assert list(table["scan_type"]) == ["TPI"] * 5 + ["Images", "Spectrum", "OnOff"]
        backend.requests.clear()
        records = await client.query_records(page_size=2, max_results=3)
        assert [r.id for r in records] == [1, 2, 3]
        assert backend.offsets("TPI") == [0, 2]
        assert backend.paths() == ["/scans/TPI/", "/scans/TPI/"]


async def test_server_ignoring_offset_terminates() -> None:
    backend = FakeBackend({"TPI": [scan(i, "TPI") for i in range(1, 6)]}, ignore_offset=True)
    async with _client(backend, token=TOKEN) as client:
        records = await client.query_records(scan_type="TPI", page_size=2)
    assert [r.id for r in records] == [1, 2]
    assert len(backend.requests) == 2


async def test_empty_query_table() -> None:
    async with _client(FakeBackend(), token=TOKEN) as client:
        table = await client.query()
    assert len(table) == 0
    assert table.colnames == BASE_COLUMNS


async def test_error_mapping(backend: FakeBackend) -> None:
    backend.overrides["/scans/Spectrum/"] = httpx.Response(500, json={"detail": "boom"})
    backend.overrides["/scans/TPI/"] = httpx.Response(200, content=b"{oops")
    async with _client(backend, token=TOKEN) as client:
        with pytest.raises(Grad300APIError) as excinfo:
            await client.list("Spectrum")
        assert (str(excinfo.value), excinfo.value.status_code) == ("boom", 500)
        with pytest.raises(Grad300ResponseError):
            await client.list("TPI")
        del backend.overrides["/scans/TPI/"]
        backend.requests.clear()
        with pytest.raises(Grad300APIError):
            await client.query(scan_type=None, page_size=10)
    assert "/scans/OnOff/" not in backend.paths()
    assert backend.paths()[:2] == ["/scans/TPI/", "/scans/Images/"]


async def test_connection_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with AsyncGrad300Client(BASE_URL, token=TOKEN, transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(Grad300ConnectionError):
            await client.test_token()


async def test_request_and_get_json(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        response = await client.request("GET", "/login/test-token")
        assert response.status_code == 200
        assert str(response.request.url) == API_URL + "/login/test-token"
        assert (await client.get_json("/scans/OnOff/"))[0]["id"] == 30


async def test_downloads_in_memory(backend: FakeBackend) -> None:
    async with _client(backend, token=TOKEN) as client:
        table = await client.download_by_id(scan_type="TPI", scan_id=1)
        hdus = await client.download({"scan_type": "Images", "id": 10})
    try:
        assert isinstance(table, Table)
        assert len(table) == 32
        assert isinstance(hdus, fits.HDUList)
        assert hdus[0].data.shape == (8, 8)
    finally:
        hdus.close()


async def test_downloads_to_disk(backend: FakeBackend, tmp_path: Path) -> None:
    backend.dispositions[("TPI", 2)] = 'attachment; filename="../../escape.fits"'
    dest = tmp_path / "out"
    async with _client(backend, token=TOKEN) as client:
        by_header = await client.download_by_id(scan_type="TPI", scan_id=2, destination_dir=dest)
        assert by_header == dest / "escape.fits"
        by_default = await client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest)
        assert by_default == dest / "TPI_1.fits"
        assert by_default.read_bytes() == fits_bytes_tpi()
        name = backend.scans["TPI"][2]["file_name"]
        by_name = await client.download_by_scan_name(name, destination_dir=dest)
        assert by_name == dest / name
        backend.requests.clear()
        with pytest.raises(FileExistsError):
            await client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest, file_name="TPI_1.fits")
        assert backend.requests == []
        replaced = await client.download(
            {"scan_type": "TPI", "id": 3, "file_name": "TPI_1.fits"}, destination_dir=dest, overwrite=True
        )
        assert replaced == dest / "TPI_1.fits"
        with pytest.raises(LookupError):
            await client.download_by_scan_name("missing.fits")
        with pytest.raises(TypeError, match="'id'"):
            await client.download({"scan_type": "TPI"})
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["out", "escape.fits", "TPI_1.fits", name])


async def test_truncated_download_leaves_nothing(tmp_path: Path) -> None:
    backend = FakeBackend({"TPI": [scan(1)]})
    backend.overrides["/scans/TPI/1/download"] = lambda request: httpx.Response(
        200, content=b"short", headers={"Content-Length": "2880"}
    )
    async with _client(backend, token=TOKEN) as client:
        with pytest.raises(Grad300ConnectionError):
            await client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="x.fits")
    assert list(tmp_path.iterdir()) == []


# -- against the real local server -------------------------------------------------------


async def test_async_seed_example(server: Grad300Server) -> None:
    async with AsyncGrad300Client(server.base_url, user=EMAIL, password=PASSWORD) as client:
        table = await client.query_source("Sun")
    assert list(table["id"]) == [1, 3, 5, 10]
    assert list(table["scan_type"]) == ["TPI", "TPI", "TPI", "Images"]
    assert len(server.requests_to("/login/access-token")) == 1
    for scan_type in ("TPI", "Images", "Spectrum", "OnOff"):
        (request,) = server.requests_to(f"/scans/{scan_type}/")
        assert request.query["source"] == "Sun"
        assert request.headers["authorization"].startswith("Bearer ")


async def test_async_hostile_disposition_from_server(server: Grad300Server, tmp_path: Path) -> None:
    dest = tmp_path / "downloads"
    async with AsyncGrad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        path = await client.download_by_id(scan_type="TPI", scan_id=2, destination_dir=dest)
    assert path == dest / "escape.fits"
    assert path.resolve().parent == dest.resolve()
    assert [p.name for p in tmp_path.iterdir()] == ["downloads"]
