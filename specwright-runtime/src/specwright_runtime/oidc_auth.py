"""Auth for an OpenID Connect provider: discovery, browser login, device login, renewal.

What a generated client with an ``openIdConnect`` security scheme uses. Nothing touches the
network at construction: the discovery document is fetched when a token is first needed.
Explicit logins are driven by the core (``core.login(auth)``, ``core.device_login(auth)``);
this module imports neither the core nor the client layer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

import httpx

from .auth import Grant, OAuth2Auth, OAuth2Token, TokenCache, may_ask_user
from .device import DeviceAuthorization, DeviceLogin
from .errors import TokenEndpointError
from .loopback import LoopbackLogin, open_in_browser
from .oidc import ProviderMetadata, discover
from .redact import redact_url


class OpenIDConnectAuth(OAuth2Auth):
    """Bearer auth whose endpoints come from ``discovery`` (an issuer or its discovery URL).

    A confidential client also gives its ``client_secret``: sent to the token endpoint only,
    as the provider's discovery document prefers (HTTP basic unless only the form is offered).

    With a ``client_id``, a request that finds no usable token (none cached, none to refresh)
    logs the user in through their browser (authorization code + PKCE, loopback redirect);
    ``core.login(auth)`` does it up front, ``core.device_login(auth)`` without a local
    browser. Tokens are renewed with the refresh token and kept in ``cache`` (0600) if given.
    """

    def __init__(
        self,
        discovery: str,
        client_id: str | None = None,
        *,
        client_secret: str | None = None,
        scope: str = "openid",
        token: OAuth2Token | None = None,
        cache: TokenCache | None = None,
        open_browser: Callable[[str], object] | None = None,
        ports: Sequence[int] = (0,),
        login_timeout: float = 300.0,
        leeway: float = 30.0,
    ) -> None:
        super().__init__("", token=token, cache=cache, leeway=leeway, client_id=client_id, client_secret=client_secret)
        self.discovery = discovery
        self.client_id = client_id
        self.scope = scope
        self._browser: dict[str, Any] = {
            "scope": scope,
            "open_browser": open_browser or open_in_browser,
            "ports": tuple(ports),
            "timeout": login_timeout,
        }
        self._provider: ProviderMetadata | None = None
        self._discovery_lock = threading.Lock()
        if client_id:
            self.set_interactive(_BrowserLogin(self))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({redact_url(self.discovery)!r}, client_id={self.client_id!r}, "
            f"token={'set' if self.token else None})"
        )

    def provider(self) -> ProviderMetadata:
        """The provider's endpoints, fetched once (blocking)."""
        with self._discovery_lock:
            if self._provider is None:
                self._provider = discover(self.discovery)
                self.token_url = self._provider.token_endpoint
                methods = self._provider.token_endpoint_auth_methods_supported
                # the discovery default is client_secret_basic (OpenID Connect Discovery 1.0, section 3)
                only_post = "client_secret_post" in methods and "client_secret_basic" not in methods
                self.client_auth = "client_secret_post" if only_post else "client_secret_basic"
            return self._provider

    def build_token_request(self, grant: Grant | None = None) -> httpx.Request:
        self.provider()
        return super().build_token_request(grant)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # never block the event loop on discovery; none at all when no token will be asked for
        wanted = (self.token is None or self.can_renew()) and self._obtainable(may_ask_user(request))
        if self._provider is None and wanted:
            await asyncio.to_thread(self.provider)
        flow = super().async_auth_flow(request)
        outgoing = await flow.__anext__()
        while True:
            response = yield outgoing
            try:
                outgoing = await flow.asend(response)
            except StopAsyncIteration:
                return

    # -- the logins the core runs -----------------------------------------------------------
    def device_flow(self, prompt: Callable[[DeviceAuthorization], object]) -> DeviceLogin:
        """The device login (RFC 8628) for this client (discovering the provider first, blocking)."""
        return DeviceLogin.from_provider(self.provider(), self._client("device"), scope=self.scope, prompt=prompt)

    def browser_login(self) -> LoopbackLogin:
        """The browser login this auth runs (discovering the provider first)."""
        return LoopbackLogin.from_provider(self.provider(), self._client("browser"), **self._browser)

    def _client(self, login: str) -> str:
        if not self.client_id:
            raise TokenEndpointError(
                f"a {login} login needs a client_id", status_code=None, body=None, url=redact_url(self.discovery)
            )
        return self.client_id


class _BrowserLogin:
    """The interactive login of an :class:`OpenIDConnectAuth`, resolved when first used."""

    def __init__(self, auth: OpenIDConnectAuth) -> None:
        self._auth = auth

    def grant(self) -> Grant:
        return self._auth.browser_login().grant()
