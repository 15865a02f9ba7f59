"""wire and request building: how a Call becomes an httpx.Request (path, query, headers, bodies)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field
from specwright_runtime.core import (
    UNSET,
    Call,
    SyncCore,
    comma_joined,
    expand_path,
    query_items,
    to_jsonable,
    wire_value,
)


class ScanType(enum.StrEnum):
    TPI = "TPI"
    SKYDIP = "sky dip"


class Level(enum.IntEnum):
    LOW = 1


class Color(enum.Enum):
    RED = "red"


class Item(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    item_name: str = Field(alias="itemName")
    note: str | None = None
    taken_at: datetime | None = Field(default=None, alias="takenAt")


class Login(BaseModel):
    user_name: str = Field(alias="username")
    password: str
    scope: str | None = None


WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def sent(make_core: Callable[..., SyncCore], recorder: Any) -> Callable[[Call], httpx.Request]:
    """Send a Call through a core whose server answers 200 and return the request it saw."""

    def send(call: Call) -> httpx.Request:
        rec = recorder(200)
        make_core(rec).send(call)
        assert rec.calls == 1
        return rec.last

    return send


class TestWireValue:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (ScanType.SKYDIP, "sky dip"),
            (Level.LOW, "1"),
            (Color.RED, "red"),
            (True, "true"),
            (False, "false"),
            (WHEN, "2024-01-02T03:04:05+00:00"),
            (date(2024, 2, 29), "2024-02-29"),
            (3, "3"),
            (2.5, "2.5"),
            ("x", "x"),
        ],
    )
    def test_values(self, value: Any, expected: str) -> None:
        assert wire_value(value) == expected


class TestPath:
    def test_params_are_percent_encoded_including_slash(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "/files/{path}/items/{id}", path_params={"path": "a/b c?#%", "id": 5}))
        assert request.url.raw_path == b"/v1/files/a%2Fb%20c%3F%23%25/items/5"

    def test_enum_date_and_datetime_in_path(self, sent: Callable[[Call], httpx.Request]) -> None:
        call = Call(
            "GET",
            "/scans/{scan_type}/{day}/{at}",
            path_params={"scan_type": ScanType.SKYDIP, "day": date(2024, 2, 29), "at": WHEN},
        )
        assert sent(call).url.raw_path == b"/v1/scans/sky%20dip/2024-02-29/2024-01-02T03%3A04%3A05%2B00%3A00"

    def test_values_cannot_inject_other_placeholders(self) -> None:
        assert expand_path("/{a}/{b}", {"a": "{b}", "b": "x"}) == "/%7Bb%7D/x"

    @pytest.mark.parametrize(("value", "raw"), [("..", b"/v1/scans/%2E%2E/x"), (".", b"/v1/scans/%2E/x"), ("a.b", b"/v1/scans/a.b/x")])
    def test_dot_values_stay_one_segment(self, sent: Callable[[Call], httpx.Request], value: str, raw: bytes) -> None:
        assert sent(Call("GET", "/scans/{id}/x", path_params={"id": value})).url.raw_path == raw

    def test_base_url_path_is_kept(self, make_core: Callable[..., SyncCore], recorder: Any) -> None:
        rec = recorder(200)
        make_core(rec, base_url="https://api.test/api/v1/").send(Call("GET", "/login/test-token"))
        assert str(rec.last.url) == "https://api.test/api/v1/login/test-token"

    def test_absolute_url_is_used_as_is(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "https://other.test/page/2", query={"limit": 5}))
        assert str(request.url) == "https://other.test/page/2?limit=5"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, "https://other.test/page/2?cursor=abc"),
            ({"limit": 5}, "https://other.test/page/2?cursor=abc&limit=5"),
        ],
    )
    def test_query_of_an_absolute_next_url_is_kept(
        self, sent: Callable[[Call], httpx.Request], query: dict[str, Any], expected: str
    ) -> None:
        request = sent(Call("GET", "https://other.test/page/2?cursor=abc", query=query))
        assert str(request.url) == expected


class TestQuery:
    def test_none_dropped_lists_repeated_values_written(self, sent: Callable[[Call], httpx.Request]) -> None:
        call = Call(
            "GET",
            "/scans",
            query={
                "source": "Sun",
                "scan_name": None,
                "tag": ["a", None, "b"],
                "type": ScanType.TPI,
                "since": WHEN,
                "active": False,
                "limit": 10,
            },
        )
        request = sent(call)
        pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        assert pairs == [
            ("source", "Sun"),
            ("tag", "a"),
            ("tag", "b"),
            ("type", "TPI"),
            ("since", "2024-01-02T03:04:05+00:00"),
            ("active", "false"),
            ("limit", "10"),
        ]
        assert "scan_name" not in request.url.params

    def test_tuple_values_repeat_and_enum_items_are_written(self) -> None:
        assert query_items({"t": (ScanType.TPI, ScanType.SKYDIP)}) == [("t", "TPI"), ("t", "sky dip")]

    def test_empty_query(self, sent: Callable[[Call], httpx.Request]) -> None:
        assert sent(Call("GET", "/x", query={"a": None})).url.query == b""


class TestHeaders:
    def test_values_written_and_none_dropped(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "/x", headers={"X-Flag": True, "X-Skip": None, "X-Kind": ScanType.TPI}))
        assert request.headers["x-flag"] == "true"
        assert request.headers["x-kind"] == "TPI"
        assert "x-skip" not in request.headers

    def test_accept(self, sent: Callable[[Call], httpx.Request]) -> None:
        assert sent(Call("GET", "/x", accept="application/fits")).headers["accept"] == "application/fits"

    def test_explicit_accept_header_is_not_replaced(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "/x", headers={"accept": "text/csv"}, accept="application/json"))
        assert request.headers.get_list("accept") == ["text/csv"]


class TestBodies:
    def test_json_model_by_alias_without_unset_fields(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("POST", "/items", json=Item(itemName="x")))
        assert json.loads(request.content) == {"itemName": "x"}
        assert request.headers["content-type"] == "application/json"

    def test_json_model_explicit_none_is_kept(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("POST", "/items", json=Item(item_name="x", note=None, taken_at=WHEN)))
        assert json.loads(request.content) == {"itemName": "x", "note": None, "takenAt": "2024-01-02T03:04:05Z"}

    def test_json_nested_models_and_values(self, sent: Callable[[Call], httpx.Request]) -> None:
        body = {"items": [Item(itemName="a"), Item(itemName="b", note="n")], "at": WHEN, "day": date(2024, 1, 1)}
        request = sent(Call("PUT", "/items", json=body))
        assert json.loads(request.content) == {
            "items": [{"itemName": "a"}, {"itemName": "b", "note": "n"}],
            "at": "2024-01-02T03:04:05Z",
            "day": "2024-01-01",
        }

    def test_to_jsonable_enum(self) -> None:
        assert to_jsonable([ScanType.TPI, {"k": Color.RED}]) == ["TPI", {"k": "red"}]

    def test_no_body_by_default(self, sent: Callable[[Call], httpx.Request]) -> None:
        call = Call("POST", "/x")
        assert call.json is UNSET
        request = sent(call)
        assert request.content == b""
        assert "content-type" not in request.headers

    def test_form_mapping(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(
            Call("POST", "/login", form={"username": "me@x.org", "password": "p&=w", "scope": None, "remember": True})
        )
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        assert parse_qsl(request.content.decode()) == [
            ("username", "me@x.org"),
            ("password", "p&=w"),
            ("remember", "true"),
        ]

    def test_form_model_by_alias_without_unset_fields(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("POST", "/login", form=Login(username="me", password="pw")))  # type: ignore[arg-type]
        assert parse_qsl(request.content.decode()) == [("username", "me"), ("password", "pw")]

    def test_raw_content_with_type(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("PUT", "/blob", content=b"\x00\x01", content_type="application/octet-stream"))
        assert request.content == b"\x00\x01"
        assert request.headers["content-type"] == "application/octet-stream"

    def test_json_wins_over_form(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("POST", "/x", json={"a": 1}, form={"b": "2"}))
        assert json.loads(request.content) == {"a": 1}


class TestRequestOptions:
    def test_timeout_is_passed(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "/x", timeout=2.5))
        assert request.extensions["timeout"] == httpx.Timeout(2.5).as_dict()

    def test_default_timeout_is_the_clients(self, sent: Callable[[Call], httpx.Request]) -> None:
        assert sent(Call("GET", "/x")).extensions["timeout"] == httpx.Timeout(5.0).as_dict()

    def test_extra_is_passed_to_build_request(self, sent: Callable[[Call], httpx.Request]) -> None:
        request = sent(Call("GET", "/x", extra={"cookies": {"session": "abc"}}))
        assert request.headers["cookie"] == "session=abc"


# --- a caller's own httpx arguments (Call.extra) ------------------------------------------


def test_extra_headers_override_generated_ones_whatever_their_case(sent: Callable[[Call], httpx.Request]) -> None:
    request = sent(Call("GET", "/x", accept="application/json", headers={"X-Mode": "a"}, extra={"headers": {"accept": "text/csv", "x-trace": "7"}}))
    assert request.headers.get_list("accept") == ["text/csv"]
    assert request.headers["x-trace"] == "7" and request.headers["x-mode"] == "a"


def test_extra_params_are_merged_into_the_query(sent: Callable[[Call], httpx.Request]) -> None:
    request = sent(Call("GET", "/x", query={"limit": 5}, extra={"params": {"lang": "en", "limit": "9"}}))
    assert request.url.params.get_list("limit") == ["5", "9"]
    assert request.url.params["lang"] == "en"


def test_extra_timeout_wins(sent: Callable[[Call], httpx.Request]) -> None:
    request = sent(Call("GET", "/x", timeout=30.0, extra={"timeout": 2.5}))
    assert request.extensions["timeout"] == httpx.Timeout(2.5).as_dict()


def test_extra_auth_is_used_when_sending(make_core: Callable[..., SyncCore], recorder: Any) -> None:
    rec = recorder(200)
    make_core(rec).send(Call("GET", "/x", extra={"auth": httpx.BasicAuth("u", "p")}))
    assert rec.last.headers["authorization"] == httpx.BasicAuth("u", "p")._auth_header


def test_unknown_extra_is_a_type_error(sent: Callable[[Call], httpx.Request]) -> None:
    with pytest.raises(TypeError):
        sent(Call("GET", "/x", extra={"nonsense": 1}))


def test_comma_joined() -> None:
    assert comma_joined(None) is None
    assert comma_joined(["running", ScanType.SKYDIP, None, True]) == "running,sky dip,true"
    assert comma_joined(3) == "3"
