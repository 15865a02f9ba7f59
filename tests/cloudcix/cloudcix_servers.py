"""A server that behaves like CloudCIX, on 127.0.0.1 (stdlib only).

``CloudCIXServer`` answers for every application by the ``Host`` header: subdomain style
(``membership.api.cloudcix.test``) and legacy path style (``legacyapi.cloudcix.test/Asset/v1``):
the token login, list envelopes with ``_metadata`` totals and ``page``/``limit`` paging, items,
writes and errors. Those host names do not resolve: the tests reach it only through the
forward proxy of ``servers/forward_proxy.py``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

EMAIL, PASSWORD, API_KEY = "robot@example.com", "pw-proxy-7c1", "key-proxy-2b"
TOKEN = "tok-proxy-5d9"
ADDRESSES = [{"id": i, "name": f"Address {i}", "postcode": f"{i:05d}"} for i in range(250)]
ASSETS = [{"id": i, "price": i + 0.5} for i in range(130)]


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    host: str
    path: str  # raw, still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class _Running:
    """Starts a ``ThreadingHTTPServer`` on 127.0.0.1 in a thread; a context manager."""

    server: ThreadingHTTPServer

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


@dataclass
class _State:
    seen: list[Seen] = field(default_factory=list)


class CloudCIXServer(_Running):
    """``seen`` lists every request received."""

    def __init__(self) -> None:
        state = _State()
        self.seen = state.seen

        class Handler(_CloudCIXHandler):
            record = state.seen.append

        super().__init__(Handler)


class _CloudCIXHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    record: Any

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        host = (self.headers.get("Host") or "").split(":")[0]
        seen = Seen(self.command, host, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
        type(self).record(seen)
        status, answer = self._route(seen)
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def _route(self, seen: Seen) -> tuple[int, Any]:
        app = seen.host.split(".")[0]
        path = seen.path
        if app == "legacyapi":
            app, _, path = path.lstrip("/").partition("/v1")
        if app == "membership" and path == "/auth/login/" and seen.method == "POST":
            sent = json.loads(seen.body or b"null")
            if sent == {"email": EMAIL, "password": PASSWORD, "api_key": API_KEY}:
                return 201, {"token": TOKEN}
            return 400, {"error_code": "membership_login_201", "detail": "The credentials are not valid."}
        if seen.headers.get("X-Auth-Token") != TOKEN:
            return 401, {"detail": "Authentication credentials were not provided."}
        if app == "membership" and path.startswith("/address/"):
            return self._collection(seen, path.removeprefix("/address/"), ADDRESSES, "total_records")
        if app == "Asset" and path.startswith("/Asset/"):
            return self._collection(seen, path.removeprefix("/Asset/"), ASSETS, "totalRecords")
        if app == "vault":  # echo the path placeholders as the server saw them
            return 200, {"content": {"path": seen.path}}
        return 404, {"detail": "Not found."}

    def _collection(self, seen: Seen, rest: str, items: list[dict[str, Any]], total_key: str) -> tuple[int, Any]:
        if not rest:
            if seen.method == "POST":
                return 201, {"content": json.loads(seen.body)}
            if seen.method == "HEAD":
                return 200, None
            page = int(seen.query.get("page", ["0"])[0])
            limit = int(seen.query.get("limit", ["50"])[0])
            chunk = items[page * limit : (page + 1) * limit]
            return 200, {"_metadata": {total_key: len(items), "page": page, "limit": limit}, "content": chunk}
        pk = int(rest.rstrip("/"))
        if pk >= len(items):
            return 404, {"detail": "Not found."}
        if seen.method == "DELETE":
            return 204, None
        if seen.method in ("PUT", "PATCH"):
            return 200, {"content": {**items[pk], **json.loads(seen.body)}}
        return 200, {"content": items[pk]}
