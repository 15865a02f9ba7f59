"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for fault-injection tests.

Standard library only. Each path answers from a *script* the test sets; the last entry
of a script repeats forever::

    with FaultServer() as server:
        server.script("/api/v1/scans/TPI/", [Fault.status(503), Fault.status(503), Fault.json(200, [])])
        ...  # point a client at server.url
        assert len(server.requests_to("/api/v1/scans/TPI/")) == 3

Faults (see :class:`Fault`): any status with a body and headers (``Retry-After``...), JSON,
raw bytes with a content type (an HTML error page, invalid JSON), a stall before the headers
or in the middle of the body, a body that trickles in, a connection dropped mid-body (headers
announce more bytes than are sent), a truncated binary download, a connection closed without
an answer, and custom headers such as a hostile ``Content-Disposition``.

A simple OAuth2 password-grant token endpoint (:meth:`FaultServer.token_endpoint`) issues
opaque or JWT-like tokens, with or without ``expires_in``; :meth:`FaultServer.require_token`
makes paths answer 401 unless ``Authorization`` carries a currently valid token, and
:meth:`FaultServer.expire_tokens` invalidates every token issued so far on the server side.

Every request is recorded (:class:`RecordedRequest`: method, path, query, headers, body and
arrival times) before it is answered, whatever the fault.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Fault", "FaultServer", "RecordedRequest", "jwt_like"]

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server received it.

    ``path`` excludes the query string; ``query`` maps each parameter to its last value
    (``query_string`` is the raw text); ``headers`` has lower-cased names. ``at`` is
    ``time.monotonic()`` and ``wall`` is ``time.time()`` when the request line arrived.
    """

    method: str
    path: str
    query: dict[str, str]
    query_string: str
    headers: dict[str, str]
    body: bytes
    at: float
    wall: float

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def form(self) -> dict[str, str]:
        """The body as an urlencoded form."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))


def _header_list(headers: Headers | None) -> tuple[tuple[str, str], ...]:
    if headers is None:
        return ()
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((str(k), str(v)) for k, v in items)


@dataclass(frozen=True, slots=True)
class Fault:
    """One scripted answer. Build it with the class methods.

    Fields, in the order they act: ``close_at_once`` (close without answering),
    ``stall_before`` (seconds before the status line), the status line and headers
    (``Content-Length`` is ``declared_length`` or the body's length), then the body:
    ``send_bytes`` of it (all when ``None``), ``stall_mid`` seconds after ``stall_at``
    bytes, ``chunk_size``/``chunk_delay`` to trickle it; finally the connection is closed
    when fewer bytes than announced were sent.
    """

    status_code: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None
    declared_length: int | None = None
    send_bytes: int | None = None
    stall_before: float = 0.0
    stall_mid: float = 0.0
    stall_at: int = 0
    chunk_size: int = 0
    chunk_delay: float = 0.0
    close_at_once: bool = False

    # -- plain answers ---------------------------------------------------------------------
    @classmethod
    def status(
        cls,
        code: int,
        body: bytes | str = b"",
        *,
        headers: Headers | None = None,
        content_type: str | None = None,
        retry_after: str | int | None = None,
    ) -> Fault:
        """Any status; a ``str`` body is sent as UTF-8 ``text/plain`` unless told otherwise."""
        if isinstance(body, str):
            body = body.encode("utf-8")
            content_type = content_type or "text/plain; charset=utf-8"
        extra = _header_list(headers)
        if retry_after is not None:
            extra += (("Retry-After", str(retry_after)),)
        return cls(status_code=code, body=body, headers=extra, content_type=content_type)

    @classmethod
    def json(cls, code: int, data: Any, *, headers: Headers | None = None) -> Fault:
        """A JSON body."""
        return cls(
            status_code=code,
            body=json.dumps(data).encode("utf-8"),
            headers=_header_list(headers),
            content_type="application/json",
        )

    @classmethod
    def raw(cls, code: int, body: bytes | str, content_type: str, *, headers: Headers | None = None) -> Fault:
        """Bytes sent as they are with this content type (an HTML page, invalid JSON...)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        return cls(status_code=code, body=data, headers=_header_list(headers), content_type=content_type)

    @classmethod
    def html(cls, code: int, page: str, *, headers: Headers | None = None) -> Fault:
        """An HTML page, as a proxy or a crashed framework sends it."""
        return cls.raw(code, page, "text/html; charset=utf-8", headers=headers)

    @classmethod
    def file(
        cls,
        data: bytes,
        *,
        disposition: str | None = None,
        content_type: str = "application/fits",
        headers: Headers | None = None,
    ) -> Fault:
        """A binary download, with ``Content-Disposition`` sent verbatim when given."""
        extra = _header_list(headers)
        if disposition is not None:
            extra += (("Content-Disposition", disposition),)
        return cls(status_code=200, body=data, headers=extra, content_type=content_type)

    # -- faults ----------------------------------------------------------------------------
    @classmethod
    def stall(cls, seconds: float, then: Fault | None = None, *, mid_body: bool = False) -> Fault:
        """Wait ``seconds`` before the headers (or, with ``mid_body``, after half the body), then answer ``then``."""
        answer = then if then is not None else cls.json(200, {})
        if mid_body:
            if len(answer.body) < 2:
                raise ValueError("a mid-body stall needs a body of at least 2 bytes")
            return replace(answer, stall_mid=seconds, stall_at=len(answer.body) // 2)
        return replace(answer, stall_before=seconds)

    @classmethod
    def trickle(cls, then: Fault, *, chunk_size: int, delay: float) -> Fault:
        """Send ``then``'s body ``chunk_size`` bytes at a time, ``delay`` seconds apart."""
        return replace(then, chunk_size=chunk_size, chunk_delay=delay)

    @classmethod
    def drop_mid_body(
        cls,
        declared_length: int,
        sent_bytes: int,
        *,
        status: int = 200,
        content_type: str = "application/json",
        headers: Headers | None = None,
    ) -> Fault:
        """Announce ``declared_length`` bytes, send ``sent_bytes`` of them, close the socket."""
        if not 0 <= sent_bytes < declared_length:
            raise ValueError("sent_bytes must be below declared_length")
        filler = (b'[{"id": 1, "padding": "' + b"x" * declared_length)[:declared_length]
        return cls(
            status_code=status,
            body=filler,
            headers=_header_list(headers),
            content_type=content_type,
            send_bytes=sent_bytes,
        )

    @classmethod
    def truncated(
        cls,
        data: bytes,
        sent_bytes: int,
        *,
        disposition: str | None = None,
        content_type: str = "application/fits",
        headers: Headers | None = None,
    ) -> Fault:
        """A download whose ``Content-Length`` is ``len(data)`` but that ends after ``sent_bytes``."""
        if not 0 <= sent_bytes < len(data):
            raise ValueError("sent_bytes must be below len(data)")
        return replace(
            cls.file(data, disposition=disposition, content_type=content_type, headers=headers),
            send_bytes=sent_bytes,
        )

    @classmethod
    def disconnect(cls) -> Fault:
        """Close the connection without sending anything."""
        return cls(close_at_once=True)

    def with_headers(self, headers: Headers) -> Fault:
        """This answer with more headers."""
        return replace(self, headers=self.headers + _header_list(headers))


