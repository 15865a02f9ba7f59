"""Device authorization grant (RFC 8628) at a real provider, with an injected clock that makes waits instant."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
import pytest
from servers.oidc_provider import DEVICE_GRANT, OIDCProvider
from specwright_runtime.auth import OAuth2Auth, TokenCache
from specwright_runtime.device import DeviceAuthorization, DeviceCodeGrant, DeviceLogin, show_device_code
from specwright_runtime.oidc import AuthorizationDenied, LoginError, LoginTimeout


class FakeTime:
    """A monotonic clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def device_login(provider: OIDCProvider, fake_time: FakeTime, prompts: list[DeviceAuthorization]) -> DeviceLogin:
    return DeviceLogin(
        provider.device_endpoint,
        provider.token_endpoint,
        provider.client_id,
        scope=["openid", "offline_access"],
        prompt=prompts.append,
        sleep=fake_time.sleep,
        asleep=fake_time.asleep,
        clock=fake_time.clock,
    )


def test_pending_then_slow_down_then_token(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["authorization_pending", "authorization_pending", "slow_down", "ok"]
    prompts: list[DeviceAuthorization] = []
    with httpx.Client() as http:
        token = device_login(provider, fake_time, prompts).run(http)
        me = http.get(provider.me_url, headers={"Authorization": f"Bearer {token.access_token}"})
    assert me.status_code == 200
    assert fake_time.sleeps == [5, 5, 5, 10]  # the interval, 5 s more after slow_down
    assert provider.device_forms == [{"client_id": provider.client_id, "scope": "openid offline_access"}]
    polls = [f for f in provider.token_forms if f["grant_type"] == DEVICE_GRANT]
    assert len(polls) == 4
    assert {p["client_id"] for p in polls} == {provider.client_id}
    [shown] = prompts
    assert polls[0]["device_code"] == shown.device_code
    assert shown.verification_uri == provider.issuer + "/device"
    assert shown.verification_uri_complete is not None and shown.user_code in shown.verification_uri_complete
    assert token.refresh_token is not None and token.expires_at is not None


def test_immediate_approval(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_interval = 2
    with httpx.Client() as http:
        token = device_login(provider, fake_time, []).run(http)
    assert fake_time.sleeps == [2]
    assert token.access_token.startswith("at-")


@pytest.mark.asyncio
async def test_async_pending_slow_down_then_token(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["authorization_pending", "slow_down", "slow_down", "ok"]
    prompts: list[DeviceAuthorization] = []
    async with httpx.AsyncClient() as http:
        token = await device_login(provider, fake_time, prompts).arun(http)
        me = await http.get(provider.me_url, headers={"Authorization": f"Bearer {token.access_token}"})
    assert me.status_code == 200
    assert fake_time.sleeps == [5, 5, 10, 15]
    assert len(prompts) == 1


def test_denied(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["authorization_pending", "access_denied"]
    with httpx.Client() as http, pytest.raises(AuthorizationDenied) as caught:
        device_login(provider, fake_time, []).run(http)
    assert caught.value.error == "access_denied"
    assert caught.value.status_code == 400
    assert len(fake_time.sleeps) == 2


@pytest.mark.asyncio
async def test_denied_async(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["access_denied"]
    async with httpx.AsyncClient() as http:
        with pytest.raises(AuthorizationDenied):
            await device_login(provider, fake_time, []).arun(http)


def test_expired_token_from_the_provider(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["authorization_pending", "expired_token"]
    with httpx.Client() as http, pytest.raises(LoginTimeout) as caught:
        device_login(provider, fake_time, []).run(http)
    assert caught.value.error == "expired_token"
    assert isinstance(caught.value, TimeoutError)


def test_the_code_expires_while_pending(provider: OIDCProvider, fake_time: FakeTime) -> None:
    provider.device_answers = ["authorization_pending"]  # forever
    provider.device_expires_in = 12
    with httpx.Client() as http, pytest.raises(LoginTimeout, match="expired"):
        device_login(provider, fake_time, []).run(http)
    # polls at 5 and 10 s; at 15 s the code has expired and nothing more is sent
    assert fake_time.sleeps == [5, 5, 5]
    assert len([f for f in provider.token_forms if f["grant_type"] == DEVICE_GRANT]) == 2


def test_an_unknown_client_is_refused_at_once(provider: OIDCProvider, fake_time: FakeTime) -> None:
    login = DeviceLogin(
        provider.device_endpoint, provider.token_endpoint, "nobody", prompt=lambda a: None, sleep=fake_time.sleep
    )
    with httpx.Client() as http, pytest.raises(LoginError) as caught:
        login.run(http)
    assert caught.value.error == "invalid_client"
    assert caught.value.status_code == 401
    assert fake_time.sleeps == []


def test_an_unreachable_endpoint_is_a_login_error(fake_time: FakeTime) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    login = DeviceLogin(f"{closed}/device", f"{closed}/token", "c", sleep=fake_time.sleep)
    with httpx.Client() as http, pytest.raises(LoginError, match="could not reach"):
        login.run(http)


def test_the_token_is_cached_and_refreshed_by_oauth2auth(
    provider: OIDCProvider, fake_time: FakeTime, tmp_path: Path
) -> None:
    path = tmp_path / "token.json"
    auth = OAuth2Auth(provider.token_endpoint, client_id=provider.client_id, cache=TokenCache(path))
    with httpx.Client(auth=auth) as http:
        auth.set_token(device_login(provider, fake_time, []).run(http))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert http.get(provider.me_url).status_code == 200
        provider.expire_access_tokens()
        assert http.get(provider.me_url).status_code == 200
    assert provider.grant_types() == [DEVICE_GRANT, "refresh_token"]
    assert provider.token_forms[-1]["client_id"] == provider.client_id
    cached = TokenCache(path).load()
    assert cached is not None and auth.token is not None and cached.access_token == auth.token.access_token


def test_default_prompt_and_reprs(capsys: pytest.CaptureFixture[str]) -> None:
    shown = DeviceAuthorization("dev-secret", "ABCD-EFGH", "https://id.test/device", None)
    show_device_code(shown)
    err = capsys.readouterr().err
    assert "https://id.test/device" in err and "ABCD-EFGH" in err and "dev-secret" not in err
    assert "dev-secret" not in repr(shown) and "ABCD-EFGH" not in repr(shown)
    grant = DeviceCodeGrant("dev-secret", "cli")
    assert "dev-secret" not in repr(grant)
    assert grant.form()["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code"


def test_malformed_device_answers() -> None:
    with pytest.raises(LoginError, match="lacks"):
        DeviceAuthorization.from_payload({"device_code": "x", "verification_uri": "https://id.test/d"})
    parsed = DeviceAuthorization.from_payload(
        {"device_code": "x", "user_code": "U", "verification_url": "https://id.test/d", "interval": "soon"}
    )
    assert parsed.verification_uri == "https://id.test/d" and parsed.interval == 5
