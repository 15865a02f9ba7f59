"""Fixtures for the grad300_client tests.

Most tests talk to :class:`FakeBackend`, a scriptable GRAD300 backend behind
``httpx.MockTransport`` that records every request; the end-to-end tests use the
real local :class:`~servers.grad300_server.Grad300Server`.
"""

from __future__ import annotations

import time
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from grad300_client import Grad300Client
from servers.grad300_server import Grad300Server, fits_bytes_image, fits_bytes_tpi, make_scan
from specwright_runtime import core as core_module

BASE_URL = "https://grad300.test"
API_URL = BASE_URL + "/api/v1"
EMAIL = "me@example.com"
PASSWORD = "secret"
TOKEN = "tok-123"
SCAN_TYPES = ("TPI", "Images", "Spectrum", "OnOff")
BASE_COLUMNS = [
    "id",
    "scan_type",
    "file_name",
    "file_path",
    "size",
    "source",
    "ra",
    "dec",
    "date",
    "date_obs",
    "date_end",
    "gain",
    "comment",
]

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def scan(id: int, scan_type: str = "TPI", **kwargs: Any) -> dict[str, Any]:
    """A realistic scan payload (see ``make_scan``)."""
    return make_scan(id, scan_type, **kwargs)


def at(day: int, hour: int = 0) -> datetime:
    """An aware UTC datetime in January 2026."""
    return datetime(2026, 1, day, hour, tzinfo=UTC)


