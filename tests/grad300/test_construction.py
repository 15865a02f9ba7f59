"""Constructor rules, base URL normalisation and the public names of the package."""

from __future__ import annotations

import grad300_client
import httpx
import pytest
from grad300_client import AsyncGrad300Client, Grad300, Grad300Api, Grad300Client

from .conftest import API_URL, BASE_URL, TOKEN, FakeBackend


def _never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request {request.method} {request.url}")


def test_public_names() -> None:
    for name in (
        "AuthenticationError",
        "Conf",
        "Grad300",
        "Grad300APIError",
        "Grad300Client",
        "Grad300Error",
        "ScanRecord",
        "ScanType",
        "conf",
        "AsyncGrad300Client",
        "Grad300ConnectionError",
        "Grad300TimeoutError",
        "Grad300ResponseError",
    ):
        assert name in grad300_client.__all__, name
        assert getattr(grad300_client, name) is not None
    assert issubclass(Grad300, Grad300Client)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"token": "t", "user": "u", "password": "p"}, "Use either 'token' or both 'user'/'password', not both."),
        ({"token": "t", "user": "u"}, "Use either 'token' or both 'user'/'password', not both."),
        ({"token": "t", "password": "p"}, "Use either 'token' or both 'user'/'password', not both."),
        ({"user": "u"}, "Both 'user' and 'password' must be provided together."),
        ({"password": "p"}, "Both 'user' and 'password' must be provided together."),
        # an empty token does not count as a token
        ({"token": "", "user": "u"}, "Both 'user' and 'password' must be provided together."),
    ],
)
@pytest.mark.parametrize("cls", [Grad300Client, AsyncGrad300Client])
def test_invalid_credential_combinations(cls: type, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        cls(BASE_URL, transport=httpx.MockTransport(_never_called), **kwargs)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("base_url", "api_prefix", "expected"),
    [
        ("http://h", None, "http://h/api/v1"),
        ("http://h/", None, "http://h/api/v1"),
        ("http://h/api/v1/", "api/v1/", "http://h/api/v1"),
        ("http://h/api/v1", "/api/v1", "http://h/api/v1"),
        ("http://h", "api/v2", "http://h/api/v2"),
        ("http://h//", "/api/v2/", "http://h/api/v2"),
        ("http://h/root", "/api/v1", "http://h/root/api/v1"),
    ],
)
def test_base_api_url_normalisation(base_url: str, api_prefix: str | None, expected: str) -> None:
    with Grad300(base_url, api_prefix=api_prefix, transport=httpx.MockTransport(_never_called)) as client:
        assert client.base_api_url == expected


def test_seed_normalisation_example() -> None:
    with Grad300("http://h/api/v1/", api_prefix="api/v1/") as client:
        assert client.base_api_url == "http://h/api/v1"


def test_requests_go_below_base_api_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    with Grad300("http://h/root/", token=TOKEN, transport=httpx.MockTransport(handler)) as client:
        client.list("TPI", limit=1)
    assert str(seen[0].url) == "http://h/root/api/v1/scans/TPI/?offset=0&limit=1"


def test_constructor_without_credentials_sends_nothing() -> None:
    # anonymous client: no request at all until a method is called
    with Grad300Client(BASE_URL, transport=httpx.MockTransport(_never_called)) as client:
        assert client.base_api_url == API_URL


def test_constructor_login_posts_form(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, user="me@example.com", password="secret", transport=backend.transport):
        pass
    assert len(backend.requests) == 1
    login = backend.requests[0]
    assert login.method == "POST"
    assert str(login.url) == API_URL + "/login/access-token"
    assert login.headers["content-type"] == "application/x-www-form-urlencoded"
    form = httpx.QueryParams(login.content.decode())
    assert form["username"] == "me@example.com"
    assert form["password"] == "secret"


def test_constructor_login_token_is_used(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, user="me@example.com", password="secret", transport=backend.transport) as client:
        client.list("TPI", limit=1)
    assert backend.requests[-1].headers["authorization"] == "Bearer login-token-1"


def test_empty_token_with_credentials_logs_in(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token="", user="me@example.com", password="secret", transport=backend.transport):
        pass
    assert backend.paths() == ["/login/access-token"]


def test_token_in_constructor_sends_no_login(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token=TOKEN, transport=backend.transport) as client:
        client.list("TPI", limit=1)
    assert backend.paths() == ["/scans/TPI/"]
    assert backend.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_accept_header_is_json(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token=TOKEN, transport=backend.transport) as client:
        client.list("TPI", limit=1)
    assert backend.requests[0].headers["accept"] == "application/json"


def test_timeout_argument_reaches_requests(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token=TOKEN, timeout=4.5, transport=backend.transport) as client:
        client.list("TPI", limit=1)
    assert backend.requests[0].extensions["timeout"]["read"] == 4.5


def test_context_manager_closes_the_client(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token=TOKEN, transport=backend.transport) as client:
        assert isinstance(client, Grad300Client)
    with pytest.raises(RuntimeError):
        client.list("TPI")


def test_api_attribute_is_the_low_level_client(backend: FakeBackend) -> None:
    with Grad300Client(BASE_URL, token=TOKEN, transport=backend.transport) as client:
        assert isinstance(client.api, Grad300Api)
        scans = client.api.list_scans("TPI", limit=2)
    assert [s.id for s in scans] == [1, 2]
    assert scans[0].object == "Sun"
