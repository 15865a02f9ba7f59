"""The base of every generated low-level client, and its auth helper methods.

:class:`SyncClient` / :class:`AsyncClient` build the auth (from an
:class:`~specwright_runtime.schemes.AuthScheme`), the httpx client and the core, so a
generated constructor only names its scheme and credentials. The mixins add the helpers a
scheme offers: tokens (:class:`TokenMethods`), the OAuth2 password login
(:class:`PasswordLoginMethods`), basic credentials (:class:`BasicMethods`) and the OpenID
Connect logins (:class:`OpenIDConnectMethods`), with ``Async…`` twins where they send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from .attempts import DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT
from .auth import BasicAuth, BearerAuth, OAuth2Auth, PasswordGrant
from .core import AsyncCore, SyncCore
from .errors import ErrorFactory
from .redact import redact_url
from .retries import RetryPolicy
from .schemes import AuthScheme
from .wire import Call, RequestOptions

if TYPE_CHECKING:
    # the OpenID Connect and device-flow modules (authlib, webbrowser, http.server) load when a login needs them
    from .device import DeviceAuthorization
    from .oidc_auth import OpenIDConnectAuth

__all__ = [
    "AsyncClient",
    "AsyncOpenIDConnectMethods",
    "AsyncPasswordLoginMethods",
    "BasicMethods",
    "OpenIDConnectMethods",
    "PasswordLoginMethods",
    "SyncClient",
    "TokenMethods",
]


class _ClientBase:
    """What both twins keep: base URL, auth and the core's settings."""

    def __init__(
        self,
        base_url: str,
        scheme: AuthScheme | None,
        credentials: Mapping[str, Any] | None,
        *,
        error_factory: ErrorFactory,
        title: str,
        retry: RetryPolicy | None,
        total_timeout: float | None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth: httpx.Auth | None = scheme.build(self.base_url, credentials or {}) if scheme is not None else None
        self._core_settings: dict[str, Any] = {
            "error_factory": error_factory,
            "title": title,
            "retry": retry,
            "total_timeout": total_timeout,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r})"


def _http_settings(
    auth: httpx.Auth | None,
    own_auth: httpx.Auth | None,
    timeout: float | httpx.Timeout | None,
    headers: Mapping[str, str] | None,
    user_agent: str,
) -> dict[str, Any]:
    return {
        "timeout": timeout if timeout is not None else DEFAULT_TIMEOUT,
        "headers": {"User-Agent": user_agent, **(headers or {})},
        "auth": auth if auth is not None else own_auth,
        "follow_redirects": False,  # the core follows redirects itself, when asked, hop by hop
    }


class SyncClient(_ClientBase):
    """Base of a generated synchronous client: auth, httpx client and core built from the arguments.

    ``auth`` replaces the scheme's auth for requests (the helpers still act on the scheme's).
    """

    def __init__(
        self,
        base_url: str,
        *,
        scheme: AuthScheme | None = None,
        credentials: Mapping[str, Any] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        error_factory: ErrorFactory,
        title: str,
        user_agent: str,
    ) -> None:
        super().__init__(
            base_url,
            scheme,
            credentials,
            error_factory=error_factory,
            title=title,
            retry=retry,
            total_timeout=total_timeout,
        )
        self._http = httpx.Client(transport=transport, **_http_settings(auth, self._auth, timeout, headers, user_agent))
        self._core = self._core_at(self.base_url)

    def _core_at(self, base_url: str) -> SyncCore:
        """A core for ``base_url`` on this client's connections and settings (e.g. a group on its own host)."""
        return SyncCore(self._http, base_url=base_url, **self._core_settings)

    def close(self) -> None:
        """Close the connection pool."""
        self._core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def request(self, method: str, path: str, *, request_options: RequestOptions | None = None, **kwargs: Any) -> httpx.Response:
        """Send any request to a path under ``base_url``; errors map like every method.

        ``kwargs`` go to ``httpx.Client.build_request`` (``params``, ``json``, ``content``...).
        """
        return self._core.send(Call(method.upper(), path, extra=kwargs, options=request_options))


