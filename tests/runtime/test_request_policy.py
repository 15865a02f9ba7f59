"""request_policy: credentials stay with the API (foreign origins, explicit headers) and redirects are not followed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from specwright_runtime.auth import BearerAuth
from specwright_runtime.core import Call, RequestOptions, SyncCore, comma_joined, encode_query
from specwright_runtime.errors import StatusError
from specwright_runtime.wire import SECURITY_EXTENSION, SecurityMode

TOKEN = "s3cr3t-token"


@pytest.fixture
def core_with_token(make_core: Callable[..., SyncCore], recorder: Any) -> tuple[SyncCore, Any]:
    rec = recorder(200)
    return make_core(rec, auth=BearerAuth(TOKEN)), rec


def test_token_sent_to_the_api_origin(core_with_token: tuple[SyncCore, Any]) -> None:
    core, rec = core_with_token
    core.send(Call("GET", "https://api.test/v1/jobs?page=2"))  # the base URL's origin
    assert rec.last.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    "url",
    ["https://evil.test/v1/jobs", "http://api.test/v1/jobs", "https://api.test:8443/v1/jobs", "https://sub.api.test/v1"],
)
def test_no_credentials_to_another_origin(core_with_token: tuple[SyncCore, Any], url: str) -> None:
    core, rec = core_with_token
    core.send(Call("GET", url, headers={"Cookie": "session=1"}, options=RequestOptions(headers={"Authorization": "Bearer x"})))
    assert str(rec.last.url) == url
    assert "authorization" not in rec.last.headers and "cookie" not in rec.last.headers


def test_explicit_authorization_header_wins_over_client_auth(core_with_token: tuple[SyncCore, Any]) -> None:
    core, rec = core_with_token
    core.send(Call("GET", "/x", extra={"headers": {"authorization": "Bearer per-call"}}))
    assert rec.last.headers.get_list("authorization") == ["Bearer per-call"]
    core.send(Call("GET", "/x", options=RequestOptions(headers={"Authorization": "Basic abc"})))
    assert rec.last.headers.get_list("authorization") == ["Basic abc"]


@pytest.mark.parametrize(
    ("href", "page", "expected"),
    [
        ("/v1/jobs?page=2", "https://api.test/v1/jobs", "https://api.test/v1/jobs?page=2"),
        ("jobs?page=2", "https://api.test/v1/jobs", "https://api.test/v1/jobs?page=2"),
        ("?page=3", "https://api.test/v1/jobs?page=2", "https://api.test/v1/jobs?page=3"),
        ("https://other.test/x", "https://api.test/v1/jobs", "https://other.test/x"),
    ],
)
def test_links_resolve_against_their_page(make_core: Callable[..., SyncCore], recorder: Any, href: str, page: str, expected: str) -> None:
    assert make_core(recorder(200)).resolve(href, page) == expected


def test_redirect_is_a_status_failure_naming_the_target(make_core: Callable[..., SyncCore], recorder: Any) -> None:
    rec = recorder(lambda r: httpx.Response(302, headers={"location": "https://u:p@elsewhere.test/login?token=abc"}))
    with pytest.raises(StatusError) as caught:
        make_core(rec).call(Call("GET", "/x"), dict)
    assert caught.value.status_code == 302
    assert "redirect to https://elsewhere.test/login?token=***" in str(caught.value)
    assert "u:p" not in str(caught.value) and rec.calls == 1


def test_query_keeps_the_commas_of_joined_lists() -> None:
    query = encode_query([("status", comma_joined(["running", "a,b c"])), ("q", "x,y"), ("n", 3)])
    assert query == "status=running,a%2Cb%20c&q=x%2Cy&n=3"


def test_joined_list_on_the_wire(make_core: Callable[..., SyncCore], recorder: Any) -> None:
    rec = recorder(200)
    make_core(rec).send(Call("GET", "/jobs?limit=2", query={"status": comma_joined(["running", "failed"])}))
    assert rec.last.url.query == b"limit=2&status=running,failed"


def _hop(status: int, method: str = "POST", location: str = "/next") -> httpx.Request | None:
    request = httpx.Request(method, "https://api.test/v1/x", content=b"a=1", headers={"Authorization": "Bearer t", "Content-Type": "text/plain"})
    return SyncCore.redirect(request, httpx.Response(status, headers={"location": location} if location else {}))


def test_redirect_rules() -> None:
    see_other = _hop(303)
    assert see_other is not None and (see_other.method, see_other.content) == ("GET", b"")
    assert "content-type" not in see_other.headers
    temporary = _hop(307)
    assert temporary is not None and (temporary.method, temporary.content, str(temporary.url)) == ("POST", b"a=1", "https://api.test/next")
    assert temporary.headers["authorization"] == "Bearer t"  # same origin keeps it
    away = _hop(308, location="https://elsewhere.test/y")
    assert away is not None and "authorization" not in away.headers and away.content == b"a=1"
    assert _hop(302, location="") is None and _hop(200) is None


def test_redirects_followed_on_request_are_bounded(make_core: Callable[..., SyncCore], recorder: Any) -> None:
    rec = recorder(lambda r: httpx.Response(302, headers={"location": "/loop"}))
    with pytest.raises(StatusError) as caught:
        make_core(rec).send(Call("GET", "/x", extra={"follow_redirects": True}))
    assert caught.value.status_code == 302 and rec.calls == 21  # the first request and 20 hops


def test_redirect_to_another_origin_drops_client_auth(make_core: Callable[..., SyncCore], recorder: Any) -> None:
    answers = iter([httpx.Response(307, headers={"location": "https://elsewhere.test/z"}), httpx.Response(200)])
    rec = recorder(lambda r: next(answers))
    make_core(rec, auth=BearerAuth(TOKEN)).send(Call("GET", "/x", extra={"follow_redirects": True}))
    assert [str(r.url) for r in rec.requests] == ["https://api.test/v1/x", "https://elsewhere.test/z"]
    assert rec.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in rec.requests[1].headers


def test_httpx_request_log_has_no_secret_query(make_core: Callable[..., SyncCore], recorder: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        make_core(recorder(200)).send(Call("GET", "/x", query={"api_key": "key-123", "q": "ok"}))
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines and all("key-123" not in line for line in lines)
    assert any("api_key=***" in line and "q=ok" in line for line in lines)


# -- per-operation security ------------------------------------------------------------------


@pytest.mark.parametrize("security", ["required", "optional", "none"])
def test_the_call_security_goes_with_the_request(make_core: Callable[..., SyncCore], recorder: Any, security: SecurityMode) -> None:
    rec = recorder(200)
    make_core(rec).send(Call("GET", "/x", security=security, extra={"extensions": {"trace": "t1"}}))
    assert rec.last.extensions[SECURITY_EXTENSION] == security
    assert rec.last.extensions["trace"] == "t1"  # a caller's own extensions are kept


def test_no_security_sends_no_client_auth_but_a_callers_own(core_with_token: tuple[SyncCore, Any]) -> None:
    core, rec = core_with_token
    core.send(Call("GET", "/x", security="none"))
    assert "authorization" not in rec.last.headers
    core.send(Call("GET", "/x", security="none", extra={"auth": BearerAuth("per-call")}))
    assert rec.last.headers["authorization"] == "Bearer per-call"


def test_an_unknown_security_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="security must be one of"):
        Call("GET", "/x", security="public")  # type: ignore[arg-type]
