"""Authorization code + PKCE login in the user's browser, with a loopback redirect.

For public clients such as a Keycloak CLI client (RFC 8252, RFC 7636): a one-shot HTTP
server on 127.0.0.1 receives the provider's redirect; the code it carries becomes an
:class:`AuthorizationCodeGrant`, which :class:`~specwright_runtime.auth.OAuth2Auth` posts to
the token endpoint (then refreshes and caches as for any grant)::

    provider = discover(openid_connect_url)
    login = LoopbackLogin.from_provider(provider, "my-cli")
    auth = OAuth2Auth(provider.token_endpoint, interactive=login, cache=TokenCache(path))
"""

from __future__ import annotations

import logging
import secrets
import socketserver
import sys
import threading
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.errors import MismatchingStateException, MissingCodeException
from authlib.oauth2.rfc6749.parameters import parse_authorization_code_response, prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from .oidc import AuthorizationDenied, LoginError, LoginTimeout, ProviderMetadata, StateMismatch
from .redact import redact_url

logger = logging.getLogger("specwright_runtime.loopback")

#: Seconds the user has to finish logging in by default.
DEFAULT_LOGIN_TIMEOUT = 300.0

OpenBrowser = Callable[[str], object]


@dataclass(frozen=True)
class AuthorizationCodeGrant:
    """Authorization code grant with a PKCE verifier (RFC 6749 section 4.1.3, RFC 7636 section 4.5)."""

    code: str = field(repr=False)
    redirect_uri: str
    client_id: str
    code_verifier: str = field(repr=False)

    #: a code works once: OAuth2Auth never keeps it for renewals
    single_use: ClassVar[bool] = True

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "authorization_code",
            "code": self.code,
            "redirect_uri": self.redirect_uri,
            "client_id": self.client_id,
            "code_verifier": self.code_verifier,
        }


def open_in_browser(url: str) -> None:
    """Ask the user (on stderr) to visit ``url``, and try to open it in their browser."""
    print(f"To log in, visit this address in your browser (opening it now): {url}", file=sys.stderr, flush=True)
    try:
        webbrowser.open(url)
    except webbrowser.Error:
        pass  # the printed line is enough


class LoopbackLogin:
    """Interactive login: the browser logs the user in and redirects back to ``http://127.0.0.1:<port>/``.

    ``grant()`` listens on 127.0.0.1 only, on the first of ``ports`` it can bind (0: any free
    port), hands the authorization URL to ``open_browser``, waits up to ``timeout`` seconds for
    the one redirect to ``redirect_path``, and always closes the server. The redirect's
    ``state`` must match (else :class:`StateMismatch`); an ``error`` in it raises
    :class:`AuthorizationDenied` (``access_denied``) or :class:`LoginError`; no redirect in
    time raises :class:`LoginTimeout`. The browser gets a short page that never shows the code.
    """

    def __init__(
        self,
        authorization_endpoint: str,
        client_id: str,
        *,
        scope: str | Sequence[str] | None = "openid",
        ports: Sequence[int] = (0,),
        redirect_path: str = "/",
        timeout: float = DEFAULT_LOGIN_TIMEOUT,
        open_browser: OpenBrowser = open_in_browser,
        extra_params: Mapping[str, str] | None = None,
    ) -> None:
        if not redirect_path.startswith("/"):
            raise ValueError(f"redirect_path must start with '/', not {redirect_path!r}")
        if not ports or any(not 0 <= p <= 65535 for p in ports):
            raise ValueError("ports must be a non-empty list of port numbers (0 for any free port)")
        self.authorization_endpoint = authorization_endpoint
        self.client_id = client_id
        self.scope = scope
        self.ports = tuple(ports)
        self.redirect_path = redirect_path
        self.timeout = timeout
        self.open_browser = open_browser
        self.extra_params = dict(extra_params or {})

    @classmethod
    def from_provider(cls, provider: ProviderMetadata, client_id: str, **kwargs: Any) -> LoopbackLogin:
        """A login at a discovered provider's authorization endpoint."""
        return cls(provider.authorization_endpoint, client_id, **kwargs)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({redact_url(self.authorization_endpoint)!r}, client_id={self.client_id!r}, "
            f"ports={list(self.ports)!r}, timeout={self.timeout:g})"
        )

    def grant(self) -> AuthorizationCodeGrant:
        """Log the user in through their browser (blocks up to ``timeout`` seconds)."""
        state = generate_token(32)
        verifier = generate_token(64)  # RFC 7636: 43 to 128 unreserved characters
        server = self._listen(state)
        thread: threading.Thread | None = None
        try:
            redirect_uri = f"http://127.0.0.1:{server.server_address[1]}{self.redirect_path}"
            url = str(
                prepare_grant_uri(
                    self.authorization_endpoint,
                    self.client_id,
                    "code",
                    redirect_uri,
                    self.scope,
                    state,
                    code_challenge=_s256(verifier),
                    code_challenge_method="S256",
                    **self.extra_params,
                )
            )
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="login-redirect", daemon=True
            )
            thread.start()
            logger.debug("login: waiting up to %g s for the redirect to %s", self.timeout, redirect_uri)
            self.open_browser(url)
            if not server.done.wait(self.timeout):
                raise LoginTimeout(
                    f"no login redirect arrived within {self.timeout:g} s", url=redact_url(self.authorization_endpoint)
                )
            outcome = server.outcome
        finally:
            if thread is not None:
                server.shutdown()
                thread.join()
            server.server_close()
        if isinstance(outcome, LoginError):
            outcome.url = redact_url(self.authorization_endpoint)
            raise outcome
        if outcome is None:  # cannot happen: done is set together with the outcome
            raise LoginError("login redirect lost", url=redact_url(self.authorization_endpoint))
        logger.debug("login: authorization code received")
        return AuthorizationCodeGrant(outcome, redirect_uri, self.client_id, verifier)

    def _listen(self, state: str) -> _RedirectServer:
        failure: OSError | None = None
        for port in self.ports:
            try:
                return _RedirectServer(("127.0.0.1", port), self.redirect_path, state)
            except OSError as exc:  # taken: try the next port
                failure = exc
        raise LoginError(
            f"could not listen for the login redirect on 127.0.0.1 port(s) {', '.join(map(str, self.ports))}: "
            f"{type(failure).__name__}",
            url=redact_url(self.authorization_endpoint),
        )