class AsyncClient(_ClientBase):
    """Base of a generated asynchronous client; see :class:`SyncClient`."""

    def __init__(
        self,
        base_url: str,
        *,
        scheme: AuthScheme | None = None,
        credentials: Mapping[str, Any] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        error_factory: ErrorFactory,
        title: str,
        user_agent: str,
    ) -> None:
        super().__init__(
            base_url,
            scheme,
            credentials,
            error_factory=error_factory,
            title=title,
            retry=retry,
            total_timeout=total_timeout,
        )
        self._http = httpx.AsyncClient(transport=transport, **_http_settings(auth, self._auth, timeout, headers, user_agent))
        self._core = self._core_at(self.base_url)

    def _core_at(self, base_url: str) -> AsyncCore:
        """A core for ``base_url`` on this client's connections and settings (e.g. a group on its own host)."""
        return AsyncCore(self._http, base_url=base_url, **self._core_settings)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._core.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    async def request(
        self, method: str, path: str, *, request_options: RequestOptions | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send any request to a path under ``base_url``; errors map like every method.

        ``kwargs`` go to ``httpx.AsyncClient.build_request`` (``params``, ``json``, ``content``...).
        """
        return await self._core.send(Call(method.upper(), path, extra=kwargs, options=request_options))


# -- helper methods ------------------------------------------------------------------------
def _token_auth(auth: httpx.Auth | None) -> BearerAuth | OAuth2Auth:
    if not isinstance(auth, (BearerAuth, OAuth2Auth)):
        raise TypeError(f"this client's auth takes no bearer token ({type(auth).__name__})")
    return auth


def _oauth2(auth: httpx.Auth | None) -> OAuth2Auth:
    if not isinstance(auth, OAuth2Auth):
        raise TypeError(f"this client's auth has no OAuth2 token endpoint ({type(auth).__name__})")
    return auth


def _oidc(auth: httpx.Auth | None) -> OpenIDConnectAuth:
    from .oidc_auth import OpenIDConnectAuth

    if not isinstance(auth, OpenIDConnectAuth):
        raise TypeError(f"this client's auth has no OpenID Connect provider ({type(auth).__name__})")
    return auth


def _pair(username: str | None, password: str | None) -> tuple[str, str] | None:
    """Both credentials, or ``None`` when neither is given; one alone is an error."""
    if username is None and password is None:
        return None
    if username is None or password is None:
        raise ValueError("give both username and password, or neither")
    return username, password


class TokenMethods:
    """``set_token``/``clear_token`` for bearer, OAuth2 and OpenID Connect clients (sync and async)."""

    _auth: httpx.Auth | None

    def set_token(self, token: str | None) -> None:
        """Send ``token`` as the bearer token from now on (``None`` clears it)."""
        auth = _token_auth(self._auth)
        if isinstance(auth, OAuth2Auth):
            auth.set_grant(None)  # an explicit token replaces any stored login
        auth.set_token(token)

    def clear_token(self) -> None:
        """Stop sending a bearer token (and forget stored login credentials)."""
        self.set_token(None)


class PasswordLoginMethods:
    """The OAuth2 password login of a synchronous client."""

    _auth: httpx.Auth | None
    _core: SyncCore

    def login(self, username: str, password: str) -> str:
        """Log in with the OAuth2 password grant and use the token from now on.

        The credentials are kept in memory so an expired token is renewed without you.
        Raises the package's auth error when the token endpoint refuses them.
        """
        token = self._core.fetch_token(_oauth2(self._auth), PasswordGrant(username, password))
        return token.access_token

    def set_credentials(self, username: str, password: str) -> None:
        """Log in with these credentials on the first request that needs a token."""
        _oauth2(self._auth).set_grant(PasswordGrant(username, password))

    def _start_login(self, username: str | None, password: str | None) -> None:
        """The constructor's login: now, so bad credentials raise here (the client is closed then)."""
        pair = _pair(username, password)
        if pair is None:
            return
        try:
            self.login(*pair)
        except BaseException:
            self._core.close()
            raise


class AsyncPasswordLoginMethods:
    """The OAuth2 password login of an asynchronous client."""

    _auth: httpx.Auth | None
    _core: AsyncCore

    async def login(self, username: str, password: str) -> str:
        """Async twin of :meth:`PasswordLoginMethods.login`."""
        token = await self._core.fetch_token(_oauth2(self._auth), PasswordGrant(username, password))
        return token.access_token

    def set_credentials(self, username: str, password: str) -> None:
        """Log in with these credentials on the first request that needs a token."""
        _oauth2(self._auth).set_grant(PasswordGrant(username, password))

    def _start_login(self, username: str | None, password: str | None) -> None:
        """The constructor's login: a constructor cannot await, so on the first request."""
        pair = _pair(username, password)
        if pair is not None:
            self.set_credentials(*pair)


class BasicMethods:
    """``set_credentials`` for HTTP basic clients (sync and async)."""

    _auth: httpx.Auth | None

    def set_credentials(self, username: str | None, password: str | None) -> None:
        """Send these basic credentials from now on (``None`` username: none)."""
        if not isinstance(self._auth, BasicAuth):
            raise TypeError(f"this client's auth is not HTTP basic ({type(self._auth).__name__})")
        self._auth.set_credentials(username, password)


DevicePrompt = Callable[["DeviceAuthorization"], object]


class OpenIDConnectMethods:
    """The browser and device logins of a synchronous OpenID Connect client."""

    _auth: httpx.Auth | None
    _core: SyncCore

    def login(self) -> str:
        """Log in now through the browser (authorization code + PKCE, redirect to 127.0.0.1).

        Without this, the first request that needs a token logs in the same way. Raises the
        package's error when the login is refused or times out.
        """
        return self._core.login(_oauth2(self._auth)).access_token

    def device_login(self, prompt: DevicePrompt | None = None) -> str:
        """Log in on another device (a code to enter at the provider's page), for hosts without a browser.

        ``prompt`` is shown the code and the page (default: printed to stderr).
        """
        return self._core.device_login(_oidc(self._auth), prompt=prompt).access_token


class AsyncOpenIDConnectMethods:
    """The browser and device logins of an asynchronous OpenID Connect client."""

    _auth: httpx.Auth | None
    _core: AsyncCore

    async def login(self) -> str:
        """Async twin of :meth:`OpenIDConnectMethods.login` (the browser wait runs in a thread)."""
        return (await self._core.login(_oauth2(self._auth))).access_token

    async def device_login(self, prompt: DevicePrompt | None = None) -> str:
        """Async twin of :meth:`OpenIDConnectMethods.device_login`."""
        return (await self._core.device_login(_oidc(self._auth), prompt=prompt)).access_token
