"""An ``apiKey`` scheme ``in: cookie`` reaches a real server as a cookie, beside the caller's own."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from specwright_runtime import ApiKeyAuth, ApiKeyScheme


class _EchoCookies(BaseHTTPRequestHandler):
    """Answers with the cookies it parsed, as a server framework would see them."""

    def do_GET(self) -> None:
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        body = json.dumps({name: morsel.value for name, morsel in jar.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoCookies)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_key_arrives_as_a_cookie(server_url: str) -> None:
    auth = ApiKeyScheme("session_key", "cookie").build(server_url, {"api_key": "k-123"})
    with httpx.Client(base_url=server_url, auth=auth) as client:
        answer = client.get("/whoami")
    assert answer.json() == {"session_key": "k-123"}
    assert "session_key" not in answer.request.headers  # not a header of that name


def test_the_callers_cookies_stay(server_url: str) -> None:
    auth = ApiKeyAuth("k-123", name="session_key", location="cookie")
    with httpx.Client(base_url=server_url, auth=auth, cookies={"theme": "dark"}) as client:
        answer = client.get("/whoami", headers={"X-Trace": "1"})
    assert answer.json() == {"theme": "dark", "session_key": "k-123"}


@pytest.mark.parametrize("key", ["two words", "semi;colon", 'quo"te', "comma,", "back\\slash"])
def test_a_key_a_cookie_cannot_hold_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ValueError, match="cookie value") as caught:
        ApiKeyAuth(key, name="session_key", location="cookie")
    assert key not in str(caught.value)


def test_a_bad_cookie_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid cookie name"):
        ApiKeyAuth("k", name="bad name", location="cookie")
