"""OpenID Connect provider discovery, and the errors of interactive logins.

``discover(url)`` reads a provider's ``.well-known/openid-configuration`` (the
``openIdConnectUrl`` of an OpenAPI security scheme) into :class:`ProviderMetadata`.
Login errors extend :class:`~specwright_runtime.errors.TokenEndpointError`, so a login that
fails inside a call is mapped by the core to the package's auth error like a refused token
request (the typed error stays reachable as the cause). Their messages never hold codes,
verifiers or tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import TokenEndpointError, parse_body
from .redact import redact_url

WELL_KNOWN = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT = httpx.Timeout(10.0)


class LoginError(TokenEndpointError):
    """An interactive login (or the discovery it needs) failed.

    ``error`` is the OAuth2 error code when the provider sent one (``access_denied``...),
    ``description`` its ``error_description``.
    """

    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        description: str | None = None,
        url: str = "",
        status_code: int | None = None,
        body: Any = None,
    ) -> None:
        if body is None and error is not None:
            body = {"error": error, "error_description": description} if description else {"error": error}
        super().__init__(message, status_code=status_code, body=body, url=url)
        self.error = error
        self.description = description


class AuthorizationDenied(LoginError):
    """The user or the provider refused the login (``access_denied`` and other redirect errors)."""


class StateMismatch(LoginError):
    """The login redirect carried another ``state`` than the one sent: a forged or stale redirect."""


class LoginTimeout(LoginError, TimeoutError):
    """The user did not finish in time (no redirect arrived, or the device code expired)."""


class DiscoveryError(LoginError):
    """The provider's discovery document could not be fetched or lacks what a login needs."""


@dataclass(frozen=True)
class ProviderMetadata:
    """What a login needs from an OpenID Connect discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    jwks_uri: str | None = None
    end_session_endpoint: str | None = None
    revocation_endpoint: str | None = None
    scopes_supported: tuple[str, ...] = ()
    grant_types_supported: tuple[str, ...] = ()
    code_challenge_methods_supported: tuple[str, ...] = ()
    token_endpoint_auth_methods_supported: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, document: Any, *, url: str, check_issuer: bool = True) -> ProviderMetadata:
        """Read a parsed discovery document fetched from ``url``, or raise :class:`DiscoveryError`.

        With ``check_issuer``, a document fetched from ``<issuer>/.well-known/openid-configuration``
        must name that issuer (OpenID Connect Discovery, section 4.3).
        """
        shown = redact_url(url)
        if not isinstance(document, Mapping):
            raise DiscoveryError("OpenID configuration is not a JSON object", url=shown)
        missing = [k for k in ("issuer", "authorization_endpoint", "token_endpoint") if not _is_url(document.get(k))]
        if missing:
            raise DiscoveryError(f"OpenID configuration lacks {', '.join(missing)}", url=shown)
        issuer = str(document["issuer"])
        if check_issuer and url.endswith(WELL_KNOWN):
            expected = url[: -len(WELL_KNOWN)]
            if issuer.rstrip("/") != expected.rstrip("/"):
                raise DiscoveryError(
                    f"OpenID configuration names issuer {redact_url(issuer)!r}, not {redact_url(expected)!r}", url=shown
                )

        def optional(key: str) -> str | None:
            value = document.get(key)
            return str(value) if _is_url(value) else None

        def names(key: str) -> tuple[str, ...]:
            value = document.get(key)
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        return cls(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            device_authorization_endpoint=optional("device_authorization_endpoint"),
            userinfo_endpoint=optional("userinfo_endpoint"),
            jwks_uri=optional("jwks_uri"),
            end_session_endpoint=optional("end_session_endpoint"),
            revocation_endpoint=optional("revocation_endpoint"),
            scopes_supported=names("scopes_supported"),
            grant_types_supported=names("grant_types_supported"),
            code_challenge_methods_supported=names("code_challenge_methods_supported"),
            token_endpoint_auth_methods_supported=names("token_endpoint_auth_methods_supported"),
        )


def _is_url(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        parsed = httpx.URL(value)
    except httpx.InvalidURL:
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.host)


def discovery_url(issuer_or_url: str) -> str:
    """The discovery document's URL for an issuer (a URL already ending in it is kept)."""
    if issuer_or_url.endswith(WELL_KNOWN):
        return issuer_or_url
    return issuer_or_url.rstrip("/") + WELL_KNOWN


def _read(url: str, response: httpx.Response, check_issuer: bool) -> ProviderMetadata:
    if not response.is_success:
        body = parse_body(response.content)
        raise DiscoveryError(
            f"OpenID configuration answered HTTP {response.status_code}",
            url=redact_url(url),
            status_code=response.status_code,
            body=body,
        )
    try:
        document = response.json()
    except ValueError:
        raise DiscoveryError("OpenID configuration is not JSON", url=redact_url(url)) from None
    return ProviderMetadata.from_document(document, url=url, check_issuer=check_issuer)


def _unreachable(url: str, exc: httpx.HTTPError) -> DiscoveryError:
    return DiscoveryError(f"could not fetch the OpenID configuration: {type(exc).__name__}", url=redact_url(url))


def discover(url: str, *, http: httpx.Client | None = None, check_issuer: bool = True) -> ProviderMetadata:
    """Fetch the discovery document at ``url`` (an issuer URL gets ``/.well-known/openid-configuration``)."""
    url = discovery_url(url)
    try:
        if http is None:
            with httpx.Client(timeout=DISCOVERY_TIMEOUT) as own:
                response = own.get(url, headers={"Accept": "application/json"})
        else:
            response = http.get(url, headers={"Accept": "application/json"}, auth=None, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise _unreachable(url, exc) from exc
    return _read(url, response, check_issuer)


async def adiscover(url: str, *, http: httpx.AsyncClient | None = None, check_issuer: bool = True) -> ProviderMetadata:
    """Async twin of :func:`discover`."""
    url = discovery_url(url)
    try:
        if http is None:
            async with httpx.AsyncClient(timeout=DISCOVERY_TIMEOUT) as own:
                response = await own.get(url, headers={"Accept": "application/json"})
        else:
            response = await http.get(url, headers={"Accept": "application/json"}, auth=None, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise _unreachable(url, exc) from exc
    return _read(url, response, check_issuer)
