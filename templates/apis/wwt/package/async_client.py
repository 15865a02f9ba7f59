"""The asynchronous Constellations client of the seed API: ``AsyncCxClient(config, oidcc_cache_identifier)``.

The sync ``client.py`` (``CxClient``) is derived from this module at generation time
(generator/unasync.py). Everything but the constructor is generated from the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx
from specwright_runtime import DEFAULT_TOTAL_TIMEOUT, RetryPolicy

from wwt_api_client.constellations.async_api import AsyncConstellationsApi
from wwt_api_client.constellations.config import ClientConfig

__all__ = ["AsyncCxClient"]


class AsyncCxClient(AsyncConstellationsApi):
    """An asynchronous client of the WWT Constellations APIs.

    It logs in through OpenID Connect when a call first needs a token: a browser opens on
    the provider's login page (the URL is printed too), or call :meth:`device_login` first
    on a machine without one. Tokens are kept, private to the user, in a cache keyed by
    ``oidcc_cache_identifier``, the provider, the client and the scopes, and renewed with
    their refresh token. Calls the API allows anonymously send no token and never log in.

    Args:
        config: Where the API and its identity provider are; default
            :meth:`ClientConfig.new_default` (environment variables, else production).
        oidcc_cache_identifier: The token cache's name; ``None`` keeps tokens in memory only.
        token: A bearer token to use instead of logging in.
        client_secret: For a confidential client (the public ``automation`` and ``cli-tool``
            clients have none): sent to the token endpoint only.
        open_browser: Called with the login page's URL (default: print it and open it with
            :mod:`webbrowser`, which honours ``$BROWSER``).
        timeout, total_timeout, retry, headers, transport, auth: as for
            :class:`~wwt_api_client.constellations.async_api.AsyncConstellationsApi`.
    """

    def __init__(
        self,
        config: ClientConfig | None = None,
        oidcc_cache_identifier: str | None = "wwt_api_client",
        *,
        token: str | None = None,
        client_secret: str | None = None,
        open_browser: Callable[[str], object] | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._config = config if config is not None else ClientConfig.new_default()
        super().__init__(
            self._config.api_url,
            token=token,
            client_id=self._config.client_id,
            client_secret=client_secret,
            openid_url=self._config.id_provider_url,
            token_cache_name=oidcc_cache_identifier,
            open_browser=open_browser,
            auth=auth,
            timeout=timeout,
            total_timeout=total_timeout,
            retry=retry,
            headers=headers,
            transport=transport,
        )

    @property
    def config(self) -> ClientConfig:
        """The configuration this client was made with."""
        return self._config
