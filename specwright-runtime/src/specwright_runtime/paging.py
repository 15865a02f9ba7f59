"""Lazy iterators over paged endpoints that can never loop forever.

Every style reduces to one engine: fetch a page for a *position*, yield its items, work
out the next position. The engine stops on an empty page, a page identical to the one
before it (a server that ignores the position), a position already visited, a short page
where the page size is known, a reached total, or ``max_items``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
    Missing steps give ``None``.
    """
    if path in ("", "$"):
        return document
    if not path.startswith("$."):
        raise ValueError(f"unsupported path {path!r}")
    current = document
    for step in _split_path(path[2:]):
        if current is None:
            return None
        name, condition = step
        if name:
            current = _child(current, name)
        if condition is not None and current is not None:
            key, value = condition
            current = next(
                (item for item in current if str(_child(item, key)) == value),
                None,
            )
    return current


def _split_path(path: str) -> list[tuple[str, tuple[str, str] | None]]:
    steps: list[tuple[str, tuple[str, str] | None]] = []
    for raw in _split_dots(path):
        if "[?(" in raw:
            name, _, rest = raw.partition("[?(")
            expr = rest.rstrip(")]").strip()
            left, _, right = expr.partition("==")
            key = left.strip().removeprefix("@.")
            steps.append((name, (key, right.strip().strip("'\""))))
        else:
            steps.append((raw, None))
    return steps


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
