"""Server URL templates filled from defaults and caller values."""

from __future__ import annotations

import pytest
from specwright_runtime.servers import server_url

TEMPLATE = "https://{application}.{host}/v{version}/"
DEFAULTS = {"application": "membership", "host": "api.example.com", "version": "2"}


def test_defaults_fill_every_variable() -> None:
    assert server_url(TEMPLATE, DEFAULTS) == "https://membership.api.example.com/v2"


def test_values_override_defaults() -> None:
    url = server_url(TEMPLATE, DEFAULTS, {"application": "asset", "host": "api.test:8443"})
    assert url == "https://asset.api.test:8443/v2"


def test_unknown_variable_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown server variable.*region"):
        server_url(TEMPLATE, DEFAULTS, {"region": "eu"})


def test_enum_is_enforced() -> None:
    with pytest.raises(ValueError, match="not one of '1', '2'"):
        server_url(TEMPLATE, DEFAULTS, {"version": "3"}, allowed={"version": ["1", "2"]})
    assert server_url(TEMPLATE, DEFAULTS, {"version": "1"}, allowed={"version": ["1", "2"]}).endswith("/v1")


@pytest.mark.parametrize("value", ["evil.test/x", "user@evil.test", "a b", "x?y", "", "a#b", "{host}"])
def test_values_cannot_change_the_url_structure(value: str) -> None:
    with pytest.raises(ValueError, match="host"):
        server_url(TEMPLATE, DEFAULTS, {"host": value})


def test_a_variable_without_any_value() -> None:
    with pytest.raises(ValueError, match="has no value"):
        server_url("https://{tenant}.example.com", {})


def test_fixed_values_win_and_count_as_known() -> None:
    url = server_url("https://{application}.{host}", {"host": "api.example.com"}, {"host": "h.test", "application": "x"}, fixed={"application": "asset"})
    assert url == "https://asset.h.test"


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        (TEMPLATE, {"application": "Circuit"}, "https://circuit.api.example.com/v2"),
        ("HTTPS://{application}.Example.COM/Legacy/{application}/v1", {"application": "Asset"}, "https://asset.example.com/Legacy/Asset/v1"),
        ("/{application}/v1", {"application": "Asset"}, "/Asset/v1"),
    ],
)
def test_scheme_and_host_in_lower_case_the_path_as_given(template: str, values: dict[str, str], expected: str) -> None:
    defaults = {"application": "membership", "host": "api.example.com", "version": "2"}
    assert server_url(template, {k: v for k, v in defaults.items() if "{" + k + "}" in template}, values) == expected