class FakeBackend:
    """A GRAD300 backend for ``httpx.MockTransport``.

    * ``POST /login/access-token``: form login against ``users``; 400 otherwise.
    * ``GET /login/test-token``: 401 without a bearer token, 403 for an unknown one.
    * ``GET /scans/{type}/``: ``scans[type][offset:offset+limit]``; filters are *ignored*
      (like an old backend) unless ``server_filters`` is set; ``ignore_offset`` always
      returns the first page.
    * ``GET /scans/{type}/{id}/download``: ``files[(type, id)]`` or FITS bytes, with
      ``Content-Disposition`` from ``dispositions`` (raw header value) when present.
    * ``overrides[path below /api/v1]``: a response or a callable, checked first.

    Authentication is not enforced on scans/downloads unless ``require_auth`` is set.
    """

    def __init__(
        self,
        scans: dict[str, list[dict[str, Any]]] | None = None,
        *,
        users: dict[str, str] | None = None,
        files: dict[tuple[str, int], bytes] | None = None,
        dispositions: dict[tuple[str, int], str] | None = None,
        ignore_offset: bool = False,
        require_auth: bool = False,
    ) -> None:
        self.scans = {t: [] for t in SCAN_TYPES}
        self.scans.update(scans or {})
        self.users = dict(users if users is not None else {EMAIL: PASSWORD})
        self.files = dict(files or {})
        self.dispositions = dict(dispositions or {})
        self.ignore_offset = ignore_offset
        self.require_auth = require_auth
        self.overrides: dict[str, Answer] = {}
        self.requests: list[httpx.Request] = []
        self.tokens: set[str] = {TOKEN}
        self._issued = 0

    # -- transports -------------------------------------------------------------------
    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    # -- inspection -------------------------------------------------------------------
    def paths(self) -> list[str]:
        """Paths below ``/api/v1`` of every request, in order."""
        return [sub_path(r) for r in self.requests]

    def listing_requests(self, scan_type: str | None = None) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if sub_path(r).startswith("/scans/")
            and sub_path(r).endswith("/")
            and (scan_type is None or sub_path(r) == f"/scans/{scan_type}/")
        ]

    def offsets(self, scan_type: str) -> list[int]:
        return [int(r.url.params["offset"]) for r in self.listing_requests(scan_type)]

    def download_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if sub_path(r).endswith("/download")]

    # -- handler ----------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = sub_path(request)
        override = self.overrides.get(path)
        if override is not None:
            return override(request) if callable(override) else override
        if path == "/login/access-token":
            return self._login(request)
        if path == "/login/test-token":
            problem = self._auth_problem(request)
            return problem or httpx.Response(200, json={"email": EMAIL, "is_active": True})
        if self.require_auth:
            problem = self._auth_problem(request)
            if problem is not None:
                return problem
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "scans" and path.endswith("/"):
            return self._list(parts[1], request)
        if len(parts) == 4 and parts[0] == "scans" and parts[3] == "download":
            return self._download(parts[1], int(parts[2]))
        return httpx.Response(404, json={"detail": "Not Found"})

    def _login(self, request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        if self.users.get(form.get("username", "")) != form.get("password") or "password" not in form:
            return httpx.Response(400, json={"detail": "Incorrect email or password"})
        self._issued += 1
        token = f"login-token-{self._issued}"
        self.tokens.add(token)
        return httpx.Response(200, json={"access_token": token, "token_type": "bearer"})

    def _auth_problem(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return httpx.Response(401, json={"detail": "Not authenticated"})
        if token not in self.tokens:
            return httpx.Response(403, json={"detail": "Could not validate credentials"})
        return None

    def _list(self, scan_type: str, request: httpx.Request) -> httpx.Response:
        if scan_type not in self.scans:
            return httpx.Response(422, json={"detail": [{"loc": ["path", "scan_type"], "msg": "bad", "type": "enum"}]})
        items = self.scans[scan_type]
        offset = 0 if self.ignore_offset else int(request.url.params.get("offset", 0))
        limit = int(request.url.params.get("limit", 100))
        return httpx.Response(200, json=items[offset : offset + limit])

    def _download(self, scan_type: str, scan_id: int) -> httpx.Response:
        if not any(int(item["id"]) == scan_id for item in self.scans.get(scan_type, [])):
            return httpx.Response(404, json={"detail": "Scan not found"})
        content = self.files.get((scan_type, scan_id))
        if content is None:
            content = fits_bytes_tpi() if scan_type == "TPI" else fits_bytes_image()
        headers = {"Content-Type": "application/fits"}
        disposition = self.dispositions.get((scan_type, scan_id))
        if disposition is not None:
            headers["Content-Disposition"] = disposition
        return httpx.Response(200, content=content, headers=headers)


def sub_path(request: httpx.Request) -> str:
    """The request path below ``/api/v1``."""
    path = request.url.path
    return path[len("/api/v1") :] if path.startswith("/api/v1") else path


@pytest.fixture(autouse=True)
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries (5xx, connection errors) happen without real sleeping."""
    delays: list[float] = []

    async def fake_async_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(core_module, "time", types.SimpleNamespace(sleep=delays.append, monotonic=time.monotonic))
    monkeypatch.setattr(core_module, "asyncio", types.SimpleNamespace(sleep=fake_async_sleep))
    return delays


@pytest.fixture
def backend() -> FakeBackend:
    """Five TPI scans (two sources), one Images, one Spectrum and one OnOff scan."""
    return FakeBackend(
        {
            "TPI": [
                scan(1, "TPI", source="Sun"),
                scan(2, "TPI", source="Moon"),
                scan(3, "TPI", source="Sun"),
                scan(4, "TPI", source="Cas A"),
                scan(5, "TPI", source="sun"),
            ],
            "Images": [scan(10, "Images", source="Sun")],
            "Spectrum": [scan(20, "Spectrum", source="Moon")],
            "OnOff": [scan(30, "OnOff", source="Sun")],
        }
    )


@pytest.fixture
def make_client() -> Iterator[Callable[..., Grad300Client]]:
    """``make_client(backend_or_handler, **kwargs)`` -> a client over a MockTransport (closed afterwards)."""
    made: list[Grad300Client] = []

    def build(handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Grad300Client:
        kwargs.setdefault("base_url", BASE_URL)
        client = Grad300Client(transport=httpx.MockTransport(handler), **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def client(backend: FakeBackend, make_client: Callable[..., Grad300Client]) -> Grad300Client:
    """A client with a token over the default ``backend``."""
    return make_client(backend, token=TOKEN)


def e2e_scans() -> dict[str, list[dict[str, Any]]]:
    base = datetime(2026, 1, 1, 10, tzinfo=UTC)
    return {
        "TPI": [
            make_scan(1, "TPI", source="Sun", date=base),
            make_scan(2, "TPI", source="Moon", date=base + timedelta(days=1)),
            make_scan(3, "TPI", source="Sun", file_name="special_SUN_003.fits", date=base + timedelta(days=2)),
            make_scan(4, "TPI", source="Cas A", date=base + timedelta(days=3)),
            make_scan(5, "TPI", source="sun", date=base + timedelta(days=4)),
        ],
        "Images": [make_scan(10, "Images", source="Sun")],
        "Spectrum": [make_scan(20, "Spectrum", source="Moon")],
    }


@pytest.fixture
def server() -> Iterator[Grad300Server]:
    """The real local GRAD300 server with a user, a hostile download name and no-header download."""
    with Grad300Server(
        scans=e2e_scans(),
        users={EMAIL: PASSWORD},
        disposition_names={("TPI", 2): "../escape.fits", ("Images", 10): "/etc/grad300-abs.fits"},
    ) as srv:
        yield srv
