"""Secrets stay secret: no token, password or API key in logs, reprs, exceptions or URLs.

Every test captures *all* logging at DEBUG (root logger, ``httpx``, ``httpcore``,
``specwright_runtime``, ``asyncio``...), drives both generated packages (``grad300_client``
and ``cuiman``, sync and async) against real local servers, and then scans

* every captured log record (formatted message and raw ``args``),
* ``str()``/``repr()``/``args`` of every exception raised, its ``.info``, ``.url``,
  ``.api_error`` and ``.response_body``, along its printed ``__cause__``/``__context__`` chain,
* ``str()``/``repr()`` of clients, configurations and auth objects, and any text written to disk,

for the distinctive secret strings below (plus every token the GRAD300 server issued).

Servers: the real :class:`~servers.grad300_server.Grad300Server` and
:class:`~servers.wraptile_server.WraptileServer`, plus :class:`StubServer`, a tiny stdlib
server for what those cannot produce: 401/403/500 for cuiman, slow answers (timeouts) and
cross-host redirects (a redirector on ``127.0.0.1`` pointing to a recorder on ``localhost``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import stat
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, Self

import httpx
import pytest
import yaml
from cuiman import (
    AsyncClient,
    Client,
    ClientAuthError,
    ClientConfig,
    ClientConnectionError,
    ClientStatusError,
    ClientTimeoutError,
)
from grad300_client import AsyncGrad300Client, Grad300Api, Grad300Client
from grad300_client.async_api import AsyncGrad300Api
from grad300_client.exceptions import (
    AuthenticationError,
    Grad300APIError,
    Grad300ConnectionError,
    Grad300Error,
    Grad300TimeoutError,
)
from pydantic import ValidationError
from servers.grad300_server import Grad300Server, make_scan
from servers.wraptile_server import WraptileServer, closed_port_url
from specwright_runtime import core as core_module

EMAIL = "me@example.com"
PASSWORD = "pw-9f3c1e77"
WRONG_PASSWORD = "pw-0d5e8b31"
TOKEN = "tok-4b2d8a10"
UNKNOWN_TOKEN = "tok-c3e91f56"  # well-formed, but the server does not know it (403)
API_KEY = "key-77aa1c0d"
SECRETS = (PASSWORD, WRONG_PASSWORD, TOKEN, UNKNOWN_TOKEN, API_KEY)

#: Client timeout against a stub that answers after ``SLOW`` seconds.
SHORT_TIMEOUT = 0.25
SLOW = 3.0

_HTTP_LOGGERS = ("httpx", "httpcore", "specwright_runtime")
_FAILURE_LOGGERS = ("httpcore", "specwright_runtime")  # httpx logs only requests that got an answer
_LOGGERS = ("", *_HTTP_LOGGERS, "asyncio", "grad300_client", "cuiman", "h11", "hpack")

SCANS = {
    "TPI": [make_scan(1, "TPI", source="Sun"), make_scan(2, "TPI", source="Moon")],
    "Images": [make_scan(10, "Images", source="Sun")],
    "Spectrum": [make_scan(20, "Spectrum", source="Moon")],
}


# ------------------------------------------------------------------------------------------
# The audit: captured logs, raised exceptions and inspected objects, scanned for secrets
# ------------------------------------------------------------------------------------------
class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def exception_texts(error: BaseException) -> Iterator[tuple[str, str]]:
    """Everything a user sees of an exception and of the chain printed with it."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        name = type(exc).__name__
        yield f"str({name})", str(exc)
        yield f"repr({name})", repr(exc)
        yield f"{name}.args", repr(exc.args)
        yield f"{name} as printed", "".join(traceback.format_exception_only(exc))
        for attr in ("info", "url", "api_error", "response_body", "body"):
            value = getattr(exc, attr, None)
            if value is not None:
                yield f"{name}.{attr}", f"{value!s} {value!r}"
        linked = [exc.__cause__, getattr(getattr(exc, "info", None), "cause", None)]
        if not exc.__suppress_context__:
            linked.append(exc.__context__)
        pending.extend(e for e in linked if isinstance(e, BaseException))


class Audit:
    """Collects what a test produced and fails if any secret shows up in it."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.secrets: set[str] = set(SECRETS)
        self.errors: list[BaseException] = []
        self.objects: list[object] = []
        self.texts: list[tuple[str, str]] = []

    def add_secret(self, *values: str) -> None:
        for value in values:
            assert value, "an empty secret would match everything"
            self.secrets.add(value)

    def expect(self, exc_type: type[BaseException], func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``func``, assert it raises ``exc_type``, keep the exception for the scan."""
        with pytest.raises(exc_type) as caught:
            func(*args, **kwargs)
        self.errors.append(caught.value)
        return caught.value

    async def aexpect(self, exc_type: type[BaseException], awaitable: Any) -> Any:
        """Await, assert it raises ``exc_type``, keep the exception for the scan."""
        with pytest.raises(exc_type) as caught:
            await awaitable
        self.errors.append(caught.value)
        return caught.value

    def inspect(self, *objects: object) -> None:
        """Scan ``repr()`` and ``str()`` of these objects."""
        self.objects.extend(objects)

    def inspect_text(self, label: str, text: str) -> None:
        self.texts.append((label, text))

    def _scanned(self) -> Iterator[tuple[str, str]]:
        for record in self.records:
            where = f"log {record.name}:{record.levelname} (msg {str(record.msg)[:80]!r})"
            yield f"{where} message", record.getMessage()
            yield f"{where} args", repr(record.args)
            if record.exc_info:
                yield f"{where} exc_info", "".join(traceback.format_exception_only(record.exc_info[1]))
            if record.stack_info:
                yield f"{where} stack", record.stack_info
        for error in self.errors:
            yield from exception_texts(error)
        for obj in self.objects:
            yield f"repr({type(obj).__name__})", repr(obj)
            yield f"str({type(obj).__name__})", str(obj)
        yield from self.texts

    def leaks(self) -> list[str]:
        found = []
        for where, text in self._scanned():
            for secret in sorted(self.secrets):
                if secret in text:
                    found.append(f"{secret!r} in {where}: {text[:300]!r}")
        return found

    def assert_clean(self, *, loggers: tuple[str, ...] = _HTTP_LOGGERS, also: list[str] | None = None) -> None:
        """No secret anywhere (nor any of ``also``'s problems); ``loggers`` must have logged.

        Without records from ``loggers`` the log scan would prove nothing.
        """
        captured = {record.name.split(".")[0] for record in self.records}
        missing = [name for name in loggers if name not in captured]
        assert not missing, f"no log records from {missing}: logging was not captured at DEBUG"
        found = [*(also or []), *self.leaks()]
        assert not found, f"{len(found)} secret leak(s):\n" + "\n".join(dict.fromkeys(found))


