"""core: credentials stay with the API (foreign origins, explicit headers) and redirects are not followed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from specwright_runtime.auth import BearerAuth
from specwright_runtime.core import Call, RequestOptions, SyncCore, comma_joined, encode_query
from specwright_runtime.errors import StatusError

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
