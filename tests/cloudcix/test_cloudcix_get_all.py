"""Client.get_all: page from 0 with limit=100, stop on empty or short pages and at the total, raise on errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from cloudcix.api import Asset, Membership
from cloudcix.client import Client
from cloudcix.exceptions import CloudCIXAPIError, CloudCIXAuthenticationError, CloudCIXResponseError
from cloudcix_fakes import Recorder, page


def numbered(start: int, count: int) -> list[dict[str, Any]]:
    return [{"id": i} for i in range(start, start + count)]


def pages_of(total_items: int, reported: int | None, key: str = "total_records") -> Any:
    """An answer serving ``total_items`` items 100 a page, reporting ``reported`` as the total."""

    def answer(request: httpx.Request) -> httpx.Response:
        number, limit = int(request.url.params["page"]), int(request.url.params["limit"])
        start = number * limit
        return httpx.Response(200, json=page(numbered(start, max(0, min(limit, total_items - start))), reported, key))

    return answer


@pytest.mark.parametrize("key", ["total_records", "totalRecords"])
def test_pages_until_the_total(mock: Recorder, key: str) -> None:
    mock.play(pages_of(250, 250, key))
    params = {"search[name]": "x", "page": 9, "limit": 3}
    items = Membership.address.get_all(token="T", params=params)
    assert items == numbered(0, 250)
    assert [(r.url.params["page"], r.url.params["limit"], r.url.params["search[name]"]) for r in mock.requests] == [
        ("0", "100", "x"),
        ("1", "100", "x"),
        ("2", "100", "x"),
    ]
    assert params == {"search[name]": "x", "page": 9, "limit": 3}  # the caller's dict is untouched
    assert all(r.headers["X-Auth-Token"] == "T" and r.method == "GET" and r.content == b"" for r in mock.requests)


def test_stops_at_the_total_on_a_full_page(mock: Recorder) -> None:
    mock.play(pages_of(200, 200))
    assert len(Membership.address.get_all()) == 200
    assert len(mock.requests) == 2


def test_a_total_that_is_too_high_ends_on_the_short_page(mock: Recorder) -> None:
    mock.play(pages_of(150, 1000))  # 5.0.11 looped forever here
    assert Membership.address.get_all() == numbered(0, 150)
    assert len(mock.requests) == 2


def test_a_total_that_is_too_high_ends_on_an_empty_page(mock: Recorder) -> None:
    mock.play(pages_of(200, 1000))
    assert len(Membership.address.get_all()) == 200
    assert len(mock.requests) == 3


def test_a_total_that_is_too_low_ends_at_the_total(mock: Recorder) -> None:
    mock.play(pages_of(1000, 150))
    assert len(Membership.address.get_all()) == 200  # whole pages: the second one reaches it
    assert len(mock.requests) == 2


def test_no_total_ends_on_a_short_page(mock: Recorder) -> None:
    mock.play(pages_of(120, None))
    assert len(Membership.address.get_all()) == 120
    assert len(mock.requests) == 2


def test_a_server_ignoring_page_cannot_loop(mock: Recorder) -> None:
    mock.play(page(numbered(0, 100), 10_000))
    assert Membership.address.get_all() == numbered(0, 100)
    assert len(mock.requests) == 2


def test_an_empty_collection(mock: Recorder) -> None:
    mock.play(page([], 0))
    assert Membership.address.get_all() == []
    assert len(mock.requests) == 1


def test_placeholders_of_a_legacy_service(mock: Recorder) -> None:
    mock.play(page(numbered(0, 2), 2))
    assert Asset.asset_transaction.get_all(asset_id=4, params={"order": "id"}) == numbered(0, 2)
    assert str(mock.last.url) == (
        "https://legacyapi.api.cloudcix.com/Asset/v1/Asset/4/Transaction/?order=id&page=0&limit=100"
    )


@pytest.mark.parametrize(
    ("status", "error"), [(400, CloudCIXAPIError), (403, CloudCIXAuthenticationError), (500, CloudCIXAPIError)]
)
def test_an_error_status_raises(mock: Recorder, status: int, error: type[Exception]) -> None:
    mock.play(pages_of(250, 250), lambda r: httpx.Response(status, json={"detail": "broken"}))
    with pytest.raises(error) as caught:
        Membership.address.get_all()
    err = caught.value
    assert isinstance(err, CloudCIXAPIError)
    assert (err.status_code, err.response_body) == (status, {"detail": "broken"})
    assert err.url == "https://membership.api.cloudcix.com/address/?page=1&limit=100"


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"detail": "no envelope"}', b'{"content": {"id": 1}}', b"[]"])
def test_a_page_that_is_not_an_envelope_raises(mock: Recorder, body: bytes) -> None:
    mock.play(lambda r: httpx.Response(200, content=body))
    with pytest.raises(CloudCIXResponseError):
        Client("membership", "address").get_all()
