"""The request core shared by every generated client: sync and async twins.

Generated methods describe a call as a :class:`Call`; the core turns it into an
``httpx.Request``, sends it with retries, maps every failure to the package's exception
through its error factory, and decodes the body straight from bytes with pydantic.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretBytes, SecretStr, TypeAdapter, ValidationError

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
from .errors import ErrorFactory, ErrorInfo, FailureKind, TokenEndpointError, describe_body, parse_body
from .redact import install_log_redaction, redact_url, strip_userinfo
from .retries import RetryPolicy

T = TypeVar("T")
logger = logging.getLogger("specwright_runtime")
install_log_redaction()  # httpx logs each request's full URL; mask credentials in it

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Seconds a whole call may take, retries and waits included (not streamed downloads).
DEFAULT_TOTAL_TIMEOUT = 120.0


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call overrides a user passes to any generated method."""

    timeout: httpx.Timeout | float | _Unset | None = UNSET
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] | None = None
    total_timeout: float | _Unset | None = UNSET  # seconds for the whole call, retries included


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP call as a generated method describes it."""

    method: str
    path: str  # path template, e.g. "/scans/{scan_type}/"
    path_params: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    json: Any = UNSET
    form: Any = None  # a model or a mapping, sent form-encoded
    content: bytes | None = None
    content_type: str | None = None
    idempotent: bool | None = None  # None: decided by the method
    accept: str | None = None
    timeout: httpx.Timeout | float | _Unset | None = UNSET
    retry: RetryPolicy | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # passed to httpx.Client.build_request
    options: RequestOptions | None = None


def wire_value(value: Any) -> str:
    """How a scalar parameter value is written in a path, query or header."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def path_segment(value: Any) -> str:
    """A value as exactly one path segment: ``/`` and every other reserved character encoded."""
    text = quote(wire_value(value), safe="")
    # URL normalisation would drop a "." segment or climb a level for ".."
    return text.replace(".", "%2E") if text in (".", "..") else text


def expand_path(template: str, params: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders with values, each one path segment."""
    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", path_segment(value))
    return path


class CommaJoined(str):
    """A list sent as one comma-separated value; its commas stay literal in a query."""

    parts: tuple[str, ...]

    def __new__(cls, parts: list[str]) -> CommaJoined:
        joined = super().__new__(cls, ",".join(parts))
        joined.parts = tuple(parts)
        return joined


def comma_joined(value: Any) -> str | None:
    """A list parameter with ``explode: false``: one comma-separated value (``None`` stays unset)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return CommaJoined([wire_value(v) for v in value if v is not None])
    return wire_value(value)


def encode_query(pairs: list[tuple[str, Any]]) -> str:
    """``name=value&...`` percent-encoded, except the separating commas of :class:`CommaJoined`."""

    def enc(text: str) -> str:
        return quote(text, safe="")

    out = []
    for name, value in pairs:
        if isinstance(value, CommaJoined):
            text = ",".join(enc(part) for part in value.parts)
        else:
            text = enc(value if isinstance(value, str) else wire_value(value))
        out.append(f"{enc(name)}={text}")
    return "&".join(out)


def query_items(query: Mapping[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    """Query pairs in order; ``None`` dropped, lists repeated (``form`` style, exploded)."""
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in query.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, wire_value(v)) for v in value if v is not None)
        elif isinstance(value, CommaJoined):
            pairs.append((name, value))
        else:
            pairs.append((name, wire_value(value)))
    return pairs


def to_jsonable(value: Any) -> Any:
    """A request body as JSON-ready data (models by alias, unset fields left out).

    Secret fields are sent in clear: they are masked only in reprs and logs.
    """
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", by_alias=True, exclude_unset=True)
    if isinstance(value, (SecretStr, SecretBytes)):
        return to_jsonable(value.get_secret_value())
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in value.items()}
    return _ANY.dump_python(value, mode="json")


_ANY: TypeAdapter[Any] = TypeAdapter(Any)


@lru_cache(maxsize=512)
def type_adapter(tp: Any) -> TypeAdapter[Any]:
    """A cached pydantic adapter for a response type."""
    return TypeAdapter(tp)


