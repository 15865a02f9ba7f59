"""Login, set_token / clear_token and test_token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from grad300_client import AuthenticationError, Grad300APIError, Grad300Client, Grad300Error, Grad300ResponseError

from .conftest import API_URL, BASE_URL, EMAIL, PASSWORD, TOKEN, FakeBackend

MakeClient = Callable[..., Grad300Client]


def test_login_returns_and_stores_the_token(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend)
    token = client.login(EMAIL, PASSWORD)
    assert token == "login-token-1"
    client.list("TPI", limit=1)
    login, listing = backend.requests
    assert login.method == "POST"
    assert str(login.url) == API_URL + "/login/access-token"
    form = httpx.QueryParams(login.content.decode())
    assert (form["username"], form["password"]) == (EMAIL, PASSWORD)
    assert "authorization" not in login.headers
    assert listing.headers["authorization"] == "Bearer login-token-1"


def test_set_token_sets_bearer_header(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend)
    client.list("TPI", limit=1)
    client.set_token("abc")
    client.list("TPI", limit=1)
    client.set_token("xyz")
    client.list("TPI", limit=1)
    headers = [r.headers.get("authorization") for r in backend.requests]
    assert headers == [None, "Bearer abc", "Bearer xyz"]


def test_clear_token_removes_header(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend, token=TOKEN)
    client.list("TPI", limit=1)
    client.clear_token()
    client.list("TPI", limit=1)
    assert backend.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in backend.requests[1].headers


def test_clear_token_after_password_login_stops_sending_a_token(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend, user=EMAIL, password=PASSWORD)
    client.clear_token()
    with pytest.raises(AuthenticationError) as excinfo:
        client.test_token()
    assert excinfo.value.status_code == 401
    assert backend.paths() == ["/login/access-token", "/login/test-token"]
    assert "authorization" not in backend.requests[-1].headers


def test_failed_login_keeps_the_previous_token(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend, token=TOKEN)
    with pytest.raises(AuthenticationError):
        client.login(EMAIL, "wrong")
    assert client.test_token() == {"email": EMAIL, "is_active": True}
    assert backend.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"


def test_test_token_returns_dict(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend, token=TOKEN)
    result = client.test_token()
    assert isinstance(result, dict)
    assert result == {"email": EMAIL, "is_active": True}
    request = backend.requests[-1]
    assert str(request.url) == API_URL + "/login/test-token"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_test_token_keeps_extra_keys(backend: FakeBackend, make_client: MakeClient) -> None:
    backend.overrides["/login/test-token"] = httpx.Response(
        200, json={"email": EMAIL, "is_active": True, "full_name": "Me", "team": "radio"}
    )
    client = make_client(backend, token=TOKEN)
    assert client.test_token() == {"email": EMAIL, "is_active": True, "full_name": "Me", "team": "radio"}


def test_test_token_non_object_payload_is_value_error(backend: FakeBackend, make_client: MakeClient) -> None:
    backend.overrides["/login/test-token"] = httpx.Response(200, json=["not", "an", "object"])
    client = make_client(backend, token=TOKEN)
    with pytest.raises(ValueError) as excinfo:
        client.test_token()
    assert isinstance(excinfo.value, Grad300ResponseError)


def test_test_token_without_token_is_authentication_error(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend)
    with pytest.raises(AuthenticationError) as excinfo:
        client.test_token()
    assert excinfo.value.status_code == 401
    assert str(excinfo.value) == "Not authenticated"


def test_test_token_with_unknown_token_is_authentication_error(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend, token="forged")
    with pytest.raises(AuthenticationError) as excinfo:
        client.test_token()
    assert excinfo.value.status_code == 403
    assert str(excinfo.value) == "Could not validate credentials"


def test_bad_login_is_authentication_error(backend: FakeBackend, make_client: MakeClient) -> None:
    client = make_client(backend)
    with pytest.raises(AuthenticationError) as excinfo:
        client.login(EMAIL, "wrong")
    error = excinfo.value
    assert isinstance(error, Grad300APIError)
    assert error.status_code == 400
    assert str(error) == "Incorrect email or password"
    assert error.response_body == {"detail": "Incorrect email or password"}


def test_bad_login_in_constructor_raises(backend: FakeBackend) -> None:
    with pytest.raises(AuthenticationError) as excinfo:
        Grad300Client(BASE_URL, user=EMAIL, password="wrong", transport=backend.transport)
    assert excinfo.value.status_code == 400
    assert backend.paths() == ["/login/access-token"]


@pytest.mark.parametrize(
    "payload",
    [{"token_type": "bearer"}, {"access_token": "", "token_type": "bearer"}, {"access_token": None}],
)
def test_login_response_without_token(backend: FakeBackend, make_client: MakeClient, payload: dict) -> None:
    backend.overrides["/login/access-token"] = httpx.Response(200, json=payload)
    client = make_client(backend)
    with pytest.raises(Grad300Error) as excinfo:
        client.login(EMAIL, PASSWORD)
    assert not isinstance(excinfo.value, Grad300APIError)
    assert "access token" in str(excinfo.value)


def test_token_cache_saves_a_login_across_clients(server: Any, tmp_path: Any) -> None:
    """A real server: the second client uses the cached token and never logs in."""
    from grad300_client.api import Grad300Api

    cache = tmp_path / "grad300-token.json"
    with Grad300Api(server.api_url, token_cache=cache) as api:
        api.login(EMAIL, PASSWORD)
        assert api.test_token().email == EMAIL
    assert PASSWORD not in cache.read_text() and oct(cache.stat().st_mode & 0o777) == "0o600"
    server.clear_requests()
    with Grad300Api(server.api_url, token_cache=cache) as api:
        assert api.test_token().email == EMAIL
    assert [r.path for r in server.requests] == ["/api/v1/login/test-token"]
