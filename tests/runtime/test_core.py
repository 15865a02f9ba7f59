"""core: SyncCore and its AsyncCore twin — decoding, failure mapping, retries and downloads.

Everything goes over httpx.MockTransport. A test taking ``mode`` runs once per twin: it builds
the core with ``mode.core(...)`` and drives it with ``mode.run(core.call(...))``; tests that
take ``make_core`` cover a behaviour checked on the sync core only.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field
from specwright_runtime.core import Call, SyncCore
from specwright_runtime.errors import FailureKind, SpecwrightError, StatusError
from specwright_runtime.retries import RetryPolicy

from .conftest import Mode

MakeCore = Callable[..., SyncCore]


class Scan(BaseModel):
    scan_id: int = Field(alias="scanId")
    name: str


def json_reply(status: int, body: Any, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body, **kwargs)


def raw_reply(status: int, content: bytes, **kwargs: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=content, **kwargs)


class BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that breaks after the first chunk, like a reset connection (sync and async)."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"partial"
        raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"partial"
        raise httpx.ReadError("connection reset by peer")


def broken_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Length": "100"}, stream=BrokenStream())


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- decoding -----------------------------------------------------------------------------


class TestDecode:
    def test_model(self, mode: Mode, recorder: Any) -> None:
        core = mode.core(recorder(json_reply(200, {"scanId": 7, "name": "a"})))
        assert mode.run(core.call(Call("GET", "/scans/7"), Scan)) == Scan(scanId=7, name="a")
        mode.run(core.close())
        assert core.http.is_closed

    def test_list_of_models(self, make_core: MakeCore, recorder: Any) -> None:
        core = make_core(recorder(json_reply(200, [{"scanId": 1, "name": "a"}, {"scanId": 2, "name": "b"}])))
        result = core.call(Call("GET", "/scans"), list[Scan])
        assert [s.scan_id for s in result] == [1, 2]

    def test_no_body_expected(self, mode: Mode, recorder: Any) -> None:
        core = mode.core(recorder(raw_reply(204, b"")))
        assert mode.run(core.call(Call("DELETE", "/scans/1"), None)) is None

    def test_a_body_is_ignored_when_none_is_expected(self, mode: Mode, recorder: Any) -> None:
        core = mode.core(recorder(raw_reply(200, b"raw")))
        assert mode.run(core.call(Call("GET", "/x"), None)) is None

    def test_call_bytes(self, mode: Mode, recorder: Any) -> None:
        core = mode.core(recorder(raw_reply(200, b"SIMPLE  =   T")))
        assert mode.run(core.call_bytes(Call("GET", "/file"))) == b"SIMPLE  =   T"

    def test_streamed_body_is_read(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(
            lambda r: httpx.Response(200, content=mode.chunks(b"a", b"b")),
            lambda r: httpx.Response(200, content=mode.chunks(b"[1,", b"2]")),
        )
        core = mode.core(rec)
        response = mode.run(core.send(Call("GET", "/x")))
        assert response.is_closed
        assert response.content == b"ab"
        assert mode.run(core.call(Call("GET", "/x"), list[int])) == [1, 2]

    @pytest.mark.parametrize("body", [b"not json", b'{"scanId": 1', b"", b"<html></html>", b"<html>oops</html>"])
    def test_invalid_json_is_decode(self, mode: Mode, recorder: Any, body: bytes) -> None:
        core = mode.core(recorder(raw_reply(200, body)))
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.call(Call("GET", "/scans/1"), Scan))
        info = caught.value.info
        assert info is not None
        assert info.kind is FailureKind.DECODE
        assert info.status_code == 200
        assert info.method == "GET"
        assert info.url == "https://api.test/v1/scans/1"
        assert info.body == (body.decode() or None)
        assert "not valid JSON" in info.message
        assert isinstance(caught.value.__cause__, Exception)

    def test_wrong_shape_is_validation(self, mode: Mode, recorder: Any) -> None:
        core = mode.core(recorder(json_reply(200, {"scanId": "seven"}), json_reply(200, {"scanId": 1})))
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.call(Call("GET", "/scans/1"), Scan))
        info = caught.value.info
        assert info is not None
        assert info.kind is FailureKind.VALIDATION
        assert info.body == {"scanId": "seven"}
        assert info.status_code == 200
        assert "2 validation error(s)" in info.message
        assert "scanId" in info.message
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.call(Call("GET", "/scans/1"), Scan))
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.VALIDATION
        assert caught.value.info.body == {"scanId": 1}

    def test_list_where_object_expected_is_validation(self, make_core: MakeCore, recorder: Any) -> None:
        core = make_core(recorder(json_reply(200, [1, 2])))
        with pytest.raises(SpecwrightError) as caught:
            core.call(Call("GET", "/x"), Scan)
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.VALIDATION
        assert "(root)" in caught.value.info.message


# -- error statuses -----------------------------------------------------------------------


class TestStatusErrors:
    def test_json_error_body(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(json_reply(404, {"detail": "Scan not found"}, headers={"X-Request-Id": "r1"}))
        core = mode.core(rec, base_url="https://alice:s3cret@api.test/v1")
        query = {"api_key": "K3Y", "access_token": "T0K3N", "v": 2}
        with pytest.raises(StatusError) as caught:
            mode.run(core.call(Call("GET", "/scans/{id}", path_params={"id": 9}, query=query), Scan))
        err = caught.value
        assert err.status_code == 404
        assert err.response_body == {"detail": "Scan not found"}
        assert str(err) == "Scan not found"
        info = err.info
        assert info is not None
        assert info.kind is FailureKind.STATUS
        assert info.url == "https://api.test/v1/scans/9?api_key=***&access_token=***&v=2"
        assert info.headers["x-request-id"] == "r1"
        assert "s3cret" not in repr(info) and "K3Y" not in repr(info) and "T0K3N" not in repr(info)
        assert rec.calls == 1  # 404 is not retried

    @pytest.mark.parametrize(("status", "text"), [(502, "Bad Gateway from upstream"), (500, "Internal Server Error")])
    def test_text_error_body(self, mode: Mode, recorder: Any, status: int, text: str) -> None:
        core = mode.core(recorder(raw_reply(status, text.encode())), retry=RetryPolicy.disabled())
        with pytest.raises(StatusError) as caught:
            mode.run(core.send(Call("GET", "/x")))
        assert caught.value.status_code == status
        assert caught.value.response_body == text
        assert str(caught.value) == text

    def test_empty_error_body(self, make_core: MakeCore, recorder: Any) -> None:
        core = make_core(recorder(401), title="GRAD300")
        with pytest.raises(StatusError) as caught:
            core.send(Call("GET", "/x"))
        assert caught.value.response_body is None
        assert str(caught.value) == "GRAD300 API error (HTTP 401)"
        assert caught.value.info is not None and caught.value.info.is_auth_failure

    def test_error_status_on_a_streamed_send_is_read(self, make_core: MakeCore, recorder: Any) -> None:
        core = make_core(recorder(lambda r: httpx.Response(403, content=iter([b'{"detail": ', b'"denied"}']))))
        with pytest.raises(StatusError) as caught:
            core.send(Call("GET", "/x"), stream=True)
        assert caught.value.response_body == {"detail": "denied"}

    @pytest.mark.parametrize("status", [302, 400, 404, 500])
    def test_returned_when_not_raising(self, mode: Mode, recorder: Any, status: int) -> None:
        mode.sleeps  # noqa: B018 - record any backoff instead of sleeping
        rec = recorder(json_reply(status, {"detail": "no"}, headers={"Location": "/elsewhere"}))
        core = mode.core(rec, retry=RetryPolicy.disabled())
        response = mode.run(core.send(Call("GET", "/x"), raise_for_status=False))
        assert response.status_code == status
        assert response.json() == {"detail": "no"}  # the body is read
        assert rec.calls == 1  # a redirect is returned, not followed

    def test_not_raising_still_retries(self, mode: Mode, recorder: Any) -> None:
        mode.sleeps  # noqa: B018 - record the backoff instead of sleeping
        rec = recorder(503, 429, json_reply(503, {"detail": "busy"}))
        response = mode.run(mode.core(rec).send(Call("GET", "/x"), raise_for_status=False))
        assert (rec.calls, response.status_code, response.json()) == (3, 503, {"detail": "busy"})

    def test_not_raising_still_raises_transport_failures(self, make_core: MakeCore, recorder: Any) -> None:
        with pytest.raises(SpecwrightError):
            make_core(recorder(httpx.ConnectError)).send(Call("GET", "/x"), raise_for_status=False)


# -- transport failures -------------------------------------------------------------------


class TestTransportFailures:
    @pytest.mark.parametrize(
        ("exc", "kind"),
        [
            (httpx.ConnectError, FailureKind.CONNECTION),
            (httpx.RemoteProtocolError, FailureKind.CONNECTION),
            (httpx.ReadError, FailureKind.CONNECTION),
            (httpx.ConnectTimeout, FailureKind.TIMEOUT),
            (httpx.ReadTimeout, FailureKind.TIMEOUT),
            (httpx.PoolTimeout, FailureKind.TIMEOUT),
        ],
    )
    def test_kind(self, mode: Mode, recorder: Any, exc: type[Exception], kind: FailureKind) -> None:
        rec = recorder(exc)
        core = mode.core(rec, base_url="https://u:pw@api.test/v1", retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.call(Call("GET", "/scans", query={"token": "T0K"}), Scan))
        info = caught.value.info
        assert info is not None
        assert info.kind is kind
        assert info.status_code is None
        assert info.url == "https://api.test/v1/scans?token=***"
        assert isinstance(info.cause, exc)
        assert caught.value.__cause__ is info.cause
        assert "pw" not in str(caught.value) and "T0K" not in str(caught.value)
        assert rec.calls == 1

    def test_messages(self, make_core: MakeCore, recorder: Any) -> None:
        core = make_core(recorder(httpx.ReadTimeout), title="Demo", retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError, match=r"Timed out calling Demo API \(GET https://api.test/v1/x\)"):
            core.send(Call("GET", "/x"))
        core = make_core(recorder(httpx.ConnectError), title="Demo", retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError, match=r"Network error while calling Demo API .*ConnectError"):
            core.send(Call("GET", "/x"))

    def test_body_broken_mid_way_is_connection(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(broken_body)
        core = mode.core(rec, retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.call(Call("GET", "/x"), Scan))
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.CONNECTION
        assert rec.calls == 1
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.send(Call("GET", "/x")))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.CONNECTION
        assert rec.calls == 2

    def test_body_broken_mid_way_is_retried(self, mode: Mode, recorder: Any) -> None:
        rec = recorder(broken_body, json_reply(200, {"scanId": 1, "name": "ok"}))
        assert mode.run(mode.core(rec).call(Call("GET", "/x"), Scan)).name == "ok"
        assert rec.calls == 2


# -- retries --------------------------------------------------------------------------------


class TestRetries:
    def test_get_retried_on_503_then_success(self, mode: Mode, recorder: Any) -> None:
        sleeps = mode.sleeps
        rec = recorder(503, 503, json_reply(200, {"scanId": 1, "name": "ok"}))
        core = mode.core(rec, retry=RetryPolicy(initial_backoff=0.5, jitter=False))
        assert mode.run(core.call(Call("GET", "/scans/1"), Scan)).name == "ok"
        assert rec.calls == 3
        assert sleeps == [0.5, 1.0]

    @pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
    def test_transient_statuses(self, make_core: MakeCore, recorder: Any, sleeps: list[float], status: int) -> None:
        rec = recorder(status, 200)
        make_core(rec).send(Call("GET", "/x"))
        assert rec.calls == 2

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
    def test_other_statuses_are_not_retried(self, make_core: MakeCore, recorder: Any, status: int) -> None:
        rec = recorder(status, 200)
        with pytest.raises(StatusError):
            make_core(rec).send(Call("GET", "/x"))
        assert rec.calls == 1

    def test_post_not_retried(self, mode: Mode, recorder: Any) -> None:
        sleeps = mode.sleeps
        rec = recorder(503, 200)
        with pytest.raises(StatusError) as caught:
            mode.run(mode.core(rec).send(Call("POST", "/scans", json={"a": 1})))
        assert caught.value.status_code == 503
        assert rec.calls == 1
        assert sleeps == []

    def test_post_not_retried_on_connection_error(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(httpx.ConnectError, 200)
        with pytest.raises(SpecwrightError):
            make_core(rec).send(Call("POST", "/scans"))
        assert rec.calls == 1

    @pytest.mark.parametrize("first", [503, httpx.ConnectError])
    def test_post_retried_when_idempotent(self, mode: Mode, recorder: Any, first: Any) -> None:
        mode.sleeps  # noqa: B018 - record the backoff instead of sleeping
        rec = recorder(first, 200)
        mode.run(mode.core(rec).send(Call("POST", "/search", json={"q": "x"}, idempotent=True)))
        assert rec.calls == 2
        assert rec.requests[0].content == rec.requests[1].content == b'{"q":"x"}'

    def test_get_not_retried_when_marked_non_idempotent(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(503, 200)
        with pytest.raises(StatusError):
            make_core(rec).send(Call("GET", "/x", idempotent=False))
        assert rec.calls == 1

    @pytest.mark.parametrize(("seconds", "status"), [("7", 429), ("4", 503)])
    def test_retry_after_seconds(self, mode: Mode, recorder: Any, seconds: str, status: int) -> None:
        sleeps = mode.sleeps
        rec = recorder(lambda r: httpx.Response(status, headers={"Retry-After": seconds}), 200)
        mode.run(mode.core(rec, retry=RetryPolicy(initial_backoff=0.5, jitter=False)).send(Call("GET", "/x")))
        assert rec.calls == 2
        assert sleeps == [float(seconds)]

    @pytest.mark.parametrize("status", [503, 429])
    def test_retry_after_date(self, mode: Mode, recorder: Any, status: int) -> None:
        sleeps = mode.sleeps
        when = formatdate(time.time() + 20, usegmt=True)
        rec = recorder(lambda r: httpx.Response(status, headers={"Retry-After": when}), 200)
        mode.run(mode.core(rec).send(Call("GET", "/x")))
        assert rec.calls == 2
        assert len(sleeps) == 1 and 17.0 <= sleeps[0] <= 20.0

    @pytest.mark.parametrize("seconds", ["3600", "61"])
    def test_retry_after_too_long_gives_up(self, mode: Mode, recorder: Any, seconds: str) -> None:
        sleeps = mode.sleeps
        rec = recorder(lambda r: httpx.Response(503, headers={"Retry-After": seconds}), 200)
        with pytest.raises(StatusError) as caught:
            mode.run(mode.core(rec).send(Call("GET", "/x")))
        assert caught.value.status_code == 503
        assert caught.value.info is not None and caught.value.info.headers["retry-after"] == seconds
        assert rec.calls == 1
        assert sleeps == []

    def test_odd_retry_after_is_not_a_crash(self, make_core: MakeCore, recorder: Any, sleeps: list[float]) -> None:
        rec = recorder(lambda r: httpx.Response(503, headers=[(b"Retry-After", b"\xb2")]), 200)
        make_core(rec).send(Call("GET", "/x"))
        assert rec.calls == 2

    @pytest.mark.parametrize(("attempts", "status"), [(1, 503), (2, 503), (5, 503), (4, 502)])
    def test_max_attempts_bounded(self, mode: Mode, recorder: Any, attempts: int, status: int) -> None:
        sleeps = mode.sleeps
        rec = recorder(status)
        core = mode.core(rec, retry=RetryPolicy(max_attempts=attempts, initial_backoff=0, jitter=False))
        with pytest.raises(StatusError) as caught:
            mode.run(core.send(Call("GET", "/x")))
        assert caught.value.status_code == status
        assert rec.calls == attempts
        assert len(sleeps) == attempts - 1

    def test_connection_errors_exhaust_attempts(self, make_core: MakeCore, recorder: Any, sleeps: list[float]) -> None:
        rec = recorder(httpx.ConnectError)
        with pytest.raises(SpecwrightError) as caught:
            make_core(rec).send(Call("GET", "/x"))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.CONNECTION
        assert rec.calls == 3

    def test_connection_error_then_success(self, make_core: MakeCore, recorder: Any, sleeps: list[float]) -> None:
        rec = recorder(httpx.ConnectError, httpx.ReadTimeout, 200)
        assert make_core(rec).send(Call("GET", "/x")).status_code == 200
        assert rec.calls == 3

    def test_connection_errors_not_retried_when_switched_off(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(httpx.ConnectError, 200)
        policy = RetryPolicy(initial_backoff=0, jitter=False, retry_connection_errors=False)
        with pytest.raises(SpecwrightError):
            make_core(rec, retry=policy).send(Call("GET", "/x"))
        assert rec.calls == 1

    @pytest.mark.parametrize(("first", "error"), [(503, StatusError), (httpx.ConnectError, SpecwrightError)])
    def test_disabled_policy_on_the_core(self, mode: Mode, recorder: Any, first: Any, error: type[Exception]) -> None:
        rec = recorder(first, 200)
        with pytest.raises(error):
            mode.run(mode.core(rec, retry=RetryPolicy.disabled()).send(Call("GET", "/x")))
        assert rec.calls == 1

    def test_policy_on_the_call_wins(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(503, 200)
        with pytest.raises(StatusError):
            make_core(rec).send(Call("GET", "/x", retry=RetryPolicy.disabled()))
        assert rec.calls == 1
        rec = recorder(503, 503, 503, 200)
        policy = RetryPolicy(max_attempts=4, initial_backoff=0, jitter=False)
        make_core(rec, retry=RetryPolicy.disabled()).send(Call("GET", "/x", retry=policy))
        assert rec.calls == 4

    def test_custom_statuses(self, make_core: MakeCore, recorder: Any) -> None:
        rec = recorder(409, 200)
        policy = RetryPolicy(initial_backoff=0, jitter=False, statuses=frozenset({409}))
        make_core(rec, retry=policy).send(Call("GET", "/x"))
        assert rec.calls == 2


# -- downloads ------------------------------------------------------------------------------


def file_reply(
    content: bytes, disposition: str | None = None, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    all_headers = dict(headers)
    if disposition is not None:
        all_headers["Content-Disposition"] = disposition
    return lambda request: httpx.Response(200, content=content, headers=all_headers)


class TestDownload:
    def test_name_from_content_disposition(self, mode: Mode, recorder: Any, tmp_path: Path) -> None:
        core = mode.core(recorder(file_reply(b"FITS", 'attachment; filename="scan_1.fits"')))
        path = mode.run(core.download(Call("GET", "/scans/1/download"), tmp_path))
        assert path == tmp_path / "scan_1.fits"
        assert path.read_bytes() == b"FITS"
        assert files_in(tmp_path) == ["scan_1.fits"]

    @pytest.mark.parametrize(
        ("disposition", "expected"),
        [
            ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%201.txt", "résumé 1.txt"),
            ("attachment; filename*=UTF-8''%E6%96%87.txt", "文.txt"),
        ],
    )
    def test_name_from_rfc5987_filename_star(
        self, mode: Mode, recorder: Any, tmp_path: Path, disposition: str, expected: str
    ) -> None:
        core = mode.core(recorder(file_reply(b"x", disposition)))
        assert mode.run(core.download(Call("GET", "/f"), tmp_path)) == tmp_path / expected

    @pytest.mark.parametrize(
        ("disposition", "expected"),
        [
            ('attachment; filename="../x"', "x"),
            ('attachment; filename="/etc/passwd"', "passwd"),
            ('attachment; filename="..\\..\\x"', "x"),
            ('attachment; filename="evil\x00.sh"', "evil_.sh"),
            ('attachment; filename="a\x00b"', "a_b"),
            ("attachment; filename*=UTF-8''..%2F..%2Fescape.txt", "escape.txt"),
            ('attachment; filename=".."', "download"),
            (None, "download"),
        ],
    )
    def test_hostile_names_stay_inside(
        self, mode: Mode, recorder: Any, tmp_path: Path, disposition: str | None, expected: str
    ) -> None:
        folder = tmp_path / "inbox"
        core = mode.core(recorder(file_reply(b"data", disposition)))
        path = mode.run(core.download(Call("GET", "/f"), folder))
        assert path == folder / expected
        assert path.resolve().parent == folder.resolve()
        assert files_in(folder) == [expected]
        assert files_in(tmp_path) == ["inbox"]

    def test_default_name(self, make_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        core = make_core(recorder(file_reply(b"data")))
        assert core.download(Call("GET", "/f"), tmp_path, default_name="../scan.fits") == tmp_path / "scan.fits"

    def test_given_filename_wins_and_is_made_safe(self, make_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        core = make_core(recorder(file_reply(b"data", 'attachment; filename="server.bin"')))
        path = core.download(Call("GET", "/f"), tmp_path, filename="../../mine.bin")
        assert path == tmp_path / "mine.bin"
        assert files_in(tmp_path) == ["mine.bin"]

    def test_existing_target_fails_before_any_request(self, mode: Mode, recorder: Any, tmp_path: Path) -> None:
        (tmp_path / "mine.bin").write_bytes(b"old")
        rec = recorder(file_reply(b"new"))
        with pytest.raises(FileExistsError):
            mode.run(mode.core(rec).download(Call("GET", "/f"), tmp_path, filename="mine.bin"))
        assert rec.calls == 0
        assert (tmp_path / "mine.bin").read_bytes() == b"old"

    def test_existing_target_from_header_fails_and_keeps_file(
        self, make_core: MakeCore, recorder: Any, tmp_path: Path
    ) -> None:
        (tmp_path / "server.bin").write_bytes(b"old")
        rec = recorder(file_reply(b"new", 'attachment; filename="server.bin"'))
        with pytest.raises(FileExistsError):
            make_core(rec).download(Call("GET", "/f"), tmp_path)
        assert (tmp_path / "server.bin").read_bytes() == b"old"
        assert files_in(tmp_path) == ["server.bin"]

    def test_overwrite_replaces(self, mode: Mode, recorder: Any, tmp_path: Path) -> None:
        (tmp_path / "mine.bin").write_bytes(b"old")
        core = mode.core(recorder(file_reply(b"new")))
        path = mode.run(core.download(Call("GET", "/f"), tmp_path, filename="mine.bin", overwrite=True))
        assert path.read_bytes() == b"new"
        assert files_in(tmp_path) == ["mine.bin"]

    @pytest.mark.parametrize(("content", "length"), [(b"abcd", "10"), (b"abcd", "2"), (b"abc", "9")])
    def test_content_length_mismatch_leaves_nothing(
        self, mode: Mode, recorder: Any, tmp_path: Path, content: bytes, length: str
    ) -> None:
        core = mode.core(recorder(file_reply(content, "attachment; filename=f.bin", **{"Content-Length": length})))
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.download(Call("GET", "/f"), tmp_path))
        assert caught.value.info is not None
        assert caught.value.info.kind is FailureKind.CONNECTION
        assert f"of {length} bytes" in str(caught.value)
        assert files_in(tmp_path) == []

    def test_broken_stream_leaves_nothing(self, mode: Mode, recorder: Any, tmp_path: Path) -> None:
        core = mode.core(recorder(broken_body), retry=RetryPolicy.disabled())
        with pytest.raises(SpecwrightError) as caught:
            mode.run(core.download(Call("GET", "/f"), tmp_path, filename="f.bin"))
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.CONNECTION
        assert files_in(tmp_path) == []

    @pytest.mark.parametrize("answer", [json_reply(404, {"detail": "Scan not found"}), 404])
    def test_error_status_leaves_nothing(self, mode: Mode, recorder: Any, tmp_path: Path, answer: Any) -> None:
        rec = recorder(answer)
        with pytest.raises(StatusError) as caught:
            mode.run(mode.core(rec).download(Call("GET", "/f"), tmp_path, filename="f.bin"))
        assert caught.value.status_code == 404
        assert files_in(tmp_path) == []

    def test_retried_then_written(
        self, make_core: MakeCore, recorder: Any, tmp_path: Path, sleeps: list[float]
    ) -> None:
        rec = recorder(503, file_reply(b"data", "attachment; filename=f.bin"))
        path = make_core(rec).download(Call("GET", "/f"), tmp_path)
        assert path.read_bytes() == b"data"
        assert rec.calls == 2

    @pytest.mark.parametrize(
        ("chunks", "seen_expected"),
        [
            ([b"a" * 10, b"b" * 10, b"c" * 5], [(10, 25), (20, 25), (25, 25)]),
            ([b"abc", b"def"], [(3, 6), (6, 6)]),
        ],
    )
    def test_streams_in_chunks_with_progress(
        self,
        mode: Mode,
        recorder: Any,
        tmp_path: Path,
        chunks: list[bytes],
        seen_expected: list[tuple[int, int]],
    ) -> None:
        length = str(sum(len(c) for c in chunks))
        rec = recorder(lambda r: httpx.Response(200, headers={"Content-Length": length}, content=mode.chunks(*chunks)))
        seen: list[tuple[int, int | None]] = []
        path = mode.run(
            mode.core(rec).download(
                Call("GET", "/f"), tmp_path, filename="f.bin", progress=lambda done, total: seen.append((done, total))
            )
        )
        assert path.read_bytes() == b"".join(chunks)
        assert seen == seen_expected

    def test_creates_the_folder(self, make_core: MakeCore, recorder: Any, tmp_path: Path) -> None:
        folder = tmp_path / "a" / "b"
        path = make_core(recorder(file_reply(b"x"))).download(Call("GET", "/f"), folder, filename="x")
        assert path == folder / "x" and path.read_bytes() == b"x"
