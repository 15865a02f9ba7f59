"""Downloads (grad300, the package with ``*_to_file``): no partial files, names stay in the folder.

cuiman has no file downloads; a body that breaks off in one of its JSON calls is covered in
``test_dropped_connections.py``, and the in-memory ``download_scan`` here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from servers.fault_server import Fault
from specwright_runtime import RequestOptions

from .conftest import STALL, TOKEN, Pkg

SCAN_PATH = "/api/v1/scans/TPI/7/download"
DATA = bytes(range(256)) * 64  # 16 KiB


def files_under(root: Path) -> list[str]:
    """Every file below ``root`` (hidden and temporary ones included), relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A sandbox whose ``a/b/downloads`` is the download folder: ``../..`` would still land inside it."""
    folder = tmp_path / "sandbox"
    folder.mkdir()
    return folder


def download(g: Pkg, directory: Path, **kwargs: Any) -> Path:
    return g.run(lambda c: c.download_scan_to_file("TPI", 7, directory=directory, **kwargs))


def test_complete_download_uses_the_server_name(grad300: Pkg, root: Path) -> None:
    grad300.server.script(SCAN_PATH, Fault.file(DATA, disposition='attachment; filename="tpi_0007.fits"'))
    seen: list[tuple[int, int | None]] = []

    path = download(grad300, root / "dl", progress=lambda done, total: seen.append((done, total)))

    assert path == root / "dl" / "tpi_0007.fits"
    assert path.read_bytes() == DATA
    assert files_under(root) == ["dl/tpi_0007.fits"]
    assert seen[-1] == (len(DATA), len(DATA))
    (request,) = grad300.server.requests_to(SCAN_PATH)
    assert request.authorization == f"Bearer {TOKEN}"


@pytest.mark.parametrize("named", [True, False], ids=["filename-given", "name-from-server"])
def test_truncated_download_leaves_no_file(grad300: Pkg, root: Path, named: bool) -> None:
    grad300.server.script(
        SCAN_PATH, Fault.truncated(DATA, len(DATA) // 3, disposition='attachment; filename="tpi_0007.fits"')
    )

    with pytest.raises(grad300.errors.connection) as caught:
        download(grad300, root / "dl", filename="mine.fits" if named else None)

    error = caught.value
    assert not isinstance(error, grad300.errors.timeout)
    assert error.method == "GET"
    assert error.url == grad300.url_of(SCAN_PATH)
    assert files_under(root) == []  # no partial file, no temporary file


def test_truncated_download_does_not_replace_an_existing_file(grad300: Pkg, root: Path) -> None:
    folder = root / "dl"
    folder.mkdir()
    (folder / "mine.fits").write_bytes(b"old")
    grad300.server.script(SCAN_PATH, Fault.truncated(DATA, 100))

    with pytest.raises(grad300.errors.connection):
        download(grad300, folder, filename="mine.fits", overwrite=True)

    assert (folder / "mine.fits").read_bytes() == b"old"
    assert files_under(root) == ["dl/mine.fits"]


def test_stalled_download_times_out_and_leaves_no_file(grad300: Pkg, root: Path) -> None:
    grad300.server.script(SCAN_PATH, Fault.stall(STALL, Fault.file(DATA), mid_body=True))

    with pytest.raises(grad300.errors.timeout):
        download(grad300, root / "dl", filename="scan.fits")

    assert files_under(root) == []


def test_trickling_download_stops_at_a_per_call_total_timeout(grad300: Pkg, root: Path) -> None:
    """Each chunk comes in time; the whole body takes ~1.5 s, past the 0.4 s given to the call."""
    grad300.server.script(SCAN_PATH, Fault.trickle(Fault.file(DATA), chunk_size=len(DATA) // 50, delay=0.03))

    with pytest.raises(grad300.errors.timeout):
        download(grad300, root / "dl", filename="scan.fits", request_options=RequestOptions(total_timeout=0.4))

    assert files_under(root) == []


HOSTILE = {
    'attachment; filename="../../etc/passwd"': "passwd",
    "attachment; filename*=UTF-8''..%2F..%2Fx": "x",
    "attachment; filename*=UTF-8''%2Fetc%2Fshadow": "shadow",
    'attachment; filename="..\\\\..\\\\evil.fits"': "evil.fits",
    'attachment; filename="/etc/cron.d/evil"': "evil",
    'attachment; filename="a/../../b.fits"': "b.fits",
    "attachment; filename=\"ok.fits\"; filename*=UTF-8''..%2F..%2Fevil.fits": "evil.fits",
    'attachment; filename=".bashrc"': "bashrc",
    'attachment; filename=".."': "download_scan",  # nothing usable: the default name
    "attachment; filename*=UTF-8''%2E%2E%2F": "download_scan",
}


@pytest.mark.parametrize("disposition", list(HOSTILE), ids=range(len(HOSTILE)))
def test_hostile_content_disposition_stays_inside_the_folder(grad300: Pkg, root: Path, disposition: str) -> None:
    folder = root / "a" / "b" / "downloads"
    grad300.server.script(SCAN_PATH, Fault.file(DATA, disposition=disposition))

    path = download(grad300, folder)

    assert path.parent == folder
    assert path.resolve().parent == folder.resolve()
    assert path.name == HOSTILE[disposition]
    assert path.read_bytes() == DATA
    assert files_under(root) == [f"a/b/downloads/{HOSTILE[disposition]}"]


def test_overlong_server_name_is_cut_to_a_valid_name(grad300: Pkg, root: Path) -> None:
    grad300.server.script(SCAN_PATH, Fault.file(DATA, disposition='attachment; filename="' + "é" * 300 + '.fits"'))

    path = download(grad300, root / "dl")

    assert path.parent == root / "dl"
    assert path.suffix == ".fits"
    assert len(path.name.encode("utf-8")) <= 255
    assert path.read_bytes() == DATA


def test_existing_file_is_refused_before_any_request(grad300: Pkg, root: Path) -> None:
    folder = root / "dl"
    folder.mkdir()
    (folder / "scan.fits").write_bytes(b"keep me")
    grad300.server.script(SCAN_PATH, Fault.file(DATA))

    with pytest.raises(FileExistsError):
        download(grad300, folder, filename="scan.fits")

    assert grad300.server.requests == []
    assert (folder / "scan.fits").read_bytes() == b"keep me"


def test_overwrite_replaces_the_file(grad300: Pkg, root: Path) -> None:
    folder = root / "dl"
    folder.mkdir()
    (folder / "scan.fits").write_bytes(b"old")
    grad300.server.script(SCAN_PATH, Fault.file(DATA))

    path = download(grad300, folder, filename="scan.fits", overwrite=True)

    assert path.read_bytes() == DATA
    assert files_under(root) == ["dl/scan.fits"]


def test_existing_file_named_by_the_server_is_kept(grad300: Pkg, root: Path) -> None:
    """The name is known only from the answer: refused after the request, nothing left behind."""
    folder = root / "dl"
    folder.mkdir()
    (folder / "tpi_0007.fits").write_bytes(b"keep me")
    grad300.server.script(SCAN_PATH, Fault.file(DATA, disposition='attachment; filename="tpi_0007.fits"'))

    with pytest.raises(FileExistsError):
        download(grad300, folder)

    assert (folder / "tpi_0007.fits").read_bytes() == b"keep me"
    assert files_under(root) == ["dl/tpi_0007.fits"]


def test_error_status_creates_no_file(grad300: Pkg, root: Path) -> None:
    grad300.server.script(SCAN_PATH, Fault.json(404, {"detail": "Scan not found"}))

    with pytest.raises(grad300.errors.status) as caught:
        download(grad300, root / "dl", filename="scan.fits")

    assert caught.value.status_code == 404
    assert caught.value.response_body == {"detail": "Scan not found"}
    assert files_under(root) == []


def test_download_is_retried_on_503_before_the_body(grad300: Pkg, root: Path) -> None:
    grad300.server.script(SCAN_PATH, [Fault.status(503), Fault.file(DATA)])

    path = download(grad300, root / "dl", filename="scan.fits")

    assert path.read_bytes() == DATA
    assert len(grad300.server.requests_to(SCAN_PATH)) == 2


def test_in_memory_download_retries_a_truncated_body(grad300: Pkg) -> None:
    grad300.server.script(SCAN_PATH, [Fault.truncated(DATA, 1000), Fault.file(DATA)])

    data = grad300.run(lambda c: c.download_scan("TPI", 7))

    assert data == DATA
    assert len(grad300.server.requests_to(SCAN_PATH)) == 2


def test_in_memory_download_always_truncated_is_a_connection_error(grad300: Pkg) -> None:
    grad300.server.script(SCAN_PATH, Fault.truncated(DATA, 1000))

    with pytest.raises(grad300.errors.connection):
        grad300.run(lambda c: c.download_scan("TPI", 7))

    assert len(grad300.server.requests_to(SCAN_PATH)) == 3


def test_temporary_file_is_in_the_target_folder(grad300: Pkg, root: Path) -> None:
    """While the body streams in, the only new file is a hidden temporary one beside the target."""
    folder = root / "dl"
    seen: list[list[str]] = []
    grad300.server.script(SCAN_PATH, Fault.trickle(Fault.file(DATA), chunk_size=len(DATA) // 4, delay=0.02))

    download(grad300, folder, filename="scan.fits", progress=lambda done, total: seen.append(os.listdir(folder)))

    assert seen
    for listing in seen:
        assert len(listing) == 1
        assert listing[0].startswith(".")  # hidden, and not yet the target
    assert files_under(root) == ["dl/scan.fits"]
