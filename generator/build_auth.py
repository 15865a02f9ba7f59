"""Decide once how a generated client authenticates (part of build).

The security scheme the client's helpers drive becomes a :class:`ClientAuth`: the runtime
scheme that builds the ``httpx.Auth``, the constructor arguments, the helper-method mixins.
Templates print it; they never branch on scheme kinds.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import ClientArg, ClientAuth, Operation, SecurityScheme, spec_text

_TOKEN = ClientArg("token", "str | None", "A bearer token to send with every request.")
_CACHE_DOC = (
    "A file to keep the login's token in between runs (JSON, mode 0600; never the password). "
    "A valid cached token, or its refresh token, saves a login."
)
_TOKEN_CACHE = ClientArg("token_cache", "str | os.PathLike[str] | None", _CACHE_DOC)


def primary_scheme(
    schemes: Sequence[SecurityScheme], default_security: Sequence[str], operations: Sequence[Operation]
) -> SecurityScheme | None:
    """The scheme the client's auth drives: the first one a security requirement names."""
    keys = tuple(default_security) or tuple(k for op in operations for k in op.security)
    for key in keys:
        for scheme in schemes:
            if scheme.key == key:
                return scheme
    return schemes[0] if schemes else None


def client_auth(scheme: SecurityScheme | None) -> ClientAuth:
    """The generated client's auth for ``scheme`` (``kind="none"`` without one)."""
    if scheme is None:
        return ClientAuth()
    if scheme.kind == "http-basic":
        return ClientAuth(
            kind="basic",
            scheme="BasicScheme",
            arguments=(
                ClientArg("username", "str | None", "User name for HTTP basic authentication."),
                ClientArg("password", "str | None", "Password for HTTP basic authentication (never logged)."),
            ),
            mixins=("BasicMethods",),
            async_mixins=("BasicMethods",),
        )
    if scheme.kind == "api-key":
        location = scheme.location if scheme.location in ("header", "query", "cookie") else "header"
        name = spec_text(scheme.header or "X-API-Key")
        return ClientAuth(
            kind="api-key",
            scheme="ApiKeyScheme",
            scheme_args=(("name", name), ("location", location)),
            arguments=(ClientArg("api_key", "str | None", f"The API key, sent as ``{name}`` ({location})."),),
        )
    if scheme.kind == "oauth2" and scheme.token_url:
        password = "password" in scheme.flows
        arguments = [_TOKEN]
        if password:
            arguments += [
                ClientArg("username", "str | None", _LOGIN_DOC),
                ClientArg("password", "str | None", "The password for ``username`` (kept in memory only)."),
            ]
        arguments.append(_TOKEN_CACHE)
        return ClientAuth(
            kind="oauth2",
            scheme="OAuth2Scheme",
            scheme_args=(("token_url", spec_text(scheme.token_url)),),
            arguments=tuple(arguments),
            mixins=("TokenMethods", *(("PasswordLoginMethods",) if password else ())),
            async_mixins=("TokenMethods", *(("AsyncPasswordLoginMethods",) if password else ())),
            password_login=password,
        )
    if scheme.kind == "openid-connect" and scheme.openid_url:
        url = spec_text(scheme.openid_url)
        return ClientAuth(
            kind="openid-connect",
            scheme="OpenIDConnectScheme",
            scheme_args=(("openid_url", url), ("scope", spec_text(" ".join(scheme.scopes) or "openid"))),
            arguments=(
                _TOKEN,
                ClientArg(
                    "client_id",
                    "str | None",
                    "The OpenID Connect client to log in as; without one (and without ``token``) "
                    "requests go unauthenticated.",
                ),
                ClientArg(
                    "client_secret",
                    "str | None",
                    "The secret of a confidential client (sent to the token endpoint only, never logged).",
                ),
                ClientArg("openid_url", "str | None", f"The provider's discovery document (or issuer); default ``{url}``."),
                _TOKEN_CACHE,
                ClientArg(
                    "token_cache_name",
                    "str | None",
                    "Keep the login's token in the per-user cache under this name (in the home folder, "
                    "one file per name, provider, client and scopes; mode 0600). Ignored with ``token_cache``.",
                ),
                ClientArg(
                    "open_browser",
                    "Callable[[str], object] | None",
                    "Called with the login page's URL (default: print it and open a browser).",
                ),
            ),
            mixins=("TokenMethods", "OpenIDConnectMethods"),
            async_mixins=("TokenMethods", "AsyncOpenIDConnectMethods"),
        )
    # http bearer, and OAuth2 / OpenID Connect without an endpoint to log in at: a static token
    return ClientAuth(kind="bearer", scheme="BearerScheme", arguments=(_TOKEN,), mixins=("TokenMethods",), async_mixins=("TokenMethods",))


_LOGIN_DOC = (
    "Log in with the OAuth2 password grant: the synchronous client at construction (bad "
    "credentials raise here), the asynchronous one on the first request that needs a token."
)
