"""unasync: the sync twin of an async module, derived token by token."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.unasync import UnasyncError, unasync

ROOT = Path(__file__).resolve().parents[2]


def sync(source: str) -> str:
    return unasync(textwrap.dedent(source))


def same(source: str) -> str:
    return textwrap.dedent(source)


def test_async_keywords_and_await_are_dropped() -> None:
    source = """\
    async def fetch(self) -> int:
        async with self.lock:
            async for item in self.items():
                await self.handle(item)
        return await self.count()
    """
    assert sync(source) == same(
        """\
    def fetch(self) -> int:
        with self.lock:
            for item in self.items():
                self.handle(item)
        return self.count()
    """
    )


def test_async_prefixed_names_lose_the_prefix() -> None:
    source = """\
    from collections.abc import AsyncIterator

    class AsyncGrad300Client(AsyncBase):
        def __init__(self, transport: httpx.AsyncBaseTransport | None) -> None:
            self.api = AsyncGrad300Api(transport=transport)
            self.http = httpx.AsyncClient()

        def items(self) -> AsyncIterator[int]: ...
    """
    result = sync(source)
    assert "class Grad300Client(Base):" in result
    assert "httpx.BaseTransport | None" in result
    assert "Grad300Api(transport=transport)" in result and "httpx.Client()" in result
    assert "from collections.abc import Iterator" in result and "-> Iterator[int]" in result
    assert "Async" not in result


def test_names_that_merely_start_with_async_are_kept() -> None:
    source = "Asyncio = 1\nasync_ = True\nAsyncy = 2\nvalue = Asynchronous\n"
    assert sync(source) == source


def test_async_module_names_in_imports_only() -> None:
    source = """\
    from grad300_client.async_api import AsyncGrad300Api
    from .async_resources import AsyncUsers as Users
    import pkg.async_tools
    from pkg import async_helper

    async_mode = pkg.async_tools.async_flag
    """
    assert sync(source) == same(
        """\
    from grad300_client.api import Grad300Api
    from .resources import Users as Users
    import pkg.tools
    from pkg import async_helper

    async_mode = pkg.async_tools.async_flag
    """
    )


def test_dunder_and_httpx_names() -> None:
    source = """\
    class C:
        async def __aenter__(self) -> C:
            return self

        async def __aexit__(self, *args: object) -> None:
            await self.aclose()

        async def body(self, response: httpx.Response) -> bytes:
            async for chunk in response.aiter_bytes():
                pass
            try:
                return await response.aread()
            except StopAsyncIteration:
                raise
    """
    result = sync(source)
    for name in ("def __enter__", "def __exit__", "self.close()", "response.iter_bytes()", "response.read()", "except StopIteration"):
        assert name in result
    for name in ("__aenter__", "__aexit__", "aclose", "aiter_bytes", "aread", "StopAsyncIteration", "await", "async"):
        assert name not in result


def test_asyncio_sleep_becomes_time_sleep_and_the_duplicate_import_goes() -> None:
    source = """\
    import asyncio
    import os
    import time


    async def pause() -> None:
        await asyncio.sleep(time.monotonic() % 1)
    """
    assert sync(source) == same(
        """\
    import os
    import time


    def pause() -> None:
        time.sleep(time.monotonic() % 1)
    """
    )


def test_import_asyncio_becomes_import_time_without_a_time_import() -> None:
    assert sync("import asyncio\n\nasync def f() -> None:\n    await asyncio.sleep(1)\n") == (
        "import time\n\ndef f() -> None:\n    time.sleep(1)\n"
    )


def test_docstrings_and_comments_say_synchronous() -> None:
    source = '''\
    """The asynchronous client; see ``AsyncClient``."""

    class AsyncClient:
        """Asynchronous client (asynchronous mode)."""  # an AsyncClient, asynchronous


    NAME = "AsyncClient"
    '''
    assert sync(source) == same(
        '''\
    """The synchronous client; see ``Client``."""

    class Client:
        """Synchronous client (synchronous mode)."""  # an Client, synchronous


    NAME = "Client"
    '''
    )


def test_layout_comments_and_strings_are_kept() -> None:
    source = """\
    x = {  # a comment
        "await": 'async def',   # spacing kept
    }
    """
    assert sync(source) == same(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import asyncio\nasync def f() -> None:\n    await asyncio.gather(g())\n", "only asyncio.sleep"),
        ("from asyncio import sleep\n", "only asyncio.sleep"),
        ("import asyncio as aio\n", "only asyncio.sleep"),
        ("async def f() -> list[int]:\n    return [x async for x in g()]\n", "async comprehension"),
        ("async def f() -> None:\n    y = {x: 1 async for x in g()}\n", "async comprehension"),
        ("from collections.abc import AsyncGenerator\n", "AsyncGenerator has no sync translation"),
        ("from typing import Awaitable\n", "Awaitable has no sync translation"),
    ],
)
def test_untranslatable_constructs_raise(source: str, message: str) -> None:
    with pytest.raises(UnasyncError, match=message):
        unasync(source, "mod.py")


def test_error_names_file_line_and_column() -> None:
    with pytest.raises(UnasyncError, match=r"^client\.py:3:11: "):
        unasync("import asyncio\nasync def f() -> None:\n    await asyncio.gather()\n", "client.py")


def test_await_in_a_comprehension_is_fine() -> None:
    assert sync("async def f() -> list[int]:\n    return [await g(x) for x in xs]\n") == (
        "def f() -> list[int]:\n    return [g(x) for x in xs]\n"
    )


@pytest.mark.parametrize("path", sorted((ROOT / "templates" / "apis").rglob("async_*.py")), ids=lambda p: p.parent.parent.name)
def test_per_api_async_modules_translate(path: Path) -> None:
    result = unasync(path.read_text(encoding="utf-8"), path.name)
    compile(result, path.name, "exec")
    assert "await " not in result and "async def" not in result


def test_runtime_page_readers_become_their_sync_twins() -> None:
    source = """\
    from specwright_runtime import apages_of, gc_paused

    async def rows(pager: AsyncPager[int]) -> list[int]:
        out = []
        async for page in apages_of(pager):
            with gc_paused():
                out += page
        return out
    """
    assert sync(source) == same(
        """\
    from specwright_runtime import pages_of, gc_paused

    def rows(pager: Pager[int]) -> list[int]:
        out = []
        for page in pages_of(pager):
            with gc_paused():
                out += page
        return out
    """
    )