class _CoreBase:
    """Request building and response interpretation, shared by both twins."""

    def __init__(
        self,
        *,
        base_url: str,
        error_factory: ErrorFactory,
        title: str = "API",
        retry: RetryPolicy | None = None,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._origin = _origin(httpx.URL(self.base_url))
        self.error_factory = error_factory
        self.title = title
        self.retry = retry if retry is not None else RetryPolicy()
        self.total_timeout = total_timeout

    def url_for(self, path: str) -> str:
        """Absolute URL of an API path (the base URL's own path is kept)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def path_url(self, template: str, path_params: Mapping[str, Any] | None = None) -> str:
        """Absolute URL of an API path template filled with ``path_params``."""
        return self.url_for(expand_path(template, path_params or {}))

    def build(self, http: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
        headers = {k: wire_value(v) for k, v in call.headers.items() if v is not None}
        if call.accept and "accept" not in {k.lower() for k in headers}:
            headers["Accept"] = call.accept
        kwargs: dict[str, Any] = {k: v for k, v in call.extra.items() if k not in _MERGED_EXTRA}
        if call.json is not UNSET:
            kwargs["json"] = to_jsonable(call.json)
        elif call.form is not None:
            form = to_jsonable(call.form)
            kwargs["data"] = {k: wire_value(v) for k, v in form.items() if v is not None}
        elif call.content is not None:
            kwargs["content"] = call.content
        if call.content_type:
            headers["Content-Type"] = call.content_type
        if call.timeout is not UNSET:
            kwargs["timeout"] = call.timeout
        if call.options is not None:
            _override_headers(headers, call.options.headers)
            if call.options.timeout is not UNSET:
                kwargs["timeout"] = call.options.timeout
        # a caller's own httpx arguments come last: they win over the generated ones
        _override_headers(headers, call.extra.get("headers"))
        if "timeout" in call.extra:
            kwargs["timeout"] = call.extra["timeout"]
        url = httpx.URL(self.url_for(expand_path(call.path, call.path_params)))
        pairs = query_items(call.query)
        extra_params = call.extra.get("params")
        if extra_params:
            pairs.extend(httpx.QueryParams(extra_params).multi_items())
        if pairs:  # appended, so a next-page URL keeps its own query
            own = url.query.decode("ascii")
            query = encode_query(pairs)
            url = url.copy_with(query=(f"{own}&{query}" if own else query).encode("ascii"))
        return http.build_request(call.method, url, headers=headers, **kwargs)

    def send_options(self, call: Call, request: httpx.Request) -> dict[str, Any]:
        """Arguments for ``httpx.Client.send``: the caller's ``auth``; redirects never.

        Credentials stay with the API: a URL on another origin (e.g. a next-page link or a
        redirect target) is sent without the client's auth and without ``Authorization``/
        ``Cookie`` headers. An ``Authorization`` header the caller gave for this call wins
        over the client's auth. Redirects a caller asks for are followed by the core, one
        hop at a time (:meth:`redirect`), so a login made inside an auth flow is never
        redirected with its password.
        """
        options: dict[str, Any] = {"follow_redirects": False}
        if "auth" in call.extra:
            options["auth"] = call.extra["auth"]
        if not self.same_origin(request.url):
            for name in CREDENTIAL_HEADERS:
                request.headers.pop(name, None)
            options["auth"] = None
        elif "auth" not in options and _explicit_authorization(call):
            options["auth"] = None
        return options

    @staticmethod
    def redirect(request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
        """The request a redirect asks for (as browsers and httpx build it), or ``None``."""
        location = response.headers.get("location")
        if not response.has_redirect_location or not location:
            return None
        url = request.url.join(location)
        method = request.method
        if (response.status_code == 303 and method != "HEAD") or (response.status_code in (301, 302) and method == "POST"):
            method = "GET"
        headers = httpx.Headers(request.headers)
        headers.pop("host", None)
        content = request.content
        if method != request.method:  # the body is dropped with the method
            content = b""
            for name in ("content-length", "content-type", "transfer-encoding"):
                headers.pop(name, None)
        if _origin(url) != _origin(request.url):
            for name in CREDENTIAL_HEADERS:
                headers.pop(name, None)
        return httpx.Request(method, url, headers=headers, content=content, extensions=dict(request.extensions))

    def same_origin(self, url: httpx.URL) -> bool:
        """Whether ``url`` has the scheme, host and port of the API's base URL."""
        return _origin(url) == self._origin

    def resolve(self, href: str, page_url: str) -> str:
        """A link from a page (e.g. ``rel=next``) as an absolute URL, relative to that page."""
        return str(httpx.URL(page_url).join(href))

    def policy(self, call: Call) -> RetryPolicy:
        if call.options is not None and call.options.retry is not None:
            return call.options.retry
        return call.retry if call.retry is not None else self.retry

    # -- failures ------------------------------------------------------------------------
    def info(
        self,
        kind: FailureKind,
        request: httpx.Request,
        message: str,
        *,
        response: httpx.Response | None = None,
        body: Any = None,
        cause: BaseException | None = None,
    ) -> ErrorInfo:
        return ErrorInfo(
            kind=kind,
            message=message,
            method=request.method,
            url=redact_url(request.url),
            status_code=response.status_code if response is not None else None,
            body=body,
            headers=dict(response.headers) if response is not None else {},
            cause=cause,
        )

    def status_failure(self, request: httpx.Request, response: httpx.Response) -> Exception:
        body = parse_body(response.content)
        message = describe_body(body, response.status_code, self.title)
        if response.status_code < 400:
            location = response.headers.get("location")
            target = f" to {redact_url(request.url.join(location))}" if location else ""
            message = f"{self.title} API answered with a redirect{target} (HTTP {response.status_code}), which is not followed"
        return self.error_factory(self.info(FailureKind.STATUS, request, message, response=response, body=body))

    def transport_failure(self, request: httpx.Request, exc: Exception) -> Exception:
        url = redact_url(request.url)
        if isinstance(exc, TokenEndpointError):
            failed_status = exc.status_code is not None and exc.status_code >= 400
            message = describe_body(exc.body, exc.status_code, self.title) if failed_status else str(exc)
            info = ErrorInfo(
                kind=FailureKind.AUTH,
                message=message,
                method="POST",
                url=exc.url,
                status_code=exc.status_code,
                body=exc.body,
                cause=exc,
            )
            return self.error_factory(info)
        if isinstance(exc, httpx.TimeoutException):
            kind, what = FailureKind.TIMEOUT, f"Timed out calling {self.title} API ({request.method} {url})"
        elif isinstance(exc, IncompleteDownload):
            kind, what = FailureKind.CONNECTION, f"{exc} ({request.method} {url})"
        else:
            reason = strip_userinfo(str(exc))[:200]  # an OS-level reason, never credentials
            kind, what = FailureKind.CONNECTION, (
                f"Network error while calling {self.title} API ({request.method} {url}): {type(exc).__name__}"
                + (f" ({reason})" if reason else "")
            )
        return self.error_factory(self.info(kind, request, what, cause=exc))

    def decode(self, request: httpx.Request, response: httpx.Response, tp: Any) -> Any:
        """Validate the body bytes against ``tp`` (``None``: no body expected)."""
        if tp is None:
            return None
        content = response.content
        try:
            return type_adapter(tp).validate_json(content)
        except ValidationError as exc:
            body = parse_body(content)
            invalid_json = any(e.get("type") == "json_invalid" for e in exc.errors())
            if invalid_json:
                message = f"{self.title} API sent a body that is not valid JSON ({request.method} {redact_url(request.url)})"
                kind = FailureKind.DECODE
            else:
                message = (
                    f"Unexpected payload from {self.title} API ({request.method} {redact_url(request.url)}): "
                    f"{exc.error_count()} validation error(s), first: {_first_error(exc)}"
                )
                kind = FailureKind.VALIDATION
            return_exc = self.error_factory(self.info(kind, request, message, response=response, body=body, cause=exc))
            raise return_exc from exc

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


# keys of ``Call.extra`` merged by ``build`` or given to ``send`` instead of ``build_request``
_SEND_EXTRA = ("auth", "follow_redirects")
_MERGED_EXTRA = ("headers", "params", "timeout", *_SEND_EXTRA)
MAX_REDIRECTS = 20


_PORTS = {"http": 80, "https": 443}
#: Headers that carry credentials: never sent to another origin.
CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written)."""
    return url.scheme, url.host, url.port or _PORTS.get(url.scheme)


def _explicit_authorization(call: Call) -> bool:
    names = [*httpx.Headers(call.extra.get("headers") or {}).keys()]
    if call.options is not None:
        names += [*httpx.Headers(call.options.headers or {}).keys()]
    return "authorization" in names


def _override_headers(headers: dict[str, str], new: Any) -> None:
    """Set ``new`` headers, replacing any of the same name whatever its case."""
    for name, value in httpx.Headers(new or {}).multi_items():
        for existing in [k for k in headers if k.lower() == name]:
            del headers[existing]
        headers[name] = value


class TotalTimeout(httpx.ReadTimeout):
    """The call's total timeout ran out (raised by the core, mapped like any timeout)."""


