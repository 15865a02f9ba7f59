"""Requests built from calls, and where credentials and redirects may go.

:class:`RequestBuilder` turns a :class:`~specwright_runtime.wire.Call` into an
``httpx.Request`` under the API's base URL and decides, per request, whether the client's
credentials go with it (same origin only) and which request a redirect asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .retries import RetryPolicy
from .wire import SECURITY_EXTENSION, UNSET, Call, encode_query, expand_path, query_items, to_jsonable, wire_value

#: Redirect hops the core follows for one call when a caller asks it to.
MAX_REDIRECTS = 20
#: Headers that carry credentials: never sent to another origin.
CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")

# keys of ``Call.extra`` merged by ``build`` or given to ``send`` instead of ``build_request``
_SEND_EXTRA = ("auth", "follow_redirects")
_MERGED_EXTRA = ("extensions", "headers", "params", "timeout", *_SEND_EXTRA)
_PORTS = {"http": 80, "https": 443}


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written)."""
    return url.scheme, url.host, url.port or _PORTS.get(url.scheme)


class RequestBuilder:
    """Request building and credential policy for one base URL."""

    def __init__(self, base_url: str, retry: RetryPolicy | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._origin = origin(httpx.URL(self.base_url))
        self.retry = retry if retry is not None else RetryPolicy()

    def url_for(self, path: str) -> str:
        """Absolute URL of an API path (the base URL's own path is kept)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def path_url(self, template: str, path_params: Mapping[str, Any] | None = None) -> str:
        """Absolute URL of an API path template filled with ``path_params``."""
        return self.url_for(expand_path(template, path_params or {}))

    def build(self, http: httpx.Client | httpx.AsyncClient, call: Call) -> httpx.Request:
        """The request ``call`` describes, with the caller's own httpx arguments merged last.

        The call's security mode goes with the request as an extension, for the auth flow
        (and it stays with the request through retries and redirect hops).
        """
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
        extensions = {**(call.extra.get("extensions") or {}), SECURITY_EXTENSION: call.security}
        return http.build_request(call.method, url, headers=headers, extensions=extensions, **kwargs)

    def send_options(self, call: Call, request: httpx.Request) -> dict[str, Any]:
        """Arguments for ``httpx.Client.send``: the caller's ``auth``; redirects never.

        Credentials stay with the API: a URL on another origin (e.g. a next-page link or a
        redirect target) is sent without the client's auth and without ``Authorization``/
        ``Cookie`` headers. An ``Authorization`` header the caller gave for this call wins
        over the client's auth. Redirects a caller asks for are followed by the core, one
        hop at a time (:meth:`redirect`), so a login made inside an auth flow is never
        redirected with its password.

        An operation with ``security="none"`` goes without the client's auth (an ``auth``
        the caller gave for this call is still used).
        """
        options: dict[str, Any] = {"follow_redirects": False}
        if "auth" in call.extra:
            options["auth"] = call.extra["auth"]
        elif call.security == "none":
            options["auth"] = None
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
        if origin(url) != origin(request.url):
            for name in CREDENTIAL_HEADERS:
                headers.pop(name, None)
        return httpx.Request(method, url, headers=headers, content=content, extensions=dict(request.extensions))

    def same_origin(self, url: httpx.URL) -> bool:
        """Whether ``url`` has the scheme, host and port of the API's base URL."""
        return origin(url) == self._origin

    def resolve(self, href: str, page_url: str) -> str:
        """A link from a page (e.g. ``rel=next``) as an absolute URL, relative to that page."""
        return str(httpx.URL(page_url).join(href))

    def policy(self, call: Call) -> RetryPolicy:
        """The retry policy of ``call``: its options', its own, else the core's."""
        if call.options is not None and call.options.retry is not None:
            return call.options.retry
        return call.retry if call.retry is not None else self.retry


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
