"""paging: lazy iterators that stop on every kind of last page and never loop forever.

The paging configurations run through both entry points, :func:`paginate` and
:func:`apaginate` (the ``run`` fixture); the lower-level engine (``iterate`` and the
``*_page`` helpers) and ``select`` are tested below them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Protocol

import pytest
from pydantic import BaseModel, ConfigDict, Field
from specwright_runtime.paging import (
    CursorPaging,
    LinkPaging,
    OffsetPaging,
    Page,
    PageNumberPaging,
    Paging,
    aiterate,
    apaginate,
    cursor_page,
    iterate,
    link_page,
    number_page,
    offset_page,
    paginate,
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


# -- paginate and apaginate with each paging configuration ---------------------------------


class Run(Protocol):
    def __call__(self, fetch: Callable[[Any], Any], paging: Paging, **kwargs: Any) -> list[Any]: ...


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest) -> Run:
    """All items of ``paginate`` or, with ``fetch`` awaited, of ``apaginate``."""

    def run_sync(fetch: Callable[[Any], Any], paging: Paging, **kwargs: Any) -> list[Any]:
        return list(paginate(fetch, paging, **kwargs))

    def run_async(fetch: Callable[[Any], Any], paging: Paging, **kwargs: Any) -> list[Any]:
        async def afetch(position: Any) -> Any:
            return fetch(position)

        return asyncio.run(collect(apaginate(afetch, paging, **kwargs)))

    return run_sync if request.param == "sync" else run_async


class Api:
    """Documents of one paged endpoint over ``data``; records the positions asked for."""

    def __init__(self, data: list[int], *, size: int = LIMIT, total: Any = None, ignore_position: bool = False) -> None:
        self.data = data
        self.size = size
        self.total = total
        self.ignore_position = ignore_position
        self.asked: list[Any] = []

    def ask(self, position: Any) -> None:
        self.asked.append(position)
        if len(self.asked) > 50:
            raise AssertionError("the iterator is looping")

    def by_offset(self, offset: int) -> dict[str, Any]:
        self.ask(offset)
        start = 0 if self.ignore_position else offset
        return {"items": self.data[start : start + self.size], "meta": {"total": self.total}}

    def by_number(self, number: int, first: int = 1) -> dict[str, Any]:
        self.ask(number)
        start = 0 if self.ignore_position else (number - first) * self.size
        return {"items": self.data[start : start + self.size], "meta": {"total": self.total}}


OFFSET = OffsetPaging(offset="offset", limit="limit", results="$.items")
OFFSET_TOTAL = OffsetPaging(offset="offset", limit="limit", results="$.items", total="$.meta.total")
PAGES = PageNumberPaging(page="page", size="size", results="$.items")
PAGES_TOTAL = PageNumberPaging(page="page", size="size", results="$.items", totals=("$.meta.total",))


class TestPaginateOffset:
    def test_short_page_ends(self, run: Run) -> None:
        api = Api(list(range(7)))
        assert run(api.by_offset, OFFSET, page_size=LIMIT) == list(range(7))
        assert api.asked == [0, 3, 6]

    def test_exact_multiple_ends_on_the_empty_page(self, run: Run) -> None:
        api = Api(list(range(6)))
        assert run(api.by_offset, OFFSET, page_size=LIMIT) == list(range(6))
        assert api.asked == [0, 3, 6]

    def test_unknown_page_size_only_the_empty_page_ends(self, run: Run) -> None:
        api = Api(list(range(7)))
        assert run(api.by_offset, OFFSET) == list(range(7))
        assert api.asked == [0, 3, 6, 7]

    def test_start(self, run: Run) -> None:
        api = Api(list(range(7)))
        assert run(api.by_offset, OFFSET, start=2, page_size=LIMIT) == [2, 3, 4, 5, 6]
        assert api.asked == [2, 5]

    def test_total_ends_without_an_extra_request(self, run: Run) -> None:
        api = Api(list(range(6)), total=6)
        assert run(api.by_offset, OFFSET_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [0, 3]

    def test_total_lying_too_high_ends_on_the_empty_page(self, run: Run) -> None:
        api = Api(list(range(6)), total=1000)
        assert run(api.by_offset, OFFSET_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [0, 3, 6]

    def test_total_lying_too_low_ends_after_the_page_reaching_it(self, run: Run) -> None:
        api = Api(list(range(9)), total=4)
        assert run(api.by_offset, OFFSET_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [0, 3]

    @pytest.mark.parametrize("total", ["many", True, 2.5, [6]])
    def test_totals_that_are_not_counts_are_ignored(self, run: Run, total: Any) -> None:
        api = Api(list(range(6)), total=total)
        assert run(api.by_offset, OFFSET_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [0, 3, 6]

    def test_server_ignoring_the_offset_stops_on_the_repeated_page(self, run: Run) -> None:
        api = Api(list(range(10)), ignore_position=True)
        assert run(api.by_offset, OFFSET, page_size=LIMIT) == [0, 1, 2]
        assert api.asked == [0, 3]

    @pytest.mark.parametrize(("max_items", "asked"), [(0, []), (1, [0]), (3, [0]), (4, [0, 3]), (100, [0, 3, 6, 9])])
    def test_max_items(self, run: Run, max_items: int, asked: list[int]) -> None:
        api = Api(list(range(10)))
        assert run(api.by_offset, OFFSET, page_size=LIMIT, max_items=max_items) == list(range(min(max_items, 10)))
        assert api.asked == asked

    def test_negative_max_items_is_refused_at_the_call(self) -> None:
        api = Api([1])
        with pytest.raises(ValueError, match="max_items"):
            paginate(api.by_offset, OFFSET, max_items=-1)
        with pytest.raises(ValueError, match="max_items"):
            apaginate(api.by_offset, OFFSET, max_items=-1)

    def test_is_lazy(self) -> None:
        api = Api(list(range(10)))
        items = paginate(api.by_offset, OFFSET, page_size=LIMIT)
        assert api.asked == []
        assert next(items) == 0
        assert api.asked == [0]

    @pytest.mark.asyncio
    async def test_async_is_lazy(self) -> None:
        api = Api(list(range(10)))

        async def fetch(position: Any) -> Any:
            return api.by_offset(position)

        items = apaginate(fetch, OFFSET, page_size=LIMIT)
        assert api.asked == []
        assert await anext(items) == 0
        assert api.asked == [0]

    def test_models(self, run: Run) -> None:
        pages = {0: Envelope(content=[1, 2], totalCount=3), 2: Envelope(content=[3], totalCount=3)}
        paging = OffsetPaging(offset="offset", results="$.content", total="$.totalCount")
        assert run(pages.__getitem__, paging, page_size=2) == [1, 2, 3]

    def test_results_that_are_not_a_list(self, run: Run) -> None:
        with pytest.raises(TypeError, match=r"no list at \$\.items"):
            run(lambda position: {"items": {"a": 1}}, OFFSET)

    def test_missing_results_are_an_empty_page(self, run: Run) -> None:
        asked: list[Any] = []
        assert run(lambda position: asked.append(position) or {}, OFFSET) == []
        assert asked == [0]


class TestPaginatePageNumbers:
    def test_starts_at_the_first_page_and_a_short_page_ends(self, run: Run) -> None:
        api = Api(list(range(7)))
        assert run(api.by_number, PAGES, page_size=LIMIT) == list(range(7))
        assert api.asked == [1, 2, 3]

    def test_first_page_zero_and_start(self, run: Run) -> None:
        api = Api(list(range(7)))
        paging = PageNumberPaging(page="page", results="$.items", first_page=0)
        assert run(lambda n: api.by_number(n, first=0), paging, page_size=LIMIT) == list(range(7))
        assert api.asked == [0, 1, 2]
        api = Api(list(range(7)))
        assert run(api.by_number, PAGES, start=2, page_size=LIMIT) == [3, 4, 5, 6]
        assert api.asked == [2, 3]

    def test_total_ends_a_full_last_page(self, run: Run) -> None:
        api = Api(list(range(6)), total=6)
        assert run(api.by_number, PAGES_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [1, 2]

    def test_short_pages_continue_while_the_total_says_more(self, run: Run) -> None:
        # a server capping the page size at 3 while 5 were asked for
        api = Api(list(range(7)), total=7)
        assert run(api.by_number, PAGES_TOTAL, page_size=5) == list(range(7))
        assert api.asked == [1, 2, 3]

    def test_total_lying_too_high_ends_on_the_empty_page(self, run: Run) -> None:
        api = Api(list(range(7)), total=1000)
        assert run(api.by_number, PAGES_TOTAL, page_size=LIMIT) == list(range(7))
        assert api.asked == [1, 2, 3, 4]

    def test_first_path_with_an_integer_wins(self, run: Run) -> None:
        pages = {
            1: {"items": [1, 2], "a": "n/a", "b": 3, "c": 100},
            2: {"items": [3, 4], "a": "n/a", "b": 3, "c": 100},
        }
        paging = PageNumberPaging(page="page", results="$.items", totals=("$.missing", "$.a", "$.b", "$.c"))
        assert run(pages.__getitem__, paging, page_size=2) == [1, 2, 3, 4]  # no third request: 3 is the total

    def test_digit_string_totals_count(self, run: Run) -> None:
        api = Api(list(range(6)), total="6")
        assert run(api.by_number, PAGES_TOTAL, page_size=LIMIT) == list(range(6))
        assert api.asked == [1, 2]

    def test_repeated_page_stops(self, run: Run) -> None:
        api = Api(list(range(10)), ignore_position=True)
        assert run(api.by_number, PAGES) == [0, 1, 2]
        assert api.asked == [1, 2]

    def test_totals_list_becomes_a_tuple(self) -> None:
        paging = PageNumberPaging(page="p", totals=["$.n"])  # type: ignore[arg-type]
        assert paging.totals == ("$.n",)
        assert hash(paging) == hash(PageNumberPaging(page="p", totals=("$.n",)))


class TestPaginateCursor:
    PAGING = CursorPaging(cursor="after", next="$.next", results="$.items")
    PAGES: ClassVar[dict[Any, dict[str, Any]]] = {
        None: {"items": [1], "next": "c1"},
        "c1": {"items": [2], "next": "c2"},
        "c2": {"items": [3], "next": ""},
    }

    def test_follows_cursors_from_none(self, run: Run) -> None:
        asked: list[Any] = []

        def fetch(cursor: Any) -> Any:
            asked.append(cursor)
            return self.PAGES[cursor]

        assert run(fetch, self.PAGING) == [1, 2, 3]
        assert asked == [None, "c1", "c2"]

    def test_start_cursor(self, run: Run) -> None:
        assert run(self.PAGES.__getitem__, self.PAGING, start="c1") == [2, 3]

    def test_missing_cursor_ends(self, run: Run) -> None:
        assert run(lambda cursor: {"items": [1]}, self.PAGING) == [1]

    def test_repeated_cursor_stops(self, run: Run) -> None:
        asked: list[Any] = []

        def fetch(cursor: Any) -> Any:
            asked.append(cursor)
            return {"items": [len(asked)], "next": "stuck"}  # new items, the same cursor forever

        assert run(fetch, self.PAGING) == [1, 2]
        assert asked == [None, "stuck"]

    def test_max_items(self, run: Run) -> None:
        asked: list[Any] = []

        def fetch(cursor: Any) -> Any:
            asked.append(cursor)
            return self.PAGES[cursor]

        assert run(fetch, self.PAGING, max_items=2) == [1, 2]
        assert asked == [None, "c1"]


class TestPaginateLinks:
    PAGING = LinkPaging(next="$.links[?(@.rel=='next')].href", results="$.items")
    FIRST = "https://api.test/v1/jobs"

    @staticmethod
    def doc(items: list[int], href: str | None) -> dict[str, Any]:
        links = [{"rel": "self", "href": "ignored"}] + ([{"rel": "next", "href": href}] if href is not None else [])
        return {"items": items, "links": links}

    def test_relative_links_resolve_against_the_page_they_are_on(self, run: Run) -> None:
        pages = {
            None: self.doc([1], "?page=2"),
            "https://api.test/v1/jobs?page=2": self.doc([2], "archive/p3"),
            "https://api.test/v1/archive/p3": self.doc([3], "../../v2/p4"),
            "https://api.test/v2/p4": self.doc([4], "//other.test/p5"),
            "https://other.test/p5": self.doc([5], "https://api.test/last"),
            "https://api.test/last": self.doc([6], None),
        }
        asked: list[Any] = []

        def fetch(url: Any) -> Any:
            asked.append(url)
            return pages[url]

        assert run(fetch, self.PAGING, first_url=self.FIRST) == [1, 2, 3, 4, 5, 6]
        assert asked == list(pages)

    def test_without_first_url_a_relative_link_is_passed_on(self, run: Run) -> None:
        pages = {None: self.doc([1], "/jobs?page=2"), "/jobs?page=2": self.doc([2], "")}
        assert run(pages.__getitem__, self.PAGING) == [1, 2]

    def test_link_back_to_the_first_page_stops(self, run: Run) -> None:
        asked: list[Any] = []

        def fetch(url: Any) -> Any:
            asked.append(url)
            return self.doc([len(asked)], "/v1/jobs" if url else "?page=2")

        assert run(fetch, self.PAGING, first_url=self.FIRST) == [1, 2]
        assert asked == [None, "https://api.test/v1/jobs?page=2"]

    def test_cycle_stops(self, run: Run) -> None:
        pages = {
            None: self.doc([1], "a"),
            "https://api.test/v1/a": self.doc([2], "b"),
            "https://api.test/v1/b": self.doc([3], "a"),
        }
        assert run(pages.__getitem__, self.PAGING, first_url=self.FIRST) == [1, 2, 3]

    def test_models(self, run: Run) -> None:
        pages = {
            None: Envelope.model_validate({"content": [1], "links": [{"rel": "next", "href": "p2"}]}),
            "https://api.test/v1/p2": Envelope(content=[2]),
        }
        assert run(
            pages.__getitem__,
            LinkPaging(next="$.links[?(@.rel=='next')].href", results="$.content"),
            first_url=self.FIRST,
        ) == [1, 2]

    def test_a_start_position_is_refused(self) -> None:
        with pytest.raises(ValueError, match="first_url"):
            paginate(lambda url: {}, self.PAGING, start="https://api.test/v1/x")


class TestPagingConfigurations:
    @pytest.mark.parametrize(
        "build",
        [
            lambda path: OffsetPaging(offset="o", results=path),
            lambda path: OffsetPaging(offset="o", total=path),
            lambda path: PageNumberPaging(page="p", results=path),
            lambda path: PageNumberPaging(page="p", totals=("$.ok", path)),
            lambda path: CursorPaging(cursor="c", next=path),
            lambda path: CursorPaging(cursor="c", next="$.n", results=path),
            lambda path: LinkPaging(next=path),
            lambda path: LinkPaging(next="$.n", results=path),
        ],
    )
    @pytest.mark.parametrize("path", ["content", "$content", "$.items[0]", "$.items[*].id", "$.links[?(@.rel)].href"])
    def test_unsupported_paths_are_refused_at_construction(self, build: Callable[[str], Paging], path: str) -> None:
        with pytest.raises(ValueError, match="unsupported path"):
            build(path)

    def test_defaults(self) -> None:
        assert OffsetPaging(offset="offset") == OffsetPaging(offset="offset", limit=None, results="$", total=None)
        assert PageNumberPaging(page="page").first_page == 1
        assert PageNumberPaging(page="page").totals == ()

    def test_frozen(self) -> None:
        with pytest.raises(AttributeError):
            OFFSET.results = "$.other"  # type: ignore[misc]


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

    @pytest.mark.parametrize("path", ["content", "$content", "links[0]", "$.links[0]", "$.links[?(@.rel)].href"])
    def test_unsupported_paths(self, path: str) -> None:
        with pytest.raises(ValueError, match="unsupported path"):
            select(DOC, path)
