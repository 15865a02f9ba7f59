"""End to end against the real local GRAD300 server, starting with the seed page's example."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from astropy.io import fits
from astropy.table import Table
from grad300_client import AuthenticationError, Grad300, Grad300APIError, Grad300Client
from servers.grad300_server import Grad300Server, fits_bytes_image, fits_bytes_tpi

from .conftest import BASE_COLUMNS, EMAIL, PASSWORD


def test_seed_example(server: Grad300Server) -> None:
    with Grad300(server.base_url, user=EMAIL, password=PASSWORD) as client:
        table = client.query_source("Sun")
    assert isinstance(table, Table)
    assert list(table["id"]) == [1, 3, 5, 10]
    assert list(table["scan_type"]) == ["TPI", "TPI", "TPI", "Images"]
    assert list(table["source"]) == ["Sun", "Sun", "sun", "Sun"]
    assert table.colnames == [*BASE_COLUMNS, "azimuth", "ctime", "elevation", "mtime", "nsamples"]
    assert table["file_name"][1] == "special_SUN_003.fits"
    assert table["date"][0] == datetime(2026, 1, 1, 10, tzinfo=UTC)

    (login,) = server.requests_to("/login/access-token")
    assert login.method == "POST"
    assert b"username=me%40example.com" in login.body
    token = next(iter(server.tokens))
    for scan_type in ("TPI", "Images", "Spectrum", "OnOff"):
        (request,) = server.requests_to(f"/scans/{scan_type}/")
        assert request.query == {"offset": "0", "limit": "100", "source": "Sun"}
        assert request.headers["authorization"] == f"Bearer {token}"
    assert [r.path.split("/")[-2] for r in server.requests if "/scans/" in r.path] == [
        "TPI",
        "Images",
        "Spectrum",
        "OnOff",
    ]


def test_test_token_end_to_end(server: Grad300Server) -> None:
    with Grad300(server.base_url, user=EMAIL, password=PASSWORD) as client:
        assert client.test_token() == {"email": EMAIL, "is_active": True}


def test_wrong_password_end_to_end(server: Grad300Server) -> None:
    with pytest.raises(AuthenticationError) as excinfo:
        Grad300(server.base_url, user=EMAIL, password="wrong")
    assert excinfo.value.status_code == 400
    assert str(excinfo.value) == "Incorrect email or password"


def test_anonymous_and_revoked_tokens(server: Grad300Server) -> None:
    with Grad300(server.base_url) as anonymous:
        with pytest.raises(AuthenticationError) as excinfo:
            anonymous.query_source("Sun")
        assert excinfo.value.status_code == 401
    with Grad300(server.base_url, token=server.issue_token(EMAIL)) as client:
        assert len(client.list("TPI")) == 5
        server.revoke_tokens()
        with pytest.raises(AuthenticationError) as excinfo:
            client.list("TPI")
        assert excinfo.value.status_code == 403


def test_paging_end_to_end(server: Grad300Server) -> None:
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        records = client.query_records(scan_type="tpi", page_size=2)
    assert [r.id for r in records] == [1, 2, 3, 4, 5]
    assert [r.query["offset"] for r in server.requests_to("/scans/TPI/")] == ["0", "2", "4"]


def test_filters_end_to_end(server: Grad300Server) -> None:
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        assert list(client.query_scan_name("sun_0")["id"]) == [3]
        by_date = client.query_date_range(
            date_from=datetime(2026, 1, 2, 10, tzinfo=UTC), date_to=datetime(2026, 1, 4, 10, tzinfo=UTC)
        )
        assert list(by_date["id"]) == [2, 3, 4]
        assert list(client.list("TPI", offset=1, limit=2)["id"]) == [2, 3]


def test_server_error_mid_query(server: Grad300Server) -> None:
    server.errors["/scans/Spectrum/"] = (500, {"detail": "boom"})
    client = Grad300Client(server.base_url, token=server.issue_token(EMAIL))
    with client, pytest.raises(Grad300APIError) as excinfo:
        client.query()
    assert str(excinfo.value) == "boom"
    assert excinfo.value.status_code == 500
    assert excinfo.value.response_body == {"detail": "boom"}
    assert server.requests_to("/scans/OnOff/") == []


def test_validation_error_end_to_end(server: Grad300Server) -> None:
    client = Grad300Client(server.base_url, token=server.issue_token(EMAIL))
    with client, pytest.raises(Grad300APIError) as excinfo:
        client.request("GET", "/scans/TPI/", params={"limit": "many"})
    assert excinfo.value.status_code == 422
    assert "HTTP 422" in str(excinfo.value)
    assert isinstance(excinfo.value.response_body["detail"], list)


def test_in_memory_downloads_end_to_end(server: Grad300Server) -> None:
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        table = client.download_by_id(scan_type="TPI", scan_id=1)
        hdus = client.download_by_id(scan_type="Images", scan_id=10)
    try:
        assert isinstance(table, Table)
        assert table.colnames == ["time", "power"]
        assert isinstance(hdus, fits.HDUList)
        assert hdus[0].header["OBJECT"] == "Sun"
    finally:
        hdus.close()


def test_hostile_content_disposition_from_server(server: Grad300Server, tmp_path: Path) -> None:
    dest = tmp_path / "downloads"
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        relative = client.download_by_id(scan_type="TPI", scan_id=2, destination_dir=dest)
        absolute = client.download_by_id(scan_type="Images", scan_id=10, destination_dir=dest)
    assert relative == dest / "escape.fits"
    assert absolute == dest / "grad300-abs.fits"
    for path in (relative, absolute):
        assert path.resolve().parent == dest.resolve()
    assert relative.read_bytes() == fits_bytes_tpi()
    assert absolute.read_bytes() == fits_bytes_image()
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "downloads",
        "downloads/escape.fits",
        "downloads/grad300-abs.fits",
    ]
    assert not (tmp_path / "escape.fits").exists()


def test_record_download_and_existing_file(server: Grad300Server, tmp_path: Path) -> None:
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client:
        (record,) = client.query_records(scan_name="special_SUN_003")
        path = client.download(record, destination_dir=tmp_path)
        assert path == tmp_path / "special_SUN_003.fits"
        assert len(server.requests_to("/scans/TPI/3/download")) == 1
        with pytest.raises(FileExistsError):
            client.download(record, destination_dir=tmp_path)
        with pytest.raises(FileExistsError):
            client.download_by_scan_name("special_SUN_003.fits", destination_dir=tmp_path)
        assert len(server.requests_to("/scans/TPI/3/download")) == 1
        again = client.download_by_scan_name("special_SUN_003.fits", destination_dir=tmp_path, overwrite=True)
        assert again == path
    assert len(server.requests_to("/scans/TPI/3/download")) == 2
    with Grad300Client(server.base_url, token=server.issue_token(EMAIL)) as client, pytest.raises(LookupError):
        client.download_by_scan_name("special_SUN_003")
