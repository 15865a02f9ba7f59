"""Client-side filters of query / query_records (the fake backend ignores every filter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from grad300_client import Grad300Client

from .conftest import TOKEN, FakeBackend, scan

MakeClient = Callable[..., Grad300Client]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def filtering_client(make_client: MakeClient) -> Grad300Client:
    backend = FakeBackend(
        {
            "TPI": [
                scan(1, "TPI", source="Sun", file_name="Sun_Scan_001.fits", date=T0),
                scan(2, "TPI", source="Moon", file_name="moon_scan_002.fits", date=T0 + timedelta(days=1)),
                scan(3, "TPI", source="SUNSPOT 12", file_name="SUN_SCAN_003.FITS", date=T0 + timedelta(days=2)),
                scan(4, "TPI", source="Straße", file_name="strasse_004.fits", date=T0 + timedelta(days=3)),
                scan(5, "TPI", source="the sun", file_name="x_005.fits", date=T0 + timedelta(days=4)),
            ],
            "Images": [scan(10, "Images", source="Sun", file_name="img_sun_010.fits", date=T0 + timedelta(days=2))],
        }
    )
    return make_client(backend, token=TOKEN)


def _ids(client: Grad300Client, **kwargs: object) -> list[int]:
    return [r.id for r in client.query_records(**kwargs)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sun", [1, 3, 5, 10]),
        ("SUN", [1, 3, 5, 10]),
        ("sunspot", [3]),
        ("oo", [2]),
        ("STRASSE", [4]),  # casefold, not lower: "ß" matches "SS"
        ("nothing", []),
    ],
)
def test_source_is_casefolded_substring(filtering_client: Grad300Client, source: str, expected: list[int]) -> None:
    assert _ids(filtering_client, source=source) == expected


@pytest.mark.parametrize(
    ("scan_name", "expected"),
    [
        ("sun_scan", [1, 3]),
        ("SCAN_00", [1, 2, 3]),
        (".fits", [1, 2, 3, 4, 5, 10]),
        ("Sun_Scan_001.fits", [1]),
        ("sun", [1, 3, 10]),
        ("zzz", []),
    ],
)
def test_scan_name_is_casefolded_substring_of_file_name(
    filtering_client: Grad300Client, scan_name: str, expected: list[int]
) -> None:
    assert _ids(filtering_client, scan_name=scan_name) == expected


def test_dates_are_inclusive(filtering_client: Grad300Client) -> None:
    ids = _ids(filtering_client, date_from=T0 + timedelta(days=1), date_to=T0 + timedelta(days=3))
    assert ids == [2, 3, 4, 10]


def test_date_from_only(filtering_client: Grad300Client) -> None:
    assert _ids(filtering_client, date_from=T0 + timedelta(days=3)) == [4, 5]
    assert _ids(filtering_client, date_from=T0 + timedelta(days=3, seconds=1)) == [5]


def test_date_to_only(filtering_client: Grad300Client) -> None:
    assert _ids(filtering_client, date_to=T0) == [1]
    assert _ids(filtering_client, date_to=T0 - timedelta(microseconds=1)) == []


def test_dates_in_other_timezone(filtering_client: Grad300Client) -> None:
    plus2 = timezone(timedelta(hours=2))
    # 2026-01-02T02:00+02:00 is exactly day 1 (00:00 UTC)
    assert _ids(filtering_client, date_from=datetime(2026, 1, 2, 2, tzinfo=plus2), date_to=T0 + timedelta(days=1)) == [
        2
    ]


def test_equal_dates_select_one_instant(filtering_client: Grad300Client) -> None:
    moment = T0 + timedelta(days=2)
    assert _ids(filtering_client, date_from=moment, date_to=moment) == [3, 10]


def test_filters_combine(filtering_client: Grad300Client) -> None:
    ids = _ids(filtering_client, source="sun", scan_name="scan", date_from=T0 + timedelta(days=1))
    assert ids == [3]


def test_query_table_is_filtered(filtering_client: Grad300Client) -> None:
    table = filtering_client.query(source="moon")
    assert list(table["id"]) == [2]
    assert list(table["source"]) == ["Moon"]


def test_list_is_not_filtered(filtering_client: Grad300Client) -> None:
    assert len(filtering_client.list_records("TPI", source="moon")) == 5
