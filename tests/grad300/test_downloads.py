"""Downloads: in-memory parsing, safe file names, FileExistsError, atomic writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from grad300_client import Grad300APIError, Grad300Client, Grad300ConnectionError, Grad300Error, ScanType
from grad300_client.models import ScanRecord

from .conftest import TOKEN, FakeBackend, fits_bytes_image, fits_bytes_tpi, scan

MakeClient = Callable[..., Grad300Client]
HOSTILE_NAMES = [
    "../escape.fits",
    "../../../../tmp/escape.fits",
    "/etc/passwd",
    "..\\..\\x.fits",
    "sub/dir/inner.fits",
    "a\x00b.fits",
    "C:\\Windows\\evil.fits",
]


def _tree(root: Path) -> list[str]:
    """Every file and folder under ``root`` (hidden ones too), relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _assert_inside(result: Path, dest: Path) -> None:
    assert isinstance(result, Path)
    assert result.resolve().parent == dest.resolve()
    assert result.is_file()


# -- in memory ---------------------------------------------------------------------------


def test_tpi_in_memory_is_table(client: Grad300Client, backend: FakeBackend) -> None:
    table = client.download_by_id(scan_type="TPI", scan_id=1)
    assert isinstance(table, Table)
    assert table.colnames == ["time", "power"]
    assert len(table) == 32
    assert table["time"][2] == pytest.approx(1.0)
    assert [r.url.path for r in backend.requests] == ["/api/v1/scans/TPI/1/download"]
    assert backend.requests[0].method == "GET"
    assert backend.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("scan_type", "scan_id"), [("Images", 10), ("spectrum", 20), (ScanType.ONOFF, 30)])
def test_other_types_in_memory_are_hdulist(
    client: Grad300Client, backend: FakeBackend, scan_type: str, scan_id: int
) -> None:
    hdus = client.download_by_id(scan_type=scan_type, scan_id=scan_id)
    try:
        assert isinstance(hdus, fits.HDUList)
        assert hdus[0].data.shape == (8, 8)
        assert hdus[0].header["TELESCOP"] == "GRAD300"
        np.testing.assert_array_equal(hdus[0].data.ravel(), np.arange(64, dtype=np.float32))
    finally:
        hdus.close()
    assert backend.download_requests()[0].url.path.endswith(f"/{scan_id}/download")


def test_tpi_table_from_non_first_table_hdu(make_client: MakeClient) -> None:
    # image primary, then a table: the table is still found
    primary = fits.PrimaryHDU(data=np.zeros((2, 2), dtype=np.float32))
    table_hdu = fits.BinTableHDU.from_columns([fits.Column(name="power", format="E", array=np.ones(3))])
    buffer = __import__("io").BytesIO()
    fits.HDUList([primary, table_hdu]).writeto(buffer)
    backend = FakeBackend({"TPI": [scan(1)]}, files={("TPI", 1): buffer.getvalue()})
    table = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1)
    assert isinstance(table, Table)
    assert table.colnames == ["power"]
    assert len(table) == 3


def test_tpi_in_memory_not_fits_raises_oserror(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, files={("TPI", 1): b"not a fits file"})
    with pytest.raises(OSError):
        make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1)


def test_download_http_error(client: Grad300Client, tmp_path: Path) -> None:
    with pytest.raises(Grad300APIError) as excinfo:
        client.download_by_id(scan_type="TPI", scan_id=999, destination_dir=tmp_path / "out")
    assert excinfo.value.status_code == 404
    assert _tree(tmp_path / "out") == []


# -- to disk -----------------------------------------------------------------------------


def test_destination_dir_returns_path_with_bytes(client: Grad300Client, tmp_path: Path) -> None:
    dest = tmp_path / "nested" / "out"
    result = client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest)
    assert result == dest / "TPI_1.fits"
    _assert_inside(result, dest)
    assert result.read_bytes() == fits_bytes_tpi()
    assert _tree(dest) == ["TPI_1.fits"]


def test_destination_dir_as_str(client: Grad300Client, tmp_path: Path) -> None:
    result = client.download_by_id(scan_type="images", scan_id=10, destination_dir=str(tmp_path))
    assert result == tmp_path / "Images_10.fits"
    assert result.read_bytes() == fits_bytes_image()


def test_bytes_are_not_parsed_when_saved(make_client: MakeClient, tmp_path: Path) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, files={("TPI", 1): b"raw bytes"})
    result = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
    assert result.read_bytes() == b"raw bytes"


