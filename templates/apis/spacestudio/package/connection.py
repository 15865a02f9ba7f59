"""``spacestudio.connect()``: the existing client's entry point, over one default ``Client``.

``connect(url, mail, password, client_id)`` logs in, fetches the user's id and makes the
client every function of ``spacestudio.constellation``, ``simulation``... uses. The
``log_*`` attributes of the package read the environment when they are used (see
``package_attribute``), so a ``.env`` loaded with python-dotenv before or after
``import spacestudio`` is seen.
"""

from __future__ import annotations

from typing import Any

# the package's log_* attributes (its __getattr__ asks package_attribute), importable from here too
from spacestudio._environment import ENVIRONMENT as ENVIRONMENT
from spacestudio._environment import package_attribute as package_attribute
from spacestudio.client import Client
from spacestudio.default_client import default_client, set_default_client

__all__ = ["connect", "get_user_id"]


def connect(
    url: str,
    mail: str,
    password: str,
    client_id: str | None = None,
    *,
    auth_url: str | None = None,
    **kwargs: Any,
) -> Client:
    """Log in and make the default client of the module-level functions; returns it.

    Args:
        url: The API root Exotrail gave you (e.g. ``spacestudio.log_base_url``).
        mail: Your spacestudio e-mail address.
        password: Your password (kept in memory for token renewals; never shown).
        client_id: Your client identifier; default: the ``CLIENT_ID`` environment variable.
        auth_url: The token endpoint; default ``LOG_AUTH_URL``, else Exotrail's production Keycloak.
        kwargs: Passed to :class:`~spacestudio.client.Client` (``timeout``, ``retry``, ``transport``...).

    The user's id comes from ``GET <url>/exoops/users/infos``. A refused login raises
    ``SpacestudioAuthenticationError`` (and keeps the previous default client, if any).
    """
    client = Client.open(url, mail, password, client_id, auth_url=auth_url, **kwargs)
    set_default_client(client)
    return client


def get_user_id() -> str | None:
    """The user id of the default client (``connect()`` first)."""
    client = default_client()
    return client.user_id
