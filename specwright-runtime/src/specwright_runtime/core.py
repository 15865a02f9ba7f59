"""The request core shared by every generated client: sync and async twins.

Generated methods describe a call as a :class:`~specwright_runtime.wire.Call`; the core
builds the request (:mod:`.request_policy`), sends it with retries within the call's
deadline (:mod:`.attempts`), maps every failure to the package's exception
(:mod:`.failures`) and decodes the body straight from bytes with pydantic. It also drives
what auth objects cannot do alone: explicit token fetches and the browser and device
logins (auth flows only yield requests; see :mod:`.auth`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from asyncio import to_thread
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .attempts import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    Attempts,
    TotalTimeout,
    auntil,
    until,
)
from .auth import Grant, OAuth2Auth, OAuth2Token
from .downloads import (
    IncompleteDownload,
    Progress,
    awrite_stream,
    expected_length,
    filename_from_disposition,
    resolve_target,
    safe_filename,
    text_progress,
    write_stream,
)
from .errors import ErrorFactory, TokenEndpointError
from .failures import FailureMapper
from .redact import install_log_redaction, redact_url
from .request_policy import CREDENTIAL_HEADERS, MAX_REDIRECTS, RequestBuilder
from .retries import RetryPolicy
from .wire import (
    UNSET,
    Call,
    CommaJoined,
    RequestOptions,
    _Unset,
    comma_joined,
    encode_query,
    expand_path,
    path_segment,
    query_items,
    to_jsonable,
    type_adapter,
    wire_value,
)

if TYPE_CHECKING:
    # the OpenID Connect and device-flow modules (authlib, webbrowser, http.server) load when a login needs them
    from .device import DeviceAuthorization
    from .oidc_auth import OpenIDConnectAuth

__all__ = [
    "CREDENTIAL_HEADERS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "MAX_REDIRECTS",
    "UNSET",
    "AsyncCore",
    "Attempts",
    "Call",
    "CommaJoined",
    "RequestOptions",
    "SyncCore",
    "TotalTimeout",
    "comma_joined",
    "encode_query",
    "expand_path",
    "path_segment",
    "query_items",
    "to_jsonable",
    "type_adapter",
    "wire_value",
]

logger = logging.getLogger("specwright_runtime")
install_log_redaction()  # httpx logs each request's full URL; mask credentials in it

#: Shows the user a device login's code (default: a line on stderr).
DevicePrompt = Callable[["DeviceAuthorization"], object]


def _show_device_code() -> DevicePrompt:
    from .device import show_device_code

    return show_device_code


class _CoreBase(RequestBuilder, FailureMapper):
    """Request building, failure mapping and per-call bookkeeping, shared by both twins."""

    def __init__(
        self,
        *,
        base_url: str,
        error_factory: ErrorFactory,
        title: str = "API",
        retry: RetryPolicy | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
    ) -> None:
        RequestBuilder.__init__(self, base_url, retry)
        FailureMapper.__init__(self, error_factory, title)
        self.total_timeout = total_timeout

    @staticmethod
    def response_target(response: httpx.Response, directory: str | Path, default_name: str, overwrite: bool) -> Path:
        """Where a download goes when the caller gave no usable name: Content-Disposition, else the default."""
        name = filename_from_disposition(response.headers.get("content-disposition"))
        target = resolve_target(directory, name or safe_filename(default_name) or "download", overwrite=overwrite)
        assert target is not None  # the name is already safe
        return target

    def log(self, request: httpx.Request, response: httpx.Response | None, tries: Attempts) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            status = response.status_code if response is not None else "failed"
            logger.debug(
                "%s %s -> %s (attempt %d, %.3fs)",
                request.method,
                redact_url(request.url),
                status,
                tries.attempt,
                time.monotonic() - tries.started,
            )

    @staticmethod
    def call_total(call: Call) -> float | _Unset | None:
        """The total timeout given for this call, ``UNSET`` when it gave none."""
        return call.options.total_timeout if call.options is not None else UNSET

    def download_deadline(self, call: Call) -> float | None:
        """When a streamed download must be complete: only a per-call total sets one."""
        total = self.call_total(call)
        return None if total is UNSET or total is None else time.monotonic() + total

    def attempts(self, call: Call, stream: bool) -> Attempts:
        """Retry and deadline bookkeeping for one call.

        The total timeout covers every attempt, the waits between them and reading the body;
        streamed bodies (downloads) are bounded only by a total given for that call.
        """
        policy = self.policy(call)
        total = self.call_total(call)
        if total is UNSET:
            total = None if stream else self.total_timeout
        return Attempts(policy, policy.allows(call.method, call.idempotent), total)

    def auth_failure(self, auth: OAuth2Auth, exc: TokenEndpointError) -> Exception:
        """The package's error for a login that failed before or at ``auth``'s token endpoint."""
        return self.login_failure(auth.token_url, exc)


class SyncCore(_CoreBase):
    """Sends calls through an ``httpx.Client``."""

    def __init__(self, http: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = http

    def close(self) -> None:
        self.http.close()

    def send(self, call: Call, *, stream: bool = False, raise_for_status: bool = True) -> httpx.Response:
        """Send with retries; raise the package's error for failures and error statuses.

        With ``raise_for_status=False`` an answer with a status of 300 or more is returned
        (its body read) instead of raised, after the same retries; failures to get an answer
        still raise.
        """
        request = self.build(self.http, call)
        send_options = self.send_options(call, request)
        follow = bool(call.extra.get("follow_redirects", False))
        tries = self.attempts(call, stream)
        while True:
            try:
                tries.start(request)
                response = self.http.send(request, stream=True, **send_options)
                self.log(request, response, tries)
                if tries.retry_status(response):
                    response.close()
                    time.sleep(tries.delay)
                    continue
                hop = self.redirect(request, response) if follow and tries.redirects < MAX_REDIRECTS else None
                if hop is not None:
                    response.close()
                    request, send_options = hop, self.send_options(call, hop)
                    tries.redirected()
                    continue
                if response.status_code >= 300 or not stream:
                    try:
                        for chunk in response.iter_bytes():
                            tries.body_chunk(request, chunk)
                    finally:
                        response.close()
                    tries.finish_body(response)
            except (httpx.TransportError, TokenEndpointError) as exc:
                self.log(request, None, tries)
                if not tries.retry_failure(exc):
                    raise self.transport_failure(request, exc) from exc
                time.sleep(tries.delay)
                continue
            if raise_for_status and response.status_code >= 300:  # redirects are not followed unless asked for
                raise self.status_failure(request, response)
            return response

    def call(self, call: Call, tp: Any) -> Any:
        """Send and decode the body as ``tp``."""
        response = self.send(call)
        return self.decode(response.request, response, tp)

    def call_bytes(self, call: Call) -> bytes:
        """Send and return the raw body."""
        return self.send(call).content

    # -- tokens and logins -----------------------------------------------------------------
    def fetch_token(self, auth: OAuth2Auth, grant: Grant | None = None) -> OAuth2Token:
        """Obtain a token now (e.g. an explicit login); failures map like any call.

        With ``grant``, the auth object changes only if the login succeeds.
        """
        request = auth.build_token_request(grant)
        try:
            response = self.http.send(request, auth=None)
            token = auth.accept_token_response(response)
            if grant is not None:
                auth.set_grant(grant)
            return token
        except (httpx.TransportError, TokenEndpointError) as exc:
            raise self.transport_failure(request, exc) from exc

    def login(self, auth: OAuth2Auth) -> OAuth2Token:
        """Log in now through ``auth``'s interactive (browser) login; failures map like any call."""
        try:
            grant = auth.interactive_grant()
        except TokenEndpointError as exc:
            raise self.auth_failure(auth, exc) from exc
        return self.fetch_token(auth, grant)

    def device_login(self, auth: OpenIDConnectAuth, *, prompt: DevicePrompt | None = None) -> OAuth2Token:
        """Log in on another device (RFC 8628): show a code, wait for the user, keep the token.

        ``prompt`` is shown the code (default: :func:`~specwright_runtime.device.show_device_code`).
        """
        prompt = prompt or _show_device_code()
        try:
            token = auth.device_flow(prompt).run(self.http)
        except TokenEndpointError as exc:
            raise self.auth_failure(auth, exc) from exc
        auth.set_token(token)
        return token

    def download(
        self,
        call: Call,
        directory: str | Path,
        *,
        filename: str | None = None,
        default_name: str = "download",
        overwrite: bool = False,
        progress: Progress | bool | None = None,
    ) -> Path:
        """Stream the body into ``directory``; see :mod:`specwright_runtime.downloads`."""
        target = resolve_target(directory, filename, overwrite=overwrite)
        deadline = self.download_deadline(call)
        response = self.send(call, stream=True)
        try:
            target = target or self.response_target(response, directory, default_name, overwrite)
            try:
                return write_stream(
                    until(response.iter_bytes(), deadline, response.request),
                    target,
                    expected=expected_length(response.headers),
                    overwrite=overwrite,
                    progress=text_progress(target.name) if progress is True else progress or None,
                )
            except (httpx.TransportError, IncompleteDownload) as exc:
                raise self.transport_failure(response.request, exc) from exc
        finally:
            response.close()