@pytest.fixture
def audit() -> Iterator[Audit]:
    """All logging at DEBUG into the audit for the whole test (restored afterwards)."""
    result = Audit()
    handler = _ListHandler(result.records)
    saved = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.disabled, logger.propagate))
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if name:
            logger.propagate = True
    previous_disable = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    logging.getLogger().addHandler(handler)
    try:
        yield result
    finally:
        logging.getLogger().removeHandler(handler)
        logging.disable(previous_disable)
        for logger, level, disabled, propagate in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.propagate = propagate


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME (no ~/.eozilla/config, no astropy config) and no EOZILLA_* variables."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("EOZILLA_SERVER_URL", "EOZILLA_USER_NAME", "EOZILLA_ACCESS_TOKEN", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries still happen (and log), but without sleeping between attempts."""

    async def no_async_sleep(delay: float) -> None:
        return None

    monkeypatch.setattr(core_module, "time", types.SimpleNamespace(**{**vars(time), "sleep": lambda delay: None}))
    monkeypatch.setattr(core_module, "asyncio", types.SimpleNamespace(**{**vars(asyncio), "sleep": no_async_sleep}))


# ------------------------------------------------------------------------------------------
# Servers
# ------------------------------------------------------------------------------------------
class Reply(NamedTuple):
    """How a :class:`StubServer` answers: status, JSON body (``None``: empty), headers, delay."""

    status: int = 200
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


