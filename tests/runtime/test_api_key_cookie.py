"""An ``apiKey`` scheme ``in: cookie`` reaches a real server as a cookie, beside the caller's own."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import httpx
import pytest
from servers.fault_server import Fault, FaultServer
from specwright_runtime import ApiKeyAuth, ApiKeyScheme


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        srv.script("/whoami", Fault.json(200, {}))
        yield srv


def _cookies(server: FaultServer) -> dict[str, str]:
    """The cookies of the last request, parsed as a server framework would."""
    [request] = server.requests_to("/whoami")
    return {name: morsel.value for name, morsel in SimpleCookie(request.headers.get("cookie", "")).items()}


def test_the_key_arrives_as_a_cookie(server: FaultServer) -> None:
    auth = ApiKeyScheme("session_key", "cookie").build(server.url, {"api_key": "k-123"})
    with httpx.Client(base_url=server.url, auth=auth) as client:
        client.get("/whoami")
    assert _cookies(server) == {"session_key": "k-123"}
    assert "session_key" not in server.requests_to("/whoami")[0].headers  # not a header of that name


def test_the_callers_cookies_stay(server: FaultServer) -> None:
    auth = ApiKeyAuth("k-123", name="session_key", location="cookie")
    with httpx.Client(base_url=server.url, auth=auth, cookies={"theme": "dark"}) as client:
        client.get("/whoami", headers={"X-Trace": "1"})
    assert _cookies(server) == {"theme": "dark", "session_key": "k-123"}


@pytest.mark.parametrize("key", ["two words", "semi;colon", 'quo"te', "comma,", "back\\slash"])
def test_a_key_a_cookie_cannot_hold_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValueError, match="cookie value") as caught:
        ApiKeyAuth(key, name="session_key", location="cookie")
    assert key not in str(caught.value)


def test_a_bad_cookie_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid cookie name"):
        ApiKeyAuth("k", name="bad name", location="cookie")
