"""Lazy iterators over paged endpoints that can never loop forever.

Every style reduces to one engine: fetch a page for a *position*, yield its items, work
out the next position. The engine stops on an empty page, a page identical to the one
before it (a server that ignores the position), a position already visited, a short page
where the page size is known, a reached total, or ``max_items``.

Generated pagers and the generic resource clients call :func:`paginate` (or
:func:`apaginate`) with a paging configuration — :class:`OffsetPaging`,
:class:`PageNumberPaging`, :class:`CursorPaging` or :class:`LinkPaging` — and a ``fetch``
that turns a position into one page document. :func:`iterate` and the ``*_page`` helpers
are the lower-level engine they build on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Generic, TypeAlias, TypeVar

import httpx
from pydantic import BaseModel

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One fetched page: its items and what the server said about what comes next."""

    items: Sequence[T]
    next_position: Hashable | None = None
    total: int | None = None


def select(document: Any, path: str) -> Any:
    """Follow a JSONPath subset through models and dicts.

    Supports ``$``, ``$.a.b`` (keys by wire name, so aliases work) and
    ``$.links[?(@.rel=='next')].href`` (the first list element whose key equals a value).
    Missing steps give ``None``; any other path raises ``ValueError``.
    """
    current = document
    for name, condition in _parse_path(path):
        if current is None:
            return None
        if name:
            current = _child(current, name)
        if condition is not None and current is not None:
            key, value = condition
            current = next(
                (item for item in current if str(_child(item, key)) == value),
                None,
            )
    return current


_Step: TypeAlias = tuple[str, tuple[str, str] | None]
# name[?(@.key==value)], the value quoted with ' or " or bare
_FILTER = re.compile(
    r"""([^\[\]]*)\[\?\(\s*@\.([^\s=\[\]()]+)\s*==\s*(?:'([^']*)'|"([^"]*)"|([^\s'"()]*))\s*\)\]"""
)


@functools.lru_cache(maxsize=256)
def _parse_path(path: str) -> tuple[_Step, ...]:
    if path in ("", "$"):
        return ()
    if not path.startswith("$."):
        raise ValueError(f"unsupported path {path!r}")
    steps: list[_Step] = []
    for raw in _split_dots(path[2:]):
        if "[" not in raw and "]" not in raw:
            steps.append((raw, None))
            continue
        match = _FILTER.fullmatch(raw)
        if match is None:  # an index, a slice, a wildcard or a malformed filter
            raise ValueError(f"unsupported path {path!r}")
        name, key, single, double, bare = match.groups()
        value = next(v for v in (single, double, bare) if v is not None)
        steps.append((name, (key, value)))
    return tuple(steps)


