"""What a ``Client`` sends, shared by ``Client`` and ``AsyncClient``: URLs, query, body, headers.

Nothing here does I/O; ``async_client.py`` (and its derived ``client.py``) sends.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import httpx
from specwright_runtime import (
    UNSET,
    AsyncCore,
    Call,
    ErrorInfo,
    FailureKind,
    RequestOptions,
    SyncCore,
    redact_url,
)

from cloudcix._token import TokenAuth
from cloudcix.conf import setting
from cloudcix.exceptions import ImproperlyConfiguredException, MissingClientKeywordArgumentException
from cloudcix.utils import JSONEncoder

#: Applications served from their own host (``https://<application>.<CLOUDCIX_API_V2_URL host>``),
#: compared with the application name in lower case; the others use the legacy path style.
FULLY_DEPLOYED = {
    "appmanager",
    "bss-test",
    "circuit",
    "compute",
    "contact",
    "dcim",
    "financial",
    "helpdesk",
    "iaas",
    "membership",
    "otp",
    "pat",
    "plot",
    "scheduler",
    "support",
    "training",
    "vault",
}

#: Items a page of ``get_all`` asks for.
PAGE_SIZE = 100
#: Keyword arguments of the methods that are not path placeholders.
REQUEST_KWARGS = frozenset({"headers", "span", "timeout"})
METHODS = frozenset({"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"})
BODY_METHODS = frozenset({"PATCH", "POST", "PUT"})

Records = list[dict[str, Any]]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
logger = logging.getLogger("cloudcix.client")


def parse_parameters(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Query parameters as cloudcix 5.0.11 wrote them, in a new dict (``params`` is not changed).

    Anything with ``isoformat()`` (dates, datetimes, times): ISO 8601; booleans:
    ``'true'``/``'false'``; other non-string iterables: the Python repr of a list of strings,
    non-strings written without spaces (``[1, 'a b']`` → ``"['1', 'a b']"``), the wire format
    CloudCIX services parse today. Other values as they are (``None`` is left out when sent).
    """
    parsed: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
            value = str(
                [item if isinstance(item, str) else str(item).replace(" ", "") for item in value]
            )
        parsed[key] = value
    return parsed


def service_base_url(application: str, service_uri: str) -> str:
    """The URL of a service's collection, from the settings (see the package README)."""
    app = application.lower()
    if app in FULLY_DEPLOYED:
        root = str(setting("CLOUDCIX_API_V2_URL")).rstrip("/")
        protocol, sep, host = root.partition("://")
        if not sep:
            raise ImproperlyConfiguredException("CLOUDCIX_API_V2_URL must be an absolute URL")
        version = _version(setting("CLOUDCIX_API_VERSION"))
        prefix = "" if version == 2 else f"/v{version}"
        return _lower_outside_placeholders(f"{protocol}://{app}.{host}{prefix}/{service_uri}/")
    return f"{str(setting('CLOUDCIX_API_URL')).rstrip('/')}/{application}/v1/{service_uri}/"


