"""grad300_client against Prism serving specs/grad300.yaml: requests valid, answers parsed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from grad300_client.api import Grad300Api
from grad300_client.async_api import AsyncGrad300Api
from grad300_client.exceptions import AuthenticationError, Grad300APIError
from grad300_client.schemas import LoginForm, Scan, ScanType, Token, TokenUser

from .conftest import PrismServer


@pytest.fixture(scope="module")
def server(prism: Callable[[str], PrismServer]) -> PrismServer:
    return prism("grad300.yaml")


@pytest.fixture
def api(server: PrismServer) -> Iterator[Grad300Api]:
    with Grad300Api(server.url, token="contract-token") as client:
        yield client


def test_login_form_is_what_the_spec_asks(api: Grad300Api) -> None:
    token = api.login_access_token(LoginForm(username="me@example.com", password="pw"))
    assert isinstance(token, Token) and token.access_token


def test_login_helper_then_a_call(server: PrismServer) -> None:
    with Grad300Api(server.url) as client:
        assert client.login("me@example.com", "pw")
        assert isinstance(client.test_token(), TokenUser)


def test_every_scan_type_lists_with_every_filter(api: Grad300Api) -> None:
    for scan_type in ScanType:
        scans = api.list_scans(
            scan_type,
            offset=0,
            limit=5,
            source="Sun",
            scan_name="x",
            date_from=datetime(2026, 1, 1, tzinfo=UTC),
            date_to=datetime(2026, 2, 1, tzinfo=UTC),
        )
        assert all(isinstance(scan, Scan) for scan in scans)


def test_download_bytes_and_file(api: Grad300Api, tmp_path: Path) -> None:
    assert isinstance(api.download_scan(ScanType.TPI, 1), bytes)
    path = api.download_scan_to_file(ScanType.TPI, 1, directory=tmp_path, filename="one.fits")
    assert path == tmp_path / "one.fits" and path.is_file()


def test_an_invalid_request_is_refused_by_the_contract(api: Grad300Api) -> None:
    with pytest.raises(Grad300APIError) as caught:
        api.list_scans("NoSuchType")  # the client lets a plain string through; the spec does not
    assert caught.value.status_code == 422


def test_no_token_is_refused(server: PrismServer) -> None:
    with Grad300Api(server.url) as client, pytest.raises(AuthenticationError) as caught:
        client.test_token()
    assert caught.value.status_code == 401


@pytest.mark.asyncio
async def test_async_client_against_the_contract(server: PrismServer) -> None:
    async with AsyncGrad300Api(server.url, token="contract-token") as client:
        assert isinstance(await client.test_token(), TokenUser)
        scans = await client.list_scans(ScanType.IMAGES, limit=3)
        assert all(isinstance(scan, Scan) for scan in scans)
        assert isinstance(await client.download_scan(ScanType.SPECTRUM, 2), bytes)