def _split_dots(path: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(path):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append(path[start:i])
            start = i + 1
    parts.append(path[start:])
    return [p for p in parts if p]


def _child(node: Any, name: str) -> Any:
    if isinstance(node, BaseModel):
        for attr, info in type(node).model_fields.items():
            if name in (attr, info.alias):
                return getattr(node, attr)
        extra = node.model_extra or {}
        return extra.get(name)
    if isinstance(node, dict):
        return node.get(name)
    return getattr(node, name, None)


class _Guard:
    """The stop rules shared by the sync and async engines."""

    def __init__(self, start: Hashable, max_items: int | None) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError("max_items must be >= 0")
        self.max_items = max_items
        self.count = 0
        self.seen: set[Hashable] = {start}
        self.signatures: set[tuple[int, str, str]] = set()

    def done(self) -> bool:
        return self.max_items is not None and self.count >= self.max_items

    def take(self, page: Page[Any]) -> tuple[list[Any], Hashable | None]:
        """Items to yield from ``page`` and the next position (``None`` = stop after these)."""
        items = list(page.items)
        if not items:
            return [], None
        # a page seen before (the one just before, or earlier): the server ignores the
        # position or cycles; first, last and length identify a page cheaply
        signature = (len(items), repr(items[0]), repr(items[-1]))
        if signature in self.signatures:
            return [], None
        self.signatures.add(signature)
        if self.max_items is not None:
            items = items[: self.max_items - self.count]
        self.count += len(items)
        nxt = page.next_position
        if page.total is not None and self.count >= page.total:
            nxt = None
        if nxt is not None:
            if nxt in self.seen:
                nxt = None
            else:
                self.seen.add(nxt)
        return items, nxt


def iterate(
    fetch: Callable[[Hashable], Page[T]], start: Hashable, *, max_items: int | None = None
) -> Iterator[T]:
    """Yield items page by page, starting at ``start``."""
    guard = _Guard(start, max_items)
    position: Hashable | None = start
    while position is not None and not guard.done():
        items, position = guard.take(fetch(position))
        yield from items


async def aiterate(
    fetch: Callable[[Hashable], Awaitable[Page[T]]], start: Hashable, *, max_items: int | None = None
) -> AsyncIterator[T]:
    """Async twin of :func:`iterate`."""
    guard = _Guard(start, max_items)
    position: Hashable | None = start
    while position is not None and not guard.done():
        items, position = guard.take(await fetch(position))
        for item in items:
            yield item


def offset_page(items: Sequence[T], offset: int, limit: int, total: int | None = None) -> Page[T]:
    """Page of offset/limit paging: a short page is the last one."""
    nxt = offset + len(items) if len(items) >= limit else None
    return Page(items, nxt, total)


def number_page(
    items: Sequence[T], number: int, size: int | None, total_pages: int | None = None, *, total: int | None = None
) -> Page[T]:
    """Page of page-number paging; with an unknown page size only an empty page (or a reached
    ``total`` of items) ends it."""
    last = (size is not None and len(items) < size) or (total_pages is not None and number + 1 >= total_pages)
    return Page(items, None if last else number + 1, total)


def link_page(items: Sequence[T], next_url: str | None) -> Page[T]:
    """Page of ``rel=next`` link paging."""
    return Page(items, next_url or None)


def cursor_page(items: Sequence[T], cursor: str | None) -> Page[T]:
    """Page of cursor paging; an empty cursor ends it."""
    return Page(items, cursor or None)


# -- paging configurations and the one entry point -------------------------------------


def _items(document: Any, path: str) -> list[Any]:
    value = select(document, path)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        # iterating a dict or a string item by item would yield keys or characters
        raise TypeError(f"no list at {path} in the page ({type(value).__name__})")
    return list(value)


def _int(value: Any) -> int | None:
    """A total as the server sent it, or ``None`` when it is not a count."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True, slots=True)
class OffsetPaging:
    """Offset/limit paging: positions are item offsets, the next one is offset + items received.

    ``offset`` and ``limit`` name the request parameters; ``results`` and ``total`` are paths
    (the JSONPath subset of :func:`select`) to the items and the total item count. A short
    page (fewer items than the ``page_size`` given to :func:`paginate`) is the last one.
    """

    offset: str
    limit: str | None = None
    results: str = "$"
    total: str | None = None

    def __post_init__(self) -> None:
        _parse_path(self.results)
        if self.total is not None:
            _parse_path(self.total)

    def _start(self, start: Any) -> Any:
        return 0 if start is None else start

    def _page(self, document: Any, position: Any, page_size: int | None, page_url: str | None) -> Page[Any]:
        items = _items(document, self.results)
        total = _int(select(document, self.total)) if self.total is not None else None
        return offset_page(items, position, page_size or len(items), total)


@dataclass(frozen=True, slots=True)
class PageNumberPaging:
    """Page-number paging: positions are page numbers from ``first_page``.

    ``page`` and ``size`` name the request parameters; ``results`` is the path to the items,
    ``totals`` paths to the total item count (the first that holds an integer wins). With a
    total, a short page is not the end (a server may cap the page size): the total, an empty
    or a repeated page ends it; without one, a short page does.
    """

    page: str
    size: str | None = None
    results: str = "$"
    totals: tuple[str, ...] = ()
    first_page: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", tuple(self.totals))  # a list is fine too
        for path in (self.results, *self.totals):
            _parse_path(path)

    def _start(self, start: Any) -> Any:
        return self.first_page if start is None else start

    def _page(self, document: Any, position: Any, page_size: int | None, page_url: str | None) -> Page[Any]:
        items = _items(document, self.results)
        total = next((t for t in (_int(select(document, path)) for path in self.totals) if t is not None), None)
        last = total is None and page_size is not None and len(items) < page_size
        return Page(items, None if last else position + 1, total)


@dataclass(frozen=True, slots=True)
class CursorPaging:
    """Cursor paging: ``cursor`` names the request parameter, ``next`` is the path to the
    next cursor in a page (missing or empty: last page), ``results`` the path to the items."""

    cursor: str
    next: str
    results: str = "$"

    def __post_init__(self) -> None:
        _parse_path(self.results)
        _parse_path(self.next)

    def _start(self, start: Any) -> Any:
        return start

    def _page(self, document: Any, position: Any, page_size: int | None, page_url: str | None) -> Page[Any]:
        return cursor_page(_items(document, self.results), select(document, self.next))


@dataclass(frozen=True, slots=True)
class LinkPaging:
    """Next-link paging: ``next`` is the path to the next page's URL (missing or empty: last
    page), ``results`` the path to the items. A relative link is resolved against the URL of
    the page it is on (RFC 3986)."""

    next: str
    results: str = "$"

    def __post_init__(self) -> None:
        _parse_path(self.results)
        _parse_path(self.next)

    def _start(self, start: Any) -> Any:
        if start is not None:
            raise ValueError("link paging starts at first_url, not at a start position")
        return None

    def _page(self, document: Any, position: Any, page_size: int | None, page_url: str | None) -> Page[Any]:
        href = select(document, self.next)
        if not isinstance(href, str) or not href:
            return link_page(_items(document, self.results), None)
        # without the page's URL a relative link is passed on as the server sent it
        return link_page(_items(document, self.results), str(httpx.URL(page_url).join(href)) if page_url else href)


#: Any paging configuration :func:`paginate` takes.
Paging: TypeAlias = OffsetPaging | PageNumberPaging | CursorPaging | LinkPaging


class _Walk:
    """One run of :func:`paginate` or :func:`apaginate` without the I/O: the position to
    fetch next, and the items of each fetched page (the sync and async loops differ only in
    awaiting ``fetch``)."""

    def __init__(
        self, paging: Paging, start: Any, page_size: int | None, first_url: str | None, max_items: int | None
    ) -> None:
        self.paging = paging
        self.position = paging._start(start)
        self.page_size = page_size or None  # 0 or None: unknown, only empty pages end
        # the page a relative next link is relative to; a first page's URL counts as visited
        self.page_url = first_url if isinstance(paging, LinkPaging) else None
        key = self.page_url if isinstance(paging, LinkPaging) else self.position
        self.guard = _Guard(key, max_items)
        self.more = True

    def going(self) -> bool:
        return self.more and not self.guard.done()

    def take(self, document: Any) -> list[Any]:
        page = self.paging._page(document, self.position, self.page_size, self.page_url)
        items, nxt = self.guard.take(page)
        self.more = nxt is not None
        self.position = nxt
        if isinstance(nxt, str):
            self.page_url = nxt
        return items


class Pager(Iterator[T]):
    """What :func:`paginate` returns: an iterator over every item, lazily.

    :meth:`pages` gives the same walk a page at a time (one list per page), for callers that
    handle a page in bulk rather than item by item; it cannot follow item-by-item iteration.
    """

    def __init__(self, fetch: Callable[[Any], Any], walk: _Walk) -> None:
        self._fetch = fetch
        self._walk = walk
        self._items: Iterator[T] | None = None
        self._paged = False

    def __iter__(self) -> Iterator[T]:
        if self._items is None:
            if self._paged:
                raise RuntimeError("this pager is already being read page by page")
            self._items = _items_of(self.pages())
        return self._items  # the generator itself: no extra call per item

    def __next__(self) -> T:
        return next(iter(self))

    def pages(self) -> Iterator[list[T]]:
        """The items page by page (empty pages are skipped)."""
        if self._paged or self._items is not None:
            raise RuntimeError("this pager is already being read")
        self._paged = True
        return _pages(self._fetch, self._walk)


def _pages(fetch: Callable[[Any], Any], walk: _Walk) -> Iterator[list[Any]]:
    while walk.going():
        items = walk.take(fetch(walk.position))
        if items:
            yield items


def _items_of(pages: Iterator[list[T]]) -> Iterator[T]:
    for page in pages:
        yield from page


class AsyncPager(AsyncIterator[T]):
    """What :func:`apaginate` returns: async twin of :class:`Pager`."""

    def __init__(self, fetch: Callable[[Any], Awaitable[Any]], walk: _Walk) -> None:
        self._fetch = fetch
        self._walk = walk
        self._items: AsyncIterator[T] | None = None
        self._paged = False

    def __aiter__(self) -> AsyncIterator[T]:
        if self._items is None:
            if self._paged:
                raise RuntimeError("this pager is already being read page by page")
            self._items = _aitems_of(self.pages())
        return self._items

    async def __anext__(self) -> T:
        return await self.__aiter__().__anext__()

    def pages(self) -> AsyncIterator[list[T]]:
        """Async twin of :meth:`Pager.pages`."""
        if self._paged or self._items is not None:
            raise RuntimeError("this pager is already being read")
        self._paged = True
        return _apages(self._fetch, self._walk)


async def _apages(fetch: Callable[[Any], Awaitable[Any]], walk: _Walk) -> AsyncIterator[list[Any]]:
    while walk.going():
        items = walk.take(await fetch(walk.position))
        if items:
            yield items


async def _aitems_of(pages: AsyncIterator[list[T]]) -> AsyncIterator[T]:
    async for page in pages:
        for item in page:
            yield item


def pages_of(items: Iterable[T], size: int = 1000) -> Iterator[list[T]]:
    """The items of a :class:`Pager` page by page; any other iterable in lists of ``size``."""
    if isinstance(items, Pager):
        return items.pages()
    return _chunks(iter(items), size)


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


def apages_of(items: AsyncIterable[T], size: int = 1000) -> AsyncIterator[list[T]]:
    """Async twin of :func:`pages_of`."""
    if isinstance(items, AsyncPager):
        return items.pages()
    return _achunks(aiter(items), size)


async def _achunks(items: AsyncIterator[T], size: int) -> AsyncIterator[list[T]]:
    chunk: list[T] = []
    async for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def paginate(
    fetch: Callable[[Any], Any],
    paging: Paging,
    *,
    start: Any = None,
    page_size: int | None = None,
    first_url: str | None = None,
    max_items: int | None = None,
) -> Pager[Any]:
    """Every item of a paged endpoint, page by page (lazy: nothing is fetched before the first item).

    ``fetch(position)`` returns one page document (a model or a dict). The position is an
    offset (from ``start``, default 0), a page number (from ``start``, default
    ``paging.first_page``), a cursor (``start`` first, default ``None``) or, for link paging,
    ``None`` for the first page and then the absolute URL of the next one (relative links are
    resolved against the page they are on, ``first_url`` for the first). ``page_size`` is the
    size asked for: a short page is then the last one. Stops after ``max_items`` items.
    Arguments and paths are checked now, not at the first item. The result's
    :meth:`Pager.pages` reads the same walk a page at a time.
    """
    return Pager(fetch, _Walk(paging, start, page_size, first_url, max_items))


def apaginate(
    fetch: Callable[[Any], Awaitable[Any]],
    paging: Paging,
    *,
    start: Any = None,
    page_size: int | None = None,
    first_url: str | None = None,
    max_items: int | None = None,
) -> AsyncPager[Any]:
    """Async twin of :func:`paginate`: ``fetch`` returns an awaitable (``async for item in ...``)."""
    return AsyncPager(fetch, _Walk(paging, start, page_size, first_url, max_items))
