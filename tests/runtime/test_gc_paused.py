"""``gc_paused``: automatic collection off for a bulk step, restored as it was after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import httpx
import pytest
from pydantic import BaseModel
from specwright_runtime import ErrorInfo, SyncCore, gc_paused


@pytest.fixture(autouse=True)
def gc_restored() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_on_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_blocks_resume_at_the_outermost_end() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_stays_off_when_it_was_off() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_exception_still_resumes() -> None:
    with pytest.raises(KeyError), gc_paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_overlapping_threads_resume_when_the_last_ends() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's block is still open
    release.set()
    thread.join(5)
    assert gc.isenabled()


class Item(BaseModel):
    n: int


def test_a_failed_decode_resumes_collection() -> None:
    def factory(info: ErrorInfo) -> Exception:
        return ValueError(info.message)

    core = SyncCore(httpx.Client(), base_url="https://api.test", error_factory=factory)
    request = httpx.Request("GET", "https://api.test/items")
    with pytest.raises(ValueError, match="validation error"):
        core.decode(request, httpx.Response(200, content=b'[{"n": "x"}]', request=request), list[Item])
    assert gc.isenabled()
    decoded = core.decode(request, httpx.Response(200, content=b'[{"n": 1}]', request=request), list[Item])
    assert decoded == [Item(n=1)]
    assert gc.isenabled()
