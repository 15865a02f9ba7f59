"""cloudcix.auth: get_token, get_admin_token (and their async twins), TokenAuth; no secret leaks."""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import types

import httpx
import pytest
from cloudcix.auth import TokenAuth, aget_admin_token, aget_token, get_admin_token, get_token
from cloudcix.exceptions import (
    CloudCIXAPIError,
    CloudCIXAuthenticationError,
    CloudCIXAuthException,
    CloudCIXError,
    CloudCIXResponseError,
    ImproperlyConfiguredException,
)
from cloudcix_fakes import Recorder

EMAIL, PASSWORD, API_KEY, TOKEN = "me@example.com", "pw-5e1f0c", "key-a7b3", "tok-91d2e4"
LOGIN_URL = "https://membership.api.cloudcix.com/auth/login/"


def test_a_token(mock: Recorder) -> None:
    mock.play(lambda r: httpx.Response(201, json={"token": TOKEN, "expires": "later"}))
    assert get_token(EMAIL, PASSWORD, API_KEY) == TOKEN
    request = mock.last
    assert (request.method, str(request.url)) == ("POST", LOGIN_URL)
    assert json.loads(request.content) == {"email": EMAIL, "password": PASSWORD, "api_key": API_KEY}
    assert "X-Auth-Token" not in request.headers


def test_a_refused_login(mock: Recorder) -> None:
    body = {"error_code": "membership_login_201", "detail": "The credentials are not valid."}
    mock.play(lambda r: httpx.Response(400, json=body))
    with pytest.raises(CloudCIXAuthException) as caught:
        get_token(EMAIL, PASSWORD, API_KEY)
    err = caught.value
    assert (err.error_code, err.detail) == ("membership_login_201", "The credentials are not valid.")
    assert err.args == ("membership_login_201", "The credentials are not valid.")
    assert str(err) == "membership_login_201: The credentials are not valid."
    assert repr(err) == "<CloudCIXAuthException [membership_login_201]>"
    assert isinstance(err, CloudCIXAuthenticationError) and isinstance(err, CloudCIXError)
    assert (err.status_code, err.response_body) == (400, body)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.error_code, copy.detail) == (err.error_code, err.detail)
    assert len(mock.requests) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, CloudCIXAPIError), (503, CloudCIXAPIError), (401, CloudCIXAuthenticationError), (200, CloudCIXAPIError)],
)
def test_any_other_answer(mock: Recorder, status: int, error: type[Exception]) -> None:
    mock.play(lambda r: httpx.Response(status, text="Internal trouble"))
    with pytest.raises(error) as caught:
        get_token(EMAIL, PASSWORD, API_KEY)
    err = caught.value
    assert isinstance(err, CloudCIXAPIError) and not isinstance(err, CloudCIXAuthException)
    assert (err.status_code, err.response_body) == (status, "Internal trouble")
    assert str(err) == f"CloudCIX login failed (HTTP {status}): Internal trouble"
    assert len(mock.requests) == 1  # a login is never retried
    assert PASSWORD not in repr(err.info) and PASSWORD not in str(err)


def test_a_201_without_a_token(mock: Recorder) -> None:
    mock.play(lambda r: httpx.Response(201, json={"detail": "?"}))
    with pytest.raises(CloudCIXResponseError):
        get_token(EMAIL, PASSWORD, API_KEY)


def test_the_admin_token(mock: Recorder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CLOUDCIX_API_USERNAME", EMAIL)
    monkeypatch.setenv("CLOUDCIX_API_PASSWORD", "123456")  # digits stay a string
    monkeypatch.setenv("CLOUDCIX_API_KEY", API_KEY)
    mock.play(lambda r: httpx.Response(201, json={"token": TOKEN}))
    assert get_admin_token() == TOKEN
    assert json.loads(mock.last.content) == {"email": EMAIL, "password": "123456", "api_key": API_KEY}
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "123456" not in text and API_KEY not in text and TOKEN not in text
    assert "CLOUDCIX_API_PASSWORD" in text  # settings are logged by name only


def test_the_admin_token_needs_the_settings(mock: Recorder) -> None:
    with pytest.raises(ImproperlyConfiguredException, match="CLOUDCIX_API_USERNAME"):
        get_admin_token()
    assert mock.requests == []


def test_the_async_twins(mock: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("USERNAME", EMAIL), ("PASSWORD", PASSWORD), ("KEY", API_KEY)):
        monkeypatch.setenv(f"CLOUDCIX_API_{name}", value)
    mock.play(lambda r: httpx.Response(201, json={"token": TOKEN}))

    async def main() -> tuple[str, str]:
        return await aget_token(EMAIL, PASSWORD, API_KEY), await aget_admin_token()

    assert asyncio.run(main()) == (TOKEN, TOKEN)
    assert [str(r.url) for r in mock.requests] == [LOGIN_URL, LOGIN_URL]
    mock.play(lambda r: httpx.Response(400, json={"error_code": "E", "detail": "D"}))
    with pytest.raises(CloudCIXAuthException, match="E: D"):
        asyncio.run(aget_token(EMAIL, PASSWORD, API_KEY))


def test_token_auth() -> None:
    auth = TokenAuth(TOKEN)
    assert auth == TokenAuth(TOKEN) and auth != TokenAuth("other") and auth != TOKEN
    assert len({auth, TokenAuth(TOKEN)}) == 1
    assert TOKEN not in repr(auth) and TOKEN not in str(auth)
    assert auth.token == TOKEN
    # an httpx.Auth ...
    seen: list[httpx.Request] = []
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204)), auth=auth
    ) as http:
        http.get("https://membership.api.cloudcix.com/address/")
    assert seen[0].headers["X-Auth-Token"] == TOKEN
    # ... and callable on a request, as the requests auth of 5.0.11 was
    request = types.SimpleNamespace(headers={})  # what requests' PreparedRequest offers
    assert auth(request) is request and request.headers == {"X-Auth-Token": TOKEN}