def _version(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _lower_outside_placeholders(url: str) -> str:
    # as 5.0.11, the whole URL in lower case, but a placeholder keeps its keyword's name
    parts = re.split(r"(\{\w+\})", url)
    return "".join(part if i % 2 else part.lower() for i, part in enumerate(parts))


def segment(name: str, value: Any) -> str:
    """One path segment: ``/`` and every other reserved character percent-encoded."""
    text = str(value)
    if not text:
        raise ValueError(f"path argument {name!r} is empty")
    encoded = quote(text, safe="")
    # URL normalisation would drop a "." segment or climb a level for ".."
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def body(data: Any) -> bytes:
    """A request body as 5.0.11 sent it: JSON, with :class:`cloudcix.utils.JSONEncoder`."""
    return json.dumps(data, cls=JSONEncoder).encode("utf-8")


def inject_span(span: Any, headers: dict[str, str]) -> None:
    """Add an OpenTracing span's context to ``headers`` (a per-request copy), if opentracing is installed."""
    try:
        opentracing = importlib.import_module("opentracing")
    except ImportError:
        logger.debug("span= ignored: opentracing is not installed")
        return
    context = getattr(span, "context", span)  # a Span or a SpanContext
    try:
        opentracing.tracer.inject(context, opentracing.Format.TEXT_MAP, headers)
    except Exception as exc:  # tracing must never break a call
        logger.debug("span= ignored: the tracer could not inject it (%s)", type(exc).__name__)


def timeout_of(value: Any) -> httpx.Timeout | None:
    """A ``requests``-style ``timeout=`` (seconds, ``(connect, read)`` or ``None``) for httpx."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        connect, read = value
        return httpx.Timeout(read, connect=connect)
    return httpx.Timeout(value)


def read_page(core: SyncCore | AsyncCore, response: httpx.Response) -> tuple[Records, int | None]:
    """The ``content`` items and the total (``total_records``, else ``totalRecords``) of a list page."""
    document = core.decode(response.request, response, Any)
    items = document.get("content") if isinstance(document, dict) else None
    if not isinstance(items, list):
        where = redact_url(response.request.url)
        info = ErrorInfo(
            FailureKind.VALIDATION,
            f"CloudCIX API sent no list at content ({response.request.method} {where})",
            response.request.method,
            where,
            status_code=response.status_code,
            body=document,
            headers=dict(response.headers),
        )
        raise core.error_factory(info)
    metadata = document.get("_metadata")
    total = None
    if isinstance(metadata, dict):
        for key in ("total_records", "totalRecords"):
            value = metadata.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                total = value
                break
    return items, total


def page_signature(items: Records) -> tuple[int, str, str]:
    """Identifies a page cheaply: a server that ignores ``page`` sends the same one again."""
    return len(items), repr(items[0]), repr(items[-1])


class ClientBase:
    """One service of one application: its URL and the requests to it (nothing sent here).

    ``version`` is kept for compatibility and ignored, as in 5.0.11. The URL is worked out from
    the settings when a request needs it (``base_url``), never at construction.
    """

    def __init__(self, application: str, service_uri: str, version: str = "v1") -> None:
        self.application = application
        self.service_uri = service_uri.rstrip("/")
        self.version = version
        #: extra headers sent with every request of this client (a call's ``headers=`` win)
        self.headers: dict[str, str] = {}
        self._placeholders = frozenset(_PLACEHOLDER.findall(self.service_uri))

    @property
    def server_url(self) -> str:
        """``CLOUDCIX_API_URL`` without its trailing slash (the legacy path-style root)."""
        return str(setting("CLOUDCIX_API_URL")).rstrip("/")

    @property
    def base_url(self) -> str:
        """The collection's URL, with ``{placeholders}`` still in it, from the current settings."""
        return service_base_url(self.application, self.service_uri)

    def __repr__(self) -> str:
        try:
            where = self.base_url
        except ImproperlyConfiguredException:
            where = f"{self.application}: {self.service_uri}/ (settings not configured)"
        return f"<{type(self).__name__} [{where}]>"

    def filter_kwargs(self, kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(client_kwargs, non_client_kwargs)``: path placeholder values, and the rest."""
        client_kwargs = {k: v for k, v in kwargs.items() if k in self._placeholders}
        return client_kwargs, {k: v for k, v in kwargs.items() if k not in self._placeholders}

    def prepare_url(self, pk: Any = None, client_kwargs: Mapping[str, Any] | None = None) -> str:
        """The URL of the collection, or of item ``pk``, with every placeholder filled.

        Each value is one path segment (``a/b`` is sent as ``a%2Fb``). A service whose path
        names ``{pk}`` itself (``guiden/api_key/{pk}``) takes ``pk`` there, with nothing appended.
        """
        values = dict(client_kwargs or {})
        url = self.base_url
        if pk is not None:
            if "pk" in self._placeholders:
                values["pk"] = pk
            else:
                url += segment("pk", pk) + "/"

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if values.get(name) is None:
                raise MissingClientKeywordArgumentException(name, self)
            return segment(name, values[name])

        return _PLACEHOLDER.sub(fill, url)

    def _call(
        self,
        method: str,
        token: str | None,
        pk: Any,
        data: Any,
        params: Mapping[str, Any] | None,
        files: Any,
        kwargs: Mapping[str, Any],
    ) -> Call:
        """The runtime call for one request (the caller's ``params`` and ``headers`` are only read)."""
        verb = method.upper()
        if verb not in METHODS:
            raise ValueError(f"unsupported method {method!r}")
        client_kwargs, other = self.filter_kwargs(kwargs)
        unknown = sorted(set(other) - REQUEST_KWARGS)
        if unknown:
            raise TypeError(f"{method.lower()}() got an unexpected keyword argument {unknown[0]!r}")
        if files is not None:  # 5.0.11 dropped them silently
            raise TypeError("files= is not supported: send files with httpx directly")
        url = self.prepare_url(pk, client_kwargs)
        headers = {**self.headers, **dict(other.get("headers") or {})}
        if other.get("span") is not None:
            inject_span(other["span"], headers)
        content = body(data) if verb in BODY_METHODS else None
        if content is not None:  # the body is JSON whatever the caller said, as in 5.0.11
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        timeout: Any = UNSET
        options = None
        if "timeout" in other:  # the caller's timeout replaces the per-request and total ones
            timeout = timeout_of(other["timeout"])
            options = RequestOptions(total_timeout=None)
        return Call(
            verb,
            url,
            query=parse_parameters(params),
            headers=headers,
            content=content,
            content_type="application/json" if content is not None else None,
            timeout=timeout,
            options=options,
            extra={"auth": TokenAuth(token)} if token else {},
        )
