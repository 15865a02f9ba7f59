"""Codes, verifiers and tokens of interactive logins never show in reprs, messages, logs or stderr."""

from __future__ import annotations

import logging
import webbrowser

import httpx
import pytest
from servers.oidc_provider import Browser, OIDCProvider
from specwright_runtime.auth import OAuth2Auth
from specwright_runtime.device import DeviceLogin
from specwright_runtime.loopback import LoopbackLogin, open_in_browser
from specwright_runtime.oidc import LoginError


def assert_hidden(secrets: list[str], *texts: str) -> None:
    assert secrets, "nothing was issued: the check would be empty"
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_nothing_secret_in_debug_logs_or_stderr(
    provider: OIDCProvider, browser: Browser, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    login = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser)
    auth = OAuth2Auth(provider.token_endpoint, interactive=login)
    failures: list[LoginError] = []
    with httpx.Client(auth=auth) as http:
        assert http.get(provider.me_url).status_code == 200
        provider.expire_access_tokens()
        assert http.get(provider.me_url).status_code == 200
        provider.device_answers = ["authorization_pending", "slow_down", "ok"]
        device = DeviceLogin(
            provider.device_endpoint,
            provider.token_endpoint,
            provider.client_id,
            prompt=lambda a: None,
            sleep=lambda s: None,
        )
        device.run(http)
    for mode in ("deny", "wrong_state"):
        provider.authorize_mode = mode
        with pytest.raises(LoginError) as caught:
            login.grant()
        failures.append(caught.value)
    secrets = provider.secrets()
    assert len(provider.issued_codes) == 2 and len(secrets) >= 8
    assert any(r.name.startswith("specwright_runtime") for r in caplog.records)  # the check saw the runtime's logs
    assert any("HTTP Request: GET http://127.0.0.1" in r.getMessage() for r in caplog.records)
    out, err = capfd.readouterr()
    assert_hidden(secrets, caplog.text, out, err)
    assert_hidden(secrets, *(str(e) for e in failures), *(repr(e) for e in failures), *(repr(e.body) for e in failures))


def test_nothing_secret_in_reprs(provider: OIDCProvider, browser: Browser) -> None:
    login = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser)
    grant = login.grant()
    auth = OAuth2Auth(provider.token_endpoint, interactive=login)
    with httpx.Client(auth=auth) as http:
        assert http.get(provider.me_url).status_code == 200
    assert grant.code == provider.issued_codes[0]
    secrets = [*provider.secrets(), grant.code_verifier]
    assert_hidden(secrets, repr(grant), repr(login), repr(auth), repr(auth.token))
    assert provider.client_id in repr(login) and grant.redirect_uri in repr(grant)


def test_a_refused_code_exchange_does_not_show_the_code(provider: OIDCProvider, browser: Browser) -> None:
    login = LoopbackLogin(provider.authorization_endpoint, provider.client_id, open_browser=browser)
    grant = login.grant()
    auth = OAuth2Auth(provider.token_endpoint)
    with httpx.Client() as http:
        http.post(provider.token_endpoint, data=grant.form())  # used up
        response = http.send(auth.build_token_request(grant))
    with pytest.raises(Exception) as caught:
        auth.accept_token_response(response)
    assert "HTTP 400" in str(caught.value)
    assert_hidden([grant.code, grant.code_verifier], str(caught.value), repr(caught.value.__dict__))


def test_default_open_browser_prints_the_address_and_opens_it(
    provider: OIDCProvider, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    browser = Browser()

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        browser(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    login = LoopbackLogin(provider.authorization_endpoint, provider.client_id)
    assert login.open_browser is open_in_browser
    grant = login.grant()
    err = capsys.readouterr().err
    assert browser.opened and browser.opened[0] in err
    assert "visit" in err
    assert grant.code == provider.issued_codes[0] and grant.code not in err
