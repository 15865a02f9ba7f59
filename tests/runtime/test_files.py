"""files: atomic private writes and placing finished downloads."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from specwright_runtime import files
from specwright_runtime.files import place, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, so only an explicit chmod can give 0600."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


class TestWritePrivate:
    def test_writes_bytes_with_mode_0600(self, tmp_path: Path, open_umask: None) -> None:
        target = tmp_path / "token.json"
        result = write_private(target, b'{"access_token": "x"}')
        assert result == target
        assert target.read_bytes() == b'{"access_token": "x"}'
        assert mode(target) == 0o600

    def test_replaces_a_world_readable_file(self, tmp_path: Path) -> None:
        target = tmp_path / "cfg"
        target.write_bytes(b"old")
        target.chmod(0o644)
        write_private(target, b"new")
        assert target.read_bytes() == b"new"
        assert mode(target) == 0o600

    def test_no_temporary_file_is_left(self, tmp_path: Path) -> None:
        write_private(tmp_path / "a", b"1")
        write_private(tmp_path / "a", b"2")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]

    def test_parent_is_created_private(self, tmp_path: Path) -> None:
        target = tmp_path / "cache" / "tok"
        write_private(target, b"x")
        assert target.read_bytes() == b"x"
        assert mode(target.parent) == 0o700

    def test_accepts_str_and_expands_user(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        result = write_private("~/conf/tok", b"x")
        assert result == tmp_path / "conf" / "tok"
        assert result.read_bytes() == b"x"

    def test_failure_keeps_old_file_and_leaves_no_temp(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        target = tmp_path / "tok"
        target.write_bytes(b"old")

        def broken_replace(src: object, dst: object) -> None:
            raise OSError("disk on fire")

        monkeypatch.setattr(files.os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk on fire"):
            write_private(target, b"new")
        assert target.read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir()] == ["tok"]

    def test_all_created_parent_folders_are_private(self, tmp_path: Path) -> None:
        write_private(tmp_path / "a" / "b" / "tok", b"x")
        assert mode(tmp_path / "a" / "b") == 0o700
        assert mode(tmp_path / "a") == 0o700


class TestPlace:
    def test_moves_when_target_is_free(self, tmp_path: Path) -> None:
        tmp = tmp_path / ".x.part"
        tmp.write_bytes(b"data")
        place(tmp, tmp_path / "x", overwrite=False)
        assert (tmp_path / "x").read_bytes() == b"data"
        assert not tmp.exists()

    def test_refuses_existing_target(self, tmp_path: Path) -> None:
        tmp = tmp_path / ".x.part"
        tmp.write_bytes(b"new")
        (tmp_path / "x").write_bytes(b"old")
        with pytest.raises(FileExistsError, match="overwrite=True"):
            place(tmp, tmp_path / "x", overwrite=False)
        assert (tmp_path / "x").read_bytes() == b"old"

    def test_overwrite_replaces(self, tmp_path: Path) -> None:
        tmp = tmp_path / ".x.part"
        tmp.write_bytes(b"new")
        (tmp_path / "x").write_bytes(b"old")
        place(tmp, tmp_path / "x", overwrite=True)
        assert (tmp_path / "x").read_bytes() == b"new"
        assert not tmp.exists()

    def test_falls_back_to_rename_without_hard_links(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        def no_links(src: object, dst: object) -> None:
            raise PermissionError("hard links not supported")

        monkeypatch.setattr(files.os, "link", no_links)
        tmp = tmp_path / ".x.part"
        tmp.write_bytes(b"data")
        place(tmp, tmp_path / "x", overwrite=False)
        assert (tmp_path / "x").read_bytes() == b"data"
        assert not tmp.exists()
