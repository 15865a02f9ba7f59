"""The existing client's ``spacestudio.gridfs`` functions, over the default client.

Downloads stream to a temporary file beside the target and are renamed into place only when
complete (and as long as ``Content-Length`` said); ``progress=True`` draws a progress bar on
stderr. The low-level calls are ``default_client().gridfs.download_csv_file_to_file(...)`` & co.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from specwright_runtime import Progress

from spacestudio.default_client import default_client

__all__ = [
    "formatted_size",
    "get_csv_as_json_object",
    "save_csv_file_to_disk",
    "save_json_file_to_disk",
]

_UNITS = ("B", "KB", "MB", "GB")


def formatted_size(size_in_bytes: float) -> str:
    """``1536`` -> ``"1.5 KB"`` (units of 1024, up to GB, two decimals at most)."""
    size = float(size_in_bytes)
    unit = 0
    while unit < len(_UNITS) - 1 and size > 1024:
        unit += 1
        size /= 1024
    return f"{round(size, 2):g} {_UNITS[unit]}"


def save_csv_file_to_disk(
    filename: str,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    progress: Progress | bool = False,
) -> Path:
    """Download GridFS file ``filename`` as CSV to ``path`` (a file path); returns it."""
    target = Path(path)
    return default_client().gridfs.download_csv_file_to_file(
        filename,
        directory=target.parent,
        filename=target.name,
        overwrite=overwrite,
        progress=progress,
    )


def save_json_file_to_disk(
    filename: str,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    progress: Progress | bool = False,
) -> Path:
    """Download GridFS file ``filename`` as JSON to ``path`` (a file path); returns it."""
    target = Path(path)
    return default_client().gridfs.download_json_file_to_file(
        filename,
        directory=target.parent,
        filename=target.name,
        overwrite=overwrite,
        progress=progress,
    )


def get_csv_as_json_object(filename: str) -> Any:
    """GridFS file ``filename`` (a CSV) as the JSON the server converts it to."""
    return default_client().gridfs.get_csv_as_json_object(filename)
