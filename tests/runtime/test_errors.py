"""errors: ErrorInfo, the base exception classes and error-body helpers."""

from __future__ import annotations

import dataclasses

import pytest
from specwright_runtime.errors import (
    ErrorInfo,
    FailureKind,
    SpecwrightError,
    StatusError,
    TokenEndpointError,
    describe_body,
    parse_body,
)


def make_info(**overrides: object) -> ErrorInfo:
    values: dict[str, object] = {
        "kind": FailureKind.STATUS,
        "message": "nope",
        "method": "GET",
        "url": "https://api.test/x",
    }
    values.update(overrides)
    return ErrorInfo(**values)  # type: ignore[arg-type]


class TestParseBody:
    def test_empty_is_none(self) -> None:
        assert parse_body(b"") is None

    def test_json_is_parsed(self) -> None:
        assert parse_body(b'{"detail": "x", "n": [1, 2]}') == {"detail": "x", "n": [1, 2]}

    def test_json_scalar(self) -> None:
        assert parse_body(b"42") == 42

    def test_text_when_not_json(self) -> None:
        assert parse_body(b"<html>Bad Gateway</html>") == "<html>Bad Gateway</html>"

    def test_invalid_utf8_is_replaced_not_raised(self) -> None:
        assert parse_body(b"bad \xff byte") == "bad \ufffd byte"


class TestDescribeBody:
    @pytest.mark.parametrize("key", ["detail", "message", "title", "error_description", "error"])
    def test_each_known_key(self, key: str) -> None:
        assert describe_body({key: "the reason"}, 400, "Demo") == "the reason"

    def test_key_priority(self) -> None:
        body = {"error": "invalid_grant", "error_description": "Bad password", "message": "m", "detail": "d"}
        assert describe_body(body, 400, "Demo") == "d"
        del body["detail"]
        assert describe_body(body, 400, "Demo") == "m"
        del body["message"]
        assert describe_body(body, 400, "Demo") == "Bad password"

    def test_non_string_detail_falls_through(self) -> None:
        # FastAPI's 422 body: detail is a list of problems
        body = {"detail": [{"loc": ["query", "limit"], "msg": "bad"}]}
        assert describe_body(body, 422, "Demo") == "Demo API error (HTTP 422)"

    def test_text_is_stripped(self) -> None:
        assert describe_body("  upstream down \n", 502, "Demo") == "upstream down"

    def test_long_text_is_cut(self) -> None:
        message = describe_body("x" * 2000, 500, "Demo")
        assert message == "x" * 500 + "..."

    def test_blank_text_and_none(self) -> None:
        assert describe_body("   ", 500, "Demo") == "Demo API error (HTTP 500)"
        assert describe_body(None, 503, "Demo") == "Demo API error (HTTP 503)"

    def test_without_status(self) -> None:
        assert describe_body(None, None, "Demo") == "Demo API error"


class TestErrorInfo:
    @pytest.mark.parametrize(
        ("kind", "status", "expected"),
        [
            (FailureKind.STATUS, 401, True),
            (FailureKind.STATUS, 403, True),
            (FailureKind.STATUS, 404, False),
            (FailureKind.STATUS, 500, False),
            (FailureKind.AUTH, None, True),
            (FailureKind.AUTH, 400, True),
            (FailureKind.CONNECTION, None, False),
        ],
    )
    def test_is_auth_failure(self, kind: FailureKind, status: int | None, expected: bool) -> None:
        assert make_info(kind=kind, status_code=status).is_auth_failure is expected

    def test_frozen(self) -> None:
        info = make_info()
        with pytest.raises(dataclasses.FrozenInstanceError):
            info.message = "changed"  # type: ignore[misc]

    def test_cause_is_not_compared_nor_shown(self) -> None:
        a = make_info(cause=ValueError("a"))
        b = make_info(cause=KeyError("b"))
        assert a == b
        assert "cause" not in repr(a)

    def test_headers_default_is_independent(self) -> None:
        a, b = make_info(), make_info()
        assert a.headers == {} and a.headers is not b.headers

    def test_failure_kind_values(self) -> None:
        assert {k.value for k in FailureKind} == {"status", "auth", "connection", "timeout", "decode", "validation", "not_found"}
        assert FailureKind("timeout") is FailureKind.TIMEOUT
        assert FailureKind.DECODE == "decode"


class TestExceptions:
    def test_specwright_error_without_info(self) -> None:
        err = SpecwrightError("plain")
        assert str(err) == "plain"
        assert err.info is None and err.method is None and err.url is None

    def test_specwright_error_exposes_method_and_url(self) -> None:
        err = SpecwrightError("x", info=make_info(method="DELETE", url="https://api.test/y"))
        assert err.method == "DELETE"
        assert err.url == "https://api.test/y"

    def test_status_error(self) -> None:
        info = make_info(status_code=404, body={"detail": "gone"})
        err = StatusError(404, "gone", response_body={"detail": "gone"}, info=info)
        assert isinstance(err, SpecwrightError)
        assert err.status_code == 404
        assert err.response_body == {"detail": "gone"}
        assert err.info is info
        assert str(err) == "gone"

    def test_token_endpoint_error(self) -> None:
        err = TokenEndpointError("refused", status_code=400, body={"error": "x"}, url="https://auth.test/token")
        assert not isinstance(err, SpecwrightError)
        assert (err.status_code, err.body, err.url, str(err)) == (
            400,
            {"error": "x"},
            "https://auth.test/token",
            "refused",
        )
