"""One generic client per REST resource: list, read, create, update, delete, head, iterate.

For APIs with many uniform services (CloudCIX has 320 on per-application hosts) a
:class:`ResourceClient` per service path stands in for a generated method per operation.
Every call goes through the core, so retries, timeouts, redirect rules and the package's
exceptions are those of generated methods.

Path rules: the template is relative to the core's base URL and always ends with ``/``;
``{name}`` placeholders (one may open the template) are filled from keyword arguments, each
value percent-encoded as exactly one segment. Item methods address ``<collection><pk>/``,
unless the template names ``{pk}`` itself: then ``pk`` fills that placeholder and nothing
is appended (collection methods then take ``pk=`` like any other placeholder).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias
from uuid import UUID

import httpx

from .core import UNSET, AsyncCore, Call, RequestOptions, SyncCore, path_segment, wire_value
from .errors import FailureKind
from .paging import PageNumberPaging, apaginate, paginate, select
from .redact import redact_url

__all__ = ["AsyncResourceClient", "HeadResult", "PathValue", "ResourceClient", "ResourcePaging"]

#: What a path placeholder or a ``pk`` may be (written with ``str()``; enums by value).
PathValue: TypeAlias = str | int | UUID

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# keyword names of the methods: a placeholder of the same name could never be filled
_RESERVED = frozenset({"params", "data", "page_size", "max_items", "request_options"})
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class ResourcePaging:
    """How ``iter_all`` walks a collection: page-number paging, optionally with a total count.

    The defaults are neutral: ``?page=0&limit=100``, the body is the list of items, no total
    (so a short or empty page ends the walk). An API's own envelope comes from its spec's
    ``x-specwright-resources.paging`` — e.g. CloudCIX's items at ``$.content`` and totals at
    ``("$._metadata.total_records", "$._metadata.totalRecords")``, where the first path with an
    integer wins. Paths use the JSONPath subset of :func:`specwright_runtime.paging.select`.
    """

    page_param: str = "page"
    size_param: str = "limit"
    first_page: int = 0
    page_size: int = 100
    items: str = "$"
    totals: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.page_size < 1:
            raise ValueError("page_size must be >= 1")
        object.__setattr__(self, "totals", tuple(self.totals))  # a list from generated code is fine too
        self.page_numbers()  # refuses an unsupported path now rather than mid-iteration

    def page_numbers(self) -> PageNumberPaging:
        """The same walk as a :class:`~specwright_runtime.paging.PageNumberPaging` for ``paginate``."""
        return PageNumberPaging(
            page=self.page_param,
            size=self.size_param,
            results=self.items,
            totals=self.totals,
            first_page=self.first_page,
        )


@dataclass(frozen=True, slots=True)
class HeadResult:
    """What a HEAD request tells: the (2xx) status and the headers."""

    status_code: int
    headers: httpx.Headers


class _NoPk:
    """Marks a collection call (``None`` is a value ``head`` accepts for that too)."""


_COLLECTION = _NoPk()


class _ResourceBase:
    """URL building, call description and page reading, shared by both twins."""

    def __init__(self, core: SyncCore | AsyncCore, path: str, paging: ResourcePaging | None) -> None:
        if "://" in path:
            raise ValueError(f"resource path must be relative to the base URL: {path!r}")
        template = path.lstrip("/")
        if template and not template.endswith("/"):
            template += "/"
        leftover = _PLACEHOLDER.sub("", template)
        if "{" in leftover or "}" in leftover:
            raise ValueError(f"malformed placeholder in resource path {path!r}")
        names = set(_PLACEHOLDER.findall(template))
        if names & _RESERVED:
            raise ValueError(f"placeholder name(s) {sorted(names & _RESERVED)} clash with method arguments")
        self.path = template
        self.paging = paging if paging is not None else ResourcePaging()
        self._item = template if "pk" in names else template + "{pk}/"
        self._any_core = core

    def __repr__(self) -> str:
        base = redact_url(self._any_core.base_url)  # no user info, no secret query values
        return f"{type(self).__name__}({base + '/' + self.path!r})"

    def _url_path(self, pk: PathValue | _NoPk, path: Mapping[str, Any]) -> str:
        """The filled path, or ``TypeError`` for a missing or unknown placeholder argument."""
        values = dict(path)
        template = self.path
        if not isinstance(pk, _NoPk):
            template = self._item
            values["pk"] = pk
        names = set(_PLACEHOLDER.findall(template))
        unknown = sorted(set(values) - names)
        if unknown:
            raise TypeError(f"{self!r} has no path placeholder {unknown[0]!r}")
        missing = sorted(name for name in names if values.get(name) is None)
        if missing:
            raise TypeError(f"{self!r} needs the path argument {missing[0]!r}")
        return _PLACEHOLDER.sub(lambda m: _segment(m.group(1), values[m.group(1)]), template)

    def _call(
        self,
        method: str,
        url_path: str,
        params: Mapping[str, Any] | None,
        options: RequestOptions | None,
        data: Any = UNSET,
    ) -> Call:
        # UNSET: no body at all (GET/HEAD/DELETE); retries are the core's choice by method
        return Call(method, url_path, query=dict(params or {}), json=data, accept=_JSON, options=options)

    def _json(self, response: httpx.Response) -> Any:
        """The parsed body, ``None`` when there is none (e.g. 204)."""
        if not response.content:
            return None
        return self._any_core.decode(response.request, response, Any)

    def _paging_plan(self, page_size: int | None, max_items: int | None) -> int:
        size = self.paging.page_size if page_size is None else page_size
        if size < 1:
            raise ValueError("page_size must be >= 1")
        if max_items is not None and max_items < 0:
            raise ValueError("max_items must be >= 0")
        if max_items is not None and max_items > 0:
            size = min(size, max_items)  # a small max_items needs no large page
        return size

    def _page_call(
        self, url_path: str, number: int, size: int, params: Mapping[str, Any] | None, options: RequestOptions | None
    ) -> Call:
        # a fresh dict per page: the caller's params are never touched; ours win over theirs
        query = {**(params or {}), self.paging.page_param: number, self.paging.size_param: size}
        return self._call("GET", url_path, query, options)

    def _page(self, response: httpx.Response) -> Any:
        """The page document, or the package's error when its items are not a list."""
        document = self._json(response)
        items = select(document, self.paging.items)
        if items is not None and not isinstance(items, list):
            core = self._any_core
            message = f"{core.title} API sent no list at {self.paging.items} ({redact_url(response.request.url)})"
            info = core.info(FailureKind.VALIDATION, response.request, message, response=response, body=document)
            raise core.error_factory(info)
        return document


