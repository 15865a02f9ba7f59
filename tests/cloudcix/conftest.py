"""Fixtures for the cloudcix tests: settings from a clean environment, a scripted mock transport.

The package's shared HTTP clients are pointed at an ``httpx.MockTransport`` through its
documented seam, ``cloudcix.transport.configure_http``; settings come from ``CLOUDCIX_*``
environment variables, loaded again for every test.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import httpx
import pytest

if importlib.util.find_spec("cloudcix") is None:  # not generated yet (no apis.toml entry)
    collect_ignore_glob = ["test_*.py"]
else:
    from cloudcix.conf import settings
    from cloudcix.transport import configure_http
    from cloudcix_fakes import Recorder
    from specwright_runtime import RetryPolicy

#: Settings of the sheet's appendix table: subdomain style without a version segment.
SHEET_ENV = {
    "CLOUDCIX_API_URL": "https://legacyapi.api.cloudcix.com/",
    "CLOUDCIX_API_V2_URL": "https://api.cloudcix.com/",
    "CLOUDCIX_API_VERSION": "2",
}


@pytest.fixture(autouse=True)
def cloudcix_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The sheet's settings in the environment (no settings module), loaded afresh per test."""
    for name in list(os.environ):
        if name.startswith("CLOUDCIX_") or name == "DJANGO_SETTINGS_MODULE":
            monkeypatch.delenv(name)
    for name, value in SHEET_ENV.items():
        monkeypatch.setenv(name, value)
    settings._wrapped = None
    yield dict(SHEET_ENV)
    settings._wrapped = None


@pytest.fixture
def mock() -> Iterator[Recorder]:
    """A ``Recorder`` behind both shared clients (sync and async); answers 200 ``{}`` by default.

    Retries go without waiting or randomness.
    """
    recorder = Recorder({})
    configure_http(
        transport=httpx.MockTransport(recorder),
        async_transport=httpx.MockTransport(recorder.handle_async),
        retry=RetryPolicy(initial_backoff=0, jitter=False),
    )
    yield recorder
    configure_http()
