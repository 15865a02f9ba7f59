"""auth.TokenCache: a login's token kept between runs, privately and atomically."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from specwright_runtime.auth import OAuth2Auth, OAuth2Token, PasswordGrant, TokenCache

TOKEN_URL = "https://api.test/v1/login/access-token"
PASSWORD = "pw-very-secret"


def token_endpoint(counter: list[int], expires_in: int = 3600) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access-token"):
            counter.append(1)
            return httpx.Response(200, json={"access_token": f"tok-{len(counter)}", "token_type": "bearer", "expires_in": expires_in})
        return httpx.Response(200, json={"auth": request.headers.get("authorization")})

    return httpx.MockTransport(handler)


def test_save_is_private_and_holds_no_password(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "nested" / "token.json")
    cache.save(OAuth2Token("abc", expires_at=123.0, refresh_token="r1"))
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert json.loads(cache.path.read_text()) == {"access_token": "abc", "expires_at": 123.0, "refresh_token": "r1", "token_type": "Bearer"}
    assert cache.load() == OAuth2Token("abc", expires_at=123.0, refresh_token="r1")
    assert [p.name for p in cache.path.parent.iterdir()] == ["token.json"]  # no temporary file left


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"access_token": ""}', '{"token_type": "Bearer"}'])
def test_unusable_files_read_as_no_token(tmp_path: Path, content: str) -> None:
    path = tmp_path / "token.json"
    path.write_text(content)
    os.chmod(path, 0o600)
    assert TokenCache(path).load() is None


def test_missing_file_reads_as_no_token(tmp_path: Path) -> None:
    assert TokenCache(tmp_path / "none.json").load() is None


def test_a_file_others_can_read_is_refused(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "token.json")
    cache.save(OAuth2Token("abc"))
    os.chmod(cache.path, 0o644)
    assert cache.load() is None


def test_login_saves_and_a_new_client_reuses_the_token(tmp_path: Path) -> None:
    hits: list[int] = []
    path = tmp_path / "token.json"
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("me", PASSWORD), cache=TokenCache(path))
    with httpx.Client(transport=token_endpoint(hits), auth=auth) as client:
        assert client.get("https://api.test/v1/x").json() == {"auth": "Bearer tok-1"}
    assert PASSWORD not in path.read_text()

    again = OAuth2Auth(TOKEN_URL, PasswordGrant("me", PASSWORD), cache=TokenCache(path))
    with httpx.Client(transport=token_endpoint(hits), auth=again) as client:
        assert client.get("https://api.test/v1/x").json() == {"auth": "Bearer tok-1"}
    assert len(hits) == 1  # the second run did not log in


def test_an_expired_cached_token_is_renewed_and_replaced(tmp_path: Path) -> None:
    hits: list[int] = []
    cache = TokenCache(tmp_path / "token.json")
    cache.save(OAuth2Token("old", expires_at=time.time() - 10))
    auth = OAuth2Auth(TOKEN_URL, PasswordGrant("me", PASSWORD), cache=cache)
    with httpx.Client(transport=token_endpoint(hits), auth=auth) as client:
        assert client.get("https://api.test/v1/x").json() == {"auth": "Bearer tok-1"}
    loaded = cache.load()
    assert loaded is not None and loaded.access_token == "tok-1"


def test_clearing_the_token_clears_the_cache(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "token.json")
    auth = OAuth2Auth(TOKEN_URL, cache=cache)
    auth.set_token("manual")
    assert cache.load() == OAuth2Token("manual")
    auth.set_token(None)
    assert not cache.path.exists()


def test_repr_shows_the_path_only(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "t.json")
    cache.save(OAuth2Token("abc-secret"))
    assert "abc-secret" not in repr(cache) and "t.json" in repr(cache)



# -- TokenCache.for_login: the user's cache of one login -------------------------------------

PROVIDER = "https://sso.test/realms/demo"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of its own for the test (``Path.home()`` reads ``HOME``)."""
    folder = tmp_path / "home"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    monkeypatch.setenv("HOME", str(folder))
    return folder


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def login_cache(name: str = "wwt", *, provider: str = PROVIDER, client_id: str | None = "cli", scope: str = "openid profile") -> TokenCache:
    return TokenCache.for_login(name, provider=provider, client_id=client_id, scope=scope)