def test_file_name_beats_content_disposition(make_client: MakeClient, tmp_path: Path) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): 'attachment; filename="server.fits"'})
    client = make_client(backend, token=TOKEN)
    result = client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="mine.fits")
    assert result == tmp_path / "mine.fits"
    assert _tree(tmp_path) == ["mine.fits"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="server.fits"', "server.fits"),
        ("attachment; filename=plain_token.fits", "plain_token.fits"),
        ("attachment; filename*=UTF-8''na%C3%AFve%20scan.fits", "naïve scan.fits"),
        ("inline; filename*=utf-8''%E2%82%AC-rates.fits", "€-rates.fits"),
    ],
)
def test_content_disposition_name(make_client: MakeClient, tmp_path: Path, header: str, expected: str) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): header})
    result = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
    assert result == tmp_path / expected
    assert result.read_bytes() == fits_bytes_tpi()


@pytest.mark.parametrize(
    "header",
    [
        "attachment; filename=\"fallback.fits\"; filename*=UTF-8''real.fits",
        "attachment; filename*=UTF-8''real.fits; filename=\"fallback.fits\"",
    ],
)
def test_content_disposition_extended_name_wins(make_client: MakeClient, tmp_path: Path, header: str) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): header})
    result = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
    assert result == tmp_path / "real.fits"
    assert _tree(tmp_path) == ["real.fits"]


@pytest.mark.parametrize(
    ("scan_type", "scan_id", "expected"),
    [("TPI", 1, "TPI_1.fits"), ("image", 10, "Images_10.fits"), ("on_off", 30, "OnOff_30.fits")],
)
def test_default_name_without_header(
    client: Grad300Client, tmp_path: Path, scan_type: str, scan_id: int, expected: str
) -> None:
    result = client.download_by_id(scan_type=scan_type, scan_id=scan_id, destination_dir=tmp_path)
    assert result == tmp_path / expected


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_name_argument_stays_inside(client: Grad300Client, tmp_path: Path, name: str) -> None:
    dest = tmp_path / "out"
    result = client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest, file_name=name)
    _assert_inside(result, dest)
    assert "\x00" not in result.name
    assert _tree(tmp_path) == ["out", f"out/{result.name}"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_record_file_name_stays_inside(make_client: MakeClient, tmp_path: Path, name: str) -> None:
    backend = FakeBackend({"TPI": [scan(1, file_name=name)]})
    client = make_client(backend, token=TOKEN)
    (record,) = client.list_records("TPI")
    assert record.file_name == name
    dest = tmp_path / "out"
    result = client.download(record, destination_dir=dest)
    _assert_inside(result, dest)
    assert _tree(tmp_path) == ["out", f"out/{result.name}"]


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, "../"])
def test_hostile_content_disposition_stays_inside(make_client: MakeClient, tmp_path: Path, name: str) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): f'attachment; filename="{name}"'})
    dest = tmp_path / "out"
    result = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest)
    _assert_inside(result, dest)
    assert _tree(tmp_path) == ["out", f"out/{result.name}"]


def test_hostile_extended_content_disposition_stays_inside(make_client: MakeClient, tmp_path: Path) -> None:
    header = "attachment; filename*=UTF-8''..%2F..%2Fevil.fits"
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): header})
    dest = tmp_path / "out"
    result = make_client(backend, token=TOKEN).download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest)
    _assert_inside(result, dest)
    assert result.name == "evil.fits"


# -- existing files ----------------------------------------------------------------------


def test_existing_file_name_raises_before_request(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    (tmp_path / "mine.fits").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="mine.fits")
    assert backend.requests == []
    assert (tmp_path / "mine.fits").read_bytes() == b"old"


def test_existing_record_file_raises_before_request(
    client: Grad300Client, backend: FakeBackend, tmp_path: Path
) -> None:
    (record,) = client.list_records("TPI", limit=1)
    (tmp_path / record.file_name).write_bytes(b"old")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        client.download(record, destination_dir=tmp_path)
    assert backend.download_requests() == []
    assert (tmp_path / record.file_name).read_bytes() == b"old"
    assert _tree(tmp_path) == [record.file_name]


def test_existing_sanitised_name_raises_before_request(
    client: Grad300Client, backend: FakeBackend, tmp_path: Path
) -> None:
    (tmp_path / "escape.fits").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="../escape.fits")
    assert backend.requests == []


