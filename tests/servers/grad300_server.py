"""A small, real HTTP server speaking the GRAD300 backend contract.

For end-to-end tests and examples only. Standard library HTTP server plus
astropy (to build FITS bytes). Everything is served under ``/api/v1``::

    with Grad300Server(scans={"TPI": [make_scan(1, "TPI")]},
                       users={"me@example.com": "secret"}) as server:
        httpx.get(server.base_url + "/api/v1/scans/TPI/", ...)

Behaviour follows the fact sheet (``/work/shared/reference/grad300.md`` sections
2 and 3) and ``specs/grad300.yaml``, with FastAPI-style error bodies:

* ``POST /login/access-token`` (form ``username``/``password``) -> 200 token,
  400 ``Incorrect email or password``, 422 when a field is missing.
* ``GET /login/test-token`` -> 200 ``{"email", "is_active"}``, 401 without a
  Bearer header, 403 with an unknown token.
* ``GET /scans/{scan_type}/`` -> bare JSON array; ``offset``/``limit`` paging
  after the ``source``/``scan_name``/``date_from``/``date_to`` filters.
* ``GET /scans/{scan_type}/{scan_id}/download`` -> FITS bytes, 404 if missing.
* Unknown path -> 404 ``Not Found``; known path, wrong method -> 405; a path
  that only differs by its trailing slash -> 307 redirect (FastAPI's
  ``redirect_slashes``).

Authentication is checked before parameter validation (as FastAPI solves the
security dependency first), so a bad scan type without a token gives 401.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import numpy as np
from astropy.io import fits

__all__ = [
    "API_PREFIX",
    "SCAN_TYPES",
    "Grad300Server",
    "RecordedRequest",
    "fits_bytes_image",
    "fits_bytes_tpi",
    "make_scan",
]

API_PREFIX = "/api/v1"
SCAN_TYPES: tuple[str, ...] = ("TPI", "Images", "Spectrum", "OnOff")
_SCAN_TYPES_TEXT = "'TPI', 'Images', 'Spectrum' or 'OnOff'"
_BASE_DATE = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)


class RecordedRequest(NamedTuple):
    """One request as the server received it.

    ``path`` is the full path without the query string (``/api/v1/...``);
    ``query`` maps each parameter to its last value (in arrival order);
    ``headers`` has lower-cased names.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


# --------------------------------------------------------------------------
# FITS helpers
# --------------------------------------------------------------------------


@lru_cache(maxsize=32)
def fits_bytes_tpi(*, nsamples: int = 32, source: str = "Sun") -> bytes:
    """FITS bytes of a TPI scan: empty primary HDU + BinTableHDU (time, power)."""
    time = np.arange(nsamples, dtype=np.float64) * 0.5
    power = (1000.0 + 25.0 * np.sin(time / 3.0)).astype(np.float32)
    primary = fits.PrimaryHDU()
    primary.header["TELESCOP"] = "GRAD300"
    primary.header["OBJECT"] = source
    primary.header["DATE-OBS"] = _BASE_DATE.strftime("%Y-%m-%dT%H:%M:%S")
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column(name="time", format="D", unit="s", array=time),
            fits.Column(name="power", format="E", unit="adu", array=power),
        ],
        name="TPI",
    )
    buffer = io.BytesIO()
    fits.HDUList([primary, table]).writeto(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=32)
def fits_bytes_image(*, shape: tuple[int, int] = (8, 8), source: str = "Sun") -> bytes:
    """FITS bytes of an image: a primary HDU holding a small float32 array."""
    data = np.arange(shape[0] * shape[1], dtype=np.float32).reshape(shape)
    primary = fits.PrimaryHDU(data=data)
    primary.header["TELESCOP"] = "GRAD300"
    primary.header["OBJECT"] = source
    primary.header["BUNIT"] = "K"
    buffer = io.BytesIO()
    fits.HDUList([primary]).writeto(buffer)
    return buffer.getvalue()


def _default_fits(scan_type: str) -> bytes:
    return fits_bytes_tpi() if scan_type == "TPI" else fits_bytes_image()


# --------------------------------------------------------------------------
# Scan helpers
# --------------------------------------------------------------------------


def _scan_type_value(scan_type: Any) -> str:
    value = getattr(scan_type, "value", scan_type)  # accepts a str Enum too
    if value not in SCAN_TYPES:
        raise ValueError(
            f"Unknown scan type {scan_type!r}; expected one of {SCAN_TYPES}"
        )
    return value


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:  # naive values are taken as UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _iso_z(value: datetime) -> str:
    return _iso(value.astimezone(UTC)).replace("+00:00", "Z")


