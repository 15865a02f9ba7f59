"""Atomic file writes: private files for secrets, and placing finished downloads."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600 (parent folders 0700 if created)."""
    target = Path(path).expanduser()
    missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move a finished temporary file to ``target``; without ``overwrite`` never replace a file."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if target exists, atomically
    except FileExistsError:
        raise FileExistsError(
            f"Destination file already exists: {target}. Set overwrite=True to replace it."
        ) from None
    except OSError:
        if target.exists():
            raise FileExistsError(
                f"Destination file already exists: {target}. Set overwrite=True to replace it."
            ) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)
