"""Authentication flows as ``httpx.Auth`` objects.

As in httpx, a flow only yields requests (the API request, and token requests when it must
renew) and reads their answers; it never sends anything itself. The request core
(:mod:`specwright_runtime.core`) drives explicit token fetches and logins, so this module
imports neither the core nor the client layer. Secrets are held in private attributes and
never appear in ``repr()``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import stat
import threading
import time
from collections.abc import AsyncGenerator, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, Protocol
from urllib.parse import quote

import httpx

from .errors import TokenEndpointError, parse_body
from .files import write_private
from .redact import redact_url
from .wire import SECURITY_EXTENSION

logger = logging.getLogger("specwright_runtime.auth")


class BearerAuth(httpx.Auth):
    """A static bearer token that can be replaced or cleared."""

    def __init__(self, token: str | None = None, *, header: str = "Authorization", scheme: str = "Bearer") -> None:
        self._token = token or None
        self._header = header
        self._scheme = scheme

    @property
    def token(self) -> str | None:
        """The current token."""
        return self._token

    def set_token(self, token: str | None) -> None:
        """Use ``token`` from the next request on (``None`` or ``""`` clears it)."""
        self._token = token or None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._token:
            request.headers[self._header] = f"{self._scheme} {self._token}" if self._scheme else self._token
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token={'set' if self._token else None})"


class BasicAuth(httpx.Auth):
    """HTTP basic auth (RFC 7617) whose credentials can be replaced; without a username nothing is sent."""

    def __init__(self, username: str | None = None, password: str | None = None) -> None:
        self._username: str | None = None
        self._password = ""
        self.set_credentials(username, password)

    @property
    def username(self) -> str | None:
        """The current username."""
        return self._username

    def set_credentials(self, username: str | None, password: str | None) -> None:
        """Use these credentials from the next request on (``None`` username: send none)."""
        self._username = username
        self._password = password or ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._username is not None:
            # RFC 7617 section 2.1: UTF-8 is the charset clients use
            pair = f"{self._username}:{self._password}".encode()
            request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        yield request

    def __repr__(self) -> str:
        password = "set" if self._password else None
        return f"{type(self).__name__}(username={self._username!r}, password={password})"


#: RFC 6265 section 4.1.1: a cookie name is a token, a cookie value cookie-octets (no
#: whitespace, DQUOTE, comma, semicolon or backslash), optionally in double quotes
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_COOKIE_OCTETS = r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"
_COOKIE_VALUE = re.compile(f'{_COOKIE_OCTETS}|"{_COOKIE_OCTETS}"')


class ApiKeyAuth(httpx.Auth):
    """An API key sent in a header, a query parameter or a cookie (OpenAPI ``apiKey`` ``in``).

    A cookie key joins the request's ``Cookie`` header, after any cookies the request already
    carries. A key that a cookie cannot hold is refused here, not sent mangled.
    """

    def __init__(self, key: str, *, name: str = "X-API-Key", location: str = "header") -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"API key location must be 'header', 'query' or 'cookie', not {location!r}")
        if location == "cookie":
            if not _COOKIE_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid cookie name (RFC 6265)")
            if not _COOKIE_VALUE.fullmatch(key):
                # the key itself stays out of the message
                raise ValueError(f"the API key for cookie {name!r} holds characters a cookie value cannot (RFC 6265)")
        self._key = key
        self._name = name
        self._location = location

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._location == "header":
            request.headers[self._name] = self._key
        elif self._location == "query":
            request.url = request.url.copy_merge_params({self._name: self._key})
        else:
            pair = f"{self._name}={self._key}"
            existing = request.headers.get("Cookie")
            request.headers["Cookie"] = f"{existing}; {pair}" if existing else pair
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self._name!r}, location={self._location!r})"


@dataclass(frozen=True)
class OAuth2Token:
    """An access token and when it stops being valid."""

    access_token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_at: float | None = None  # seconds since the epoch
    refresh_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_payload(cls, payload: Any, *, now: float | None = None) -> OAuth2Token:
        """Read a token endpoint's JSON answer (RFC 6749 section 5.1)."""
        if not isinstance(payload, Mapping):
            raise ValueError("Login response is not a JSON object")
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("Login response did not include an access token")
        current = time.time() if now is None else now
        expires_at: float | None = None
        expires_in = payload.get("expires_in")
        if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
            expires_at = current + float(expires_in)
        else:
            expires_at = jwt_expiry(access)
        refresh = payload.get("refresh_token")
        token_type = payload.get("token_type")
        return cls(
            access_token=access,
            token_type="Bearer" if not isinstance(token_type, str) or token_type.lower() == "bearer" else token_type,
            expires_at=expires_at,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True when the token expires in less than ``seconds``."""
        if self.expires_at is None:
            return False
        current = time.time() if now is None else now
        return self.expires_at - current < seconds


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT, read without verifying it; ``None`` if not a JWT."""
    if token.count(".") != 2:
        return None
    import jwt  # PyJWT (and cryptography) only once a token is read, not at import

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    exp = claims.get("exp")
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


class Grant(Protocol):
    """Form fields of one OAuth2 grant.

    A grant whose class sets ``single_use = True`` (an authorization code) is posted once
    and never kept for renewals.
    """

    def form(self) -> dict[str, str]: ...


class InteractiveLogin(Protocol):
    """A login that needs the user (e.g. in a browser): ``grant()`` blocks until they are done."""

    def grant(self) -> Grant: ...


@dataclass(frozen=True)
class PasswordGrant:
    """Resource-owner password grant (RFC 6749 section 4.3)."""

    username: str
    password: str = field(repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scope: str | None = None

    def form(self) -> dict[str, str]:
        data = {"grant_type": "password", "username": self.username, "password": self.password}
        return _with_client(data, self.client_id, self.client_secret, self.scope)


@dataclass(frozen=True)
class ClientCredentialsGrant:
    """Client-credentials grant (RFC 6749 section 4.4)."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None = None

    def form(self) -> dict[str, str]:
        return _with_client({"grant_type": "client_credentials"}, self.client_id, self.client_secret, self.scope)


@dataclass(frozen=True)
class RefreshGrant:
    """Refresh-token grant (RFC 6749 section 6)."""

    refresh_token: str = field(repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)

    def form(self) -> dict[str, str]:
        data = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        return _with_client(data, self.client_id, self.client_secret, None)


def _client_of(grant: object) -> tuple[str | None, str | None]:
    client_id = getattr(grant, "client_id", None)
    secret = getattr(grant, "client_secret", None)
    return (
        client_id if isinstance(client_id, str) and client_id else None,
        secret if isinstance(secret, str) and secret else None,
    )


def _with_client(data: dict[str, str], client_id: str | None, secret: str | None, scope: str | None) -> dict[str, str]:
    if client_id:
        data["client_id"] = client_id
    if secret:
        data["client_secret"] = secret
    if scope:
        data["scope"] = scope
    return data


class TokenCache:
    """A token kept in a file between runs: JSON, written atomically with mode 0600.

    Only the token is stored (access token, type, expiry, refresh token), never a password.
    A file that is missing, unreadable or not a token reads as no token; a token read from
    a file group- or world-readable is refused, as such a file may have been tampered with
    or exposed.

    :meth:`for_login` gives each login (name, provider, client, scopes) a file of its own
    under the user's home.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._own_folder: Path | None = None  # kept at 0700 on each save

    @classmethod
    def for_login(cls, name: str, *, provider: str, client_id: str | None, scope: str) -> TokenCache:
        """The user's cache for one login: ``~/.local/state/specwright/tokens/<name>-<digest>.json``.

        ``name`` keeps only ``A-Z a-z 0-9 . _ -`` (nothing left: ``ValueError``); the digest
        covers ``provider``, ``client_id`` and the scope words (in any order), so different
        providers, clients or scopes never share a file.
        """
        safe_name = _UNSAFE_NAME.sub("", name)
        if not safe_name:
            raise ValueError(f"token cache name {name!r} has none of the characters A-Z a-z 0-9 . _ -")
        key = json.dumps([provider, client_id or None, sorted(set(scope.split()))])  # JSON: unambiguous
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        folder = Path.home() / ".local" / "state" / "specwright" / "tokens"
        cache = cls(folder / f"{safe_name}-{digest}.json")
        cache._own_folder = folder
        return cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def load(self) -> OAuth2Token | None:
        """The cached token, or ``None``."""
        try:
            if self.path.stat().st_mode & 0o077:
                return None
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str) or not data["access_token"]:
            return None
        expires_at = data.get("expires_at")
        refresh = data.get("refresh_token")
        return OAuth2Token(
            access_token=data["access_token"],
            token_type=str(data.get("token_type") or "Bearer"),
            expires_at=float(expires_at) if isinstance(expires_at, (int, float)) and not isinstance(expires_at, bool) else None,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        )

    def save(self, token: OAuth2Token) -> None:
        """Replace the cached token (atomically, mode 0600)."""
        data = {
            "access_token": token.access_token,
            "token_type": token.token_type,
            "expires_at": token.expires_at,
            "refresh_token": token.refresh_token,
        }
        if self._own_folder is not None:
            _tighten(self._own_folder)
        write_private(self.path, json.dumps(data, sort_keys=True).encode("utf-8"))

    def clear(self) -> None:
        """Forget the cached token."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def _tighten(folder: Path) -> None:
    """Make a folder of ours 0700 if others may use it (not through a link: its target is not ours)."""
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return  # write_private creates it 0700
    if stat.S_ISDIR(info.st_mode) and info.st_mode & 0o077:
        os.chmod(folder, 0o700)


def may_ask_user(request: httpx.Request) -> bool:
    """Whether an auth flow may log the user in for ``request``: only for a call that requires credentials.

    The core marks each request with its call's security mode (a request without the mark,
    e.g. from a plain httpx client, requires them).
    """
    mode: object = request.extensions.get(SECURITY_EXTENSION, "required")
    return mode == "required"


class _NeedsUser:
    """What a renewal yields when only the user can provide a grant."""

    def __repr__(self) -> str:
        return "NEEDS_USER"


#: Yielded by a renewal for the user's interactive grant (answered with that grant).
NEEDS_USER: Final = _NeedsUser()

#: The steps of one renewal: token requests and :data:`NEEDS_USER`, answered with responses or a grant.
_Steps = Generator[httpx.Request | _NeedsUser, Any, None]


#: How a confidential client authenticates at the token endpoint (OpenID Connect names).
ClientAuthMethod = Literal["client_secret_post", "client_secret_basic"]


class OAuth2Auth(httpx.Auth):
    """Bearer auth backed by an OAuth2 token endpoint.

    Before a request, a missing token or one that expires within ``leeway`` seconds is
    renewed (refresh token if there is one, else the grant; a refresh token the token
    endpoint refuses with 400 or 401 is dropped and the grant asked again, e.g. a new
    password login); a 401 answer renews once and resends. Concurrent requests wait for one shared renewal. Without a grant, the token is
    static and failures surface as the server's 401.

    ``client_id`` is sent with refresh tokens when neither the grant nor the interactive
    login names a client (e.g. after ``set_token`` with a device login's token).

    With ``interactive``, a token that cannot be renewed that way (none yet, no refresh
    token, or a refresh token the server refuses) comes from the user: the first request
    runs ``interactive.grant()`` (in a worker thread in async code), posts its grant, and
    from then on the refresh token renews as above. A call's total timeout in the core also
    counts the user's time, so clients log in with :meth:`login` before their first call.

    A request the core marks ``security="optional"`` (or ``"none"``, when a caller gives
    this auth for it) never starts the interactive login: it gets a token not yet expired,
    or one renewed without the user, else goes without one; where a 401 could only be
    answered by a login, it is resent without the token.
    """

    def __init__(
        self,
        token_url: str,
        grant: Grant | None = None,
        *,
        token: OAuth2Token | None = None,
        leeway: float = 30.0,
        cache: TokenCache | None = None,
        interactive: InteractiveLogin | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        client_auth: ClientAuthMethod = "client_secret_post",
    ) -> None:
        self.token_url = token_url
        self._grant = grant
        self._interactive = interactive
        # the confidential client's secret, added to its token requests (never to another client's)
        self._own_client = (client_id or None, client_secret or None)
        self.client_auth: ClientAuthMethod = client_auth
        # client_id, later the client of the last single-use grant: refresh tokens go with it
        self._login_client: tuple[str | None, str | None] = self._own_client
        self._cache = cache
        self._token = token if token is not None or cache is None else cache.load()
        self._leeway = leeway
        self._sync_lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None
        self._refreshing_with: str | None = None  # the refresh token of the token request in flight

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token_url={redact_url(self.token_url)!r}, token={'set' if self._token else None})"

    @property
    def token(self) -> OAuth2Token | None:
        """The current token, if any."""
        return self._token

    def set_token(self, token: OAuth2Token | str | None) -> None:
        """Replace the token (a plain string is a token of unknown lifetime); the cache follows."""
        if isinstance(token, str):
            token = OAuth2Token(token) if token else None
        self._token = token
        if self._cache is not None:
            if token is None:
                self._cache.clear()
            else:
                self._cache.save(token)

    def set_grant(self, grant: Grant | None) -> None:
        """Replace the grant used to obtain new tokens.

        A single-use grant (an authorization code) is not kept: renewals go on with the
        refresh token, sent with that grant's client.
        """
        if grant is not None and getattr(grant, "single_use", False):
            client_id, secret = _client_of(grant)
            self._login_client = (client_id, secret or (self._own_client[1] if client_id == self._own_client[0] else None))
            return
        self._grant = grant

    def set_interactive(self, interactive: InteractiveLogin | None) -> None:
        """Replace (or remove) the login used when no token can be obtained without the user."""
        self._interactive = interactive

    def can_renew(self) -> bool:
        """Whether a new token can be obtained without the user."""
        return self._grant is not None or self._refreshable()

    def _refreshable(self) -> bool:
        return self._token is not None and self._token.refresh_token is not None

    def _obtainable(self, with_user: bool) -> bool:
        """Whether a token can be obtained: without the user, or (``with_user``) through them."""
        return self.can_renew() or (with_user and self._interactive is not None)

    # -- interactive login ---------------------------------------------------------------
    def interactive_grant(self) -> Grant:
        """Run the interactive login (blocking until the user is done) and return its grant."""
        if self._interactive is None:
            raise TokenEndpointError(
                "no interactive login configured", status_code=None, body=None, url=redact_url(self.token_url)
            )
        return self._interactive.grant()

    # -- the token request -------------------------------------------------------------
    def build_token_request(self, grant: Grant | None = None) -> httpx.Request:
        """The POST that obtains a new token: with ``grant`` if given, else refresh token, else the grant."""
        self._refreshing_with = None
        if grant is None:
            grant = self._grant
            if self._token is not None and self._token.refresh_token:
                grant = RefreshGrant(self._token.refresh_token, *self._refresh_client())
                self._refreshing_with = self._token.refresh_token
        if grant is None:
            raise TokenEndpointError(
                "no credentials to obtain a token", status_code=None, body=None, url=redact_url(self.token_url)
            )
        return self._token_request(grant.form())

    def _token_request(self, form: dict[str, str]) -> httpx.Request:
        """A token request authenticating a confidential client (RFC 6749 section 2.3.1).

        The configured client's secret is added to its own requests; with ``client_secret_basic``
        the id and secret go in an ``Authorization: Basic`` header instead of the form.
        """
        client_id, secret = self._own_client
        if secret and form.get("client_id") == client_id and "client_secret" not in form:
            form = {**form, "client_secret": secret}
        headers = {"Accept": "application/json"}
        if self.client_auth == "client_secret_basic" and form.get("client_secret") and form.get("client_id"):
            form = dict(form)
            pair = f"{quote(form.pop('client_id'), safe='')}:{quote(form.pop('client_secret'), safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return httpx.Request("POST", self.token_url, data=form, headers=headers)

    def accept_token_response(self, response: httpx.Response) -> OAuth2Token:
        """Store the token from a (read) token endpoint response, or raise."""
        url = redact_url(self.token_url)
        body = parse_body(response.content)
        if not response.is_success:
            raise TokenEndpointError(
                f"token endpoint answered HTTP {response.status_code}",
                status_code=response.status_code,
                body=body,
                url=url,
            )
        try:
            token = OAuth2Token.from_payload(body)
        except ValueError as exc:
            raise TokenEndpointError(str(exc), status_code=response.status_code, body=body, url=url) from None
        if token.refresh_token is None and self._refreshing_with:
            # no new refresh token in a refresh's answer: the one used stays valid (RFC 6749 section 6)
            token = dataclasses.replace(token, refresh_token=self._refreshing_with)
        self._refreshing_with = None
        self._token = token
        if self._cache is not None:
            self._cache.save(token)
        return token

    def _refresh_client(self) -> tuple[str | None, str | None]:
        """Client id and secret to send with a refresh token (public clients must send their id)."""
        for source in (self._grant, self._interactive):  # whichever names a client
            client_id = getattr(source, "client_id", None)
            if isinstance(client_id, str) and client_id:
                return _client_of(source)
        return self._login_client

    def _token_request_for(self, request: httpx.Request, grant: Grant | None = None) -> httpx.Request:
        # httpx gives the client's timeout only to the first request of a send
        token_request = self.build_token_request(grant)
        if "timeout" in request.extensions:
            token_request.extensions["timeout"] = request.extensions["timeout"]
        return token_request

    def _accept_or_login(self, response: httpx.Response, refreshing: bool) -> bool:
        """Accept a renewal's answer; ``True`` when the user must log in instead."""
        if refreshing and self._interactive is not None and response.status_code in (400, 401):
            # an expired or revoked refresh token: only the user can get a new one
            logger.debug("refresh token refused (HTTP %s); logging in again", response.status_code)
            self.set_token(None)
            return True
        self.accept_token_response(response)
        return False

    def _regrant(self, response: httpx.Response, refreshing: bool) -> bool:
        """Whether a refused refresh token calls for the stored grant (a password login again)."""
        if refreshing and self._grant is not None and response.status_code in (400, 401):
            logger.debug("refresh token refused (HTTP %s); asking again with the stored grant", response.status_code)
            self.set_token(None)  # the refresh token is dead: the next token request uses the grant
            return True
        return False

    def _renewal(self, request: httpx.Request, with_user: bool) -> _Steps:
        """The steps of one renewal, for sync and async flows alike.

        Yields token requests (answered with their read responses) and :data:`NEEDS_USER`
        when only the user can provide a grant (answered with that grant). Refresh token or
        stored grant first, and the stored grant again when the refresh token is refused;
        the interactive login when there is neither or the refresh token is refused, if
        ``with_user`` (else the renewal ends without a new token).
        """
        login = not self.can_renew()
        if not login:
            refreshing = self._refreshable()
            response = yield self._token_request_for(request)
            if self._regrant(response, refreshing):
                refreshing = False
                response = yield self._token_request_for(request)
            login = self._accept_or_login(response, refreshing)
        if login and with_user:
            grant = yield NEEDS_USER
            response = yield self._token_request_for(request, grant)
            self.accept_token_response(response)

    def _next_request(self, steps: _Steps, answer: Any) -> httpx.Request | None:
        """The renewal's next token request (``None``: done); the user's login blocks this thread."""
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return None
            if not isinstance(step, _NeedsUser):
                return step
            answer = self.interactive_grant()

    async def _anext_request(self, steps: _Steps, answer: Any) -> httpx.Request | None:
        """Async twin of :meth:`_next_request`: the user's login runs in a worker thread."""
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return None
            if not isinstance(step, _NeedsUser):
                return step
            answer = await asyncio.to_thread(self.interactive_grant)

    def _renew(self, request: httpx.Request, with_user: bool) -> Generator[httpx.Request, httpx.Response, None]:
        """One renewal in a sync flow."""
        steps = self._renewal(request, with_user)
        answer: httpx.Response | None = None
        while (token_request := self._next_request(steps, answer)) is not None:
            answer = yield token_request
            answer.read()

    def _stale(self, with_user: bool) -> bool:
        token = self._token
        if token is None:
            return self._obtainable(with_user)
        return token.expires_within(self._leeway) and self._obtainable(with_user)

    def _apply(self, request: httpx.Request, with_user: bool) -> OAuth2Token | None:
        """Put the token on ``request`` and return it; without the user, only one not yet expired."""
        token = self._token
        if token is None or (not with_user and token.expires_within(0)):
            return None
        request.headers["Authorization"] = f"{token.token_type} {token.access_token}"
        return token

    def _resent(self, request: httpx.Request, refused: OAuth2Token | None, with_user: bool) -> httpx.Request:
        """A request answered 401, ready to go again: with a token other than the refused one, else none."""
        if self._token is refused or self._apply(request, with_user) is None:
            request.headers.pop("Authorization", None)
        return request  # httpx reads and closes the 401 itself

    def _after(
        self, response: httpx.Response, renewed: bool, sent: OAuth2Token | None, with_user: bool
    ) -> Literal["renew", "resend"] | None:
        """What a 401 calls for: ``"renew"`` and resend, ``"resend"`` without the token, or nothing.

        A token renewed for this request is not renewed again. Where only a login could
        replace a refused token, a request that may not start one goes without it.
        """
        if response.status_code != 401 or renewed:
            return None
        if self._obtainable(with_user):
            return "renew"
        if not with_user and sent is not None and self._interactive is not None:
            return "resend"
        return None

    # -- flows ---------------------------------------------------------------------------
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with_user = may_ask_user(request)
        renewed = False
        if self._stale(with_user):
            with self._sync_lock:
                if self._stale(with_user):
                    yield from self._renew(request, with_user)
                    renewed = True
        used = self._token
        sent = self._apply(request, with_user)
        response = yield request
        retry = self._after(response, renewed, sent, with_user)
        if retry is None:
            return
        if retry == "renew":
            with self._sync_lock:
                if self._token is used:  # else another request renewed it meanwhile
                    yield from self._renew(request, with_user)
        yield self._resent(request, used, with_user)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        lock = self._async_lock
        with_user = may_ask_user(request)
        renewed = False
        answer: httpx.Response | None
        if self._stale(with_user):
            async with lock:
                if self._stale(with_user):
                    # the loop of _renew: an async generator cannot delegate to another
                    steps, answer = self._renewal(request, with_user), None
                    while (token_request := await self._anext_request(steps, answer)) is not None:
                        answer = yield token_request
                        await answer.aread()
                    renewed = True
        used = self._token
        sent = self._apply(request, with_user)
        response = yield request
        retry = self._after(response, renewed, sent, with_user)
        if retry is None:
            return
        if retry == "renew":
            async with lock:
                if self._token is used:
                    steps, answer = self._renewal(request, with_user), None
                    while (token_request := await self._anext_request(steps, answer)) is not None:
                        answer = yield token_request
                        await answer.aread()
        yield self._resent(request, used, with_user)
