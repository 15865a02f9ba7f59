"""Error mapping: status codes, bodies, invalid JSON, network failures; request() and get_json()."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from grad300_client import (
    AuthenticationError,
    Grad300APIError,
    Grad300Client,
    Grad300ConnectionError,
    Grad300Error,
    Grad300ResponseError,
    Grad300TimeoutError,
)

from .conftest import API_URL, BASE_URL, TOKEN, FakeBackend

MakeClient = Callable[..., Grad300Client]


def test_exception_hierarchy() -> None:
    assert issubclass(Grad300APIError, Grad300Error)
    assert issubclass(AuthenticationError, Grad300APIError)
    assert issubclass(Grad300ConnectionError, Grad300Error)
    assert issubclass(Grad300TimeoutError, Grad300ConnectionError)
    assert issubclass(Grad300ResponseError, Grad300Error)
    assert issubclass(Grad300ResponseError, ValueError)
    assert issubclass(Grad300Error, Exception)
    error = Grad300APIError(418, "teapot", response_body={"detail": "teapot"})
    assert (error.status_code, str(error), error.response_body) == (418, "teapot", {"detail": "teapot"})
    assert AuthenticationError(401, "no").response_body is None


def _client_answering(make_client: MakeClient, response: httpx.Response) -> tuple[Grad300Client, FakeBackend]:
    backend = FakeBackend()
    backend.overrides["/scans/TPI/"] = response
    return make_client(backend, token=TOKEN), backend


def test_500_detail(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(500, json={"detail": "boom"}))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    error = excinfo.value
    assert type(error) is Grad300APIError
    assert str(error) == "boom"
    assert error.status_code == 500
    assert error.response_body == {"detail": "boom"}


def test_422_validation_list_gives_generic_message(make_client: MakeClient) -> None:
    body = {"detail": [{"type": "missing", "loc": ["query", "limit"], "msg": "Field required", "input": None}]}
    client, _ = _client_answering(make_client, httpx.Response(422, json=body))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    assert type(excinfo.value) is Grad300APIError
    assert "HTTP 422" in str(excinfo.value)
    assert excinfo.value.status_code == 422
    assert excinfo.value.response_body == body


@pytest.mark.parametrize("status", [401, 403])
def test_401_403_are_authentication_errors(make_client: MakeClient, status: int) -> None:
    client, _ = _client_answering(make_client, httpx.Response(status, json={"detail": "nope"}))
    with pytest.raises(AuthenticationError) as excinfo:
        client.list("TPI")
    assert excinfo.value.status_code == status
    assert str(excinfo.value) == "nope"


def test_400_outside_login_is_not_authentication_error(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(400, json={"detail": "bad request"}))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    assert not isinstance(excinfo.value, AuthenticationError)
    assert excinfo.value.status_code == 400


def test_400_on_login_is_authentication_error(make_client: MakeClient) -> None:
    backend = FakeBackend()
    backend.overrides["/login/access-token"] = httpx.Response(400, json={"detail": "Inactive user"})
    with pytest.raises(AuthenticationError) as excinfo:
        make_client(backend).login("a@b.c", "pw")
    assert excinfo.value.status_code == 400
    assert str(excinfo.value) == "Inactive user"


def test_html_error_body_is_the_message(make_client: MakeClient) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    client, _ = _client_answering(make_client, httpx.Response(502, text=html, headers={"Content-Type": "text/html"}))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    assert str(excinfo.value) == html
    assert excinfo.value.status_code == 502
    assert excinfo.value.response_body == html


def test_empty_error_body_gives_generic_message(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(404))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    assert "HTTP 404" in str(excinfo.value)
    assert excinfo.value.status_code == 404


@pytest.mark.parametrize("content", [b"{not json", b"<html>ok</html>", b""])
def test_invalid_json_on_200_is_response_error(make_client: MakeClient, content: bytes) -> None:
    client, _ = _client_answering(
        make_client, httpx.Response(200, content=content, headers={"Content-Type": "application/json"})
    )
    with pytest.raises(Grad300ResponseError) as excinfo:
        client.list("TPI")
    assert isinstance(excinfo.value, ValueError)
    assert isinstance(excinfo.value, Grad300Error)


def test_non_matching_json_is_response_error(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(200, json={"items": []}))
    with pytest.raises(Grad300ResponseError):
        client.query(scan_type="TPI")


def test_connect_error_is_connection_error(make_client: MakeClient) -> None:
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    client = make_client(refuse, token=TOKEN)
    with pytest.raises(Grad300ConnectionError) as excinfo:
        client.list("TPI")
    assert not isinstance(excinfo.value, Grad300TimeoutError)
    assert isinstance(excinfo.value.__cause__, httpx.ConnectError)
    assert len(calls) >= 1


@pytest.mark.parametrize("exc_type", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_timeouts_are_timeout_errors(make_client: MakeClient, exc_type: type[httpx.TimeoutException]) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise exc_type("timed out", request=request)

    client = make_client(slow, token=TOKEN)
    with pytest.raises(Grad300TimeoutError) as excinfo:
        client.test_token()
    assert isinstance(excinfo.value, TimeoutError)
    assert isinstance(excinfo.value, Grad300ConnectionError)


def test_network_error_on_login(make_client: MakeClient) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(Grad300ConnectionError):
        make_client(refuse).login("a", "b")
    with pytest.raises(Grad300ConnectionError):
        Grad300Client(BASE_URL, user="a", password="b", transport=httpx.MockTransport(refuse))


def test_real_refused_connection() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on the port now
    with Grad300Client(f"http://127.0.0.1:{port}", token=TOKEN) as client, pytest.raises(Grad300ConnectionError):
        client.list("TPI")


def test_error_message_has_no_token(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(500, json={"detail": "boom"}))
    with pytest.raises(Grad300APIError) as excinfo:
        client.list("TPI")
    assert TOKEN not in str(excinfo.value)
    assert TOKEN not in repr(excinfo.value)


# -- request() and get_json() ------------------------------------------------------------


def test_request_returns_response(client: Grad300Client, backend: FakeBackend) -> None:
    response = client.request("GET", "/scans/TPI/", params={"offset": 0, "limit": 2})
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [1, 2]
    request = backend.requests[-1]
    assert str(request.url) == API_URL + "/scans/TPI/?offset=0&limit=2"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_request_without_leading_slash(client: Grad300Client, backend: FakeBackend) -> None:
    client.request("get", "login/test-token")
    assert backend.requests[-1].method == "GET"
    assert str(backend.requests[-1].url) == API_URL + "/login/test-token"


def test_request_error_status_raises(client: Grad300Client) -> None:
    with pytest.raises(Grad300APIError) as excinfo:
        client.request("GET", "/does/not/exist")
    assert excinfo.value.status_code == 404
    assert str(excinfo.value) == "Not Found"


def test_request_post_form(make_client: MakeClient, backend: FakeBackend) -> None:
    client = make_client(backend)
    response = client.request("POST", "/login/access-token", data={"username": "me@example.com", "password": "secret"})
    assert response.json()["access_token"] == "login-token-1"


def test_get_json(client: Grad300Client, backend: FakeBackend) -> None:
    payload = client.get_json("/scans/Images/", params={"limit": 5})
    assert isinstance(payload, list)
    assert payload[0]["id"] == 10
    assert payload[0]["object"] == "Sun"
    assert backend.requests[-1].url.params["limit"] == "5"
    assert client.get_json("/login/test-token") == {"email": "me@example.com", "is_active": True}


def test_get_json_invalid_json(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(200, text="not json"))
    with pytest.raises(Grad300ResponseError) as excinfo:
        client.get_json("/scans/TPI/")
    assert isinstance(excinfo.value, ValueError)


def test_get_json_error_status(make_client: MakeClient) -> None:
    client, _ = _client_answering(make_client, httpx.Response(403, json={"detail": "forbidden"}))
    with pytest.raises(AuthenticationError) as excinfo:
        client.get_json("/scans/TPI/")
    assert excinfo.value.status_code == 403
