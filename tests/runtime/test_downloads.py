"""downloads: safe file names, Content-Disposition, and streamed writes without leftovers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from specwright_runtime.core import Call
from specwright_runtime.downloads import (
    IncompleteDownload,
    awrite_stream,
    expected_length,
    filename_from_disposition,
    resolve_target,
    safe_filename,
    text_progress,
    write_stream,
)

names = st.text(alphabet=st.characters(codec="utf-8"), max_size=600)
hostile = st.lists(
    st.sampled_from(["..", ".", "/", "\\", "\x00", "\n", " ", "a", "é", "文", "😀", ".txt", "C:", "~", "*", "_"]),
    max_size=80,
).map("".join)


def assert_safe(result: str) -> None:
    assert result
    assert "/" not in result
    assert "\\" not in result
    assert "\x00" not in result
    assert not result.startswith(".")
    assert result not in (".", "..")
    assert len(result.encode("utf-8")) <= 255


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestSafeFilename:
    @settings(max_examples=1000, database=None, deadline=None)
    @given(st.one_of(names, hostile))
    @example("..")
    @example("../../etc/passwd")
    @example("..\\..\\windows\\system32")
    @example("a\x00b")
    @example("." * 300)
    @example("é" * 200 + ".tar")
    @example("x" * 300 + "." + "y" * 20)
    def test_result_is_a_plain_name_inside_the_folder(self, name: str) -> None:
        result = safe_filename(name)
        if result is None:
            return
        assert_safe(result)
        folder = Path("/srv/downloads")
        joined = folder / result
        assert joined.parent == folder
        assert os.path.normpath(joined).startswith(str(folder) + os.sep)

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("report.pdf", "report.pdf"),
            ("../x", "x"),
            ("/etc/passwd", "passwd"),
            ("..\\..\\x", "x"),
            ("dir/sub\\file.txt", "file.txt"),
            ("a\x00b.txt", "a_b.txt"),
            ('a:b*c?"d<e>f|g', "a_b_c__d_e_f_g"),
            ("line\nbreak", "line_break"),
            (".hidden", "hidden"),
            ("  . .x", "x"),
            ("  spaced.txt  ", "spaced.txt"),
            ("cafe\u0301.txt", "caf\u00e9.txt"),  # NFC
        ],
    )
    def test_examples(self, name: str, expected: str) -> None:
        assert safe_filename(name) == expected

    @pytest.mark.parametrize("name", [None, "", ".", "..", "...", "/", "\\", "../", "___", "._.", " ", "\x00\x01"])
    def test_nothing_usable(self, name: str | None) -> None:
        assert safe_filename(name) is None

    def test_long_name_keeps_extension(self) -> None:
        result = safe_filename("a" * 400 + ".fits")
        assert result is not None
        assert result.endswith(".fits")
        assert len(result.encode()) == 255

    def test_long_multibyte_name_is_cut_on_a_character_boundary(self) -> None:
        result = safe_filename("é" * 300 + ".txt")
        assert result is not None
        result.encode("utf-8")  # valid text
        assert result.endswith(".txt")
        assert len(result.encode()) <= 255
        assert set(result[:-4]) == {"é"}

    def test_overlong_extension_is_not_kept(self) -> None:
        result = safe_filename("a" * 300 + "." + "b" * 40)
        assert result is not None
        assert len(result.encode()) == 255
        assert result == "a" * 255


class TestFilenameFromDisposition:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ('attachment; filename="scan.fits"', "scan.fits"),
            ("attachment; filename=plain.txt", "plain.txt"),
            ("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", "résumé.txt"),
            ("attachment; filename*=utf-8'en'na%C3%AFve%20file.txt", "naïve file.txt"),
            ('attachment; filename="../../etc/passwd"', "passwd"),
            ('attachment; filename="..\\..\\x"', "x"),
            ("attachment; filename*=UTF-8''..%2F..%2Fevil.sh", "evil.sh"),
            ('attachment; filename="a\x00b.txt"', "a_b.txt"),
            ('attachment; filename=".."', None),
            ("attachment", None),
            ("inline", None),
            ("", None),
            (None, None),
        ],
    )
    def test_examples(self, header: str | None, expected: str | None) -> None:
        assert filename_from_disposition(header) == expected

    @settings(max_examples=300, database=None, deadline=None)
    @given(st.one_of(names, hostile))
    def test_any_rfc5987_name_comes_out_safe(self, name: str) -> None:
        header = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
        result = filename_from_disposition(header)
        if result is not None:
            assert_safe(result)

    @settings(max_examples=300, database=None, deadline=None)
    @given(
        st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=60),
        st.sampled_from(["", ".txt", ".fits"]),
    )
    def test_ordinary_names_survive_rfc5987(self, stem: str, ext: str) -> None:
        name = stem + ext
        header = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
        assert filename_from_disposition(header) == safe_filename(name)
        assert filename_from_disposition(header) is not None

    @pytest.mark.parametrize(
        "header",
        [
            "attachment; filename=\"fallback.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
            "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt; filename=\"fallback.txt\"",
        ],
    )
    def test_extended_filename_wins(self, header: str) -> None:
        assert filename_from_disposition(header) == "résumé.txt"


class TestExpectedLength:
    def test_plain(self) -> None:
        assert expected_length(httpx.Headers({"Content-Length": "12"})) == 12

    def test_missing_or_bad(self) -> None:
        assert expected_length(httpx.Headers({})) is None
        assert expected_length(httpx.Headers({"Content-Length": "-1"})) is None
        assert expected_length(httpx.Headers({"Content-Length": "abc"})) is None

    def test_content_coding_makes_length_unknown(self) -> None:
        headers = httpx.Headers({"Content-Length": "12", "Content-Encoding": "gzip"})
        assert expected_length(headers) is None
        assert expected_length({"content-length": "5", "content-encoding": "identity"}) == 5


class TestResolveTarget:
    def test_creates_folder_and_returns_none_without_name(self, tmp_path: Path) -> None:
        folder = tmp_path / "new" / "deeper"
        assert resolve_target(folder, None, overwrite=False) is None
        assert folder.is_dir()

    def test_hostile_name_stays_inside(self, tmp_path: Path) -> None:
        assert resolve_target(tmp_path, "../../outside.txt", overwrite=False) == tmp_path / "outside.txt"

    def test_existing_file(self, tmp_path: Path) -> None:
        (tmp_path / "x.bin").write_bytes(b"old")
        with pytest.raises(FileExistsError, match="overwrite=True"):
            resolve_target(tmp_path, "x.bin", overwrite=False)
        assert resolve_target(tmp_path, "x.bin", overwrite=True) == tmp_path / "x.bin"

    @pytest.mark.parametrize("name", ["..", "../", "", "/"])
    def test_unusable_name_defers_to_the_response(self, tmp_path: Path, name: str) -> None:
        assert resolve_target(tmp_path, name, overwrite=False) is None


class TestWriteStream:
    def test_writes_chunks_and_reports_progress(self, tmp_path: Path) -> None:
        seen: list[tuple[int, int | None]] = []
        target = write_stream(
            iter([b"ab", b"cd", b"e"]),
            tmp_path / "f",
            expected=5,
            overwrite=False,
            progress=lambda done, total: seen.append((done, total)),
        )
        assert target.read_bytes() == b"abcde"
        assert seen == [(2, 5), (4, 5), (5, 5)]
        assert leftovers(tmp_path) == ["f"]

    def test_file_mode_follows_umask(self, tmp_path: Path) -> None:
        old = os.umask(0o027)
        try:
            target = write_stream(iter([b"x"]), tmp_path / "f", expected=None, overwrite=False)
        finally:
            os.umask(old)
        assert target.stat().st_mode & 0o777 == 0o640

    @pytest.mark.parametrize("expected", [3, 10])
    def test_length_mismatch_leaves_nothing(self, tmp_path: Path, expected: int) -> None:
        with pytest.raises(IncompleteDownload, match=f"of {expected} bytes"):
            write_stream(iter([b"ab", b"cde"]), tmp_path / "f", expected=expected, overwrite=False)
        assert leftovers(tmp_path) == []

    def test_error_mid_stream_leaves_nothing(self, tmp_path: Path) -> None:
        def chunks() -> Iterator[bytes]:
            yield b"partial"
            raise httpx.ReadError("connection reset")

        with pytest.raises(httpx.ReadError):
            write_stream(chunks(), tmp_path / "f", expected=None, overwrite=False)
        assert leftovers(tmp_path) == []

    def test_existing_target_is_kept_without_overwrite(self, tmp_path: Path) -> None:
        (tmp_path / "f").write_bytes(b"old")
        with pytest.raises(FileExistsError):
            write_stream(iter([b"new"]), tmp_path / "f", expected=None, overwrite=False)
        assert (tmp_path / "f").read_bytes() == b"old"
        assert leftovers(tmp_path) == ["f"]

    def test_overwrite(self, tmp_path: Path) -> None:
        (tmp_path / "f").write_bytes(b"old")
        write_stream(iter([b"new"]), tmp_path / "f", expected=3, overwrite=True)
        assert (tmp_path / "f").read_bytes() == b"new"
        assert leftovers(tmp_path) == ["f"]


class TestAsyncWriteStream:
    @staticmethod
    async def chunks(*parts: bytes, error: Exception | None = None) -> AsyncIterator[bytes]:
        for part in parts:
            yield part
        if error is not None:
            raise error

    @pytest.mark.asyncio
    async def test_writes(self, tmp_path: Path) -> None:
        target = await awrite_stream(self.chunks(b"ab", b"c"), tmp_path / "f", expected=3, overwrite=False)
        assert target.read_bytes() == b"abc"
        assert leftovers(tmp_path) == ["f"]

    @pytest.mark.asyncio
    async def test_short_body_leaves_nothing(self, tmp_path: Path) -> None:
        with pytest.raises(IncompleteDownload):
            await awrite_stream(self.chunks(b"ab"), tmp_path / "f", expected=3, overwrite=False)
        assert leftovers(tmp_path) == []

    @pytest.mark.asyncio
    async def test_error_leaves_nothing(self, tmp_path: Path) -> None:
        with pytest.raises(httpx.ReadError):
            await awrite_stream(
                self.chunks(b"ab", error=httpx.ReadError("reset")), tmp_path / "f", expected=None, overwrite=False
            )
        assert leftovers(tmp_path) == []


def test_text_progress_draws_a_bar(capsys: pytest.CaptureFixture[str]) -> None:
    report = text_progress("scan", width=10)
    report(1048576, 4194304)
    report(1048577, 4194304)  # same picture: not redrawn
    report(4194304, 4194304)
    report(3 * 1048576, None)
    err = capsys.readouterr().err
    assert err.count("\r") == 3
    assert "scan [##........]  25%  1.0/4.0 MiB" in err
    assert "scan [##########] 100%  4.0/4.0 MiB\n" in err
    assert "scan 3.0 MiB" in err


def test_progress_true_draws_a_bar_for_a_download(make_core: Any, recorder: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = recorder(lambda r: httpx.Response(200, content=b"x" * 2048, headers={"content-disposition": 'attachment; filename="a.bin"'}))
    path = make_core(rec).download(Call("GET", "/f"), tmp_path, progress=True)
    assert path.read_bytes() == b"x" * 2048
    assert "a.bin [" in capsys.readouterr().err
