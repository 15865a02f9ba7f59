"""A small real OpenID Connect provider on 127.0.0.1, for the interactive-login tests.

Standard library only (its PKCE check is its own, not the client's library). Laid out like
a Keycloak realm::

    with OIDCProvider() as provider:
        provider.discovery_url        # .../realms/demo/.well-known/openid-configuration
        provider.token_endpoint       # POST: authorization_code (PKCE S256), refresh_token, device_code
        provider.me_url               # GET: 200 {"sub": "alice"} with a valid bearer token, else 401

The authorization endpoint approves at once: a 302 to the ``redirect_uri`` with a code and
the given state. ``authorize_mode`` makes it deny (``error=access_denied``), send a wrong
state, or send no code. The device endpoint hands out device codes whose token polls answer
``device_answers`` in turn (``authorization_pending``, ``slow_down``, ``access_denied``,
``expired_token`` or ``ok``; the last repeats). Everything secret the provider issued or
saw is in :meth:`OIDCProvider.secrets`, so tests can check none of it leaked.

:class:`Browser` plays the user's browser: it GETs the authorization URL without following
the redirect, then GETs the ``Location`` (the client's loopback server); httpcore's DEBUG
lines of these requests are left out, as they show the provider's ``Location`` header.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

__all__ = ["Browser", "OIDCProvider", "s256"]

REALM = "/realms/demo"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
AuthorizeMode = Literal["approve", "deny", "wrong_state", "no_code"]


def s256(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    used: bool = False


@dataclass
class _Device:
    client_id: str
    answers: list[str]
    polls: int = 0


@dataclass
class _State:
    codes: dict[str, _Code] = field(default_factory=dict)
    devices: dict[str, _Device] = field(default_factory=dict)
    access_tokens: set[str] = field(default_factory=set)  # currently valid
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # currently valid -> client id
    issued: list[str] = field(default_factory=list)  # every code, token and device code issued
    verifiers: list[str] = field(default_factory=list)  # every PKCE verifier received


class OIDCProvider:
    """The provider in a background thread; use it as a context manager.

    Settings (change them between logins): ``client_id``, ``expires_in`` (access token
    lifetime sent to clients), ``authorize_mode``, ``device_answers``, ``device_expires_in``,
    ``device_interval``, and ``discovery_answer`` (``(status, body)`` to serve instead of the
    real document). Records: ``authorize_requests`` (query dicts), ``token_forms``,
    ``device_forms``, ``me_requests`` (``Authorization`` headers).
    """

    def __init__(self, *, client_id: str = "specwright-cli", expires_in: int = 300) -> None:
        self.client_id = client_id
        self.expires_in = expires_in
        self.authorize_mode: AuthorizeMode = "approve"
        self.device_answers: list[str] = ["ok"]
        self.device_expires_in = 600
        self.device_interval = 5
        self.discovery_answer: tuple[int, bytes | dict[str, Any]] | None = None
        self.authorize_requests: list[dict[str, str]] = []
        self.token_forms: list[dict[str, str]] = []
        self.device_forms: list[dict[str, str]] = []
        self.me_requests: list[str | None] = []
        self._state = _State()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- life ------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="oidc-provider", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    # -- addresses -------------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        return self.url + REALM

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    @property
    def authorization_endpoint(self) -> str:
        return self.issuer + "/protocol/openid-connect/auth"

    @property
    def token_endpoint(self) -> str:
        return self.issuer + "/protocol/openid-connect/token"

    @property
    def device_endpoint(self) -> str:
        return self.issuer + "/protocol/openid-connect/auth/device"

    @property
    def me_url(self) -> str:
        return self.url + "/api/me"

    def document(self) -> dict[str, Any]:
        """The discovery document served."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.authorization_endpoint,
            "token_endpoint": self.token_endpoint,
            "device_authorization_endpoint": self.device_endpoint,
            "userinfo_endpoint": self.me_url,
            "jwks_uri": self.issuer + "/protocol/openid-connect/certs",
            "scopes_supported": ["openid", "profile", "offline_access"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_GRANT],
            "code_challenge_methods_supported": ["S256"],
            "response_types_supported": ["code"],
        }

    # -- server-side changes and records ---------------------------------------------------
    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (as if it had expired)."""
        with self._lock:
            self._state.access_tokens.clear()

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far stops working (session ended on the server)."""
        with self._lock:
            self._state.refresh_tokens.clear()

    def secrets(self) -> list[str]:
        """Every code, token, device code and PKCE verifier issued or received so far."""
        with self._lock:
            return [*self._state.issued, *self._state.verifiers]

    @property
    def issued_codes(self) -> list[str]:
        with self._lock:
            return list(self._state.codes)

    @property
    def valid_refresh_tokens(self) -> list[str]:
        with self._lock:
            return list(self._state.refresh_tokens)

    def grant_types(self) -> list[str]:
        """The ``grant_type`` of each token request, in order."""
        return [form.get("grant_type", "") for form in self.token_forms]

    # -- endpoints (called by the handler) -------------------------------------------------
    def _issue(self, client_id: str) -> tuple[int, dict[str, Any]]:
        access, refresh = f"at-{secrets.token_hex(12)}", f"rt-{secrets.token_hex(12)}"
        with self._lock:
            self._state.access_tokens.add(access)
            self._state.refresh_tokens[refresh] = client_id
            self._state.issued += [access, refresh]
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_token": refresh,
            "scope": "openid",
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of the authorization endpoint."""
        self.authorize_requests.append(query)
        redirect_uri = query.get("redirect_uri", "")
        problems = [
            query.get("client_id") != self.client_id and "unknown client",
            query.get("response_type") != "code" and "response_type must be code",
            query.get("code_challenge_method") != "S256" and "PKCE S256 required",
            not query.get("code_challenge") and "code_challenge missing",
            not redirect_uri.startswith("http://127.0.0.1:") and "redirect_uri must be a loopback address",
            not query.get("state") and "state missing",
        ]
        problem = next((p for p in problems if p), None)
        if problem:  # never redirect to an unchecked redirect_uri
            return 400, {"Content-Type": "text/plain"}, problem.encode()
        state = query["state"]
        params: dict[str, str]
        if self.authorize_mode == "deny":
            params = {"error": "access_denied", "error_description": "The user said no", "state": state}
        elif self.authorize_mode == "no_code":
            params = {"state": state}
        else:
            code = f"code-{secrets.token_hex(12)}"
            with self._lock:
                self._state.codes[code] = _Code(self.client_id, redirect_uri, query["code_challenge"])
                self._state.issued.append(code)
            params = {"code": code, "state": state}
            if self.authorize_mode == "wrong_state":
                params["state"] = f"forged-{secrets.token_hex(8)}"
        joiner = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": f"{redirect_uri}{joiner}{urlencode(params)}"}, b""

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON for a POST to the token endpoint."""
        self.token_forms.append(form)
        grant_type = form.get("grant_type")
        client_id = form.get("client_id")
        if client_id != self.client_id:
            return 401, {"error": "invalid_client", "error_description": "unknown or missing client_id"}
        if grant_type == "authorization_code":
            return self._code_token(form, client_id)
        if grant_type == "refresh_token":
            with self._lock:
                known = self._state.refresh_tokens.pop(form.get("refresh_token", ""), None)  # rotated
            if known != client_id:
                return 400, {"error": "invalid_grant", "error_description": "Token is not active"}
            return self._issue(client_id)
        if grant_type == DEVICE_GRANT:
            return self._device_token(form, client_id)
        return 400, {"error": "unsupported_grant_type"}

    def _code_token(self, form: dict[str, str], client_id: str) -> tuple[int, dict[str, Any]]:
        verifier = form.get("code_verifier", "")
        with self._lock:
            if verifier:
                self._state.verifiers.append(verifier)
            issued = self._state.codes.get(form.get("code", ""))
            ok = issued is not None and not issued.used
            if issued is not None:
                issued.used = True  # a code works once, even when the exchange fails
        if not ok or issued is None:
            return 400, {"error": "invalid_grant", "error_description": "Code not valid"}
        if form.get("redirect_uri") != issued.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "Incorrect redirect_uri"}
        if not verifier or not secrets.compare_digest(s256(verifier), issued.challenge):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        return self._issue(client_id)

    def device_authorization(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON for a POST to the device authorization endpoint."""
        self.device_forms.append(form)
        if form.get("client_id") != self.client_id:
            return 401, {"error": "invalid_client", "error_description": "unknown client"}
        device_code = f"dc-{secrets.token_hex(12)}"
        user_code = f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}"
        with self._lock:
            self._state.devices[device_code] = _Device(self.client_id, list(self.device_answers))
            self._state.issued.append(device_code)
        verification = self.issuer + "/device"
        return 200, {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification,
            "verification_uri_complete": f"{verification}?user_code={user_code}",
            "expires_in": self.device_expires_in,
            "interval": self.device_interval,
        }

    def _device_token(self, form: dict[str, str], client_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            device = self._state.devices.get(form.get("device_code", ""))
            if device is None or device.client_id != client_id:
                return 400, {"error": "invalid_grant", "error_description": "unknown device code"}
            answer = device.answers[min(device.polls, len(device.answers) - 1)]
            device.polls += 1
        if answer == "ok":
            with self._lock:
                del self._state.devices[form["device_code"]]
            return self._issue(client_id)
        return 400, {"error": answer}

    def me(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        """Status and JSON for the protected API."""
        self.me_requests.append(authorization)
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            valid = scheme.lower() == "bearer" and token in self._state.access_tokens
        if not valid:
            return 401, {"detail": "Not authenticated"}
        return 200, {"sub": "alice"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: OIDCProvider


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        body = data if isinstance(data, bytes) else json.dumps(data).encode("utf-8")
        self._send(status, {"Content-Type": "application/json", **(headers or {})}, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path == urlsplit(owner.discovery_url).path:
            if owner.discovery_answer is not None:
                self._json(*owner.discovery_answer)
            else:
                self._json(200, owner.document())
        elif parts.path == urlsplit(owner.authorization_endpoint).path:
            self._send(*owner.authorize(query))
        elif parts.path == "/api/me":
            status, data = owner.me(self.headers.get("Authorization"))
            self._json(status, data, {"WWW-Authenticate": "Bearer"} if status == 401 else None)
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        path = urlsplit(self.path).path
        if path == urlsplit(owner.token_endpoint).path:
            self._json(*owner.token(form))
        elif path == urlsplit(owner.device_endpoint).path:
            self._json(*owner.device_authorization(form))
        else:
            self._json(404, {"detail": "Not Found"})


class Browser:
    """The user's browser: an ``open_browser`` callable that follows the login with real requests.

    ``opened`` lists the authorization URLs it was given; ``pages`` the loopback server's
    answers. ``visit=False`` only records (a user who never comes back). ``before`` runs
    first with the URL (e.g. to request ``/favicon.ico`` of the loopback server).
    """

    def __init__(self, *, visit: bool = True, before: Callable[[str], None] | None = None) -> None:
        self.visit = visit
        self.before = before
        self.opened: list[str] = []
        self.pages: list[httpx.Response] = []
        self.redirects: list[str] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        if self.before is not None:
            self.before(url)
        if not self.visit:
            return
        # the browser is not the client under test: httpcore would log the provider's
        # Location header, code included, at DEBUG
        wire_log = logging.getLogger("httpcore")
        level = wire_log.level
        wire_log.setLevel(logging.INFO)
        try:
            with httpx.Client(timeout=5.0) as http:
                answer = http.get(url, follow_redirects=False)
                assert answer.status_code == 302, answer.text
                location = answer.headers["location"]
                self.redirects.append(location)
                page = http.get(location)
                page.read()
                self.pages.append(page)
        finally:
            wire_log.setLevel(level)

    @property
    def query(self) -> dict[str, str]:
        """The last authorization URL's query parameters."""
        return dict(parse_qsl(urlsplit(self.opened[-1]).query))

    @property
    def redirect_uri(self) -> str:
        return self.query["redirect_uri"]

    @property
    def port(self) -> int:
        """The loopback server's port, read from the last authorization URL."""
        port = urlsplit(self.redirect_uri).port
        assert port is not None
        return port
