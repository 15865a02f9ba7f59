"""Scan records and scan types as the client returns them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from grad300_client.schemas import Scan, ScanType

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["ScanRecord", "ScanType"]

_ALIASES = {
    "tpi": ScanType.TPI,
    "image": ScanType.IMAGES,
    "images": ScanType.IMAGES,
    "spectrum": ScanType.SPECTRUM,
    "onoff": ScanType.ONOFF,
    "on_off": ScanType.ONOFF,
}


def normalize_scan_type(scan_type: ScanType | str) -> ScanType:
    """``ScanType`` from an enum member or a case-insensitive name or alias."""
    if isinstance(scan_type, ScanType):
        return scan_type
    found = _ALIASES.get(str(scan_type).strip().lower())
    if found is None:
        expected = ", ".join(t.value for t in ScanType)
        raise ValueError(f"Unknown scan type '{scan_type}'. Expected one of: {expected}")
    return found


def parse_datetime(value: Any) -> datetime | None:
    """``None``, a ``datetime``, or an ISO 8601 string (``Z`` allowed)."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise TypeError(f"Cannot parse datetime from {type(value).__name__}")


@dataclass
class ScanRecord:
    """One scan; ``source`` is the server's ``object``, other keys go to ``metadata``."""

    id: int
    scan_type: ScanType
    file_name: str
    file_path: str
    size: int
    source: str
    ra: float
    dec: float
    date: datetime
    date_obs: datetime | None = None
    date_end: datetime | None = None
    gain: int | None = None
    comment: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scan(cls, scan_type: ScanType, scan: Scan) -> ScanRecord:
        """From a validated ``Scan`` of the listing of ``scan_type``."""
        return cls(
            id=scan.id,
            scan_type=scan_type,
            file_name=scan.file_name,
            file_path=scan.file_path,
            size=scan.size,
            source=scan.object,
            ra=scan.ra,
            dec=scan.dec,
            date=scan.date,
            date_obs=scan.date_obs,
            date_end=scan.date_end,
            gain=scan.gain,
            comment=scan.comment,
            metadata=dict(scan.model_extra or {}),
        )

    @classmethod
    def _take_scans(cls, scan_type: ScanType, scans: list[Scan]) -> list[ScanRecord]:
        """Like :meth:`from_scan` for a page of scans nobody else holds, which it uses up.

        Each record takes over its scan's validated values (no copy, no constructor call):
        the scans must not be used afterwards.
        """
        new = object.__new__
        records = []
        for scan in scans:
            values = scan.__dict__
            values["source"] = values.pop("object")
            values["scan_type"] = scan_type
            values["metadata"] = scan.__pydantic_extra__ or {}
            record = new(cls)
            record.__dict__ = values
            records.append(record)
        return records

    @classmethod
    def from_api(cls, scan_type: ScanType, payload: dict[str, Any]) -> ScanRecord:
        """From one JSON object of a listing; ``ValueError`` if it is not a valid scan."""
        try:
            return cls.from_scan(scan_type, Scan.model_validate(payload))
        except ValidationError:
            raise ValueError(f"Invalid scan payload: {payload}") from None