def test_for_login_names_a_file_in_the_users_state_folder(home: Path) -> None:
    path = login_cache().path
    assert path.parent == home / ".local" / "state" / "specwright" / "tokens"
    name, digest = path.stem.rsplit("-", 1)
    assert name == "wwt" and len(digest) == 16 and int(digest, 16) >= 0 and path.suffix == ".json"


def test_for_login_same_key_same_file_other_keys_other_files(home: Path) -> None:
    path = login_cache().path
    assert login_cache().path == path
    assert login_cache(scope="profile  openid").path == path  # scope words in any order
    others = [
        login_cache(name="other"),
        login_cache(provider=PROVIDER + "2"),
        login_cache(client_id="cli2"),
        login_cache(client_id=None),
        login_cache(scope="openid"),
        login_cache(scope="openid profile email"),
        login_cache(provider=PROVIDER + " cli", client_id=None),  # no join that runs two fields together
    ]
    paths = {cache.path for cache in others}
    assert len(paths) == len(others) and path not in paths


@pytest.mark.parametrize(("name", "kept"), [("my api/../x", "myapi..x"), ("ä-b_c.d", "-b_c.d"), ("../..", "....")])
def test_for_login_keeps_only_safe_characters_of_the_name(home: Path, name: str, kept: str) -> None:
    path = login_cache(name).path
    assert path.parent == home / ".local" / "state" / "specwright" / "tokens"
    assert path.stem.rsplit("-", 1)[0] == kept


@pytest.mark.parametrize("name", ["", "   ", "/", "äöü"])
def test_for_login_refuses_a_name_with_nothing_safe(home: Path, name: str) -> None:
    with pytest.raises(ValueError, match="token cache name"):
        login_cache(name)


def test_for_login_creates_private_folders_and_file(home: Path) -> None:
    (home / ".local").mkdir(mode=0o755)
    os.chmod(home / ".local", 0o755)
    cache = login_cache()
    cache.save(OAuth2Token("abc", refresh_token="r1"))
    assert mode_of(cache.path) == 0o600
    for folder in (home / ".local" / "state", home / ".local" / "state" / "specwright", cache.path.parent):
        assert mode_of(folder) == 0o700
    assert mode_of(home / ".local") == 0o755 and mode_of(home) == 0o755  # not the cache's: left alone
    assert cache.load() == OAuth2Token("abc", refresh_token="r1")


def test_for_login_tightens_a_loose_tokens_folder_only(home: Path) -> None:
    tokens = home / ".local" / "state" / "specwright" / "tokens"
    tokens.mkdir(parents=True)
    for folder in (tokens, *list(tokens.parents)[:3]):
        os.chmod(folder, 0o755)
    cache = login_cache()
    cache.save(OAuth2Token("abc"))
    assert mode_of(tokens) == 0o700
    assert [mode_of(folder) for folder in list(tokens.parents)[:3]] == [0o755] * 3
    assert mode_of(cache.path) == 0o600


def test_for_login_never_changes_a_folder_a_link_points_to(home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chmod(elsewhere, 0o755)
    (home / ".local" / "state" / "specwright").mkdir(parents=True)
    (home / ".local" / "state" / "specwright" / "tokens").symlink_to(elsewhere)
    cache = login_cache()
    cache.save(OAuth2Token("abc"))
    assert mode_of(elsewhere) == 0o755 and (elsewhere / cache.path.name).exists()


def test_a_plain_cache_never_changes_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    folder.mkdir()
    os.chmod(folder, 0o755)
    TokenCache(folder / "token.json").save(OAuth2Token("abc"))
    assert mode_of(folder) == 0o755


def test_for_login_token_is_found_by_another_process(home: Path) -> None:
    login_cache().save(OAuth2Token("from-the-first-run", expires_at=4_000_000_000.0))
    script = (
        "from specwright_runtime import TokenCache\n"
        f"cache = TokenCache.for_login('wwt', provider={PROVIDER!r}, client_id='cli', scope='profile openid')\n"
        "token = cache.load()\n"
        "print(token.access_token if token else None)\n"
    )
    env = {**os.environ, "HOME": str(home)}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "from-the-first-run"
    other = script.replace("client_id='cli'", "client_id='cli2'")
    run = subprocess.run([sys.executable, "-c", other], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "None"
