"""``ClientConfig``: the environment variables of ``new_default`` and the fixed prod/dev settings."""

from __future__ import annotations

import dataclasses

import pytest
from wwt_api_client.constellations import ClientConfig

VARIABLES = ("NUXT_PUBLIC_API_URL", "NUXT_PUBLIC_KEYCLOAK_URL", "KEYCLOAK_URL", "WWT_API_CLIENT_ID")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """None of the variables ``new_default`` reads."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_variables_it_is_production() -> None:
    config = ClientConfig.new_default()
    assert config == ClientConfig(
        "https://worldwidetelescope.org/auth/realms/constellations", "automation", "https://api.worldwidetelescope.org"
    )
    assert config == ClientConfig.new_prod()


@pytest.mark.parametrize(
    ("api_url", "expected_api", "expected_provider"),
    [
        ("http://localhost:7000/", "http://localhost:7000", "http://localhost:8080/realms/constellations"),
        (
            "https://api.wwtelescope.dev",
            "https://api.wwtelescope.dev",
            "https://wwtelescope.dev/auth/realms/constellations",
        ),
        (
            "https://api.example.org//",
            "https://api.example.org",
            "https://worldwidetelescope.org/auth/realms/constellations",
        ),
    ],
)
def test_the_api_url_chooses_the_default_provider(
    clean_environment: pytest.MonkeyPatch, api_url: str, expected_api: str, expected_provider: str
) -> None:
    clean_environment.setenv("NUXT_PUBLIC_API_URL", api_url)
    config = ClientConfig.new_default()
    assert (config.api_url, config.id_provider_url) == (expected_api, expected_provider)


@pytest.mark.parametrize(
    ("nuxt", "keycloak", "expected"),
    [
        ("https://sso.test/auth", "https://other.test/", "https://sso.test/auth/realms/constellations"),
        ("https://sso.test/auth/", None, "https://sso.test/auth/realms/constellations"),
        (None, "https://kc.test", "https://kc.test/realms/constellations"),
        ("", "https://kc.test/", "https://kc.test/realms/constellations"),  # empty counts as unset
    ],
)
def test_provider_variables_win_in_order(
    clean_environment: pytest.MonkeyPatch, nuxt: str | None, keycloak: str | None, expected: str
) -> None:
    clean_environment.setenv("NUXT_PUBLIC_API_URL", "http://localhost:7000")  # its default would be local
    if nuxt is not None:
        clean_environment.setenv("NUXT_PUBLIC_KEYCLOAK_URL", nuxt)
    if keycloak is not None:
        clean_environment.setenv("KEYCLOAK_URL", keycloak)
    assert ClientConfig.new_default().id_provider_url == expected


def test_client_id_variable(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("WWT_API_CLIENT_ID", "cli-tool")
    assert ClientConfig.new_default().client_id == "cli-tool"
    clean_environment.setenv("WWT_API_CLIENT_ID", "")
    assert ClientConfig.new_default().client_id == "automation"


def test_empty_api_url_counts_as_unset(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("NUXT_PUBLIC_API_URL", "")
    assert ClientConfig.new_default().api_url == "https://api.worldwidetelescope.org"


def test_prod_and_dev() -> None:
    assert dataclasses.astuple(ClientConfig.new_prod()) == (
        "https://worldwidetelescope.org/auth/realms/constellations",
        "automation",
        "https://api.worldwidetelescope.org",
    )
    assert dataclasses.astuple(ClientConfig.new_dev()) == (
        "https://wwtelescope.dev/auth/realms/constellations",
        "cli-tool",
        "https://api.wwtelescope.dev",
    )


def test_fields_by_position_or_keyword() -> None:
    by_position = ClientConfig("https://id.test/realms/constellations", "me", "https://api.test")
    by_keyword = ClientConfig(
        id_provider_url="https://id.test/realms/constellations", client_id="me", api_url="https://api.test"
    )
    assert by_position == by_keyword
    assert [f.name for f in dataclasses.fields(ClientConfig)] == ["id_provider_url", "client_id", "api_url"]