class Seen(NamedTuple):
    """One request a :class:`StubServer` received (header names lower-cased)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class _StubHandler(BaseHTTPRequestHandler):
    server: _StubHTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        stub = self.server.stub
        with stub.lock:
            stub.requests.append(Seen(self.command, path, query, {k.lower(): v for k, v in self.headers.items()}, body))
        reply = stub.routes.get(path, stub.default)
        if reply.delay and stub.stopping.wait(reply.delay):
            return
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout)
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _StubHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    stub: StubServer


class StubServer:
    """A scripted HTTP server on 127.0.0.1: ``routes[path]`` or ``default`` answers; records requests."""

    def __init__(self, default: Reply, routes: Mapping[str, Reply] | None = None) -> None:
        self.default = default
        self.routes = dict(routes or {})
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = _StubHTTPServer(("127.0.0.1", 0), _StubHandler)
        self._httpd.stub = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def stubs() -> Iterator[Callable[..., StubServer]]:
    """``stubs(default, routes=None)``: a started :class:`StubServer`, stopped after the test."""
    started: list[StubServer] = []

    def make(default: Reply, routes: Mapping[str, Reply] | None = None) -> StubServer:
        server = StubServer(default, routes).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def grad300() -> Iterator[Grad300Server]:
    """The real GRAD300 server: user ``EMAIL``/``PASSWORD``; ``TOKEN`` is valid too."""
    with Grad300Server(scans=SCANS, users={EMAIL: PASSWORD}) as server:
        server.tokens[TOKEN] = EMAIL
        yield server


@pytest.fixture(scope="module")
def wraptile() -> Iterator[WraptileServer]:
    """The real wraptile (OGC API - Processes) server; it ignores credentials."""
    with WraptileServer() as server:
        yield server


@pytest.fixture
def slow(stubs: Callable[..., StubServer]) -> StubServer:
    """A server that answers only after ``SLOW`` seconds."""
    return stubs(Reply(200, {}, delay=SLOW))


@pytest.fixture
def target(stubs: Callable[..., StubServer]) -> StubServer:
    """The other host of a redirect: records what arrives, answers 200."""
    return stubs(Reply(200, {"conformsTo": []}))


def redirector(stubs: Callable[..., StubServer], target: StubServer, status: int) -> StubServer:
    """A server on 127.0.0.1 that redirects every request to ``localhost:<target port>``."""
    location = f"http://localhost:{target.port}/landing"
    return stubs(Reply(status, None, (("Location", location),)))


def authorizations(server: Grad300Server | StubServer) -> list[str]:
    """``Authorization`` values of every request a server received."""
    return [r.headers["authorization"] for r in server.requests if "authorization" in r.headers]


def issued_tokens(server: Grad300Server) -> set[str]:
    """Tokens the GRAD300 server issued at login."""
    return set(server.tokens) - {TOKEN}


def sent_to_other_host(requests: list[Seen], secrets: set[str]) -> list[str]:
    """Problems: an ``Authorization`` header, or a secret in a header, path, query or body."""
    problems = []
    for seen in requests:
        if "authorization" in seen.headers:
            problems.append(f"Authorization sent to another host: {seen}")
        wire = " ".join([seen.path, seen.query, *seen.headers.values(), seen.body.decode("latin-1")])
        problems += [f"{secret!r} sent to another host: {seen}" for secret in secrets if secret in wire]
    return problems


def grad300_client_objects(client: Grad300Client | AsyncGrad300Client) -> list[object]:
    """The client and everything secret-bearing it holds."""
    auth = client.api._auth
    objects: list[object] = [client, client.api, auth]
    if auth.token is not None:
        objects.append(auth.token)
    if auth._grant is not None:
        objects.append(auth._grant)
    return objects


def test_the_audit_finds_what_it_looks_for(audit: Audit) -> None:
    """The scanner itself: a secret in each place it looks is reported, so a clean scan means something."""
    logging.getLogger("httpx").debug("sending %s", httpx.URL(f"http://host.test/?k={API_KEY}"))
    logging.getLogger("specwright_runtime.core").debug("token %s", TOKEN)
    try:
        try:
            raise OSError(f"cannot log in with {PASSWORD}")
        except OSError as exc:
            raise Grad300Error("login failed") from exc
    except Grad300Error as exc:
        audit.errors.append(exc)
    audit.inspect(types.SimpleNamespace(token=UNKNOWN_TOKEN))
    audit.inspect_text("a written file", f"password: {WRONG_PASSWORD}")
    report = "\n".join(audit.leaks())
    assert all(secret in report for secret in SECRETS)
    for where in ("log httpx:DEBUG", "log specwright_runtime.core:DEBUG", "str(OSError)", "repr(SimpleNamespace)"):
        assert where in report
    seen = Seen("GET", "/landing", "", {"authorization": "Bearer x", "x-api-key": API_KEY}, b"")
    assert len(sent_to_other_host([seen], {API_KEY})) == 2
    with pytest.raises(AssertionError, match="secret leak"):
        audit.assert_clean(loggers=("httpx",))


# ------------------------------------------------------------------------------------------
# grad300_client, synchronous
# ------------------------------------------------------------------------------------------
def test_grad300_password_login_and_calls(audit: Audit, grad300: Grad300Server, tmp_path: Path) -> None:
    with Grad300Client(grad300.base_url, user=EMAIL, password=PASSWORD) as client:
        assert len(client.list("TPI")) == 2
        assert client.test_token()["email"] == EMAIL
        assert len(client.query(source="Sun")) == 2
        client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
        audit.inspect(*grad300_client_objects(client))
        token = client.login(EMAIL, PASSWORD)
        assert len(client.api.list_scans("Images")) == 1
        audit.inspect(*grad300_client_objects(client))
    logins = grad300.requests_to("/login/access-token")
    assert len(logins) == 2 and all(PASSWORD.encode() in r.body for r in logins)
    assert token in issued_tokens(grad300) and f"Bearer {token}" in authorizations(grad300)
    audit.add_secret(*issued_tokens(grad300))
    audit.assert_clean()


def test_grad300_api_login_and_lazy_credentials(audit: Audit, grad300: Grad300Server) -> None:
    with Grad300Api(grad300.api_url) as api:
        token = api.login(EMAIL, PASSWORD)
        assert api.test_token().email == EMAIL
        audit.inspect(api, api._auth, api._auth.token, api._auth._grant)
    with Grad300Api(grad300.api_url) as api:
        api.set_credentials(EMAIL, PASSWORD)  # logged in by the auth flow on the first call
        assert len(api.list_scans("TPI")) == 2
        audit.inspect(api, api._auth, api._auth.token, api._auth._grant)
    assert len(issued_tokens(grad300)) == 2 and f"Bearer {token}" in authorizations(grad300)
    audit.add_secret(*issued_tokens(grad300))
    audit.assert_clean()


def test_grad300_wrong_password(audit: Audit, grad300: Grad300Server) -> None:
    error = audit.expect(AuthenticationError, Grad300Client, grad300.base_url, user=EMAIL, password=WRONG_PASSWORD)
    assert error.status_code == 400
    with Grad300Api(grad300.api_url) as api:
        assert audit.expect(AuthenticationError, api.login, EMAIL, WRONG_PASSWORD).status_code == 400
        api.set_credentials(EMAIL, WRONG_PASSWORD)
        assert audit.expect(AuthenticationError, api.list_scans, "TPI").status_code == 400
        audit.inspect(api, api._auth, api._auth._grant)
    logins = grad300.requests_to("/login/access-token")
    assert len(logins) == 3 and all(WRONG_PASSWORD.encode() in r.body for r in logins)
    assert not issued_tokens(grad300)
    audit.assert_clean()


def test_grad300_token_calls(audit: Audit, grad300: Grad300Server, tmp_path: Path) -> None:
    with Grad300Client(grad300.base_url, token=TOKEN) as client:
        assert client.test_token()["email"] == EMAIL
        assert len(client.list("TPI")) == 2
        client.download_by_id(scan_type="Images", scan_id=10, destination_dir=tmp_path)
        client.download_by_id(scan_type="TPI", scan_id=2)
        audit.inspect(*grad300_client_objects(client))
    with Grad300Api(grad300.api_url, token=TOKEN) as api:
        assert len(api.list_scans("Spectrum")) == 1
        audit.inspect(api, api._auth, api._auth.token)
    assert set(authorizations(grad300)) == {f"Bearer {TOKEN}"}
    audit.assert_clean()


def _force_500(server: Grad300Server) -> None:
    server.errors["/scans/Spectrum/"] = (500, {"detail": "Internal Server Error"})


def _nothing(server: Grad300Server) -> None:
    pass


GRAD300_STATUS_CASES = [
    pytest.param(None, _nothing, lambda c: c.test_token(), AuthenticationError, 401, id="401-no-token"),
    pytest.param(UNKNOWN_TOKEN, _nothing, lambda c: c.test_token(), AuthenticationError, 403, id="403-unknown-token"),
    pytest.param(
        TOKEN, _nothing, lambda c: c.download_by_id(scan_type="TPI", scan_id=999), Grad300APIError, 404, id="404"
    ),
    pytest.param(TOKEN, _nothing, lambda c: c.api.request("GET", "/scans/TPI/", params={"limit": 0}), Grad300APIError, 422, id="422"),
    pytest.param(TOKEN, _force_500, lambda c: c.list("Spectrum"), Grad300APIError, 500, id="500"),
]


@pytest.mark.parametrize(("token", "setup", "call", "error_type", "status"), GRAD300_STATUS_CASES)
def test_grad300_error_statuses(
    audit: Audit,
    grad300: Grad300Server,
    token: str | None,
    setup: Callable[[Grad300Server], None],
    call: Callable[[Any], Any],
    error_type: type[Exception],
    status: int,
) -> None:
    setup(grad300)
    with Grad300Client(grad300.base_url, token=token) as client:
        error = audit.expect(error_type, call, client)
        audit.inspect(*grad300_client_objects(client))
    assert error.status_code == status
    if token is not None:
        assert f"Bearer {token}" in authorizations(grad300)
    audit.assert_clean()


def test_grad300_revoked_login_token(audit: Audit, grad300: Grad300Server) -> None:
    with Grad300Client(grad300.base_url, user=EMAIL, password=PASSWORD) as client:
        audit.add_secret(*issued_tokens(grad300))
        grad300.revoke_tokens()
        assert audit.expect(AuthenticationError, client.list, "TPI").status_code == 403
        audit.inspect(*grad300_client_objects(client))
    audit.assert_clean()


def test_grad300_connection_refused(audit: Audit) -> None:
    url = closed_port_url()
    with Grad300Client(url, token=TOKEN) as client:
        audit.expect(Grad300ConnectionError, client.list, "TPI")
        audit.expect(Grad300ConnectionError, client.download_by_id, scan_type="TPI", scan_id=1)
        audit.inspect(*grad300_client_objects(client))
    audit.expect(Grad300ConnectionError, Grad300Client, url, user=EMAIL, password=PASSWORD)
    with Grad300Api(url + "/api/v1") as api:
        api.set_credentials(EMAIL, PASSWORD)
        audit.expect(Grad300ConnectionError, api.list_scans, "TPI")
        audit.inspect(api, api._auth, api._auth._grant)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


def test_grad300_timeout(audit: Audit, slow: StubServer) -> None:
    with Grad300Client(slow.url, token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        audit.expect(Grad300TimeoutError, client.list, "TPI")
        audit.inspect(*grad300_client_objects(client))
    audit.expect(Grad300TimeoutError, Grad300Client, slow.url, user=EMAIL, password=PASSWORD, timeout=SHORT_TIMEOUT)
    assert f"Bearer {TOKEN}" in authorizations(slow)
    assert any(PASSWORD.encode() in r.body for r in slow.requests)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


def test_grad300_lazy_login_timeout(audit: Audit, slow: StubServer) -> None:
    """A login made by the auth flow (stored credentials) times out like any request."""
    with Grad300Api(slow.url + "/api/v1", timeout=SHORT_TIMEOUT) as api:
        api.set_credentials(EMAIL, PASSWORD)
        audit.expect(Grad300TimeoutError, api.list_scans, "TPI")
        audit.inspect(api, api._auth, api._auth._grant)
    assert any(PASSWORD.encode() in r.body for r in slow.requests)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


@pytest.mark.parametrize("status", [302, 307])
def test_grad300_redirect_not_followed_by_default(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    with Grad300Client(origin.url, token=TOKEN) as client:
        error = audit.expect(Grad300APIError, client.list, "TPI")
        assert error.status_code == status and "redirect" in str(error)
        audit.inspect(*grad300_client_objects(client))
    # the login is not redirected either: the password stays with the API
    audit.expect(Grad300Error, Grad300Client, origin.url, user=EMAIL, password=PASSWORD)
    assert f"Bearer {TOKEN}" in authorizations(origin)
    assert not target.requests
    audit.assert_clean()


@pytest.mark.parametrize("status", [302, 307])
def test_grad300_redirect_to_other_host_drops_authorization(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    with Grad300Client(origin.url, token=TOKEN) as client:
        response = client.request("GET", "/scans/TPI/", follow_redirects=True)
        assert response.status_code == 200 and response.url.host == "localhost"
        audit.inspect(*grad300_client_objects(client))
    assert authorizations(origin) == [f"Bearer {TOKEN}"]
    assert len(target.requests) == 1
    audit.assert_clean(also=sent_to_other_host(target.requests, audit.secrets))


@pytest.mark.parametrize("status", [302, 307])
def test_grad300_redirect_of_lazy_login_keeps_password(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    """Stored credentials, a call with follow_redirects=True: the token request must not follow."""
    origin = redirector(stubs, target, status)
    with Grad300Api(origin.url + "/api/v1") as api:
        api.set_credentials(EMAIL, PASSWORD)
        audit.expect(Grad300Error, api.request, "GET", "/scans/TPI/", follow_redirects=True)
        audit.inspect(api, api._auth, api._auth._grant)
    assert any(PASSWORD.encode() in r.body for r in origin.requests)  # sent to the API itself
    audit.assert_clean(loggers=_FAILURE_LOGGERS, also=sent_to_other_host(target.requests, audit.secrets))


def test_grad300_secrets_in_query_are_masked(audit: Audit, grad300: Grad300Server, slow: StubServer) -> None:
    params = {"api_key": API_KEY, "token": TOKEN}
    with Grad300Client(grad300.base_url, token=TOKEN) as client:
        assert len(client.get_json("/scans/TPI/", params=params)) == 2
        error = audit.expect(Grad300APIError, client.get_json, "/no/such/path", params=params)
        assert error.status_code == 404
        assert "api_key=***" in error.url and "token=***" in error.url
    with Grad300Client(closed_port_url(), token=TOKEN) as client:
        error = audit.expect(Grad300ConnectionError, client.get_json, "/scans/TPI/", params=params)
        assert "api_key=***" in error.url
    with Grad300Client(slow.url, token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        error = audit.expect(Grad300TimeoutError, client.get_json, "/scans/TPI/", params=params)
        assert "token=***" in error.url
    assert any(r.query.get("api_key") == API_KEY for r in grad300.requests)  # it really went out
    audit.assert_clean()


def test_grad300_password_in_base_url_userinfo(audit: Audit, grad300: Grad300Server) -> None:
    url = f"http://me:{PASSWORD}@127.0.0.1:{grad300.port}"
    with Grad300Client(url, token=TOKEN) as client:
        assert len(client.list("TPI")) == 2
        audit.expect(Grad300APIError, client.download_by_id, scan_type="TPI", scan_id=999)
        audit.inspect(*grad300_client_objects(client))
    audit.assert_clean()


# ------------------------------------------------------------------------------------------
# grad300_client, asynchronous
# ------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_async_grad300_password_login_and_calls(audit: Audit, grad300: Grad300Server, tmp_path: Path) -> None:
    async with AsyncGrad300Client(grad300.base_url, user=EMAIL, password=PASSWORD) as client:
        assert len(await client.list("TPI")) == 2  # logs in on this first call
        assert (await client.test_token())["email"] == EMAIL
        await client.download_by_id(scan_type="TPI", scan_id=1, destination_dir=tmp_path)
        audit.inspect(*grad300_client_objects(client))
        token = await client.login(EMAIL, PASSWORD)
        assert len(await client.list("Images")) == 1
        audit.inspect(*grad300_client_objects(client))
    async with AsyncGrad300Api(grad300.api_url) as api:
        await api.login(EMAIL, PASSWORD)
        assert (await api.test_token()).email == EMAIL
        audit.inspect(api, api._auth, api._auth.token, api._auth._grant)
    assert len(issued_tokens(grad300)) == 3 and f"Bearer {token}" in authorizations(grad300)
    audit.add_secret(*issued_tokens(grad300))
    audit.assert_clean()


@pytest.mark.asyncio
async def test_async_grad300_wrong_password(audit: Audit, grad300: Grad300Server) -> None:
    async with AsyncGrad300Client(grad300.base_url, user=EMAIL, password=WRONG_PASSWORD) as client:
        assert (await audit.aexpect(AuthenticationError, client.list("TPI"))).status_code == 400
        assert (await audit.aexpect(AuthenticationError, client.login(EMAIL, WRONG_PASSWORD))).status_code == 400
        audit.inspect(*grad300_client_objects(client))
    assert len(grad300.requests_to("/login/access-token")) == 2 and not issued_tokens(grad300)
    audit.assert_clean()


@pytest.mark.asyncio
async def test_async_grad300_token_calls(audit: Audit, grad300: Grad300Server, tmp_path: Path) -> None:
    async with AsyncGrad300Client(grad300.base_url, token=TOKEN) as client:
        assert (await client.test_token())["email"] == EMAIL
        assert len(await client.query(source="Sun")) == 2
        await client.download_by_id(scan_type="Images", scan_id=10, destination_dir=tmp_path)
        audit.inspect(*grad300_client_objects(client))
    assert set(authorizations(grad300)) == {f"Bearer {TOKEN}"}
    audit.assert_clean()


@pytest.mark.asyncio
@pytest.mark.parametrize(("token", "setup", "call", "error_type", "status"), GRAD300_STATUS_CASES)
async def test_async_grad300_error_statuses(
    audit: Audit,
    grad300: Grad300Server,
    token: str | None,
    setup: Callable[[Grad300Server], None],
    call: Callable[[Any], Any],
    error_type: type[Exception],
    status: int,
) -> None:
    setup(grad300)
    async with AsyncGrad300Client(grad300.base_url, token=token) as client:
        error = await audit.aexpect(error_type, call(client))
        audit.inspect(*grad300_client_objects(client))
    assert error.status_code == status
    if token is not None:
        assert f"Bearer {token}" in authorizations(grad300)
    audit.assert_clean()


@pytest.mark.asyncio
async def test_async_grad300_connection_refused_and_timeout(audit: Audit, slow: StubServer) -> None:
    url = closed_port_url()
    async with AsyncGrad300Client(url, token=TOKEN) as client:
        await audit.aexpect(Grad300ConnectionError, client.list("TPI"))
    async with AsyncGrad300Client(url, user=EMAIL, password=PASSWORD) as client:
        await audit.aexpect(Grad300ConnectionError, client.list("TPI"))
        await audit.aexpect(Grad300ConnectionError, client.login(EMAIL, PASSWORD))
        audit.inspect(*grad300_client_objects(client))
    async with AsyncGrad300Client(slow.url, token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        await audit.aexpect(Grad300TimeoutError, client.list("TPI"))
        audit.inspect(*grad300_client_objects(client))
    async with AsyncGrad300Api(slow.url + "/api/v1", timeout=SHORT_TIMEOUT) as api:
        await audit.aexpect(Grad300TimeoutError, api.login(EMAIL, PASSWORD))
        audit.inspect(api, api._auth)
    assert f"Bearer {TOKEN}" in authorizations(slow)
    assert any(PASSWORD.encode() in r.body for r in slow.requests)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


@pytest.mark.asyncio
async def test_async_grad300_lazy_login_timeout(audit: Audit, slow: StubServer) -> None:
    """The async client logs in on its first call; that login times out like any request."""
    async with AsyncGrad300Client(slow.url, user=EMAIL, password=PASSWORD, timeout=SHORT_TIMEOUT) as client:
        await audit.aexpect(Grad300TimeoutError, client.list("TPI"))
        audit.inspect(*grad300_client_objects(client))
    assert any(PASSWORD.encode() in r.body for r in slow.requests)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [302, 307])
async def test_async_grad300_redirects(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    async with AsyncGrad300Client(origin.url, token=TOKEN) as client:
        error = await audit.aexpect(Grad300APIError, client.list("TPI"))  # not followed by default
        assert error.status_code == status
        assert not target.requests
        response = await client.request("GET", "/scans/TPI/", follow_redirects=True)
        assert response.status_code == 200 and response.url.host == "localhost"
        audit.inspect(*grad300_client_objects(client))
    assert len(target.requests) == 1
    assert authorizations(origin) == [f"Bearer {TOKEN}"] * 2
    audit.assert_clean(also=sent_to_other_host(target.requests, audit.secrets))


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [302, 307])
async def test_async_grad300_redirect_of_lazy_login_keeps_password(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    """The first call logs in; with follow_redirects=True the token request must still not follow."""
    origin = redirector(stubs, target, status)
    async with AsyncGrad300Client(origin.url, user=EMAIL, password=PASSWORD) as client:
        await audit.aexpect(Grad300Error, client.list("TPI"))  # the login is not followed by default
        assert not target.requests
        await audit.aexpect(Grad300Error, client.request("GET", "/scans/TPI/", follow_redirects=True))
        audit.inspect(*grad300_client_objects(client))
    assert any(PASSWORD.encode() in r.body for r in origin.requests)
    audit.assert_clean(loggers=_FAILURE_LOGGERS, also=sent_to_other_host(target.requests, audit.secrets))


@pytest.mark.asyncio
async def test_async_grad300_secrets_in_query_are_masked(audit: Audit, grad300: Grad300Server) -> None:
    params = {"api_key": API_KEY, "token": TOKEN}
    async with AsyncGrad300Client(grad300.base_url, token=TOKEN) as client:
        assert len(await client.get_json("/scans/TPI/", params=params)) == 2
        error = await audit.aexpect(Grad300APIError, client.get_json("/no/such/path", params=params))
        assert error.status_code == 404 and "api_key=***" in error.url and "token=***" in error.url
    async with AsyncGrad300Client(closed_port_url(), token=TOKEN) as client:
        error = await audit.aexpect(Grad300ConnectionError, client.get_json("/scans/TPI/", params=params))
        assert "api_key=***" in error.url
    assert any(r.query.get("api_key") == API_KEY for r in grad300.requests)
    audit.assert_clean()


# ------------------------------------------------------------------------------------------
# cuiman, synchronous
# ------------------------------------------------------------------------------------------
def cuiman_objects(client: Client | AsyncClient) -> list[object]:
    return [client, client.config, client._auth]


PROBLEM = {"type": "about:blank", "title": "Refused", "detail": "request refused"}


def test_cuiman_token_calls(audit: Audit, wraptile: WraptileServer) -> None:
    with Client(server_url=wraptile.base_url, access_token=TOKEN) as client:
        assert client.config.access_token == TOKEN
        client.get_capabilities()
        client.get_conformance()
        assert client.get_processes().processes
        client.get_process("add")
        job = client.execute_process("add", {"inputs": {"a": 1, "b": 2}})
        client.get_job(job.jobID)
        client.get_jobs()
        audit.inspect(*cuiman_objects(client))
    audit.assert_clean()


def test_cuiman_error_statuses_from_wraptile(audit: Audit, wraptile: WraptileServer) -> None:
    with Client(server_url=wraptile.base_url, access_token=TOKEN) as client:
        assert audit.expect(ClientStatusError, client.get_process, "nope").status_code == 404
        assert audit.expect(ClientStatusError, client.get_job, "nope").status_code == 404
        bad_input = {"inputs": {"a": "not a number"}}
        assert audit.expect(ClientStatusError, client.execute_process, "add", bad_input).status_code == 400
        error = audit.expect(
            ClientStatusError,
            client.request,
            "POST",
            "/processes/add/execution",
            content=b"not json",
            headers={"Content-Type": "application/json"},
        )
        assert error.status_code == 422
        audit.inspect(*cuiman_objects(client))
    audit.assert_clean()


@pytest.mark.parametrize(
    ("status", "error_type"), [(401, ClientAuthError), (403, ClientStatusError), (500, ClientStatusError)]
)
def test_cuiman_error_statuses(
    audit: Audit, stubs: Callable[..., StubServer], status: int, error_type: type[Exception]
) -> None:
    server = stubs(Reply(status, {**PROBLEM, "status": status}, (("WWW-Authenticate", "Bearer"),)))
    with Client(server_url=server.url, access_token=TOKEN) as client:
        assert audit.expect(error_type, client.get_conformance).status_code == status
        assert audit.expect(error_type, client.execute_process, "add", {"inputs": {}}).status_code == status
        audit.inspect(*cuiman_objects(client))
    assert authorizations(server) and set(authorizations(server)) == {f"Bearer {TOKEN}"}
    audit.assert_clean()


def test_cuiman_connection_refused_and_timeout(audit: Audit, slow: StubServer) -> None:
    with Client(server_url=closed_port_url(), access_token=TOKEN) as client:
        audit.expect(ClientConnectionError, client.get_conformance)
        audit.expect(ClientConnectionError, client.execute_process, "add", {"inputs": {}})
        audit.inspect(*cuiman_objects(client))
    with Client(server_url=slow.url, access_token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        audit.expect(ClientTimeoutError, client.get_conformance)
        audit.inspect(*cuiman_objects(client))
    assert f"Bearer {TOKEN}" in authorizations(slow)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


@pytest.mark.parametrize("status", [302, 307])
def test_cuiman_redirect_not_followed_by_default(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    with Client(server_url=origin.url, access_token=TOKEN) as client:
        error = audit.expect(ClientStatusError, client.get_conformance)
        assert error.status_code == status and "redirect" in str(error)
        assert audit.expect(ClientStatusError, client.execute_process, "add", {"inputs": {}}).status_code == status
        audit.inspect(*cuiman_objects(client))
    assert f"Bearer {TOKEN}" in authorizations(origin)
    assert not target.requests
    audit.assert_clean()


@pytest.mark.parametrize("status", [302, 307])
def test_cuiman_redirect_to_other_host_drops_authorization(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    with Client(server_url=origin.url, access_token=TOKEN) as client:
        assert client.get_conformance(follow_redirects=True).conformsTo == []
        response = client.request("POST", "/processes/add/execution", json={"inputs": {}}, follow_redirects=True)
        assert response.status_code == 200 and response.url.host == "localhost"
        audit.inspect(*cuiman_objects(client))
    assert authorizations(origin) == [f"Bearer {TOKEN}"] * 2
    assert len(target.requests) == 2
    audit.assert_clean(also=sent_to_other_host(target.requests, audit.secrets))


def test_cuiman_secrets_in_query_are_masked(audit: Audit, wraptile: WraptileServer, slow: StubServer) -> None:
    params = {"token": TOKEN, "api_key": API_KEY}
    with Client(server_url=wraptile.base_url, access_token=TOKEN) as client:
        assert client.get_processes(params=params).processes
        error = audit.expect(ClientStatusError, client.get_process, "nope", params=params)
        assert error.status_code == 404 and "token=***" in error.url and "api_key=***" in error.url
    with Client(server_url=closed_port_url(), access_token=TOKEN) as client:
        error = audit.expect(ClientConnectionError, client.get_conformance, params=params)
        assert "token=***" in error.url
    with Client(server_url=slow.url, access_token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        error = audit.expect(ClientTimeoutError, client.get_conformance, params=params)
        assert "api_key=***" in error.url
    assert any(API_KEY in r.query for r in slow.requests)  # it really went out
    audit.assert_clean()


def test_cuiman_password_in_server_url_userinfo(audit: Audit, wraptile: WraptileServer) -> None:
    """cuiman refuses credentials in server_url (its token is access_token), without echoing them."""
    url = f"http://me:{PASSWORD}@127.0.0.1:{wraptile.port}"
    error = audit.expect(ValueError, Client, server_url=url, access_token=TOKEN)
    assert "must not contain credentials" in str(error)
    audit.expect(ValueError, ClientConfig, server_url=url)
    with Client(server_url=wraptile.base_url, access_token=TOKEN) as client:
        client.get_conformance()
    audit.assert_clean()


# ------------------------------------------------------------------------------------------
# cuiman, asynchronous
# ------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_async_cuiman_calls_and_errors(audit: Audit, wraptile: WraptileServer) -> None:
    async with AsyncClient(server_url=wraptile.base_url, access_token=TOKEN) as client:
        await client.get_capabilities()
        job = await client.execute_process("add", {"inputs": {"a": 1, "b": 2}})
        await client.get_job(job.jobID)
        assert (await audit.aexpect(ClientStatusError, client.get_process("nope"))).status_code == 404
        assert (await audit.aexpect(ClientStatusError, client.get_job("nope"))).status_code == 404
        audit.inspect(*cuiman_objects(client))
    audit.assert_clean()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "error_type"), [(401, ClientAuthError), (403, ClientStatusError), (500, ClientStatusError)]
)
async def test_async_cuiman_error_statuses(
    audit: Audit, stubs: Callable[..., StubServer], status: int, error_type: type[Exception]
) -> None:
    server = stubs(Reply(status, {**PROBLEM, "status": status}))
    async with AsyncClient(server_url=server.url, access_token=TOKEN) as client:
        assert (await audit.aexpect(error_type, client.get_conformance())).status_code == status
        audit.inspect(*cuiman_objects(client))
    assert set(authorizations(server)) == {f"Bearer {TOKEN}"}
    audit.assert_clean()


@pytest.mark.asyncio
async def test_async_cuiman_connection_refused_and_timeout(audit: Audit, slow: StubServer) -> None:
    async with AsyncClient(server_url=closed_port_url(), access_token=TOKEN) as client:
        await audit.aexpect(ClientConnectionError, client.get_conformance())
    async with AsyncClient(server_url=slow.url, access_token=TOKEN, timeout=SHORT_TIMEOUT) as client:
        await audit.aexpect(ClientTimeoutError, client.get_conformance())
        audit.inspect(*cuiman_objects(client))
    assert f"Bearer {TOKEN}" in authorizations(slow)
    audit.assert_clean(loggers=_FAILURE_LOGGERS)


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [302, 307])
async def test_async_cuiman_redirects(
    audit: Audit, stubs: Callable[..., StubServer], target: StubServer, status: int
) -> None:
    origin = redirector(stubs, target, status)
    async with AsyncClient(server_url=origin.url, access_token=TOKEN) as client:
        error = await audit.aexpect(ClientStatusError, client.get_conformance())
        assert error.status_code == status
        assert not target.requests
        assert (await client.get_conformance(follow_redirects=True)).conformsTo == []
        response = await client.request("POST", "/processes/add/execution", json={"inputs": {}}, follow_redirects=True)
        assert response.status_code == 200 and response.url.host == "localhost"
        audit.inspect(*cuiman_objects(client))
    assert authorizations(origin) == [f"Bearer {TOKEN}"] * 3
    assert len(target.requests) == 2
    audit.assert_clean(also=sent_to_other_host(target.requests, audit.secrets))


@pytest.mark.asyncio
async def test_async_cuiman_secrets_in_query_are_masked(audit: Audit, wraptile: WraptileServer) -> None:
    params = {"token": TOKEN, "api_key": API_KEY}
    async with AsyncClient(server_url=wraptile.base_url, access_token=TOKEN) as client:
        assert (await client.get_processes(params=params)).processes
        error = await audit.aexpect(ClientStatusError, client.get_process("nope", params=params))
        assert error.status_code == 404 and "token=***" in error.url and "api_key=***" in error.url
    async with AsyncClient(server_url=closed_port_url(), access_token=TOKEN) as client:
        error = await audit.aexpect(ClientConnectionError, client.get_conformance(params=params))
        assert "api_key=***" in error.url
    audit.assert_clean()


# ------------------------------------------------------------------------------------------
# cuiman configuration
# ------------------------------------------------------------------------------------------
def test_client_config_repr_and_written_file(audit: Audit, wraptile: WraptileServer, tmp_path: Path) -> None:
    config = ClientConfig(server_url=wraptile.base_url, user_name="me", access_token=TOKEN)
    assert config.access_token == TOKEN
    audit.inspect(config, ClientConfig.create(config=config))
    path = tmp_path / "eozilla" / "config"
    assert config.write(path) == path
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text) == {"server_url": wraptile.base_url, "user_name": "me"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    audit.inspect_text(f"written {path}", text)
    # an existing, world-readable file holding a token is replaced by a private one without it
    old = tmp_path / "old-config"
    old.write_text(f"access_token: {TOKEN}\n", encoding="utf-8")
    old.chmod(0o644)
    config.write(old)
    audit.inspect_text(f"rewritten {old}", old.read_text(encoding="utf-8"))
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    with Client(config_path=path, access_token=TOKEN) as client:
        assert client.config.access_token == TOKEN and client.config.user_name == "me"
        client.get_conformance()
        audit.inspect(*cuiman_objects(client), ClientConfig.from_file(path))
    audit.assert_clean()


def test_client_config_token_from_environment(
    audit: Audit, wraptile: WraptileServer, monkeypatch: pytest.MonkeyPatch, isolated_environment: Path
) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("EOZILLA_SERVER_URL", wraptile.base_url)
    with Client() as client:
        assert client.config.access_token == TOKEN
        client.get_conformance()
        path = client.config.write()
        audit.inspect(*cuiman_objects(client), ClientConfig.from_env())
    assert path == isolated_environment / ".eozilla" / "config"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    audit.inspect_text(f"written {path}", path.read_text(encoding="utf-8"))
    audit.assert_clean()


def _assign_bad_url() -> None:
    config = ClientConfig(server_url="http://127.0.0.1:8008", access_token=TOKEN)
    config.server_url = "ftp://example.test"


def _from_file(text: str, path: Path) -> Callable[[], Any]:
    def load() -> Any:
        path.write_text(text, encoding="utf-8")
        return ClientConfig.from_file(path)

    return load


@pytest.mark.parametrize(
    ("make", "error_type"),
    [
        pytest.param(
            lambda p: lambda: ClientConfig(server_url="ftp://x", access_token=TOKEN), ValidationError, id="ctor"
        ),
        pytest.param(
            lambda p: lambda: ClientConfig(server_url="no url", user_name="me", access_token=TOKEN),
            ValidationError,
            id="ctor-no-scheme",
        ),
        pytest.param(lambda p: lambda: ClientConfig(access_token=[TOKEN]), ValidationError, id="token-wrong-type"),
        pytest.param(
            lambda p: lambda: ClientConfig.model_validate({"access_token": TOKEN, "server_url": 8008}),
            ValidationError,
            id="model-validate",
        ),
        pytest.param(
            lambda p: lambda: ClientConfig.create(server_url="http://", access_token=TOKEN),
            ValidationError,
            id="create",
        ),
        pytest.param(lambda p: _assign_bad_url, ValidationError, id="assignment"),
        pytest.param(
            lambda p: lambda: Client(server_url="localhost:8008", access_token=TOKEN), ValidationError, id="client"
        ),
        pytest.param(
            lambda p: lambda: AsyncClient(server_url="nope", access_token=TOKEN), ValidationError, id="async-client"
        ),
        pytest.param(
            lambda p: _from_file(f"access_token: {TOKEN}\nserver_url: ftp://x\n", p),
            ValueError,
            id="file-bad-url",
        ),
        pytest.param(
            lambda p: _from_file(f"- access_token: {TOKEN}\n", p),
            ValueError,
            id="file-not-a-mapping",
        ),
    ],
)
def test_config_validation_errors_hide_the_token(
    audit: Audit, tmp_path: Path, make: Callable[[Path], Callable[[], Any]], error_type: type[Exception]
) -> None:
    audit.expect(error_type, make(tmp_path / "config"))
    audit.assert_clean(loggers=())


def test_config_from_environment_with_bad_url_hides_the_token(audit: Audit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("EOZILLA_SERVER_URL", "ftp://example.test")
    audit.expect(ValidationError, Client)
    audit.expect(ValidationError, ClientConfig.from_env)
    audit.assert_clean(loggers=())


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f'server_url: http://127.0.0.1:8008\naccess_token: "{TOKEN}\n', id="unclosed-quote"),
        pytest.param(f"access_token: {TOKEN}: x\n", id="stray-colon"),
    ],
)
def test_config_file_yaml_error_hides_the_token(audit: Audit, tmp_path: Path, text: str) -> None:
    path = tmp_path / "config"
    path.write_text(text, encoding="utf-8")
    error = audit.expect(ValueError, ClientConfig.from_file, path)
    assert str(path) in str(error)  # the message names the broken file
    audit.expect(ValueError, Client, config_path=path)
    audit.assert_clean(loggers=())