def _until(chunks: Iterator[bytes], deadline: float | None, request: httpx.Request) -> Iterator[bytes]:
    """The chunks of a body, ended by :class:`TotalTimeout` once ``deadline`` has passed."""
    for chunk in chunks:
        if deadline is not None and time.monotonic() > deadline:
            raise TotalTimeout("total timeout exceeded while downloading", request=request)
        yield chunk


async def _auntil(chunks: AsyncIterator[bytes], deadline: float | None, request: httpx.Request) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        if deadline is not None and time.monotonic() > deadline:
            raise TotalTimeout("total timeout exceeded while downloading", request=request)
        yield chunk


class Attempts:
    """One call's attempts: which failures are retried, how long to wait, the total deadline."""

    def __init__(self, policy: RetryPolicy, may_retry: bool, total: float | None) -> None:
        self.policy = policy
        self.may_retry = may_retry
        self.deadline = None if total is None else time.monotonic() + total
        self.total = total
        self.attempt = 0
        self.started = time.monotonic()
        self.delay = 0.0
        self.redirects = 0
        self._chunks: list[bytes] = []

    def start(self, request: httpx.Request) -> None:
        """Count an attempt and cap its httpx timeouts by the time left."""
        self.attempt += 1
        self.started = time.monotonic()
        self._chunks = []
        left = self.left()
        if left is not None:
            if left <= 0:
                raise TotalTimeout(f"total timeout of {self.total:g} s exceeded", request=request)
            timeouts = dict(request.extensions.get("timeout") or {})
            for key in ("connect", "read", "write", "pool"):
                value = timeouts.get(key)
                timeouts[key] = left if value is None else min(value, left)
            request.extensions["timeout"] = timeouts

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def redirected(self) -> None:
        """A followed redirect is a hop of the same attempt, not a new one."""
        self.redirects += 1
        self.attempt -= 1

    def _wait(self, retry_after: str | None) -> bool:
        delay = self.policy.delay(self.attempt, retry_after)
        left = self.left()
        if delay is None or (left is not None and delay >= left):
            return False  # out of attempts, or the wait would outlast the total timeout
        self.delay = delay
        return True

    def retry_status(self, response: httpx.Response) -> bool:
        """Whether to retry after this answer (then wait ``self.delay`` first)."""
        if not self.may_retry or response.status_code not in self.policy.statuses:
            return False
        return self._wait(response.headers.get("retry-after"))

    def retry_failure(self, exc: Exception) -> bool:
        """Whether to retry after a failed send or body read."""
        if isinstance(exc, TotalTimeout) or not self.may_retry or not _retryable(exc, self.policy):
            return False
        return self._wait(None)

    def body_chunk(self, request: httpx.Request, chunk: bytes) -> None:
        self._chunks.append(chunk)
        left = self.left()
        if left is not None and left <= 0:  # a body that trickles in must still end in time
            raise TotalTimeout(f"total timeout of {self.total:g} s exceeded while reading the body", request=request)

    def finish_body(self, response: httpx.Response) -> None:
        # what ``Response.read()`` does, done chunk by chunk so the deadline is checked
        response._content = b"".join(self._chunks)
        self._chunks = []


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "(root)"
    return f"{loc}: {first.get('msg')}"