def _s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``."""
    return str(create_s256_code_challenge(verifier))  # type: ignore[no-untyped-call]  # stubs leave it untyped


def judge_redirect(target: str, state: str) -> str | LoginError:
    """The code a redirect's request target carries, or the error it stands for."""
    params = dict(parse_qsl(urlsplit(target).query, keep_blank_values=True))
    error = params.get("error")
    if error is not None:
        # an error redirect must be ours too, or any page could end a login
        if not secrets.compare_digest(params.get("state", "").encode(), state.encode()):
            return StateMismatch("login redirect carried another state than the one sent")
        description = params.get("error_description") or None
        if description is not None:
            description = description[:300]
        message = f"login refused: {error[:100]}" + (f" ({description})" if description else "")
        if error == "access_denied":
            return AuthorizationDenied(message, error=error, description=description)
        return LoginError(message, error=error, description=description)
    try:
        params = parse_authorization_code_response(target, state)
    except MismatchingStateException:
        return StateMismatch("login redirect carried another state than the one sent")
    except MissingCodeException:
        return LoginError("login redirect carried no authorization code")
    code = params.get("code")
    if not isinstance(code, str) or not code:
        return LoginError("login redirect carried no authorization code")
    return code


_DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body style='font-family:sans-serif'><h1>{title}</h1><p>{text}</p></body></html>"
)


def _page(success: bool) -> bytes:
    # nothing from the redirect is echoed: the page is the same whatever the code or error
    if success:
        title, text = "Logged in", "You can close this tab and go back to the application."
    else:
        title, text = "Login failed", "You can close this tab; the application tells you what went wrong."
    return _DONE_PAGE.format(title=title, text=text).encode("utf-8")


class _RedirectServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """Waits for one redirect; the first request to ``path`` decides the outcome."""

    daemon_threads = True
    block_on_close = False  # an idle browser pre-connection must not hold up closing

    def __init__(self, address: tuple[str, int], path: str, state: str) -> None:
        super().__init__(address, _RedirectHandler)
        self.redirect_path = path
        self.state = state
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.outcome: str | LoginError | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser that hangs up is no reason to print a traceback

    def settle(self, target: str) -> bool | None:
        """Decide the outcome from a redirect: success, failure, or ``None`` when already decided."""
        with self.lock:
            if self.done.is_set():
                return None
            outcome = judge_redirect(target, self.state)
            self.outcome = outcome
            self.done.set()
            return isinstance(outcome, str)


class _RedirectHandler(BaseHTTPRequestHandler):
    server: _RedirectServer
    timeout = 10  # seconds an idle connection may keep a handler thread
    server_version = "specwright-login"
    sys_version = ""

    def do_GET(self) -> None:
        if urlsplit(self.path).path != self.server.redirect_path:
            self._answer(404, b"Not found", "text/plain; charset=utf-8")  # e.g. /favicon.ico
            return
        success = self.server.settle(self.path)
        if success is None:
            self._answer(409, b"This login has already finished.", "text/plain; charset=utf-8")
            return
        self._answer(200 if success else 400, _page(success), "text/html; charset=utf-8")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the default writes the request line, code included, to stderr
