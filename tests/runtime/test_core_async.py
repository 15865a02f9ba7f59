"""AsyncCore: the async twin of SyncCore, over httpx.MockTransport (pytest-asyncio)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field
from specwright_runtime.core import AsyncCore, Call
from specwright_runtime.errors import FailureKind, SpecwrightError, StatusError
from specwright_runtime.retries import RetryPolicy

MakeCore = Callable[..., AsyncCore]

pytestmark = pytest.mark.asyncio


class Scan(BaseModel):
    scan_id: int = Field(alias="scanId")
    name: str


def json_reply(status: int, body: Any, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body, **kwargs)


def raw_reply(status: int, content: bytes, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=content, **kwargs)


class BrokenStream(httpx.AsyncByteStream):
    """A body that breaks after the first chunk, like a reset connection."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"partial"
        raise httpx.ReadError("connection reset by peer")


def broken_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Length": "100"}, stream=BrokenStream())


async def chunked(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestDecode:
    async def test_model(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(json_reply(200, {"scanId": 7, "name": "a"})))
        assert await core.call(Call("GET", "/scans/7"), Scan) == Scan(scanId=7, name="a")
        await core.close()
        assert core.http.is_closed

    async def test_none_and_bytes(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(raw_reply(200, b"raw")))
        assert await core.call(Call("GET", "/x"), None) is None
        assert await core.call_bytes(Call("GET", "/x")) == b"raw"

    async def test_streamed_body_is_read(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(lambda r: httpx.Response(200, content=chunked(b"[1,", b"2]"))))
        assert await core.call(Call("GET", "/x"), list[int]) == [1, 2]

    async def test_invalid_json_is_decode(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(raw_reply(200, b"<html>oops</html>")))
        with pytest.raises(SpecwrightError) as caught:
            await core.call(Call("GET", "/scans/1"), Scan)
        info = caught.value.info
        assert info is not None
        assert info.kind is FailureKind.DECODE
        assert info.body == "<html>oops</html>"
        assert info.status_code == 200

    async def test_wrong_shape_is_validation(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(json_reply(200, {"scanId": 1})))
        with pytest.raises(SpecwrightError) as caught:
            await core.call(Call("GET", "/scans/1"), Scan)
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.VALIDATION
        assert caught.value.info.body == {"scanId": 1}


class TestFailures:
    async def test_status_error(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(json_reply(404, {"detail": "Scan not found"}))
        core = make_async_core(rec, base_url="https://u:pw@api.test/v1")
        with pytest.raises(StatusError) as caught:
            await core.call(Call("GET", "/scans/1", query={"access_token": "T"}), Scan)
        err = caught.value
        assert err.status_code == 404
        assert err.response_body == {"detail": "Scan not found"}
        assert str(err) == "Scan not found"
        assert err.info is not None
        assert err.info.kind is FailureKind.STATUS
        assert err.info.url == "https://api.test/v1/scans/1?access_token=***"
        assert rec.calls == 1

    async def test_text_error_body(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(raw_reply(500, b"Internal Server Error")), retry=RetryPolicy.disabled())
        with pytest.raises(StatusError) as caught:
            await core.send(Call("GET", "/x"))
        assert caught.value.response_body == "Internal Server Error"

    @pytest.mark.parametrize(
        ("exc", "kind"),
        [(httpx.ConnectError, FailureKind.CONNECTION), (httpx.ReadTimeout, FailureKind.TIMEOUT)],
    )
    async def test_transport_failures(
        self, make_async_core: MakeCore, recorder: Any, exc: type[Exception], kind: FailureKind
    ) -> None:
        rec = recorder(exc)
        core = make_async_core(rec, retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError) as caught:
            await core.send(Call("GET", "/x"))
        assert caught.value.info is not None
        assert caught.value.info.kind is kind
        assert isinstance(caught.value.info.cause, exc)
        assert rec.calls == 1

    async def test_broken_body(self, make_async_core: MakeCore, recorder: Any) -> None:
        core = make_async_core(recorder(broken_body), retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError) as caught:
            await core.send(Call("GET", "/x"))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.CONNECTION


class TestRetries:
    async def test_get_retried_on_503_then_success(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(503, 503, json_reply(200, {"scanId": 1, "name": "ok"}))
        core = make_async_core(rec, retry=RetryPolicy(initial_backoff=0.25, jitter=False))
        assert (await core.call(Call("GET", "/x"), Scan)).name == "ok"
        assert rec.calls == 3
        assert async_sleeps == [0.25, 0.5]

    async def test_post_not_retried(self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]) -> None:
        rec = recorder(503, 200)
        with pytest.raises(StatusError):
            await make_async_core(rec).send(Call("POST", "/x"))
        assert rec.calls == 1
        assert async_sleeps == []

    async def test_post_retried_when_idempotent(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(httpx.ConnectError, 200)
        await make_async_core(rec).send(Call("POST", "/x", idempotent=True))
        assert rec.calls == 2

    async def test_retry_after_seconds(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(lambda r: httpx.Response(503, headers={"Retry-After": "4"}), 200)
        await make_async_core(rec).send(Call("GET", "/x"))
        assert async_sleeps == [4.0]

    async def test_retry_after_date(self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]) -> None:
        when = formatdate(time.time() + 15, usegmt=True)
        rec = recorder(lambda r: httpx.Response(429, headers={"Retry-After": when}), 200)
        await make_async_core(rec).send(Call("GET", "/x"))
        assert len(async_sleeps) == 1 and 12.0 <= async_sleeps[0] <= 15.0

    async def test_retry_after_too_long_gives_up(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(lambda r: httpx.Response(503, headers={"Retry-After": "61"}), 200)
        with pytest.raises(StatusError):
            await make_async_core(rec).send(Call("GET", "/x"))
        assert rec.calls == 1 and async_sleeps == []

    async def test_max_attempts_bounded(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(502)
        core = make_async_core(rec, retry=RetryPolicy(max_attempts=4, initial_backoff=0, jitter=False))
        with pytest.raises(StatusError) as caught:
            await core.send(Call("GET", "/x"))
        assert caught.value.status_code == 502
        assert rec.calls == 4
        assert len(async_sleeps) == 3

    async def test_disabled(self, make_async_core: MakeCore, recorder: Any) -> None:
        rec = recorder(httpx.ConnectError, 200)
        with pytest.raises(SpecwrightError):
            await make_async_core(rec, retry=RetryPolicy.disabled()).send(Call("GET", "/x"))
        assert rec.calls == 1

    async def test_broken_body_is_retried(
        self, make_async_core: MakeCore, recorder: Any, async_sleeps: list[float]
    ) -> None:
        rec = recorder(broken_body, json_reply(200, [1]))
        assert await make_async_core(rec).call(Call("GET", "/x"), list[int]) == [1]
        assert rec.calls == 2


def file_reply(
    content: bytes, disposition: str | None = None, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    all_headers = dict(headers)
    if disposition is not None:
        all_headers["Content-Disposition"] = disposition
    return lambda request: httpx.Response(200, content=content, headers=all_headers)


class TestDownload:
    async def test_name_from_content_disposition(
        self, make_async_core: MakeCore, recorder: Any, tmp_path: Path
    ) -> None:
        core = make_async_core(recorder(file_reply(b"FITS", 'attachment; filename="scan.fits"')))
        path = await core.download(Call("GET", "/f"), tmp_path)
        assert path == tmp_path / "scan.fits" and path.read_bytes() == b"FITS"

    async def test_name_from_filename_star(self, make_async_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        core = make_async_core(recorder(file_reply(b"x", "attachment; filename*=UTF-8''%E6%96%87.txt")))
        assert await core.download(Call("GET", "/f"), tmp_path) == tmp_path / "文.txt"

    @pytest.mark.parametrize(
        ("disposition", "expected"),
        [
            ('attachment; filename="../x"', "x"),
            ('attachment; filename="/etc/passwd"', "passwd"),
            ('attachment; filename="..\\..\\x"', "x"),
            ('attachment; filename="a\x00b"', "a_b"),
        ],
    )
    async def test_hostile_names_stay_inside(
        self, make_async_core: MakeCore, recorder: Any, tmp_path: Path, disposition: str, expected: str
    ) -> None:
        folder = tmp_path / "inbox"
        path = await make_async_core(recorder(file_reply(b"d", disposition))).download(Call("GET", "/f"), folder)
        assert path == folder / expected
        assert files_in(folder) == [expected]
        assert files_in(tmp_path) == ["inbox"]

    async def test_existing_target_fails_before_any_request(
        self, make_async_core: MakeCore, recorder: Any, tmp_path: Path
    ) -> None:
        (tmp_path / "f.bin").write_bytes(b"old")
        rec = recorder(file_reply(b"new"))
        with pytest.raises(FileExistsError):
            await make_async_core(rec).download(Call("GET", "/f"), tmp_path, filename="f.bin")
        assert rec.calls == 0
        assert (tmp_path / "f.bin").read_bytes() == b"old"

    async def test_overwrite_replaces(self, make_async_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        (tmp_path / "f.bin").write_bytes(b"old")
        core = make_async_core(recorder(file_reply(b"new")))
        path = await core.download(Call("GET", "/f"), tmp_path, filename="f.bin", overwrite=True)
        assert path.read_bytes() == b"new"
        assert files_in(tmp_path) == ["f.bin"]

    async def test_content_length_mismatch_leaves_nothing(
        self, make_async_core: MakeCore, recorder: Any, tmp_path: Path
    ) -> None:
        core = make_async_core(recorder(file_reply(b"abc", "attachment; filename=f.bin", **{"Content-Length": "9"})))
        with pytest.raises(SpecwrightError) as caught:
            await core.download(Call("GET", "/f"), tmp_path)
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.CONNECTION
        assert files_in(tmp_path) == []

    async def test_broken_stream_leaves_nothing(self, make_async_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        core = make_async_core(recorder(broken_body), retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError):
            await core.download(Call("GET", "/f"), tmp_path, filename="f.bin")
        assert files_in(tmp_path) == []

    async def test_error_status_leaves_nothing(self, make_async_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        with pytest.raises(StatusError) as caught:
            await make_async_core(recorder(404)).download(Call("GET", "/f"), tmp_path, filename="f.bin")
        assert caught.value.status_code == 404
        assert files_in(tmp_path) == []

    async def test_streams_async_chunks_with_progress(
        self, make_async_core: MakeCore, recorder: Any, tmp_path: Path
    ) -> None:
        rec = recorder(lambda r: httpx.Response(200, headers={"Content-Length": "6"}, content=chunked(b"abc", b"def")))
        seen: list[tuple[int, int | None]] = []
        path = await make_async_core(rec).download(
            Call("GET", "/f"), tmp_path, filename="f", progress=lambda done, total: seen.append((done, total))
        )
        assert path.read_bytes() == b"abcdef"
        assert seen == [(3, 6), (6, 6)]