@dataclass
class _Script:
    faults: list[Fault]
    served: int = 0

    def next(self) -> Fault:
        fault = self.faults[min(self.served, len(self.faults) - 1)]
        self.served += 1
        return fault


@dataclass
class _TokenEndpoint:
    users: dict[str, str]
    expires_in: int | None
    jwt_lifetime: float | None
    delay: float
    token_type: str = "bearer"
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


_SECRET = secrets.token_bytes(16)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_like(claims: Mapping[str, Any], key: bytes = _SECRET) -> str:
    """An HS256 JWT (signed with a throwaway key; clients only read ``exp``)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(dict(claims)).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


class FaultServer:
    """A scripted HTTP/1.1 server on ``127.0.0.1:<free port>`` in a background thread.

    Use it as a context manager. Attributes: ``url`` (``http://127.0.0.1:PORT``),
    ``port``, ``requests`` (a snapshot list of :class:`RecordedRequest`), ``issued_tokens``.
    A path without a script answers 404 ``{"detail": "Not Found"}``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._scripts: dict[tuple[str | None, str], _Script] = {}
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._token_endpoints: dict[str, _TokenEndpoint] = {}
        self._protected: list[str] = []
        self._valid_tokens: set[str] = set()
        self.issued_tokens: list[str] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.url = ""

    # -- life --------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, name=f"fault-server-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving: wake stalled answers, close open connections, join every thread."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._stop.set()
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wakes handlers waiting for a next keep-alive request
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()  # joins the handler threads
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    # -- scripting ---------------------------------------------------------------------------
    def script(self, path: str, faults: Sequence[Fault] | Fault, *, method: str | None = None) -> None:
        """Answer ``path`` (no query; any method unless ``method``) with ``faults`` in turn; the last repeats."""
        items = [faults] if isinstance(faults, Fault) else list(faults)
        if not items:
            raise ValueError("a script needs at least one answer")
        with self._lock:
            self._scripts[(method.upper() if method else None, path)] = _Script(items)

    def token_endpoint(
        self,
        path: str,
        *,
        users: Mapping[str, str] | None = None,
        expires_in: int | None = 3600,
        jwt_lifetime: float | None = None,
        delay: float = 0.0,
    ) -> None:
        """Serve an OAuth2 password-grant token endpoint at ``path`` (POST, form-encoded).

        Known ``users`` (``{username: password}``) get a new token per login: opaque, or a
        JWT whose ``exp`` is ``jwt_lifetime`` seconds away when that is given. ``expires_in``
        is sent when not ``None``. Wrong credentials: 400 ``{"detail": ...}``. ``delay``
        seconds pass before each answer (to make concurrent renewals overlap). Calling it
        again for the same path changes these settings for the next logins.
        """
        with self._lock:
            endpoint = _TokenEndpoint(dict(users or {}), expires_in, jwt_lifetime, delay)
            if path in self._token_endpoints:  # reconfigured: token numbers go on
                endpoint.counter = self._token_endpoints[path].counter
            self._token_endpoints[path] = endpoint

    def require_token(self, prefix: str) -> None:
        """Paths starting with ``prefix`` answer 401 unless the bearer token is currently valid."""
        with self._lock:
            self._protected.append(prefix)

    def accept_token(self, *tokens: str) -> None:
        """Treat these tokens as valid (e.g. a static token a client was built with)."""
        with self._lock:
            self._valid_tokens.update(tokens)

    def expire_tokens(self) -> None:
        """Every token valid so far becomes invalid (as if it had expired on the server)."""
        with self._lock:
            self._valid_tokens.clear()

    @property
    def valid_tokens(self) -> set[str]:
        with self._lock:
            return set(self._valid_tokens)

    # -- records -----------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """The recorded requests for ``path`` (and ``method`` if given), in arrival order."""
        return [r for r in self.requests if r.path == path and (method is None or r.method == method.upper())]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- used by the handler -----------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _answer_for(self, request: RecordedRequest) -> Fault:
        with self._lock:
            endpoint = self._token_endpoints.get(request.path)
            denied = any(request.path.startswith(p) for p in self._protected) and not _bearer_ok(
                request.authorization, self._valid_tokens
            )
            script = self._scripts.get((request.method, request.path)) or self._scripts.get((None, request.path))
            # a refused request does not use up a scripted answer
            fault = script.next() if script is not None and endpoint is None and not denied else None
        if endpoint is not None:
            return self._token_answer(endpoint, request)
        if denied:
            return Fault.json(401, {"detail": "Could not validate credentials"}, headers={"WWW-Authenticate": "Bearer"})
        return fault if fault is not None else Fault.json(404, {"detail": "Not Found"})

    def _token_answer(self, endpoint: _TokenEndpoint, request: RecordedRequest) -> Fault:
        if endpoint.delay:
            self.wait(endpoint.delay)
        if request.method != "POST":
            return Fault.json(405, {"detail": "Method Not Allowed"})
        form = request.form
        username, password = form.get("username"), form.get("password")
        if username is None or endpoint.users.get(username) != password:
            return Fault.json(400, {"detail": "Incorrect email or password"})
        number = next(endpoint.counter)
        if endpoint.jwt_lifetime is not None:
            token = jwt_like({"sub": username, "n": number, "exp": int(time.time() + endpoint.jwt_lifetime)})
        else:
            token = f"tok-{number}-{secrets.token_hex(4)}"
        payload: dict[str, Any] = {"access_token": token, "token_type": endpoint.token_type}
        if endpoint.expires_in is not None:
            payload["expires_in"] = endpoint.expires_in
        with self._lock:
            self._valid_tokens.add(token)
            self.issued_tokens.append(token)
        return Fault.json(200, payload)

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; returns early (True) when the server is closing."""
        return self._stop.wait(seconds)


def _bearer_ok(authorization: str | None, valid: set[str]) -> bool:
    if not authorization:
        return False
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and token in valid


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent connections must not wait for a SYN retry
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-answer are the point of this server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 10  # seconds an idle keep-alive connection may wait for its next request

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.owner._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        at, wall = time.monotonic(), time.time()
        owner = self.server.owner
        try:
            body = self._read_body()
            parts = urlsplit(self.path)
            request = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                query_string=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                at=at,
                wall=wall,
            )
            owner._record(request)
            self._send(owner._answer_for(request))
        except OSError:  # the client gave up (timeout) or the server is closing
            self.close_connection = True

    def _send(self, fault: Fault) -> None:
        owner = self.server.owner
        if fault.close_at_once:
            self._hang_up()
            return
        if fault.stall_before and owner.wait(fault.stall_before):
            self._hang_up()
            return
        body = fault.body if self.command != "HEAD" else b""
        declared = fault.declared_length if fault.declared_length is not None else len(fault.body)
        to_send = body if fault.send_bytes is None else body[: fault.send_bytes]
        self.send_response(fault.status_code)
        if fault.content_type:
            self.send_header("Content-Type", fault.content_type)
        for name, value in fault.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(declared))
        short = len(to_send) < declared and self.command != "HEAD"
        if short:
            self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        step = fault.chunk_size or len(to_send) or 1
        while sent < len(to_send):
            end = min(sent + step, len(to_send))
            if fault.stall_mid and sent < fault.stall_at < end:
                end = fault.stall_at  # stop at the stall point
            self.wfile.write(to_send[sent:end])
            self.wfile.flush()
            sent = end
            if fault.stall_mid and sent == fault.stall_at and owner.wait(fault.stall_mid):
                self._hang_up()
                return
            if fault.chunk_delay and sent < len(to_send) and owner.wait(fault.chunk_delay):
                self._hang_up()
                return
        if short:
            self._hang_up()

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle
