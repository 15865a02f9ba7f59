"""JSON encoding of request bodies as cloudcix 5.0.11 wrote them, and a plain JSON decoder."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["JSONDecoder", "JSONEncoder"]


class JSONEncoder(json.JSONEncoder):
    """Writes what ``json`` cannot: datetimes, dates, times, decimals, UUIDs, mappings, iterables.

    Datetimes are ISO 8601 with ``Z`` for UTC, times keep milliseconds at most (a time with a
    time zone is refused), decimals become floats, UUIDs strings, sets and generators arrays.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.date):
            return o.isoformat()
        if isinstance(o, datetime.time):
            if o.utcoffset() is not None:
                raise ValueError("JSON cannot represent timezone-aware times")
            return o.isoformat()[:12]  # HH:MM:SS.mmm
        if isinstance(o, decimal.Decimal):
            return float(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, Mapping):
            return dict(o)
        if isinstance(o, Iterable):
            return list(o)
        return super().default(o)


class JSONDecoder(json.JSONDecoder):
    """Plain JSON: strings stay strings and floats stay floats.

    cloudcix 5.0.11 rewrote strings that looked like numbers, dates or times (a postcode
    ``"00123"`` became ``123``) and read floats as ``Decimal``; this decoder does neither.
    An ``encoding`` argument (Python 2 era) is accepted and ignored, as it was there.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("encoding", None)
        super().__init__(*args, **kwargs)