def _segment(name: str, value: Any) -> str:
    """One path segment: ``/`` and every other reserved character percent-encoded."""
    if not wire_value(value):
        raise ValueError(f"path argument {name!r} is empty")
    return path_segment(value)


class ResourceClient(_ResourceBase):
    """Generic client for one service path over a :class:`SyncCore`.

    ``ResourceClient(core, "address/{address_id}/link/").read(3, address_id=7)`` sends
    ``GET <base>/address/7/link/3/``. Non-2xx answers raise the package's exceptions.
    """

    def __init__(self, core: SyncCore, path: str, *, paging: ResourcePaging | None = None) -> None:
        super().__init__(core, path, paging)
        self.core = core

    def list(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """GET the collection (one page, as the server sends it)."""
        call = self._call("GET", self._url_path(_COLLECTION, path), params, request_options)
        return self._json(self.core.send(call))

    def read(
        self,
        pk: PathValue,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """GET one item."""
        call = self._call("GET", self._url_path(pk, path), params, request_options)
        return self._json(self.core.send(call))

    def create(
        self,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """POST ``data`` (a model or JSON-ready data) to the collection; not retried."""
        call = self._call("POST", self._url_path(_COLLECTION, path), params, request_options, data)
        return self._json(self.core.send(call))

    def update(
        self,
        pk: PathValue,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """PUT ``data`` to one item."""
        call = self._call("PUT", self._url_path(pk, path), params, request_options, data)
        return self._json(self.core.send(call))

    def partial_update(
        self,
        pk: PathValue,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """PATCH one item with ``data``; not retried."""
        call = self._call("PATCH", self._url_path(pk, path), params, request_options, data)
        return self._json(self.core.send(call))

    def delete(
        self,
        pk: PathValue,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> None:
        """DELETE one item (any body of the answer is ignored)."""
        self.core.send(self._call("DELETE", self._url_path(pk, path), params, request_options))

    def head(
        self,
        pk: PathValue | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> HeadResult:
        """HEAD one item, or the collection when ``pk`` is ``None``."""
        target = _COLLECTION if pk is None else pk
        response = self.core.send(self._call("HEAD", self._url_path(target, path), params, request_options))
        return HeadResult(response.status_code, response.headers)

    def iter_all(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Iterator[Any]:
        """Every item of the collection, page by page (lazy; see :class:`ResourcePaging`).

        Stops on an empty or repeated page, a reached total, or ``max_items``. Path
        arguments are checked now, before the first request.
        """
        url_path = self._url_path(_COLLECTION, path)
        size = self._paging_plan(page_size, max_items)

        def fetch(number: int) -> Any:
            return self._page(self.core.send(self._page_call(url_path, number, size, params, request_options)))

        return paginate(fetch, self.paging.page_numbers(), page_size=size, max_items=max_items)


class AsyncResourceClient(_ResourceBase):
    """Async twin of :class:`ResourceClient`, over an :class:`AsyncCore`."""

    def __init__(self, core: AsyncCore, path: str, *, paging: ResourcePaging | None = None) -> None:
        super().__init__(core, path, paging)
        self.core = core

    async def list(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """GET the collection (one page, as the server sends it)."""
        call = self._call("GET", self._url_path(_COLLECTION, path), params, request_options)
        return self._json(await self.core.send(call))

    async def read(
        self,
        pk: PathValue,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """GET one item."""
        call = self._call("GET", self._url_path(pk, path), params, request_options)
        return self._json(await self.core.send(call))

    async def create(
        self,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """POST ``data`` (a model or JSON-ready data) to the collection; not retried."""
        call = self._call("POST", self._url_path(_COLLECTION, path), params, request_options, data)
        return self._json(await self.core.send(call))

    async def update(
        self,
        pk: PathValue,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """PUT ``data`` to one item."""
        call = self._call("PUT", self._url_path(pk, path), params, request_options, data)
        return self._json(await self.core.send(call))

    async def partial_update(
        self,
        pk: PathValue,
        *,
        data: Any,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> Any:
        """PATCH one item with ``data``; not retried."""
        call = self._call("PATCH", self._url_path(pk, path), params, request_options, data)
        return self._json(await self.core.send(call))

    async def delete(
        self,
        pk: PathValue,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> None:
        """DELETE one item (any body of the answer is ignored)."""
        await self.core.send(self._call("DELETE", self._url_path(pk, path), params, request_options))

    async def head(
        self,
        pk: PathValue | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> HeadResult:
        """HEAD one item, or the collection when ``pk`` is ``None``."""
        target = _COLLECTION if pk is None else pk
        response = await self.core.send(self._call("HEAD", self._url_path(target, path), params, request_options))
        return HeadResult(response.status_code, response.headers)

    def iter_all(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        request_options: RequestOptions | None = None,
        **path: PathValue,
    ) -> AsyncIterator[Any]:
        """Async twin of :meth:`ResourceClient.iter_all` (``async for item in ...``)."""
        url_path = self._url_path(_COLLECTION, path)
        size = self._paging_plan(page_size, max_items)

        async def fetch(number: int) -> Any:
            return self._page(await self.core.send(self._page_call(url_path, number, size, params, request_options)))

        return apaginate(fetch, self.paging.page_numbers(), page_size=size, max_items=max_items)
