"""iter_jobs / iter_processes: follow rel=next links, and never loop forever (sync and async)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cuiman import AsyncClient, Client, JobInfo, JobStatus, ProcessSummary
from ogc_answers import BASE_URL, json_response

MAX_REQUESTS = 20  # a handler fails loudly instead of letting a looping iterator hang the test


def job(n: int) -> dict[str, Any]:
    return {"jobID": f"job-{n}", "processID": "add", "status": "successful"}


def process(n: int) -> dict[str, Any]:
    return {"id": f"proc-{n}", "version": "1.0"}


def link(href: str, rel: str = "next") -> dict[str, str]:
    return {"href": href, "rel": rel, "type": "application/json"}


class PagedServer:
    """Serves ``pages`` in order: the first for the collection URL, the others by their next hrefs.

    ``pages`` maps a URL key (``"first"`` or an absolute href) to (items, next href or None).
    """

    def __init__(self, key: str, make_item: Callable[[int], dict[str, Any]], pages: dict[str, tuple[range, Any]]):
        self.key = key
        self.make_item = make_item
        self.pages = pages
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) > MAX_REQUESTS:
            raise AssertionError("too many requests: the iterator does not stop")
        url = str(request.url)
        page_key = "first" if request.url.path.endswith(f"/{self.key}") and "page=" not in url else url
        if page_key not in self.pages:
            return json_response(404, {"detail": f"no page {url}"})
        items, next_href = self.pages[page_key]
        links = [link(url, "self")]
        if next_href is not None:
            links.append(link(next_href))
        return json_response(200, {self.key: [self.make_item(n) for n in items], "links": links})

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


PAGE2 = f"{BASE_URL}/jobs?page=2&limit=2"
PAGE3 = f"{BASE_URL}/jobs?page=3&limit=2"
PPAGE2 = f"{BASE_URL}/processes?page=2&limit=2"
PPAGE3 = f"{BASE_URL}/processes?page=3&limit=2"


def three_job_pages() -> PagedServer:
    return PagedServer(
        "jobs", job, {"first": (range(1, 3), PAGE2), PAGE2: (range(3, 5), PAGE3), PAGE3: (range(5, 6), None)}
    )


def three_process_pages() -> PagedServer:
    return PagedServer(
        "processes",
        process,
        {"first": (range(1, 3), PPAGE2), PPAGE2: (range(3, 5), PPAGE3), PPAGE3: (range(5, 6), None)},
    )


# -- sync ---------------------------------------------------------------------------------------


def test_iter_jobs_follows_next_links_across_three_pages(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    jobs = list(make_client(server).iter_jobs(limit=2))
    assert all(isinstance(j, JobInfo) for j in jobs)
    assert [j.jobID for j in jobs] == ["job-1", "job-2", "job-3", "job-4", "job-5"]
    assert server.urls == [f"{BASE_URL}/jobs?limit=2", PAGE2, PAGE3]


def test_iter_jobs_keeps_the_next_hrefs_query(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    list(make_client(server).iter_jobs(limit=2))
    later = server.requests[1:]
    assert [dict(r.url.params) for r in later] == [{"page": "2", "limit": "2"}, {"page": "3", "limit": "2"}]
    # the first page's parameters are not added a second time
    assert all(r.url.params.get_list("limit") == ["2"] for r in later)


def test_iter_processes_follows_next_links_across_three_pages(make_client: Callable[..., Client]) -> None:
    server = three_process_pages()
    processes = list(make_client(server).iter_processes(limit=2))
    assert all(isinstance(p, ProcessSummary) for p in processes)
    assert [p.id for p in processes] == ["proc-1", "proc-2", "proc-3", "proc-4", "proc-5"]
    assert server.urls == [f"{BASE_URL}/processes?limit=2", PPAGE2, PPAGE3]


def test_iter_jobs_passes_limit_and_filters_on_the_first_request(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    list(make_client(server).iter_jobs(limit=2, status=[JobStatus.successful, JobStatus.failed], process_id=["add"]))
    first = server.requests[0].url.params
    assert first.get("limit") == "2"
    assert first.get("status") == "successful,failed"
    assert first.get("processID") == "add"


def test_iter_without_limit_sends_no_limit(make_client: Callable[..., Client]) -> None:
    server = three_process_pages()
    list(make_client(server).iter_processes())
    assert server.requests[0].url.query == b""


def test_iteration_is_lazy(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    iterator = make_client(server).iter_jobs(limit=2)
    assert server.requests == []
    assert next(iterator).jobID == "job-1"
    assert len(server.requests) == 1
    assert [j.jobID for j in iterator] == ["job-2", "job-3", "job-4", "job-5"]
    assert len(server.requests) == 3


def test_stops_when_there_is_no_next_link(make_client: Callable[..., Client]) -> None:
    server = PagedServer("jobs", job, {"first": (range(1, 4), None)})
    assert [j.jobID for j in make_client(server).iter_jobs()] == ["job-1", "job-2", "job-3"]
    assert len(server.requests) == 1


def test_ignores_links_that_are_not_next(make_client: Callable[..., Client]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"jobs": [job(1)], "links": [link(PAGE2, "prev"), link(PAGE3, "alternate")]}
        return json_response(200, body)

    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    assert [j.jobID for j in make_client(recording).iter_jobs()] == ["job-1"]
    assert len(seen) == 1


def test_stops_on_an_empty_page(make_client: Callable[..., Client]) -> None:
    server = PagedServer("jobs", job, {"first": (range(1, 3), PAGE2), PAGE2: (range(0), PAGE3)})
    assert [j.jobID for j in make_client(server).iter_jobs()] == ["job-1", "job-2"]
    assert server.urls[-1] == PAGE2


def test_stops_on_a_repeated_next_link(make_client: Callable[..., Client]) -> None:
    # page 2 says its next page is page 2 again
    server = PagedServer("jobs", job, {"first": (range(1, 3), PAGE2), PAGE2: (range(3, 5), PAGE2)})
    jobs = [j.jobID for j in make_client(server).iter_jobs()]
    assert jobs == ["job-1", "job-2", "job-3", "job-4"]
    assert server.urls == [f"{BASE_URL}/jobs", PAGE2]


def test_stops_on_a_cycle_back_to_an_earlier_page(make_client: Callable[..., Client]) -> None:
    # page 3 links back to page 2
    server = PagedServer(
        "jobs", job, {"first": (range(1, 3), PAGE2), PAGE2: (range(3, 5), PAGE3), PAGE3: (range(5, 7), PAGE2)}
    )
    jobs = [j.jobID for j in make_client(server).iter_jobs()]
    assert jobs == ["job-1", "job-2", "job-3", "job-4", "job-5", "job-6"]
    assert len(server.requests) == 3


def test_stops_when_the_server_ignores_the_page(make_client: Callable[..., Client]) -> None:
    # every href answers with the same first page and a new next link
    count = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal count
        count += 1
        if count > MAX_REQUESTS:
            raise AssertionError("the iterator does not stop")
        return json_response(200, {"jobs": [job(1), job(2)], "links": [link(f"{BASE_URL}/jobs?page={count + 1}")]})

    jobs = [j.jobID for j in make_client(handler).iter_jobs()]
    assert jobs == ["job-1", "job-2"]
    assert count == 2


def test_max_items_stops_early(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    jobs = [j.jobID for j in make_client(server).iter_jobs(limit=2, max_items=3)]
    assert jobs == ["job-1", "job-2", "job-3"]
    assert server.urls == [f"{BASE_URL}/jobs?limit=2", PAGE2]  # page 3 is never fetched


def test_max_items_on_a_page_boundary(make_client: Callable[..., Client]) -> None:
    server = three_process_pages()
    processes = [p.id for p in make_client(server).iter_processes(max_items=2)]
    assert processes == ["proc-1", "proc-2"]
    assert len(server.requests) == 1


def test_max_items_zero_fetches_nothing(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    assert list(make_client(server).iter_jobs(max_items=0)) == []
    assert server.requests == []


def test_negative_max_items_is_a_value_error(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    with pytest.raises(ValueError, match="max_items"):
        list(make_client(server).iter_jobs(max_items=-1))


def test_kwargs_headers_are_sent_on_every_page(make_client: Callable[..., Client]) -> None:
    server = three_job_pages()
    list(make_client(server, access_token="tok").iter_jobs(limit=2, headers={"X-Trace": "t-1"}))
    assert len(server.requests) == 3
    assert [r.headers.get("x-trace") for r in server.requests] == ["t-1"] * 3
    assert [r.headers.get("authorization") for r in server.requests] == ["Bearer tok"] * 3
    assert [r.headers.get("accept") for r in server.requests[:1]] == ["application/json"]


def test_kwargs_timeout_is_used_on_every_page(make_client: Callable[..., Client]) -> None:
    server = three_process_pages()
    list(make_client(server).iter_processes(timeout=4.0))
    assert [r.extensions["timeout"]["read"] for r in server.requests] == [4.0] * 3


def test_next_link_with_absolute_path_is_resolved_against_the_page(make_client: Callable[..., Client]) -> None:
    # RFC 8288 / RFC 3986: a relative href is resolved against the URL of the page it came from
    server = PagedServer(
        "jobs", job, {"first": (range(1, 3), "/api/jobs?page=2"), PAGE2.replace("&limit=2", ""): (range(3, 4), None)}
    )
    jobs = [j.jobID for j in make_client(server).iter_jobs()]
    assert server.urls == [f"{BASE_URL}/jobs", f"{BASE_URL}/jobs?page=2"]
    assert jobs == ["job-1", "job-2", "job-3"]


def test_error_on_a_later_page_is_raised(make_client: Callable[..., Client]) -> None:
    from cuiman import ClientStatusError
    from specwright_runtime import RetryPolicy

    server = PagedServer("jobs", job, {"first": (range(1, 3), PAGE2)})  # PAGE2 answers 404
    iterator = make_client(server, retry=RetryPolicy.disabled()).iter_jobs()
    assert next(iterator).jobID == "job-1"
    assert next(iterator).jobID == "job-2"
    with pytest.raises(ClientStatusError) as info:
        next(iterator)
    assert info.value.status_code == 404
    assert info.value.url == PAGE2


# -- async --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_iter_jobs_follows_next_links(make_async_client: Callable[..., AsyncClient]) -> None:
    server = three_job_pages()
    jobs = [j.jobID async for j in make_async_client(server).iter_jobs(limit=2)]
    assert jobs == ["job-1", "job-2", "job-3", "job-4", "job-5"]
    assert server.urls == [f"{BASE_URL}/jobs?limit=2", PAGE2, PAGE3]


@pytest.mark.asyncio
async def test_async_iter_processes_follows_next_links(make_async_client: Callable[..., AsyncClient]) -> None:
    server = three_process_pages()
    processes: list[ProcessSummary] = []
    async for summary in make_async_client(server).iter_processes(limit=2):
        processes.append(summary)
    assert [p.id for p in processes] == ["proc-1", "proc-2", "proc-3", "proc-4", "proc-5"]
    assert server.urls == [f"{BASE_URL}/processes?limit=2", PPAGE2, PPAGE3]


@pytest.mark.asyncio
async def test_async_stops_without_next_link(make_async_client: Callable[..., AsyncClient]) -> None:
    server = PagedServer("processes", process, {"first": (range(1, 3), None)})
    assert [p.id async for p in make_async_client(server).iter_processes()] == ["proc-1", "proc-2"]
    assert len(server.requests) == 1


@pytest.mark.asyncio
async def test_async_stops_on_a_repeated_next_link(make_async_client: Callable[..., AsyncClient]) -> None:
    server = PagedServer("jobs", job, {"first": (range(1, 3), PAGE2), PAGE2: (range(3, 5), PAGE2)})
    jobs = [j.jobID async for j in make_async_client(server).iter_jobs()]
    assert jobs == ["job-1", "job-2", "job-3", "job-4"]
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_async_max_items(make_async_client: Callable[..., AsyncClient]) -> None:
    server = three_job_pages()
    jobs = [j.jobID async for j in make_async_client(server).iter_jobs(limit=2, max_items=3)]
    assert jobs == ["job-1", "job-2", "job-3"]
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_async_kwargs_headers_on_every_page(make_async_client: Callable[..., AsyncClient]) -> None:
    server = three_process_pages()
    client = make_async_client(server)
    found = [p.id async for p in client.iter_processes(limit=2, headers={"X-Trace": "a-1"})]
    assert len(found) == 5
    assert [r.headers.get("x-trace") for r in server.requests] == ["a-1"] * 3
