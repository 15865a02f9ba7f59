"""The HTTP connections every ``Client`` and ``AsyncClient`` share, and how to configure them.

One ``httpx.Client`` per process, created on the first request and closed at exit (a forked
child makes its own), and one ``httpx.AsyncClient`` per running event loop (an async client's
connections belong to the loop that opened them). Both read proxies (``HTTP_PROXY``,
``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) and CA settings (``SSL_CERT_FILE``,
``SSL_CERT_DIR``) from the environment, as httpx does. Each request goes through the
runtime's core, for its retries and timeouts.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
import weakref
from importlib.metadata import PackageNotFoundError, version
from typing import ClassVar, NamedTuple

import httpx
from specwright_runtime import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    AsyncCore,
    RetryPolicy,
    SyncCore,
)

from cloudcix.exceptions import error_from_info

__all__ = ["aclose_http", "close_http", "configure_http"]

TITLE = "CloudCIX"
#: made once: each core would otherwise make its own (with its own random generator)
DEFAULT_RETRY = RetryPolicy()


class _Config(NamedTuple):
    transport: httpx.BaseTransport | None = None
    async_transport: httpx.AsyncBaseTransport | None = None
    retry: RetryPolicy | None = None
    timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT
    trust_env: bool = True


_config = _Config()


def configure_http(
    *,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
    trust_env: bool = True,
) -> None:
    """Set how every client sends from now on; omitted arguments get their defaults.

    ``transport``/``async_transport``: an httpx transport (e.g. ``httpx.MockTransport`` in
    tests); ``retry``: the runtime's ``RetryPolicy`` (default: 3 attempts of idempotent
    requests on connection errors and 408/429/500/502/503/504; ``RetryPolicy.disabled()``);
    ``timeout``: per request (default 30 s, 10 s to connect); ``total_timeout``: seconds a whole
    call may take with its retries (default 120); ``trust_env``: read proxies and CA settings
    from the environment. The shared sync client is closed, so the next request opens a new
    one; in async code, ``await aclose_http()`` first.
    """
    global _config
    _config = _Config(transport, async_transport, retry, timeout, total_timeout, trust_env)
    HttpPool.close()
    AsyncHttpPool.forget()


def close_http() -> None:
    """Close the shared sync client (done at exit); the next request opens a new one."""
    HttpPool.close()


async def aclose_http() -> None:
    """Close the running event loop's async client; the next request opens a new one."""
    await AsyncHttpPool.close()


def _user_agent() -> str:
    try:
        return f"cloudcix/{version('cloudcix')} (specwright)"
    except PackageNotFoundError:  # imported from a source tree
        return "cloudcix (specwright)"


class HttpPool:
    """The process's shared ``httpx.Client``, and a runtime core over it per base URL."""

    _client: ClassVar[httpx.Client | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def client(cls) -> httpx.Client:
        with cls._lock:
            if cls._client is None or cls._client.is_closed:
                cls._client = httpx.Client(
                    transport=_config.transport,
                    timeout=_config.timeout,
                    trust_env=_config.trust_env,
                    follow_redirects=False,  # a redirect is returned: the token never goes elsewhere
                    headers={"User-Agent": _user_agent()},
                )
            return cls._client

    @classmethod
    def core(cls, base_url: str) -> SyncCore:
        """A core (retries, timeouts, errors) for requests under ``base_url``; cheap to make."""
        return SyncCore(
            cls.client(),
            base_url=base_url,
            error_factory=error_from_info,
            title=TITLE,
            retry=_config.retry or DEFAULT_RETRY,
            total_timeout=_config.total_timeout,
        )

    @classmethod
    def close(cls) -> None:
        with cls._lock:
            client, cls._client = cls._client, None
        if client is not None:
            client.close()

    @classmethod
    def _forget(cls) -> None:
        # in a forked child: the sockets are the parent's; drop them unclosed
        cls._client = None
        cls._lock = threading.Lock()


class AsyncHttpPool:
    """One shared ``httpx.AsyncClient`` per running event loop."""

    _clients: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]] = (
        weakref.WeakKeyDictionary()
    )

    @classmethod
    def client(cls) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = cls._clients.get(loop)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(
                transport=_config.async_transport,
                timeout=_config.timeout,
                trust_env=_config.trust_env,
                follow_redirects=False,
                headers={"User-Agent": _user_agent()},
            )
            cls._clients[loop] = client
        return client

    @classmethod
    def core(cls, base_url: str) -> AsyncCore:
        """Async twin of :meth:`HttpPool.core`, over the running loop's client."""
        return AsyncCore(
            cls.client(),
            base_url=base_url,
            error_factory=error_from_info,
            title=TITLE,
            retry=_config.retry or DEFAULT_RETRY,
            total_timeout=_config.total_timeout,
        )

    @classmethod
    async def close(cls) -> None:
        client = cls._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    @classmethod
    def forget(cls) -> None:
        cls._clients = weakref.WeakKeyDictionary()


atexit.register(HttpPool.close)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=HttpPool._forget)
