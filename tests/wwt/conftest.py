"""Fixtures for the wwt_api_client.constellations tests: a fake service and signed-in clients of it.

Everything HTTP goes through ``httpx.MockTransport`` (the fake is in ``wwt_fakes``). The
sign-in is a device login whose every request, discovery included, the fake answers. The one
place these tests reach into the runtime is ``specwright_runtime.oidc_auth.discover``:
discovery otherwise opens its own connection, and replacing it also makes an unexpected login
fail at once instead of waiting for a browser.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wwt_api_client.constellations import AsyncCxClient, ClientConfig, CxClient
from wwt_fakes import API_URL, ISSUER, Discovery, FakeConstellations, Mode


@pytest.fixture
def fake() -> FakeConstellations:
    """A fresh fake service."""
    return FakeConstellations()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Iterator[Mode]:
    """Run the test once with the sync client and once with the async client."""
    variant = Mode(request.param)
    yield variant
    variant.close()


@pytest.fixture
def discovery(fake: FakeConstellations, monkeypatch: pytest.MonkeyPatch) -> Discovery:
    """The runtime's provider discovery, replaced by a :class:`Discovery`."""
    oidc_auth = importlib.import_module("specwright_runtime.oidc_auth")
    replacement = Discovery(fake, oidc_auth.discover)
    monkeypatch.setattr(oidc_auth, "discover", replacement)
    return replacement


@pytest.fixture
def anonymous(mode: Mode, fake: FakeConstellations, discovery: Discovery) -> Iterator[Any]:
    """A ``CxClient`` or ``AsyncCxClient`` of the fake service, not signed in (a login attempt fails)."""
    config = ClientConfig(ISSUER, "automation", API_URL)
    made: Any
    if mode.is_async:
        made = AsyncCxClient(config, oidcc_cache_identifier=None, transport=httpx.MockTransport(fake))
    else:
        made = CxClient(config, oidcc_cache_identifier=None, transport=httpx.MockTransport(fake))
    yield made
    mode.run(made.close())


@pytest.fixture
def client(mode: Mode, anonymous: Any, discovery: Discovery) -> Any:
    """The same client, signed in with a device login (no browser) before the test."""
    discovery.allowed = True
    mode.run(anonymous.device_login(prompt=lambda authorization: None))
    return anonymous
