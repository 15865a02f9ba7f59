"""The asynchronous spacestudio client: ``AsyncClient(url, mail, password, client_id)``.

The sync ``client.py`` (``Client``) is derived from this module at generation time
(generator/unasync.py). Every method but the constructor and :meth:`AsyncClient.connect` is
generated from the spec: the groups ``constellation``, ``simulation``, ``deployment``,
``parametric_study``, ``formation_flying``, ``inspection`` and ``gridfs`` with the existing
client's functions as methods (``client.simulation.get_orbit("LEO")``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from specwright_runtime import DEFAULT_TOTAL_TIMEOUT, OAuth2Auth, PasswordGrant, RetryPolicy

from spacestudio.api import AUTH_SCHEME
from spacestudio.async_api import AsyncSpacestudioApi

__all__ = ["AsyncClient"]

#: Exotrail's production Keycloak token endpoint (realm ``spacestudio-users``), from the spec.
DEFAULT_AUTH_URL = AUTH_SCHEME.token_url


class AsyncClient(AsyncSpacestudioApi):
    """One user's asynchronous client of the spacestudio scripting API.

    Nothing is sent at construction: :meth:`connect` (or :meth:`open`, or entering the
    client as a context manager) logs in with the
    OAuth2 password grant and fetches the user's id, which every per-user call then uses.
    The access token is renewed with the refresh token when it expires or a call answers 401,
    and by a new password login when the refresh token is refused.

    Args:
        url: The API root Exotrail gave you (``LOG_BASE_URL``); a trailing ``/`` is dropped.
        mail: The e-mail address you log in to spacestudio with.
        password: Your password (kept in memory for renewals; never logged or shown).
        client_id: The client identifier Exotrail gave you; default: ``CLIENT_ID``.
        auth_url: The token endpoint; default: ``LOG_AUTH_URL``, else Exotrail's production
            Keycloak (``DEFAULT_AUTH_URL``).
        user_id: The user's id, if known (then :meth:`connect` does not ask for it).
        timeout, total_timeout, retry, headers, transport: as for
            :class:`~spacestudio.async_api.AsyncSpacestudioApi`.
    """

    def __init__(
        self,
        url: str,
        mail: str,
        password: str,
        client_id: str | None = None,
        *,
        auth_url: str | None = None,
        user_id: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        client_id = client_id if client_id is not None else os.environ.get("CLIENT_ID")
        if not client_id:
            raise ValueError(
                "no client_id: pass client_id= or set the CLIENT_ID environment variable"
            )
        if not url:
            raise ValueError("no url: pass the API root Exotrail gave you (LOG_BASE_URL)")
        super().__init__(
            url.rstrip("/"),
            user_id=user_id,
            timeout=timeout,
            total_timeout=total_timeout,
            retry=retry,
            headers=headers,
            transport=transport,
        )
        auth = self._auth
        if not isinstance(auth, OAuth2Auth):  # pragma: no cover - the spec's scheme is OAuth2
            raise TypeError("the spacestudio client needs the OAuth2 scheme of its spec")
        auth.token_url = auth_url or os.environ.get("LOG_AUTH_URL") or DEFAULT_AUTH_URL
        self._oauth2 = auth
        self._grant = PasswordGrant(mail, password, client_id=client_id)

    @property
    def auth_url(self) -> str:
        """The token endpoint this client logs in at."""
        return self._oauth2.token_url

    @classmethod
    async def open(
        cls,
        url: str,
        mail: str,
        password: str,
        client_id: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """A client that is connected already (see :meth:`connect`); closed again if that fails."""
        client = cls(url, mail, password, client_id, **kwargs)
        try:
            await client.connect()
        except BaseException:
            await client.close()
            raise
        return client

    async def connect(self) -> str:
        """Log in now (password grant) and fetch the user's id from ``url``; returns the id.

        Raises the package's ``SpacestudioAuthenticationError`` when the login is refused
        (the password never appears in it) or the account may not use the scripting API.
        """
        await self._core.fetch_token(self._oauth2, self._grant)
        if self.user_id is None:
            infos = await self.get_user_infos()
            self.user_id = infos.id
        return self.user_id

    async def __aenter__(self) -> Self:
        if self._oauth2.token is None or self.user_id is None:
            await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
