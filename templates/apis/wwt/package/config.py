"""Where the client finds the Constellations API and its identity provider (Keycloak)."""

from __future__ import annotations

import os
from dataclasses import dataclass

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["ClientConfig"]

PROD_API_URL = "https://api.worldwidetelescope.org"
DEFAULT_CLIENT_ID = "automation"
REALM_PATH = "realms/constellations"

# Keycloak base URLs, chosen from the API URL when no variable names one (first match wins)
_LOCAL_KEYCLOAK = "http://localhost:8080/"
_DEV_KEYCLOAK = "https://wwtelescope.dev/auth/"
_PROD_KEYCLOAK = "https://worldwidetelescope.org/auth/"


def _env(name: str) -> str | None:
    # an empty variable counts as unset: an empty URL or client ID is never meant
    return os.environ.get(name) or None


def _default_keycloak(api_url: str) -> str:
    if "localhost" in api_url:
        return _LOCAL_KEYCLOAK
    if "wwtelescope.dev" in api_url:
        return _DEV_KEYCLOAK
    return _PROD_KEYCLOAK


@dataclass
class ClientConfig:
    """The identity provider (a realm URL), the OpenID client ID and the API's base URL."""

    id_provider_url: str
    client_id: str
    api_url: str

    @classmethod
    def new_default(cls) -> ClientConfig:
        """The configuration the environment asks for, else production.

        ``NUXT_PUBLIC_API_URL`` is the API URL (trailing ``/`` dropped). The Keycloak base URL is
        ``NUXT_PUBLIC_KEYCLOAK_URL``, else ``KEYCLOAK_URL``, else the local, development or
        production one matching the API URL; the realm path ``realms/constellations`` is appended.
        ``WWT_API_CLIENT_ID`` is the client ID (default ``automation``). Empty variables count as unset.
        """
        api_url = (_env("NUXT_PUBLIC_API_URL") or PROD_API_URL).rstrip("/")
        keycloak = (
            _env("NUXT_PUBLIC_KEYCLOAK_URL") or _env("KEYCLOAK_URL") or _default_keycloak(api_url)
        )
        if not keycloak.endswith("/"):
            keycloak += "/"
        client_id = _env("WWT_API_CLIENT_ID") or DEFAULT_CLIENT_ID
        return cls(id_provider_url=keycloak + REALM_PATH, client_id=client_id, api_url=api_url)

    @classmethod
    def new_prod(cls) -> ClientConfig:
        """The production service at ``api.worldwidetelescope.org``."""
        return cls(
            id_provider_url=_PROD_KEYCLOAK + REALM_PATH,
            client_id=DEFAULT_CLIENT_ID,
            api_url=PROD_API_URL,
        )

    @classmethod
    def new_dev(cls) -> ClientConfig:
        """The development service at ``api.wwtelescope.dev``."""
        return cls(
            id_provider_url=_DEV_KEYCLOAK + REALM_PATH,
            client_id="cli-tool",
            api_url="https://api.wwtelescope.dev",
        )
