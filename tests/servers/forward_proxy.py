"""A plain HTTP forward proxy on 127.0.0.1, for clients reached through ``HTTP_PROXY``.

A client configured with ``HTTP_PROXY=http://127.0.0.1:<port>`` sends it absolute-form
requests (``GET http://membership.api.test/address/ HTTP/1.1``); ``route(host)`` names the
upstream base URL each host is served from (a stand-in server or a Prism mock). Every
request is kept in ``seen`` as (method, absolute URL, headers), so tests can check what a
client sent through the proxy. Only ``http://`` targets (no CONNECT tunnels).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}


class ForwardProxy:
    """Forwards each request to ``route(host) + path``; use it as a context manager."""

    def __init__(self, route: Callable[[str], str]) -> None:
        self.route = route
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        owner = self
        self._upstream = httpx.Client(timeout=30, trust_env=False)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                owner.seen.append((self.command, self.path, dict(headers)))
                url = owner.route(target.hostname or "") + target.path + (f"?{target.query}" if target.query else "")
                answer = owner._upstream.request(self.command, url, headers=headers, content=body)
                data = b"" if self.command == "HEAD" else answer.content
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in HOP_BY_HOP | {"content-length", "content-encoding"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content) if self.command == "HEAD" else len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._upstream.close()
