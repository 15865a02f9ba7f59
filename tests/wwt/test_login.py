"""The Constellations login against a real OpenID Connect provider (oidc-provider-mock from
PyPI) and a Constellations stand-in that accepts only the provider's live tokens.

The user's scripts run in their own processes with ``HOME`` pointing at a temporary folder
and ``BROWSER`` naming a scripted browser (``tests/servers/fake_browser.py``), so the browser
step goes through Python's :mod:`webbrowser` exactly as on a desktop.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from wwt_api_client.constellations import ClientConfig, CxClient

from tests.servers.constellations import ConstellationsServer

BROWSER_SCRIPT = Path(__file__).resolve().parents[1] / "servers" / "fake_browser.py"
SECRET = "automation-secret"  # oidc-provider-mock knows only confidential clients


class Provider:
    """oidc-provider-mock on 127.0.0.1, and which tokens it currently honours."""

    def __init__(self, port: int) -> None:
        self.issuer = f"http://localhost:{port}"

    def token_ok(self, token: str) -> bool:
        answer = httpx.get(f"{self.issuer}/userinfo", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return answer.status_code == 200


@pytest.fixture
def provider() -> Iterator[Provider]:
    with run_server_in_thread(access_token_max_age=timedelta(minutes=10)) as server:
        yield Provider(server.server_port)


@pytest.fixture
def api(provider: Provider) -> Iterator[ConstellationsServer]:
    with ConstellationsServer(provider.token_ok) as server:
        yield server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def run_script(code: str, home: Path, browser_log: Path, *, browser: bool = True) -> subprocess.CompletedProcess[str]:
    """A user's script in its own process; the browser (if any) logs each URL it opens."""
    env = {
        **os.environ,
        "HOME": str(home),
        "FAKE_BROWSER_LOG": str(browser_log),
        "BROWSER": f"{sys.executable} {BROWSER_SCRIPT} %s" if browser else f"{sys.executable} {BROWSER_SCRIPT} --refuse %s",
    }
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def script(provider: Provider, api: ConstellationsServer, body: str) -> str:
    return f"""
from wwt_api_client.constellations import ClientConfig, CxClient
config = ClientConfig({provider.issuer!r}, "automation", {api.url!r})
client = CxClient(config, client_secret={SECRET!r}, total_timeout=60)
{textwrap.dedent(body)}
"""


def cache_files(home: Path) -> list[Path]:
    return sorted((home / ".local" / "state" / "specwright" / "tokens").glob("*.json"))


def test_browser_login_then_a_second_process_reuses_the_cache(
    provider: Provider, api: ConstellationsServer, home: Path, tmp_path: Path
) -> None:
    log = tmp_path / "browser.log"
    first = run_script(script(provider, api, 'print(client.handle_client("eso").stats().scenes.count)'), home, log)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "23"
    opened = log.read_text().splitlines()
    assert len(opened) == 1  # one login, through webbrowser and $BROWSER
    assert opened[0] in first.stderr  # the URL is printed too
    query = dict(httpx.URL(opened[0]).params)
    assert query["code_challenge_method"] == "S256" and query["state"] and query["redirect_uri"].startswith("http://127.0.0.1:")
    assert set(query["scope"].split()) == {"profile", "offline_access"}

    [cache] = cache_files(home)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert SECRET not in cache.read_text()  # the token is kept, the client's secret never

    second = run_script(script(provider, api, 'print(client.handle_client("eso").stats().images.count)'), home, log, browser=False)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "5"
    assert len(log.read_text().splitlines()) == 1  # no second login
    tokens = [header for method, path, header in api.seen if path.endswith("/stats")]
    assert len(tokens) == 2 and tokens[0] == tokens[1] and tokens[0].startswith("Bearer ")


def test_public_calls_send_no_token_and_never_log_in(
    provider: Provider, api: ConstellationsServer, home: Path, tmp_path: Path
) -> None:
    log = tmp_path / "browser.log"
    body = """
    print(len(client.get_home_timeline(0)))
    print(client.image_client("6426ed2448ae71323babb17a").imageset_object().name)
    print(client.handle_client("eso").get().display_name)
    """
    done = run_script(script(provider, api, body), home, log, browser=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "WISE", "ESO"]
    assert not log.exists() and cache_files(home) == []
    assert [header for _, _, header in api.seen] == [None, None, None]


def test_a_401_renews_with_the_refresh_token_without_a_new_login(
    provider: Provider, api: ConstellationsServer, home: Path
) -> None:
    opened: list[str] = []

    def browser(url: str) -> None:
        opened.append(url)
        with httpx.Client() as user:
            answer = user.post(url, data={"sub": "alice"})
            user.get(answer.headers["Location"])

    config = ClientConfig(provider.issuer, "automation", api.url)
    with CxClient(config, client_secret=SECRET, open_browser=browser) as client:
        handle = client.handle_client("eso")
        assert handle.stats().scenes.count == 23
        first = api.seen[-1][2]
        assert first is not None
        # the service stops honouring that token (revoked, or expired early): 401, then a refresh
        api.token_ok = lambda token, old=first[7:], check=api.token_ok: token != old and check(token)
        assert handle.stats().images.count == 5
    statuses = [header for _, path, header in api.seen if path.endswith("/stats")]
    assert statuses[0] == statuses[1] == first and statuses[2] != first  # refused once, resent with a new token
    assert len(opened) == 1


def test_tokens_are_renewed_before_they_expire(home: Path) -> None:
    opened: list[str] = []

    def browser(url: str) -> None:
        opened.append(url)
        with httpx.Client() as user:
            user.get(user.post(url, data={"sub": "bob"}).headers["Location"])

    # the login's token lives 20 s: inside the client's 30 s leeway, so the next call renews it
    # first (the provider gives refreshed tokens its default lifetime)
    with run_server_in_thread(access_token_max_age=timedelta(seconds=20)) as server:
        provider = Provider(server.server_port)
        with ConstellationsServer(provider.token_ok) as api:
            config = ClientConfig(provider.issuer, "automation", api.url)
            with CxClient(config, "renewals", client_secret=SECRET, open_browser=browser) as client:
                logged_in = client.login()
                handle = client.handle_client("eso")
                handle.stats()
                handle.stats()
    sent = [header for _, path, header in api.seen if path.endswith("/stats")]
    assert len(sent) == 2 and len(set(sent)) == 1  # never refused: no 401 and resend
    assert sent[0] != f"Bearer {logged_in}"  # renewed before it was sent
    assert len(opened) == 1


def test_cache_is_per_identifier(provider: Provider, api: ConstellationsServer, home: Path, tmp_path: Path) -> None:
    log = tmp_path / "browser.log"
    for name in ("first", "second"):
        body = f"client = CxClient(config, {name!r}, client_secret={SECRET!r})\nclient.handle_client('eso').stats()"
        assert run_script(script(provider, api, body), home, log).returncode == 0
    assert len(cache_files(home)) == 2 and len(log.read_text().splitlines()) == 2
    assert all(path.name.startswith(("first-", "second-")) for path in cache_files(home))
