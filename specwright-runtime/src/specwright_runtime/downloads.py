"""Safe file names and streamed downloads that never leave partial files."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from email.message import Message
from email.utils import collapse_rfc2231_value
from pathlib import Path
from typing import TextIO

from .files import place

#: Called with (bytes so far, expected total or None) while a download runs.
Progress = Callable[[int, int | None], None]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MAX_NAME_BYTES = 255


class IncompleteDownload(OSError):
    """The body was shorter or longer than ``Content-Length`` promised."""


def safe_filename(name: str | None) -> str | None:
    """Reduce an untrusted name to a plain base name, or ``None`` if nothing usable is left.

    Any directory part (``/`` or ``\\``) is dropped, control and reserved characters become
    ``_``, leading dots and spaces are removed (no hidden files, no ``..``), and the result
    is cut to 255 UTF-8 bytes keeping the extension.
    """
    if not name:
        return None
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(". ")
    if not name or set(name) <= {".", "_"}:
        return None
    encoded = name.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext.encode()) > 16:
            stem, ext = name, ""
        room = _MAX_NAME_BYTES - len(ext.encode()) - (1 if ext else 0)
        stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        name = f"{stem}.{ext}" if ext else stem
    return name


def filename_from_disposition(header: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` header (``filename*`` wins), made safe."""
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    plain: str | None = None
    extended: str | None = None
    try:
        for name, value in message.get_params(header="content-disposition", failobj=[]):
            if name.lower() != "filename":
                continue
            if isinstance(value, tuple):  # RFC 2231/5987 ``filename*``
                extended = collapse_rfc2231_value(value)
            elif plain is None:
                plain = value
    except (ValueError, LookupError, TypeError):
        return None
    return safe_filename(extended or plain)


class _Sink:
    """A temporary file beside the target that becomes the target only when complete."""

    def __init__(self, target: Path, expected: int | None, progress: Progress | None) -> None:
        self.target = target
        self.expected = expected
        self.progress = progress
        self.received = 0
        # O_EXCL with mode 0666: the umask applies as for any new file, and no name clash
        # the name is cut so ".<name>.<hex>.part" stays within the usual 255-byte limit
        stem = target.name.encode("utf-8")[:200].decode("utf-8", errors="ignore")
        self.tmp = target.parent / f".{stem}.{secrets.token_hex(6)}.part"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        self.handle = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.handle.write(chunk)
        self.received += len(chunk)
        if self.progress is not None:
            self.progress(self.received, self.expected)

    def finish(self, overwrite: bool) -> Path:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        if self.expected is not None and self.received != self.expected:
            raise IncompleteDownload(
                f"download of {self.target.name} ended after {self.received} of {self.expected} bytes"
            )
        place(self.tmp, self.target, overwrite=overwrite)
        return self.target

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


def expected_length(headers: Mapping[str, str]) -> int | None:
    """``Content-Length`` when it describes the bytes we will receive (no content coding)."""
    if headers.get("content-encoding", "identity") not in ("identity", ""):
        return None
    value = headers.get("content-length")
    return int(value) if value is not None and str(value).isdigit() else None


def write_stream(
    chunks: Iterator[bytes], target: Path, *, expected: int | None, overwrite: bool, progress: Progress | None = None
) -> Path:
    """Write ``chunks`` to ``target`` through a temporary file; nothing is left on failure."""
    sink = _Sink(target, expected, progress)
    try:
        for chunk in chunks:
            sink.write(chunk)
        return sink.finish(overwrite)
    except BaseException:
        sink.discard()
        raise


async def awrite_stream(
    chunks: AsyncIterator[bytes],
    target: Path,
    *,
    expected: int | None,
    overwrite: bool,
    progress: Progress | None = None,
) -> Path:
    """Async twin of :func:`write_stream` (file writes stay blocking; they are local)."""
    sink = _Sink(target, expected, progress)
    try:
        async for chunk in chunks:
            sink.write(chunk)
        return sink.finish(overwrite)
    except BaseException:
        sink.discard()
        raise


def resolve_target(directory: str | os.PathLike[str], name: str | None, *, overwrite: bool) -> Path | None:
    """``directory/safe(name)``, created folder included; ``FileExistsError`` if taken.

    Returns ``None`` when ``name`` is ``None`` or unusable (the name comes from the response later).
    """
    folder = Path(directory).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    if name is None:
        return None
    safe = safe_filename(name)
    if safe is None:  # nothing usable left: the response (or the default) names the file
        return None
    target = folder / safe
    if target.exists() and not overwrite:
        raise FileExistsError(f"Destination file already exists: {target}. Set overwrite=True to replace it.")
    return target


def text_progress(label: str = "download", *, stream: TextIO | None = None, width: int = 30) -> Progress:
    """A progress bar on one line of stderr: ``label [#####.....]  45%  12.3/27.1 MiB``.

    Redrawn only when the shown value changes, so a large download does not flood the terminal.
    """
    shown: list[str] = [""]

    def report(done: int, total: int | None) -> None:
        out = stream if stream is not None else sys.stderr
        if total:
            filled = min(width, done * width // total)
            line = f"{label} [{'#' * filled}{'.' * (width - filled)}] {min(100, done * 100 // total):3d}%  {_mib(done)}/{_mib(total)} MiB"
        else:
            line = f"{label} {_mib(done)} MiB"
        finished = total is not None and done >= total
        if line != shown[0] or finished:
            out.write("\r" + line + ("\n" if finished else ""))
            out.flush()
            shown[0] = line

    return report


def _mib(count: int) -> str:
    return f"{count / 1048576:.1f}"
