"""auth.TokenCache: a login's token kept between runs, privately and atomically."""

from __future__ import annotations

import json
import os
import stat
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