def test_existing_default_name_raises_and_keeps_file(
    client: Grad300Client, backend: FakeBackend, tmp_path: Path
) -> None:
    (tmp_path / "TPI_1.fits").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
    assert (tmp_path / "TPI_1.fits").read_bytes() == b"old"
    assert _tree(tmp_path) == ["TPI_1.fits"]


def test_overwrite_replaces(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    (record,) = client.list_records("TPI", limit=1)
    target = tmp_path / record.file_name
    target.write_bytes(b"old")
    result = client.download(record, destination_dir=tmp_path, overwrite=True)
    assert result == target
    assert target.read_bytes() == fits_bytes_tpi()
    assert _tree(tmp_path) == [record.file_name]


def test_overwrite_with_server_name(make_client: MakeClient, tmp_path: Path) -> None:
    backend = FakeBackend({"TPI": [scan(1)]}, dispositions={("TPI", 1): 'attachment; filename="s.fits"'})
    (tmp_path / "s.fits").write_bytes(b"old")
    result = make_client(backend, token=TOKEN).download_by_id(
        scan_type="TPI", scan_id=1, destination_dir=tmp_path, overwrite=True
    )
    assert result.read_bytes() == fits_bytes_tpi()


# -- broken transfers --------------------------------------------------------------------


class _BrokenStream(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"SIMPLE  =                    T"
        raise httpx.ReadError("connection reset by peer")


def _truncated(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"only 19 bytes here!", headers={"Content-Length": "2880"})


def _broken(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=_BrokenStream(), headers={"Content-Length": "2880"})


@pytest.mark.parametrize("answer", [_truncated, _broken], ids=["short-body", "read-error"])
def test_failed_transfer_leaves_nothing(
    make_client: MakeClient, tmp_path: Path, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    backend = FakeBackend({"TPI": [scan(1)]})
    backend.overrides["/scans/TPI/1/download"] = answer
    client = make_client(backend, token=TOKEN)
    dest = tmp_path / "out"
    with pytest.raises(Grad300ConnectionError) as excinfo:
        client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=dest, file_name="scan.fits")
    assert isinstance(excinfo.value, Grad300Error)
    assert _tree(dest) == []  # no file and no .part file


@pytest.mark.parametrize("answer", [_truncated, _broken], ids=["short-body", "read-error"])
def test_failed_overwrite_keeps_old_file(
    make_client: MakeClient, tmp_path: Path, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    backend = FakeBackend({"TPI": [scan(1)]})
    backend.overrides["/scans/TPI/1/download"] = answer
    (tmp_path / "scan.fits").write_bytes(b"old")
    with pytest.raises(Grad300ConnectionError):
        make_client(backend, token=TOKEN).download_by_id(
            scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="scan.fits", overwrite=True
        )
    assert (tmp_path / "scan.fits").read_bytes() == b"old"
    assert _tree(tmp_path) == ["scan.fits"]


def test_body_longer_than_content_length_leaves_nothing(make_client: MakeClient, tmp_path: Path) -> None:
    backend = FakeBackend({"TPI": [scan(1)]})
    backend.overrides["/scans/TPI/1/download"] = lambda request: httpx.Response(
        200, content=b"x" * 100, headers={"Content-Length": "10"}
    )
    with pytest.raises(Grad300Error):
        make_client(backend, token=TOKEN).download_by_id(
            scan_type="TPI", scan_id=1, destination_dir=tmp_path, file_name="scan.fits"
        )
    assert _tree(tmp_path) == []


# -- download(record) and download_by_scan_name ------------------------------------------


def test_download_with_mapping(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    result = client.download({"scan_type": "tpi", "id": "3", "file_name": "m.fits"}, destination_dir=tmp_path)
    assert result == tmp_path / "m.fits"
    assert [r.url.path for r in backend.requests] == ["/api/v1/scans/TPI/3/download"]


def test_download_with_mapping_without_file_name(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    result = client.download({"scan_type": "Images", "id": 10}, destination_dir=tmp_path)
    assert result == tmp_path / "Images_10.fits"


def test_download_mapping_in_memory(client: Grad300Client) -> None:
    table = client.download({"scan_type": ScanType.TPI, "id": 2})
    assert isinstance(table, Table)
    assert len(table) == 32


def test_download_with_table_row(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    table = client.query(source="moon")
    row = table[0]
    result = client.download(row, destination_dir=tmp_path)
    assert result == tmp_path / str(row["file_name"])
    assert backend.download_requests()[0].url.path == "/api/v1/scans/TPI/2/download"
    hdus = client.download(table[1])  # the Spectrum row, in memory
    try:
        assert isinstance(hdus, fits.HDUList)
    finally:
        hdus.close()
    assert backend.download_requests()[1].url.path == "/api/v1/scans/Spectrum/20/download"


def test_download_with_scan_record(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    record = ScanRecord.from_api(ScanType.ONOFF, scan(30, "OnOff", file_name="onoff_thing.fits"))
    result = client.download(record, destination_dir=tmp_path)
    assert result == tmp_path / "onoff_thing.fits"
    assert backend.requests[0].url.path == "/api/v1/scans/OnOff/30/download"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": 1, "file_name": "x.fits"}, "Record must include a 'scan_type' field"),
        ({"scan_type": "TPI"}, "Record must include an 'id' field"),
        ({"scan_type": None, "id": 1}, "Record must include a 'scan_type' field"),
    ],
)
def test_download_record_missing_fields(
    client: Grad300Client, backend: FakeBackend, record: dict, message: str
) -> None:
    with pytest.raises(TypeError) as excinfo:
        client.download(record)
    assert str(excinfo.value) == message
    assert backend.requests == []


def test_download_row_missing_columns(client: Grad300Client, backend: FakeBackend) -> None:
    no_type = Table(rows=[(1, "x.fits")], names=["id", "file_name"])
    with pytest.raises(TypeError, match="'scan_type'"):
        client.download(no_type[0])
    no_id = Table(rows=[("TPI", "x.fits")], names=["scan_type", "file_name"])
    with pytest.raises(TypeError, match="'id'"):
        client.download(no_id[0])
    assert backend.requests == []


def test_download_by_scan_name_exact_match(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    name = backend.scans["TPI"][2]["file_name"]
    result = client.download_by_scan_name(name, destination_dir=tmp_path)
    assert result == tmp_path / name
    assert result.read_bytes() == fits_bytes_tpi()
    assert all(r.url.params["scan_name"] == name for r in backend.listing_requests())
    assert [r.url.path for r in backend.download_requests()] == ["/api/v1/scans/TPI/3/download"]


def test_download_by_scan_name_in_memory(client: Grad300Client, backend: FakeBackend) -> None:
    name = backend.scans["Images"][0]["file_name"]
    hdus = client.download_by_scan_name(name, scan_type="images")
    try:
        assert isinstance(hdus, fits.HDUList)
    finally:
        hdus.close()
    assert backend.paths() == ["/scans/Images/", "/scans/Images/10/download"]


def test_download_by_scan_name_substring_is_not_enough(client: Grad300Client, backend: FakeBackend) -> None:
    name = backend.scans["TPI"][0]["file_name"]
    for candidate in (name[:-5], name.upper()):
        with pytest.raises(LookupError) as excinfo:
            client.download_by_scan_name(candidate)
        assert str(excinfo.value) == f"No scan found with exact name '{candidate}'"
    assert backend.download_requests() == []


def test_download_by_scan_name_ambiguous(make_client: MakeClient, tmp_path: Path) -> None:
    backend = FakeBackend(
        {"TPI": [scan(1, "TPI", file_name="same.fits")], "Images": [scan(10, "Images", file_name="same.fits")]}
    )
    client = make_client(backend, token=TOKEN)
    with pytest.raises(LookupError) as excinfo:
        client.download_by_scan_name("same.fits", destination_dir=tmp_path)
    assert str(excinfo.value) == (
        "Multiple scans found with name 'same.fits'. Narrow down with scan_type/date filters."
    )
    assert backend.download_requests() == []
    result = client.download_by_scan_name("same.fits", scan_type="Images", destination_dir=tmp_path)
    assert result == tmp_path / "same.fits"
    assert backend.download_requests()[0].url.path == "/api/v1/scans/Images/10/download"


def test_download_by_scan_name_existing_file(client: Grad300Client, backend: FakeBackend, tmp_path: Path) -> None:
    name = backend.scans["TPI"][0]["file_name"]
    (tmp_path / name).write_bytes(b"old")
    with pytest.raises(FileExistsError):
        client.download_by_scan_name(name, destination_dir=tmp_path)
    assert backend.download_requests() == []
    client.download_by_scan_name(name, destination_dir=tmp_path, overwrite=True)
    assert (tmp_path / name).read_bytes() == fits_bytes_tpi()
