"""A content-addressed store in the user's cache directory, for results that are pure functions
of their input (black's output for a text, "no findings" for a document).

A value is kept under a SHA-256 of everything it depends on, so a hit is exactly what the work
would have given; a cache that cannot be read or written only costs the work. The folder is
``$SPECWRIGHT_CACHE_DIR``, else ``$XDG_CACHE_HOME/specwright``, else ``~/.cache/specwright``;
``SPECWRIGHT_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir(kind: str) -> Path | None:
    """The folder of one kind of entry, or None when the cache is off."""
    if os.environ.get("SPECWRIGHT_CACHE", "1").strip().lower() in {"0", "off", "no", "false"}:
        return None
    root = os.environ.get("SPECWRIGHT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "specwright"
    )
    return Path(root) / kind


def key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def read(directory: Path | None, name: str) -> str | None:
    if directory is None:
        return None
    try:
        return (directory / name[:2] / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write(directory: Path | None, name: str, value: str) -> None:
    """Store atomically (a temp file renamed into place); a failure is ignored."""
    if directory is None:
        return
    folder = directory / name[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(value)
        os.replace(tmp, folder / name)
    except OSError:
        pass