class SyncCore(_CoreBase):
    """Sends calls through an ``httpx.Client``."""

    def __init__(self, http: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = http

    def close(self) -> None:
        self.http.close()

    def send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        """Send with retries; raise the package's error for failures and error statuses."""
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
            if response.status_code >= 300:  # redirects are not followed unless asked for
                raise self.status_failure(request, response)
            return response

    def call(self, call: Call, tp: Any) -> Any:
        """Send and decode the body as ``tp``."""
        response = self.send(call)
        return self.decode(response.request, response, tp)

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

    def call_bytes(self, call: Call) -> bytes:
        """Send and return the raw body."""
        return self.send(call).content

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
                    _until(response.iter_bytes(), deadline, response.request),
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

    async def send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        """Send with retries; raise the package's error for failures and error statuses."""
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
            if response.status_code >= 300:  # redirects are not followed unless asked for
                raise self.status_failure(request, response)
            return response

    async def call(self, call: Call, tp: Any) -> Any:
        """Send and decode the body as ``tp``."""
        response = await self.send(call)
        return self.decode(response.request, response, tp)

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

    async def call_bytes(self, call: Call) -> bytes:
        """Send and return the raw body."""
        return (await self.send(call)).content

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
                    _auntil(response.aiter_bytes(), deadline, response.request),
                    target,
                    expected=expected_length(response.headers),
                    overwrite=overwrite,
                    progress=text_progress(target.name) if progress is True else progress or None,
                )
            except (httpx.TransportError, IncompleteDownload) as exc:
                raise self.transport_failure(response.request, exc) from exc
        finally:
            await response.aclose()


def _retryable(exc: Exception, policy: RetryPolicy) -> bool:
    if isinstance(exc, TokenEndpointError):
        return exc.status_code is not None and exc.status_code in policy.statuses
    return policy.retry_connection_errors