class AsyncCore(_CoreBase):
    """Sends calls through an ``httpx.AsyncClient``."""

    def __init__(self, http: httpx.AsyncClient, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = http

    async def close(self) -> None:
        await self.http.aclose()

    async def send(self, call: Call, *, stream: bool = False, raise_for_status: bool = True) -> httpx.Response:
        """Async twin of :meth:`SyncCore.send`."""
        request = self.build(self.http, call)
        send_options = self.send_options(call, request)
        follow = bool(call.extra.get("follow_redirects", False))
        tries = self.attempts(call, stream)
        while True:
            try:
                tries.start(request)
                response = await self.http.send(request, stream=True, **send_options)
                self.log(request, response, tries)
                if tries.retry_status(response):
                    await response.aclose()
                    await asyncio.sleep(tries.delay)
                    continue
                hop = self.redirect(request, response) if follow and tries.redirects < MAX_REDIRECTS else None
                if hop is not None:
                    await response.aclose()
                    request, send_options = hop, self.send_options(call, hop)
                    tries.redirected()
                    continue
                if response.status_code >= 300 or not stream:
                    try:
                        async for chunk in response.aiter_bytes():
                            tries.body_chunk(request, chunk)
                    finally:
                        await response.aclose()
                    tries.finish_body(response)
            except (httpx.TransportError, TokenEndpointError) as exc:
                self.log(request, None, tries)
                if not tries.retry_failure(exc):
                    raise self.transport_failure(request, exc) from exc
                await asyncio.sleep(tries.delay)
                continue
            if raise_for_status and response.status_code >= 300:  # redirects are not followed unless asked for
                raise self.status_failure(request, response)
            return response

    async def call(self, call: Call, tp: Any) -> Any:
        """Send and decode the body as ``tp``."""
        response = await self.send(call)
        return self.decode(response.request, response, tp)

    async def call_bytes(self, call: Call) -> bytes:
        """Send and return the raw body."""
        return (await self.send(call)).content

    # -- tokens and logins -----------------------------------------------------------------
    async def fetch_token(self, auth: OAuth2Auth, grant: Grant | None = None) -> OAuth2Token:
        """Async twin of :meth:`SyncCore.fetch_token`."""
        request = auth.build_token_request(grant)
        try:
            response = await self.http.send(request, auth=None)
            token = auth.accept_token_response(response)
            if grant is not None:
                auth.set_grant(grant)
            return token
        except (httpx.TransportError, TokenEndpointError) as exc:
            raise self.transport_failure(request, exc) from exc

    async def login(self, auth: OAuth2Auth) -> OAuth2Token:
        """Async twin of :meth:`SyncCore.login`; the blocking login runs in a worker thread."""
        try:
            # ``to_thread`` imported by name: tests replace this module's ``asyncio`` to record sleeps
            grant = await to_thread(auth.interactive_grant)
        except TokenEndpointError as exc:
            raise self.auth_failure(auth, exc) from exc
        return await self.fetch_token(auth, grant)

    async def device_login(self, auth: OpenIDConnectAuth, *, prompt: DevicePrompt | None = None) -> OAuth2Token:
        """Async twin of :meth:`SyncCore.device_login` (discovery runs in a worker thread)."""
        prompt = prompt or _show_device_code()
        try:
            flow = await to_thread(auth.device_flow, prompt)
            token = await flow.arun(self.http)
        except TokenEndpointError as exc:
            raise self.auth_failure(auth, exc) from exc
        auth.set_token(token)
        return token

    async def download(
        self,
        call: Call,
        directory: str | Path,
        *,
        filename: str | None = None,
        default_name: str = "download",
        overwrite: bool = False,
        progress: Progress | bool | None = None,
    ) -> Path:
        """Async twin of :meth:`SyncCore.download`."""
        target = resolve_target(directory, filename, overwrite=overwrite)
        deadline = self.download_deadline(call)
        response = await self.send(call, stream=True)
        try:
            target = target or self.response_target(response, directory, default_name, overwrite)
            try:
                return await awrite_stream(
                    auntil(response.aiter_bytes(), deadline, response.request),
                    target,
                    expected=expected_length(response.headers),
                    overwrite=overwrite,
                    progress=text_progress(target.name) if progress is True else progress or None,
                )
            except (httpx.TransportError, IncompleteDownload) as exc:
                raise self.transport_failure(response.request, exc) from exc
        finally:
            await response.aclose()
