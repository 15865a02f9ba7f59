"""Astropy tables built by list / query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
from astropy.table import Table
from grad300_client import Grad300Client

from .conftest import BASE_COLUMNS, TOKEN, FakeBackend, scan

MakeClient = Callable[..., Grad300Client]
META = ["azimuth", "ctime", "elevation", "mtime", "nsamples"]


def test_columns_base_then_sorted_metadata(client: Grad300Client) -> None:
    table = client.list("TPI")
    assert isinstance(table, Table)
    assert table.colnames == BASE_COLUMNS + META
    assert len(table) == 5


def test_metadata_union_is_sorted(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": [scan(1, "TPI", zeta=1), scan(2, "TPI", alpha="a")]})
    table = make_client(backend, token=TOKEN).list("TPI")
    assert table.colnames == BASE_COLUMNS + sorted([*META, "zeta", "alpha"])
    # a key missing from a record becomes None in its row
    assert table["zeta"][0] == 1
    assert table["zeta"][1] is None
    assert table["alpha"][0] is None
    assert table["alpha"][1] == "a"


def test_values_and_dtypes(client: Grad300Client, backend: FakeBackend) -> None:
    table = client.query(scan_type="TPI")
    payload = backend.scans["TPI"]
    assert list(table["scan_type"]) == ["TPI"] * 5
    assert isinstance(table["scan_type"][0], str)
    assert list(table["id"]) == [1, 2, 3, 4, 5]
    assert table["id"].dtype == np.int64
    assert table["size"].dtype == np.int64
    assert table["ra"].dtype == np.float64
    assert table["dec"].dtype == np.float64
    assert table["file_name"].dtype.kind == "U"
    assert list(table["file_name"]) == [p["file_name"] for p in payload]
    assert list(table["source"]) == ["Sun", "Moon", "Sun", "Cas A", "sun"]
    for name in ("date", "date_obs", "date_end", "gain", "comment"):
        assert table[name].dtype == object, name
    assert isinstance(table["date"][0], datetime)
    assert table["date"][0] == datetime.fromisoformat(payload[0]["date"])
    assert table["gain"][0] == 30
    assert table["nsamples"][0] == 32


def test_scan_type_column_across_types(client: Grad300Client) -> None:
    table = client.query()
    assert list(table["scan_type"]) == ["TPI"] * 5 + ["Images", "Spectrum", "OnOff"]


def test_none_values_in_optional_columns(make_client: MakeClient) -> None:
    backend = FakeBackend({"TPI": [scan(1, "TPI", gain=None, comment=None, date_end=None)]})
    table = make_client(backend, token=TOKEN).list("TPI")
    assert table["gain"][0] is None
    assert table["comment"][0] is None
    assert table["date_end"][0] is None


def test_empty_result_table(make_client: MakeClient) -> None:
    client = make_client(FakeBackend(), token=TOKEN)
    for table in (client.list("TPI"), client.query(), client.query_source("nobody")):
        assert isinstance(table, Table)
        assert len(table) == 0
        assert table.colnames == BASE_COLUMNS
        assert all(table[name].dtype == object for name in BASE_COLUMNS)


def test_filtered_to_nothing_is_empty_table(client: Grad300Client) -> None:
    table = client.query(source="no such source")
    assert len(table) == 0
    assert table.colnames == BASE_COLUMNS


def test_metadata_key_clashing_with_base_column(make_client: MakeClient) -> None:
    payload = {**scan(1, "TPI", source="Sun"), "source": "clash", "scan_type": "weird"}
    backend = FakeBackend({"TPI": [payload]})
    client = make_client(backend, token=TOKEN)
    (record,) = client.list_records("TPI")
    assert record.source == "Sun"
    assert record.metadata["source"] == "clash"
    table = client.list("TPI")
    assert table.colnames[: len(BASE_COLUMNS)] == BASE_COLUMNS
    assert table["source"][0] == "Sun"
    assert table["scan_type"][0] == "TPI"
    assert table["meta_source"][0] == "clash"
    assert table["meta_scan_type"][0] == "weird"
