"""redact: URLs and text never carry credentials into messages or logs."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from specwright_runtime.redact import MASK, redact_text, redact_url


def test_user_and_password_are_removed() -> None:
    result = redact_url("https://alice:s3cr3t@api.test/v1/items")
    assert result == "https://api.test/v1/items"
    assert "alice" not in result and "s3cr3t" not in result


def test_user_without_password_is_removed() -> None:
    assert redact_url("https://alice@api.test/x") == "https://api.test/x"


def test_port_is_kept() -> None:
    assert redact_url("http://bob:pw@localhost:8080/p") == "http://localhost:8080/p"


@pytest.mark.parametrize(
    "name",
    [
        "token",
        "access_token",
        "id_token",
        "api_key",
        "api-key",
        "apikey",
        "X-Api-Key",
        "key",
        "password",
        "client_secret",
        "signature",
        "sig",
        "code",
        "auth",
        "credential",
    ],
)
def test_secret_looking_query_values_are_masked(name: str) -> None:
    result = redact_url(f"https://api.test/x?{name}=hunter2&page=3")
    assert "hunter2" not in result
    pairs = dict(parse_qsl(urlsplit(result).query))
    assert pairs == {name: MASK, "page": "3"}


def test_ordinary_query_values_are_kept_in_order() -> None:
    result = redact_url("https://api.test/scans?source=Sun&limit=10&offset=20")
    assert parse_qsl(urlsplit(result).query) == [("source", "Sun"), ("limit", "10"), ("offset", "20")]


def test_repeated_and_blank_values() -> None:
    result = redact_url("https://api.test/x?tag=a&tag=b&token=&token=t2&empty=")
    assert parse_qsl(urlsplit(result).query, keep_blank_values=True) == [
        ("tag", "a"),
        ("tag", "b"),
        ("token", MASK),
        ("token", MASK),
        ("empty", ""),
    ]
    assert "t2" not in result


def test_accepts_httpx_url_and_drops_fragment() -> None:
    url = httpx.URL("https://u:p@api.test/a/b?access_token=abc#frag")
    result = redact_url(url)
    assert result == f"https://api.test/a/b?access_token={MASK}"


def test_path_is_untouched() -> None:
    assert redact_url("https://api.test/files/a%2Fb/x") == "https://api.test/files/a%2Fb/x"


def test_ipv6_host_keeps_its_brackets() -> None:
    assert redact_url("http://u:p@[::1]:8080/p?token=abc") == f"http://[::1]:8080/p?token={MASK}"


def test_redact_text_replaces_every_secret() -> None:
    text = "user alice logged in with pw hunter2; again hunter2 and token tkn"
    assert (
        redact_text(text, ["hunter2", "tkn"]) == f"user alice logged in with pw {MASK}; again {MASK} and token {MASK}"
    )


def test_redact_text_ignores_empty_secrets() -> None:
    assert redact_text("nothing secret here", ["", ""]) == "nothing secret here"
    assert redact_text("abc", ()) == "abc"
