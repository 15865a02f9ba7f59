"""The asynchronous client: configuration from file, environment and arguments.

The sync ``client.py`` is derived from ``async_client.py`` at generation time (generator/unasync.py).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from specwright_runtime import DEFAULT_TOTAL_TIMEOUT, RetryPolicy

from cuiman.async_api import AsyncProcessesApi
from cuiman.config import DEFAULT_SERVER_URL, ClientConfig
from cuiman.exceptions import JobTimeoutError
from cuiman.models import JobInfo, JobStatus

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["AsyncClient"]

#: Job statuses after which a job's status no longer changes.
FINAL_STATUSES = frozenset({JobStatus.successful, JobStatus.failed, JobStatus.dismissed})


class AsyncClient(AsyncProcessesApi):
    """The client API for the web service (asynchronous mode).

    Args:
        config: a client configuration; if given, the other configuration arguments are ignored.
        config_path: the YAML configuration file to read (default ``~/.eozilla/config``).
        server_url: the server's URL; a base path is kept.
        user_name: the user's name.
        access_token: a private access token, sent as ``Authorization: Bearer``.
        timeout: seconds, or an ``httpx.Timeout``; default 30 s (10 s to connect).
        total_timeout: seconds a whole call may take, retries included (default 120; ``None``: no limit).
        retry: retry policy for idempotent requests; ``RetryPolicy.disabled()`` turns it off.
        headers: extra headers for every request.
        transport: an httpx transport (e.g. ``httpx.MockTransport`` in tests).

    Configuration precedence, lowest first: defaults, the config file, ``EOZILLA_*``
    environment variables, the arguments (see :meth:`ClientConfig.create`).
    """

    def __init__(
        self,
        *,
        config: ClientConfig | None = None,
        config_path: str | os.PathLike[str] | None = None,
        server_url: str | None = None,
        user_name: str | None = None,
        access_token: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._config = ClientConfig.create(
            config=config,
            config_path=config_path,
            server_url=server_url,
            user_name=user_name,
            access_token=access_token,
        )
        super().__init__(
            self._config.server_url or DEFAULT_SERVER_URL,
            token=self._config.access_token or None,
            timeout=timeout,
            total_timeout=total_timeout,
            retry=retry,
            headers=headers,
            transport=transport,
        )

    @property
    def config(self) -> ClientConfig:
        """The configuration this client was created with."""
        return self._config

    async def wait_for_job(
        self,
        job_id: str,
        *,
        timeout: float | None = 1800.0,
        poll_interval: float = 0.5,
        max_interval: float = 10.0,
        backoff: float = 1.5,
        on_update: Callable[[JobInfo], None] | None = None,
        **kwargs: Any,
    ) -> JobInfo:
        """Poll the job's status until it is ``successful``, ``failed`` or ``dismissed``.

        The first poll is immediate; the pause between polls starts at ``poll_interval``
        seconds and grows by ``backoff`` up to ``max_interval``.

        Args:
            job_id: the job to wait for.
            timeout: seconds to wait at most (``None``: no limit).
            poll_interval: first pause between polls, in seconds.
            max_interval: longest pause between polls, in seconds.
            backoff: factor the pause grows by after each poll.
            on_update: called with every status received.
            kwargs: passed on to each :meth:`get_job` request.

        Returns:
            The job's final status.

        Raises:
            JobTimeoutError: the job did not end within ``timeout`` seconds.
            ClientError: a status request failed.
        """
        if (
            poll_interval < 0
            or max_interval < 0
            or backoff < 1
            or (timeout is not None and timeout < 0)
        ):
            raise ValueError(
                "timeout, poll_interval and max_interval must be >= 0 and backoff >= 1"
            )
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = min(poll_interval, max_interval)
        while True:
            job = await self.get_job(job_id, **kwargs)
            if on_update is not None:
                on_update(job)
            if job.status in FINAL_STATUSES:
                return job
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise JobTimeoutError(job_id, timeout or 0.0, str(job.status))
                pause = min(pause, left)
            await asyncio.sleep(pause)
            pause = min(pause * backoff, max_interval)
