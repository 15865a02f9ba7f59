"""Self-test of the GRAD300 test server (real HTTP over 127.0.0.1)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from astropy.io import fits
from astropy.table import Table

from .grad300_server import (
    Grad300Server,
    fits_bytes_image,
    fits_bytes_tpi,
    make_scan,
)

EMAIL = "me@example.com"
PASSWORD = "secret"


def _scans() -> dict[str, list[dict]]:
    return {
        "TPI": [
            make_scan(1, "TPI", source="Sun", date="2026-01-01T10:00:00+00:00"),
            make_scan(2, "TPI", source="Moon", date="2026-01-02T10:00:00+00:00"),
            make_scan(
                3,
                "TPI",
                source="Sun",
                file_name="special_SUN_003.fits",
                date="2026-01-03T10:00:00Z",
            ),
            make_scan(4, "TPI", source="Cas A", date="2026-01-04T10:00:00+00:00"),
            make_scan(5, "TPI", source="sun", date="2026-01-05T10:00:00+00:00"),
        ],
        "Images": [make_scan(10, "Images", source="Sun")],
    }


@pytest.fixture
def server() -> Iterator[Grad300Server]:
    with Grad300Server(
        scans=_scans(),
        users={EMAIL: PASSWORD},
        files={("TPI", 4): b"not a fits file"},
        disposition_names={("TPI", 2): "../escape.fits", ("TPI", 5): None},
    ) as srv:
        yield srv


@pytest.fixture
def client(server: Grad300Server) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url + "/api/v1", headers={"Accept": "application/json"}
    ) as c:
        yield c


def _login(client: httpx.Client) -> str:
    response = client.post(
        "/login/access-token", data={"username": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return token


def _ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()]


def test_base_url_and_lifecycle() -> None:
    with Grad300Server() as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert not srv.base_url.endswith("/")
        assert srv.api_url == srv.base_url + "/api/v1"
        url = srv.base_url
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/api/v1/login/test-token", timeout=2)


def test_login_ok_and_bad(server: Grad300Server, client: httpx.Client) -> None:
    response = client.post(
        "/login/access-token", data={"username": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert server.tokens[body["access_token"]] == EMAIL

    bad = client.post(
        "/login/access-token", data={"username": EMAIL, "password": "nope"}
    )
    assert bad.status_code == 400
    assert bad.json() == {"detail": "Incorrect email or password"}

    unknown = client.post(
        "/login/access-token", data={"username": "x@y.z", "password": PASSWORD}
    )
    assert unknown.status_code == 400

    missing = client.post("/login/access-token", data={"username": EMAIL})
    assert missing.status_code == 422
    detail = missing.json()["detail"]
    assert detail[0]["loc"] == ["body", "password"]
    assert detail[0]["type"] == "missing"
    assert detail[0]["msg"] == "Field required"

    recorded = server.requests_to("/login/access-token")[0]
    assert recorded.method == "POST"
    assert recorded.headers["content-type"] == "application/x-www-form-urlencoded"
    assert recorded.body == b"username=me%40example.com&password=secret"


def test_test_token(server: Grad300Server, client: httpx.Client) -> None:
    anonymous = client.get("/login/test-token")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Not authenticated"}
    assert anonymous.headers["www-authenticate"] == "Bearer"

    wrong = client.get("/login/test-token", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403
    assert wrong.json() == {"detail": "Could not validate credentials"}

    _login(client)
    ok = client.get("/login/test-token")
    assert ok.status_code == 200
    assert ok.json() == {"email": EMAIL, "is_active": True}

    server.revoke_tokens()
    assert client.get("/login/test-token").status_code == 403
    client.headers["Authorization"] = f"Bearer {server.issue_token(EMAIL)}"
    assert client.get("/login/test-token").status_code == 200


def test_listing_shape_and_paging(server: Grad300Server, client: httpx.Client) -> None:
    assert client.get("/scans/TPI/").status_code == 401
    _login(client)

    everything = client.get("/scans/TPI/")
    assert _ids(everything) == [1, 2, 3, 4, 5]
    first = everything.json()[0]
    for key in (
        "id",
        "file_name",
        "file_path",
        "size",
        "object",
        "ra",
        "dec",
        "date",
        "date_obs",
        "date_end",
        "gain",
        "comment",
        "ctime",
        "mtime",
        "azimuth",
        "elevation",
        "nsamples",
    ):
        assert key in first
    assert first["size"] == len(fits_bytes_tpi())

    assert _ids(client.get("/scans/TPI/", params={"offset": 0, "limit": 2})) == [1, 2]
    assert _ids(client.get("/scans/TPI/", params={"offset": 2, "limit": 2})) == [3, 4]
    assert _ids(client.get("/scans/TPI/", params={"offset": 4, "limit": 2})) == [5]
    assert _ids(client.get("/scans/TPI/", params={"offset": 6, "limit": 2})) == []
    assert _ids(client.get("/scans/Spectrum/")) == []
    assert _ids(client.get("/scans/Images/")) == [10]

    recorded = server.requests_to("/scans/TPI/")[2]
    assert recorded.query == {"offset": "0", "limit": "2"}
    assert recorded.headers["authorization"].startswith("Bearer ")


def test_listing_filters(client: httpx.Client) -> None:
    _login(client)
    assert _ids(client.get("/scans/TPI/", params={"source": "su"})) == [1, 3, 5]
    assert _ids(
        client.get("/scans/TPI/", params={"source": "su", "offset": 1, "limit": 1})
    ) == [3]
    assert _ids(client.get("/scans/TPI/", params={"scan_name": "SPECIAL_sun"})) == [3]
    assert _ids(
        client.get(
            "/scans/TPI/",
            params={
                "date_from": "2026-01-02T10:00:00+00:00",
                "date_to": "2026-01-04T10:00:00+00:00",
            },
        )
    ) == [2, 3, 4]
    assert _ids(
        client.get("/scans/TPI/", params={"date_from": "2026-01-04T10:00:00Z"})
    ) == [4, 5]


def test_listing_validation_and_routing(client: httpx.Client) -> None:
    _login(client)
    bad_type = client.get("/scans/Nope/")
    assert bad_type.status_code == 422
    assert bad_type.json()["detail"][0]["loc"] == ["path", "scan_type"]

    bad_limit = client.get("/scans/TPI/", params={"limit": 0})
    assert bad_limit.status_code == 422
    assert bad_limit.json()["detail"][0]["loc"] == ["query", "limit"]

    assert client.get("/scans/TPI/", params={"offset": "x"}).status_code == 422
    assert (
        client.get("/scans/TPI/", params={"date_from": "yesterday"}).status_code == 422
    )

    redirect = client.get("/scans/TPI")
    assert redirect.status_code == 307
    assert redirect.headers["location"].endswith("/api/v1/scans/TPI/")

    assert client.get("/nowhere").json() == {"detail": "Not Found"}
    assert (
        httpx.get(
            str(client.base_url).replace("/api/v1", "") + "/login/test-token"
        ).status_code
        == 404
    )
    assert client.post("/scans/TPI/").status_code == 405


def test_download(client: httpx.Client) -> None:
    assert client.get("/scans/TPI/1/download").status_code == 401
    _login(client)

    response = client.get("/scans/TPI/1/download")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fits"
    assert int(response.headers["content-length"]) == len(response.content)
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="tpi_20260101_100000_0001.fits"'
    )
    table = Table.read(io.BytesIO(response.content), format="fits")
    assert table.colnames == ["time", "power"]
    assert len(table) == 32

    image = client.get("/scans/Images/10/download")
    assert image.content == fits_bytes_image()
    with fits.open(io.BytesIO(image.content)) as hdus:
        assert hdus[0].data.shape == (8, 8)

    hostile = client.get("/scans/TPI/2/download")
    assert (
        hostile.headers["content-disposition"]
        == 'attachment; filename="../escape.fits"'
    )
    assert "content-disposition" not in client.get("/scans/TPI/5/download").headers
    assert client.get("/scans/TPI/4/download").content == b"not a fits file"

    missing = client.get("/scans/TPI/999/download")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Scan not found"}
    assert client.get("/scans/TPI/abc/download").status_code == 422


def test_error_injection(server: Grad300Server, client: httpx.Client) -> None:
    _login(client)
    server.errors["/scans/Spectrum/"] = (500, {"detail": "boom"})
    response = client.get("/scans/Spectrum/")
    assert response.status_code == 500
    assert response.json() == {"detail": "boom"}
