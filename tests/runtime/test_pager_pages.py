"""Pagers read a page at a time (``Pager.pages``, ``pages_of``) and their async twins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from specwright_runtime import AsyncPager, OffsetPaging, Pager, apages_of, apaginate, pages_of, paginate

ITEMS = list(range(11))
PAGING = OffsetPaging(offset="offset", limit="limit")


class Api:
    """Offset pages of ``ITEMS``, ``size`` at a time; records the offsets asked for."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.offsets: list[int] = []

    def fetch(self, offset: int) -> list[int]:
        self.offsets.append(offset)
        return ITEMS[offset : offset + self.size]

    async def afetch(self, offset: int) -> list[int]:
        return self.fetch(offset)


def test_pages_are_the_items_page_by_page() -> None:
    api = Api()
    pager = paginate(api.fetch, PAGING, page_size=4)
    assert isinstance(pager, Pager)
    assert list(pager.pages()) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]
    assert api.offsets == [0, 4, 8]


def test_items_and_pages_walk_alike() -> None:
    by_item, by_page = Api(), Api()
    items = list(paginate(by_item.fetch, PAGING, page_size=4, max_items=6))
    pages = list(paginate(by_page.fetch, PAGING, page_size=4, max_items=6).pages())
    assert items == [0, 1, 2, 3, 4, 5]
    assert pages == [[0, 1, 2, 3], [4, 5]]
    assert by_item.offsets == by_page.offsets == [0, 4]


def test_pages_are_lazy() -> None:
    api = Api()
    pages = paginate(api.fetch, PAGING, page_size=4).pages()
    assert api.offsets == []
    assert next(pages) == [0, 1, 2, 3]
    assert api.offsets == [0]


def test_next_and_for_share_one_walk() -> None:
    pager = paginate(Api().fetch, PAGING, page_size=4)
    assert next(pager) == 0
    assert next(pager) == 1
    assert list(pager) == ITEMS[2:]


def test_a_pager_is_read_one_way() -> None:
    pager = paginate(Api().fetch, PAGING, page_size=4)
    next(pager)
    with pytest.raises(RuntimeError):
        pager.pages()
    paged = paginate(Api().fetch, PAGING, page_size=4)
    paged.pages()
    with pytest.raises(RuntimeError):
        iter(paged)


def test_pages_of_a_pager_and_of_any_iterable() -> None:
    assert list(pages_of(paginate(Api(size=5).fetch, PAGING, page_size=5))) == [ITEMS[:5], ITEMS[5:10], ITEMS[10:]]
    assert list(pages_of(iter(ITEMS), size=4)) == [ITEMS[:4], ITEMS[4:8], ITEMS[8:]]
    assert list(pages_of([], size=4)) == []


def _collect(pages: AsyncIterator[list[Any]]) -> list[list[Any]]:
    async def run() -> list[list[Any]]:
        return [page async for page in pages]

    return asyncio.run(run())


def test_async_pages_equal_sync_pages() -> None:
    api = Api()
    pager = apaginate(api.afetch, PAGING, page_size=4, max_items=9)
    assert isinstance(pager, AsyncPager)
    assert _collect(pager.pages()) == list(paginate(Api().fetch, PAGING, page_size=4, max_items=9).pages())
    assert api.offsets == [0, 4, 8]


def test_async_items_and_anext() -> None:
    async def run() -> tuple[int, list[int]]:
        pager = apaginate(Api().afetch, PAGING, page_size=4)
        first = await pager.__anext__()
        return first, [item async for item in pager]

    assert asyncio.run(run()) == (0, ITEMS[1:])


def test_apages_of_a_pager_and_of_any_async_iterable() -> None:
    async def numbers() -> AsyncIterator[int]:
        for n in ITEMS:
            yield n

    assert _collect(apages_of(apaginate(Api(size=6).afetch, PAGING, page_size=6))) == [ITEMS[:6], ITEMS[6:]]
    assert _collect(apages_of(numbers(), size=5)) == [ITEMS[:5], ITEMS[5:10], ITEMS[10:]]
