"""paging: lazy iterators that stop on every kind of last page and never loop forever."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from specwright_runtime.paging import (
    Page,
    aiterate,
    cursor_page,
    iterate,
    link_page,
    number_page,
    offset_page,
    select,
)

LIMIT = 3


class OffsetServer:
    """Offset/limit paging over ``data``; records the offsets asked for."""

    def __init__(self, data: list[int], *, ignore_offset: bool = False, total: bool = False) -> None:
        self.data = data
        self.ignore_offset = ignore_offset
        self.total = total
        self.offsets: list[int] = []

    def items(self, offset: int) -> list[int]:
        start = 0 if self.ignore_offset else offset
        return self.data[start : start + LIMIT]

    def fetch(self, position: Hashable) -> Page[int]:
        assert isinstance(position, int)
        self.offsets.append(position)
        if len(self.offsets) > 50:
            raise AssertionError("the iterator is looping")
        return offset_page(self.items(position), position, LIMIT, len(self.data) if self.total else None)

    async def afetch(self, position: Hashable) -> Page[int]:
        return self.fetch(position)


async def collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


class TestOffsetPaging:
    def test_stops_on_short_page(self) -> None:
        server = OffsetServer(list(range(7)))
        assert list(iterate(server.fetch, 0)) == list(range(7))
        assert server.offsets == [0, 3, 6]

    def test_stops_on_empty_page(self) -> None:
        server = OffsetServer(list(range(6)))  # a multiple of the page size
        assert list(iterate(server.fetch, 0)) == list(range(6))
        assert server.offsets == [0, 3, 6]

    def test_empty_first_page(self) -> None:
        server = OffsetServer([])
        assert list(iterate(server.fetch, 0)) == []
        assert server.offsets == [0]

    @pytest.mark.parametrize(("max_items", "fetches"), [(0, 0), (1, 1), (3, 1), (4, 2), (100, 4)])
    def test_max_items(self, max_items: int, fetches: int) -> None:
        server = OffsetServer(list(range(10)))
        assert list(iterate(server.fetch, 0, max_items=max_items)) == list(range(min(max_items, 10)))
        assert len(server.offsets) == fetches

    def test_negative_max_items_is_refused(self) -> None:
        with pytest.raises(ValueError, match="max_items"):
            list(iterate(OffsetServer([1]).fetch, 0, max_items=-1))

    def test_server_ignoring_the_offset_stops(self) -> None:
        server = OffsetServer(list(range(10)), ignore_offset=True)
        assert list(iterate(server.fetch, 0)) == [0, 1, 2]
        assert server.offsets == [0, 3]

    def test_total_stops_without_an_extra_request(self) -> None:
        server = OffsetServer(list(range(6)), total=True)
        assert list(iterate(server.fetch, 0)) == list(range(6))
        assert server.offsets == [0, 3]

    def test_is_lazy(self) -> None:
        server = OffsetServer(list(range(10)))
        iterator = iterate(server.fetch, 0)
        assert server.offsets == []
        assert next(iterator) == 0
        assert server.offsets == [0]

    @pytest.mark.asyncio
    async def test_async_short_page(self) -> None:
        server = OffsetServer(list(range(7)))
        assert await collect(aiterate(server.afetch, 0)) == list(range(7))
        assert server.offsets == [0, 3, 6]

    @pytest.mark.asyncio
    async def test_async_ignored_offset_and_max_items(self) -> None:
        server = OffsetServer(list(range(10)), ignore_offset=True)
        assert await collect(aiterate(server.afetch, 0)) == [0, 1, 2]
        server = OffsetServer(list(range(10)))
        assert await collect(aiterate(server.afetch, 0, max_items=5)) == [0, 1, 2, 3, 4]
        assert server.offsets == [0, 3]

    @pytest.mark.asyncio
    async def test_async_empty_and_total(self) -> None:
        server = OffsetServer(list(range(6)), total=True)
        assert await collect(aiterate(server.afetch, 0)) == list(range(6))
        assert server.offsets == [0, 3]
        assert await collect(aiterate(OffsetServer([]).afetch, 0)) == []


class TestOffsetPage:
    def test_full_page_points_on(self) -> None:
        assert offset_page([1, 2, 3], 6, 3) == Page([1, 2, 3], 9, None)

    def test_short_page_is_last(self) -> None:
        assert offset_page([1, 2], 6, 3, total=8).next_position is None


class TestLinkPaging:
    def test_follows_links_until_none(self) -> None:
        pages = {"/p1": ([1, 2], "/p2"), "/p2": ([3], "/p3"), "/p3": ([4], None)}
        assert list(iterate(lambda url: link_page(*pages[url]), "/p1")) == [1, 2, 3, 4]

    def test_cycle_of_next_links_stops(self) -> None:
        pages = {"/a": ([1], "/b"), "/b": ([2], "/c"), "/c": ([3], "/a")}
        fetched: list[Hashable] = []

        def fetch(url: Hashable) -> Page[int]:
            fetched.append(url)
            return link_page(*pages[str(url)])

        assert list(iterate(fetch, "/a")) == [1, 2, 3]
        assert fetched == ["/a", "/b", "/c"]

    def test_link_to_itself_stops(self) -> None:
        fetched: list[Hashable] = []

        def fetch(url: Hashable) -> Page[int]:
            fetched.append(url)
            return link_page([len(fetched)], "/same")

        assert list(iterate(fetch, "/same")) == [1]
        assert fetched == ["/same"]

    def test_empty_link_ends(self) -> None:
        assert link_page([1], "").next_position is None


class TestCursorPaging:
    def test_follows_cursors(self) -> None:
        pages = {"start": ([1], "c1"), "c1": ([2], "c2"), "c2": ([3], "")}
        assert list(iterate(lambda c: cursor_page(*pages[str(c)]), "start")) == [1, 2, 3]

    def test_repeated_cursor_stops(self) -> None:
        calls: list[Hashable] = []

        def fetch(cursor: Hashable) -> Page[int]:
            calls.append(cursor)
            return cursor_page([len(calls)], "stuck")  # different items, same cursor forever

        assert list(iterate(fetch, "start")) == [1, 2]
        assert calls == ["start", "stuck"]

    @pytest.mark.asyncio
    async def test_async_repeated_cursor_stops(self) -> None:
        calls: list[Hashable] = []

        async def fetch(cursor: Hashable) -> Page[int]:
            calls.append(cursor)
            return cursor_page([len(calls)], "c1" if len(calls) % 2 else "c2")

        assert await collect(aiterate(fetch, "start")) == [1, 2, 3]
        assert calls == ["start", "c1", "c2"]


class TestNumberPaging:
    def test_short_page_ends(self) -> None:
        data = list(range(7))
        calls: list[Hashable] = []

        def fetch(number: Hashable) -> Page[int]:
            assert isinstance(number, int)
            calls.append(number)
            return number_page(data[number * 3 : number * 3 + 3], number, 3)

        assert list(iterate(fetch, 0)) == data
        assert calls == [0, 1, 2]

    def test_total_pages_end(self) -> None:
        assert number_page([1, 2, 3], 1, 3, total_pages=2).next_position is None
        assert number_page([1, 2, 3], 0, 3, total_pages=2).next_position == 1

    def test_total_items_end_a_full_last_page(self) -> None:
        data = list(range(6))
        calls: list[Hashable] = []

        def fetch(number: Hashable) -> Page[int]:
            assert isinstance(number, int)
            calls.append(number)
            return number_page(data[number * 3 : number * 3 + 3], number, 3, total=6)

        assert list(iterate(fetch, 0)) == data
        assert calls == [0, 1]  # no third request for an empty page

    def test_unknown_size_only_empty_page_ends(self) -> None:
        assert number_page([1], 4, None).next_position == 5
        data = [[1, 2], [3], []]
        assert list(iterate(lambda n: number_page(data[int(str(n))], int(str(n)), None), 0)) == [1, 2, 3]


class TestTotal:
    def test_total_reached_stops_even_with_next_position(self) -> None:
        calls: list[Hashable] = []

        def fetch(cursor: Hashable) -> Page[int]:
            calls.append(cursor)
            return Page([len(calls)] * 2, f"c{len(calls)}", total=4)

        assert list(iterate(fetch, "c0")) == [1, 1, 2, 2]
        assert calls == ["c0", "c1"]


class Link(BaseModel):
    rel: str
    href: str


class Envelope(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    content: list[int]
    links: list[Link] = []
    total_count: int | None = Field(default=None, alias="totalCount")
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")

    content: list[int] = []


DOC = {
    "content": [1, 2],
    "links": [{"rel": "self", "href": "/p1"}, {"rel": "next", "href": "/p2"}],
    "meta": {"page": {"next": "abc"}},
    "totalCount": 9,
}


class TestSelect:
    def test_root(self) -> None:
        assert select(DOC, "$") is DOC
        assert select(DOC, "") is DOC

    def test_dict_paths(self) -> None:
        assert select(DOC, "$.content") == [1, 2]
        assert select(DOC, "$.meta.page.next") == "abc"
        assert select(DOC, "$.missing") is None
        assert select(DOC, "$.missing.deeper") is None

    @pytest.mark.parametrize(
        "path",
        [
            "$.links[?(@.rel=='next')].href",
            '$.links[?(@.rel=="next")].href',
            "$.links[?(@.rel == 'next')].href",
        ],
    )
    def test_filter_on_dicts(self, path: str) -> None:
        assert select(DOC, path) == "/p2"

    def test_filter_without_match(self) -> None:
        doc = {"links": [{"rel": "self", "href": "/p1"}]}
        assert select(doc, "$.links[?(@.rel=='next')].href") is None
        assert select({}, "$.links[?(@.rel=='next')].href") is None

    def test_models_by_alias_and_by_name(self) -> None:
        model = Envelope.model_validate(DOC | {"nextCursor": "c9"})
        assert select(model, "$.content") == [1, 2]
        assert select(model, "$.totalCount") == 9
        assert select(model, "$.total_count") == 9
        assert select(model, "$.nextCursor") == "c9"
        assert select(model, "$.links[?(@.rel=='next')].href") == "/p2"
        assert select(model, "$.links[?(@.rel=='self')].href") == "/p1"
        assert select(model, "$.nope") is None

    def test_model_extra_fields(self) -> None:
        model = Loose.model_validate({"content": [1], "next": "/p2"})
        assert select(model, "$.next") == "/p2"
        assert select(model, "$.absent") is None

    def test_plain_objects(self) -> None:
        class Obj:
            def __init__(self) -> None:
                self.content = [5]

        assert select(Obj(), "$.content") == [5]
        assert select(Obj(), "$.other") is None

    @pytest.mark.parametrize("path", ["content", "$content", "links[0]"])
    def test_unsupported_paths(self, path: str) -> None:
        with pytest.raises(ValueError, match="unsupported path"):
            select(DOC, path)
