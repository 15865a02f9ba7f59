"""Fixtures of the spacestudio tests: the stand-in service over ``httpx.MockTransport``.

The stand-in (``tests/servers/spacestudio_server.py``) answers the API and its token endpoint
on one host, ``https://api.test``; the clients log in there (``auth_url=``).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import spacestudio
from servers.spacestudio_server import CLIENT_ID, TOKEN_PATH, SpacestudioService

API = "https://api.test"
AUTH_URL = API + TOKEN_PATH


@pytest.fixture
def service() -> SpacestudioService:
    return SpacestudioService()


@pytest.fixture
def client(service: SpacestudioService) -> Iterator[spacestudio.Client]:
    """A connected ``Client`` of the stand-in."""
    made = spacestudio.Client.open(
        API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=httpx.MockTransport(service)
    )
    yield made
    made.close()


@pytest.fixture
def connected(service: SpacestudioService) -> Iterator[spacestudio.Client]:
    """``spacestudio.connect(...)`` to the stand-in: the default client of the module functions."""
    made = spacestudio.connect(
        API, service.mail, service.password, CLIENT_ID, auth_url=AUTH_URL, transport=httpx.MockTransport(service)
    )
    yield made
    spacestudio.disconnect()