def make_scan(
    id: int,
    scan_type: Any,
    *,
    source: str = "Sun",
    file_name: str | None = None,
    date: datetime | str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A realistic scan object as the listing endpoint returns it.

    ``date`` defaults to 2026-01-01T00:00:00+00:00 plus ``id`` hours; a
    datetime is written with ``isoformat()`` (naive taken as UTC), a string is
    kept as is. ``date``/``date_obs``/``date_end`` use "+00:00", ``ctime``/
    ``mtime`` use "Z". ``extra`` keys are added last and override anything.
    """
    type_value = _scan_type_value(scan_type)
    if date is None:
        when = _BASE_DATE + timedelta(hours=int(id))
        date_text = _iso(when)
    elif isinstance(date, datetime):
        when = date if date.tzinfo else date.replace(tzinfo=UTC)
        date_text = _iso(when)
    else:
        date_text = str(date)
        when = _parse_iso(date_text)
    if file_name is None:
        file_name = f"{type_value.lower()}_{when:%Y%m%d_%H%M%S}_{int(id):04d}.fits"
    scan: dict[str, Any] = {
        "id": int(id),
        "file_name": file_name,
        "file_path": f"/data/grad300/{type_value}/{when:%Y/%m/%d}/{file_name}",
        "size": len(_default_fits(type_value)),
        "object": source,
        "ra": round(280.0 + 0.25 * int(id), 6),
        "dec": round(-23.0 + 0.05 * int(id), 6),
        "date": date_text,
        "date_obs": date_text,
        "date_end": _iso(when + timedelta(minutes=10)),
        "gain": 30,
        "comment": f"{type_value} scan of {source}",
        "ctime": _iso_z(when + timedelta(minutes=11)),
        "mtime": _iso_z(when + timedelta(minutes=12)),
        "azimuth": round(180.0 + 1.5 * int(id), 3),
        "elevation": round(35.0 + 0.5 * (int(id) % 40), 3),
        "nsamples": 32,
    }
    scan.update(extra)
    return scan


# --------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------


class _HTTPError(Exception):
    def __init__(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def _validation_error(items: list[dict[str, Any]]) -> _HTTPError:
    return _HTTPError(422, {"detail": items})


def _missing(loc: list[Any]) -> dict[str, Any]:
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


# Routes: (name, regex over the path below the prefix, allowed method)
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("login", re.compile(r"^/login/access-token$"), "POST"),
    ("test_token", re.compile(r"^/login/test-token$"), "GET"),
    ("list", re.compile(r"^/scans/(?P<scan_type>[^/]+)/$"), "GET"),
    (
        "download",
        re.compile(r"^/scans/(?P<scan_type>[^/]+)/(?P<scan_id>[^/]+)/download$"),
        "GET",
    ),
)


def _match(sub_path: str) -> tuple[str, dict[str, str], str] | None:
    for name, pattern, method in _ROUTES:
        found = pattern.match(sub_path)
        if found:
            return name, {k: unquote(v) for k, v in found.groupdict().items()}, method
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes
    server: _Server

    # silence the default stderr access log
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    # ------------------------------------------------------------------
    def _handle(self) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        owner._record(RecordedRequest(self.command, path, query, headers, body))
        try:
            self._dispatch(owner, path, split.query, query, headers, body)
        except _HTTPError as exc:
            self._send_json(exc.status, exc.body, exc.headers)

    def _dispatch(
        self,
        owner: Grad300Server,
        path: str,
        raw_query: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            raise _HTTPError(404, {"detail": "Not Found"})
        sub_path = path[len(API_PREFIX) :]
        injected = owner.errors.get(sub_path)
        if injected is not None:
            status, payload = injected
            raise _HTTPError(status, payload)
        matched = _match(sub_path)
        if matched is None:
            alternative = sub_path[:-1] if sub_path.endswith("/") else sub_path + "/"
            if len(alternative) > 1 and _match(alternative) is not None:
                location = f"{owner.base_url}{API_PREFIX}{quote(alternative, safe='/')}"
                if raw_query:
                    location += "?" + raw_query
                self._send_bytes(307, b"", {"Location": location})
                return
            raise _HTTPError(404, {"detail": "Not Found"})
        name, params, method = matched
        if self.command != method:
            raise _HTTPError(405, {"detail": "Method Not Allowed"}, {"Allow": method})
        if name == "login":
            self._send_json(200, owner._login(headers, body))
            return
        email = owner._authenticate(headers)
        if name == "test_token":
            self._send_json(200, {"email": email, "is_active": True})
        elif name == "list":
            self._send_json(200, owner._list(params["scan_type"], query))
        else:
            content, disposition = owner._download(
                params["scan_type"], params["scan_id"]
            )
            extra = {}
            if disposition is not None:
                value = f'attachment; filename="{disposition}"'
                # send non-Latin-1 names as raw UTF-8 bytes (http.server writes Latin-1)
                extra["Content-Disposition"] = value.encode("utf-8").decode("latin-1")
            self._send_bytes(200, content, extra, content_type="application/fits")

    # ------------------------------------------------------------------
    def _send_json(
        self, status: int, payload: Any, headers: Mapping[str, str] | None = None
    ) -> None:
        data = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        self._send_bytes(status, data, headers, content_type="application/json")

    def _send_bytes(
        self,
        status: int,
        data: bytes,
        headers: Mapping[str, str] | None = None,
        *,
        content_type: str | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: Grad300Server


# --------------------------------------------------------------------------
# Public server
# --------------------------------------------------------------------------


class Grad300Server:
    """A GRAD300 backend on ``127.0.0.1:<free port>``, serving ``/api/v1``.

    Arguments:
        scans: ``{scan_type: [scan dict, ...]}``; listed in this order.
        users: ``{email: password}`` accepted by the login endpoint.
        files: ``{(scan_type, id): bytes}`` download bodies overriding the
            default (TPI -> :func:`fits_bytes_tpi`, others -> :func:`fits_bytes_image`).
        disposition_names: ``{(scan_type, id): name or None}`` overriding the
            ``Content-Disposition`` file name (sent verbatim, so hostile names
            such as ``../x.fits`` are possible); ``None`` omits the header.
        errors: ``{path below /api/v1: (status, json body)}`` forced responses,
            e.g. ``{"/scans/Spectrum/": (500, {"detail": "boom"})}``; checked
            before routing and authentication. Also mutable via ``server.errors``.
        token_type / expires_in: extra fields of the login response
            (``expires_in`` only sent when not None).

    Attributes: ``base_url`` (``http://127.0.0.1:PORT``, no prefix), ``api_url``
    (with ``/api/v1``), ``port``, ``scans``, ``users``, ``files``,
    ``disposition_names``, ``errors``, ``tokens`` (``{token: email}``) and
    ``requests`` (list of :class:`RecordedRequest`, appended under a lock).
    """

    def __init__(
        self,
        scans: Mapping[Any, Sequence[Mapping[str, Any]]] | None = None,
        users: Mapping[str, str] | None = None,
        *,
        files: Mapping[tuple[Any, int], bytes] | None = None,
        disposition_names: Mapping[tuple[Any, int], str | None] | None = None,
        errors: Mapping[str, tuple[int, Any]] | None = None,
        token_type: str = "bearer",
        expires_in: int | None = None,
    ) -> None:
        self.scans: dict[str, list[dict[str, Any]]] = {t: [] for t in SCAN_TYPES}
        for key, items in (scans or {}).items():
            self.scans[_scan_type_value(key)] = [dict(item) for item in items]
        self.users: dict[str, str] = dict(users or {})
        self.files: dict[tuple[str, int], bytes] = {
            (_scan_type_value(t), int(i)): bytes(v)
            for (t, i), v in (files or {}).items()
        }
        self.disposition_names: dict[tuple[str, int], str | None] = {
            (_scan_type_value(t), int(i)): v
            for (t, i), v in (disposition_names or {}).items()
        }
        self.errors: dict[str, tuple[int, Any]] = dict(errors or {})
        self.token_type = token_type
        self.expires_in = expires_in
        self.tokens: dict[str, str] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- life
    def start(self) -> Self:
        if self._httpd is not None:
            return self
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="grad300-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    # ------------------------------------------------------------- helpers
    def issue_token(self, email: str) -> str:
        """Create a valid token for ``email`` without an HTTP login."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.tokens[token] = email
        return token

    def revoke_tokens(self) -> None:
        """Forget every token (later requests with them get 403)."""
        with self._lock:
            self.tokens.clear()

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_to(self, sub_path: str) -> list[RecordedRequest]:
        """Recorded requests whose path is ``/api/v1`` + ``sub_path``."""
        with self._lock:
            return [r for r in self.requests if r.path == API_PREFIX + sub_path]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    # ------------------------------------------------------------ handlers
    def _login(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        form: dict[str, str] = {}
        if content_type == "application/x-www-form-urlencoded":
            form = dict(
                parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            )
        problems = [
            _missing(["body", field])
            for field in ("username", "password")
            if field not in form
        ]
        grant_type = form.get("grant_type")
        if grant_type is not None and grant_type != "password":
            problems.append(
                {
                    "type": "string_pattern_mismatch",
                    "loc": ["body", "grant_type"],
                    "msg": "String should match pattern '^password$'",
                    "input": grant_type,
                    "ctx": {"pattern": "^password$"},
                }
            )
        if problems:
            raise _validation_error(problems)
        email, password = form["username"], form["password"]
        if email not in self.users or not secrets.compare_digest(
            self.users[email].encode(), password.encode()
        ):
            raise _HTTPError(400, {"detail": "Incorrect email or password"})
        payload: dict[str, Any] = {
            "access_token": self.issue_token(email),
            "token_type": self.token_type,
        }
        if self.expires_in is not None:
            payload["expires_in"] = self.expires_in
        return payload

    def _authenticate(self, headers: Mapping[str, str]) -> str:
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if not authorization or scheme.lower() != "bearer":
            raise _HTTPError(
                401, {"detail": "Not authenticated"}, {"WWW-Authenticate": "Bearer"}
            )
        with self._lock:
            email = self.tokens.get(token.strip())
        if email is None:
            raise _HTTPError(403, {"detail": "Could not validate credentials"})
        return email

    @staticmethod
    def _check_scan_type(value: str) -> str:
        if value not in SCAN_TYPES:
            raise _validation_error(
                [
                    {
                        "type": "enum",
                        "loc": ["path", "scan_type"],
                        "msg": f"Input should be {_SCAN_TYPES_TEXT}",
                        "input": value,
                        "ctx": {"expected": _SCAN_TYPES_TEXT},
                    }
                ]
            )
        return value

    def _list(self, scan_type: str, query: Mapping[str, str]) -> list[dict[str, Any]]:
        problems: list[dict[str, Any]] = []
        try:
            self._check_scan_type(scan_type)
        except _HTTPError as exc:
            problems.extend(exc.body["detail"])

        def integer(name: str, default: int, minimum: int) -> int:
            raw = query.get(name)
            if raw is None:
                return default
            try:
                value = int(raw.strip())
            except ValueError:
                problems.append(
                    {
                        "type": "int_parsing",
                        "loc": ["query", name],
                        "msg": "Input should be a valid integer, unable to parse string as an integer",
                        "input": raw,
                    }
                )
                return default
            if value < minimum:
                problems.append(
                    {
                        "type": "greater_than_equal",
                        "loc": ["query", name],
                        "msg": f"Input should be greater than or equal to {minimum}",
                        "input": raw,
                        "ctx": {"ge": minimum},
                    }
                )
            return value

        def moment(name: str) -> datetime | None:
            raw = query.get(name)
            if raw is None or raw == "":
                return None
            try:
                return _parse_iso(raw)
            except ValueError:
                problems.append(
                    {
                        "type": "datetime_from_date_parsing",
                        "loc": ["query", name],
                        "msg": "Input should be a valid datetime or date, invalid character in year",
                        "input": raw,
                    }
                )
                return None

        offset = integer("offset", 0, 0)
        limit = integer("limit", 100, 1)
        date_from = moment("date_from")
        date_to = moment("date_to")
        if problems:
            raise _validation_error(problems)
        source = (query.get("source") or "").casefold()
        scan_name = (query.get("scan_name") or "").casefold()

        with self._lock:
            stored = [dict(scan) for scan in self.scans.get(scan_type, [])]
        selected = []
        for scan in stored:
            if source and source not in str(scan.get("object", "")).casefold():
                continue
            if scan_name and scan_name not in str(scan.get("file_name", "")).casefold():
                continue
            if date_from is not None or date_to is not None:
                when = _parse_iso(str(scan["date"]))
                if date_from is not None and when < date_from:
                    continue
                if date_to is not None and when > date_to:
                    continue
            selected.append(scan)
        return selected[offset : offset + limit]

    def _download(self, scan_type: str, raw_id: str) -> tuple[bytes, str | None]:
        problems: list[dict[str, Any]] = []
        try:
            self._check_scan_type(scan_type)
        except _HTTPError as exc:
            problems.extend(exc.body["detail"])
        try:
            scan_id = int(raw_id)
        except ValueError:
            scan_id = -1
            problems.append(
                {
                    "type": "int_parsing",
                    "loc": ["path", "scan_id"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                    "input": raw_id,
                }
            )
        if problems:
            raise _validation_error(problems)
        with self._lock:
            scan = next(
                (
                    s
                    for s in self.scans.get(scan_type, [])
                    if int(s.get("id", -1)) == scan_id
                ),
                None,
            )
            key = (scan_type, scan_id)
            content = self.files.get(key)
            has_override = key in self.disposition_names
            override = self.disposition_names.get(key)
        if scan is None:
            raise _HTTPError(404, {"detail": "Scan not found"})
        if content is None:
            content = _default_fits(scan_type)
        file_name = str(scan.get("file_name") or f"{scan_type}_{scan_id}.fits")
        disposition = override if has_override else file_name
        return content, disposition
