"""Page 20,000 GRAD300 scans (1,000 a page) through the generated client and through raw httpx.

Both sides use the same ``httpx.MockTransport`` serving pre-encoded JSON pages, so the
ratio measures client-side work only: request building, decoding, validation, paging.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
from grad300_client import Grad300Client

TOTAL = 20_000
PAGE = 1_000
ROUNDS = 5


def _scan(i: int) -> dict[str, object]:
    return {
        "id": i,
        "file_name": f"tpi_{i:06d}.fits",
        "file_path": f"/data/tpi/tpi_{i:06d}.fits",
        "size": 2880 * 4,
        "object": "Sun" if i % 2 else "Moon",
        "ra": 120.5 + i / 1000,
        "dec": -12.25,
        "date": f"2026-01-{1 + i % 28:02d}T12:00:00+00:00",
        "date_obs": None,
        "date_end": None,
        "gain": 3,
        "comment": None,
        "azimuth": 181.0,
        "elevation": 45.5,
    }


def transport() -> httpx.MockTransport:
    pages = {
        offset: json.dumps([_scan(i) for i in range(offset, min(offset + PAGE, TOTAL))]).encode()
        for offset in range(0, TOTAL + PAGE, PAGE)
    }

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        offset = int(query.get("offset", ["0"])[0])
        body = pages.get(offset, b"[]")
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


def raw_httpx(mock: httpx.MockTransport) -> int:
    """The baseline: a hand-written loop with httpx and ``json``."""
    count = 0
    with httpx.Client(base_url="http://bench.local/api/v1", transport=mock) as client:
        offset = 0
        while True:
            response = client.get("/scans/TPI/", params={"offset": offset, "limit": PAGE})
            response.raise_for_status()
            batch = json.loads(response.content)
            count += len(batch)
            if len(batch) < PAGE:
                break
            offset += len(batch)
    return count


def generated_records(mock: httpx.MockTransport) -> int:
    """The generated client's ``query_records`` (validated models, then ``ScanRecord``s)."""
    with Grad300Client("http://bench.local", transport=mock) as client:
        return len(client.query_records(scan_type="TPI", page_size=PAGE))


def generated_pager(mock: httpx.MockTransport) -> int:
    """The generated low-level pager (validated pydantic models only)."""
    with Grad300Client("http://bench.local", transport=mock) as client:
        return sum(1 for _ in client.api.iter_list_scans("TPI", limit=PAGE))


def _best(fn: Callable[[httpx.MockTransport], int], mock: httpx.MockTransport) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        count = fn(mock)
        times.append(time.perf_counter() - started)
        if count != TOTAL:
            raise AssertionError(f"{fn.__name__} saw {count} scans, expected {TOTAL}")
    return statistics.median(times)


def run() -> None:
    mock = transport()
    _best(raw_httpx, mock)  # warm-up (imports, caches)
    base = _best(raw_httpx, mock)
    print(f"paging {TOTAL:,} scans, {PAGE:,} a page, median of {ROUNDS} rounds")
    print(f"  {'raw httpx + json (baseline)':<38} {base * 1000:8.1f} ms   1.00x")
    for label, fn in (
        ("generated Grad300Api.iter_list_scans", generated_pager),
        ("generated Grad300Client.query_records", generated_records),
    ):
        took = _best(fn, mock)
        print(f"  {label:<38} {took * 1000:8.1f} ms   {took / base:.2f}x")
