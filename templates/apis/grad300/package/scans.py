"""Scan helpers shared by the sync and async clients: filters, tables, FITS decoding.

Internal (no ``__all__``): the package re-exports none of these names.

astropy is imported only inside the functions that build tables or read FITS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from io import BytesIO
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from specwright_runtime import gc_paused

from grad300_client.models import ScanRecord, ScanType, normalize_scan_type

if TYPE_CHECKING:
    from astropy.io.fits import HDUList
    from astropy.table import Row, Table

DownloadResult = Union[Path, "Table", "HDUList"]

TABLE_BASE_COLUMNS = (
    "id",
    "scan_type",
    "file_name",
    "file_path",
    "size",
    "source",
    "ra",
    "dec",
    "date",
    "date_obs",
    "date_end",
    "gain",
    "comment",
)
_OBJECT_COLUMNS = frozenset({"date", "date_obs", "date_end", "gain", "comment"})
_SCAN_TYPE_VALUES = {kind: kind.value for kind in ScanType}


def check_positive(value: int, name: str) -> int:
    if value <= 0:
        raise ValueError(f"'{name}' must be greater than 0")
    return value


def check_query(
    page_size: int, max_results: int | None, date_from: datetime | None, date_to: datetime | None
) -> None:
    """The argument checks of ``query`` (before any request)."""
    check_positive(page_size, "page_size")
    if max_results is not None and max_results <= 0:
        raise ValueError("'max_results' must be greater than 0 when provided")
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValueError("'date_to' must be greater than or equal to 'date_from'")


def matches(
    record: ScanRecord,
    source: str | None,
    scan_name: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
) -> bool:
    """Client-side filters (older backends ignore the query parameters)."""
    if source and source.casefold() not in record.source.casefold():
        return False
    if scan_name and scan_name.casefold() not in record.file_name.casefold():
        return False
    if date_from is not None and record.date < date_from:
        return False
    return not (date_to is not None and record.date > date_to)


def records_to_table(records: list[ScanRecord]) -> Table:
    """One row per record: the base columns, then every metadata key sorted.

    A metadata key equal to a base column name is kept as ``meta_<key>``. Built column by
    column: one pass over the records gathers every base value, numpy makes each column at
    once.
    """
    import numpy as np
    from astropy.table import Column, Table

    if not records:
        return Table(names=TABLE_BASE_COLUMNS, dtype=[object] * len(TABLE_BASE_COLUMNS))

    def column(name: str, values: Sequence[Any], as_objects: bool) -> Column:
        if as_objects:
            data = np.empty(len(values), dtype=object)
            data[:] = values
        else:
            data = np.asarray(values)
        return Column(data, name=name, copy=False)

    with gc_paused():  # tens of thousands of cells, no cycles among them
        base = zip(*map(attrgetter(*TABLE_BASE_COLUMNS), records), strict=True)
        columns = []
        for name, values in zip(TABLE_BASE_COLUMNS, base, strict=True):
            if name == "scan_type":
                values = tuple(map(_SCAN_TYPE_VALUES.__getitem__, values))
            columns.append(column(name, values, name in _OBJECT_COLUMNS))
        metadata = [record.metadata for record in records]
        for key in sorted(set().union(*metadata)):
            cells = [m.get(key) for m in metadata]
            mixed = any(v is None or isinstance(v, (dict, list)) for v in cells)
            columns.append(
                column(f"meta_{key}" if key in TABLE_BASE_COLUMNS else key, cells, mixed)
            )
        return Table(columns, copy=False)


def download_fields(
    record: ScanRecord | Mapping[str, Any] | Row,
) -> tuple[ScanType, int, str | None]:
    """``(scan_type, id, file_name)`` of a record, a mapping or an astropy row."""
    if isinstance(record, ScanRecord):
        return record.scan_type, record.id, record.file_name

    def get(key: str) -> Any:
        try:
            return record[key]
        except (KeyError, IndexError, ValueError):
            return None

    scan_type, scan_id, file_name = get("scan_type"), get("id"), get("file_name")
    if scan_type is None:
        raise TypeError("Record must include a 'scan_type' field")
    if scan_id is None:
        raise TypeError("Record must include an 'id' field")
    return (
        normalize_scan_type(str(scan_type)),
        int(scan_id),
        None if file_name is None else str(file_name),
    )


def parse_download_content(scan_type: ScanType, content: bytes) -> Table | HDUList:
    """TPI files as a ``Table`` (first table HDU), other types as an open ``HDUList``."""
    from astropy.io import fits
    from astropy.table import Table

    if scan_type is not ScanType.TPI:
        return fits.open(BytesIO(content), memmap=False)
    try:
        return Table.read(BytesIO(content), format="fits")
    except Exception:  # astropy raises several types; fall back to walking the HDUs
        pass
    with fits.open(BytesIO(content), memmap=False) as hdus:
        for hdu in hdus:
            if hdu.data is None:
                continue
            try:
                return Table(hdu.data)
            except Exception:  # not tabular; try the next HDU
                continue
    raise ValueError("Unable to parse TPI FITS content as an astropy Table")
