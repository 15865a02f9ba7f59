"""Auth schemes: how a generated client turns its constructor's credentials into ``httpx.Auth``.

Each scheme is what the API's spec says (bearer, basic, API key, OAuth2 token endpoint,
OpenID Connect provider) with the spec's fixed values; ``build`` takes the user's
credentials (the constructor arguments, by name) and the client's base URL. Relative
endpoint URLs in a spec are relative to the base URL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

import httpx

from .auth import ApiKeyAuth, BasicAuth, BearerAuth, OAuth2Auth, OAuth2Token, TokenCache

__all__ = ["ApiKeyScheme", "AuthScheme", "BasicScheme", "BearerScheme", "OAuth2Scheme", "OpenIDConnectScheme"]


class AuthScheme(Protocol):
    """Builds a client's auth from its credentials (``None``: send no credentials)."""

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None: ...


def _token(credentials: Mapping[str, Any]) -> OAuth2Token | None:
    token = credentials.get("token")
    return OAuth2Token(token) if token else None


def _cache(credentials: Mapping[str, Any]) -> TokenCache | None:
    path: str | os.PathLike[str] | None = credentials.get("token_cache")
    return TokenCache(path) if path else None


def _under(base_url: str, url: str) -> str:
    """``url`` resolved against the API's base URL (kept as a folder)."""
    return urljoin(base_url + "/", url)


@dataclass(frozen=True)
class BearerScheme:
    """A static bearer token (credentials: ``token``); always an auth object, so ``set_token`` works."""

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None:
        return BearerAuth(credentials.get("token"))


@dataclass(frozen=True)
class BasicScheme:
    """HTTP basic (credentials: ``username``, ``password``); always an auth object, so ``set_credentials`` works."""

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None:
        return BasicAuth(credentials.get("username"), credentials.get("password"))


@dataclass(frozen=True)
class ApiKeyScheme:
    """An API key named ``name`` in a header, the query or a cookie (credentials: ``api_key``); no
    auth without a key."""

    name: str
    location: str = "header"

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None:
        key = credentials.get("api_key")
        if not key:
            return None
        return ApiKeyAuth(key, name=self.name, location=self.location)


@dataclass(frozen=True)
class OAuth2Scheme:
    """An OAuth2 token endpoint (credentials: ``token``, ``token_cache``); logins come later."""

    token_url: str

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None:
        return OAuth2Auth(_under(base_url, self.token_url), token=_token(credentials), cache=_cache(credentials))


@dataclass(frozen=True)
class OpenIDConnectScheme:
    """An OpenID Connect provider.

    Credentials: ``client_id``, ``client_secret`` (a confidential client), ``openid_url`` (overrides the spec's), ``token``,
    ``token_cache`` (a file), ``token_cache_name`` (without ``token_cache``: the user's cache
    for this name, provider, client and scope, see :meth:`TokenCache.for_login`),
    ``open_browser``.
    """

    openid_url: str
    scope: str = "openid"

    def build(self, base_url: str, credentials: Mapping[str, Any]) -> httpx.Auth | None:
        open_browser: Callable[[str], object] | None = credentials.get("open_browser")
        provider = _under(base_url, credentials.get("openid_url") or self.openid_url)
        client_id: str | None = credentials.get("client_id")
        cache = _cache(credentials)
        name: str | None = credentials.get("token_cache_name")
        if cache is None and name:
            cache = TokenCache.for_login(name, provider=provider, client_id=client_id, scope=self.scope)
        from .oidc_auth import OpenIDConnectAuth  # authlib & co. load when an OIDC client is made

        return OpenIDConnectAuth(
            provider,
            client_id,
            client_secret=credentials.get("client_secret"),
            scope=self.scope,
            token=_token(credentials),
            cache=cache,
            open_browser=open_browser,
        )
