"""cloudcix.conf.settings: a settings module and/or CLOUDCIX_* variables, loaded lazily; import order.

What a fresh interpreter does is checked in subprocesses, each with its own environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cloudcix.conf import CLOUDCIX_ENVIRONMENT, DJANGO_ENVIRONMENT, LazySettings, Settings, settings
from cloudcix.exceptions import CloudCIXError, ImproperlyConfiguredException

NOT_CONFIGURED = (
    "No module file specified. Ensure that either CLOUDCIX_SETTINGS_MODULE or DJANGO_SETTINGS_MODULE "
    "are specified in the environment."
)
SETTINGS_MODULE = """
CLOUDCIX_API_URL = "https://legacyapi.example.org/"
CLOUDCIX_API_V2_URL = "https://api.example.org/"
CLOUDCIX_API_VERSION = 2
CLOUDCIX_API_PASSWORD = "pw-from-module"
cloudcix_lower = "ignored"
OTHER_SETTING = "ignored"
"""


def run(code: str, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter with only ``env`` of ours; it prints one JSON value."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDCIX_") and k != DJANGO_ENVIRONMENT}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**base, **env, "PYTHONPATH": str(cwd)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    (tmp_path / "my_settings.py").write_text(SETTINGS_MODULE, encoding="utf-8")
    return tmp_path


URLS = """
import json
from cloudcix.api import Asset, Membership
from cloudcix.conf import settings
print(json.dumps({
    "membership": Membership.address.base_url,
    "asset": Asset.asset.base_url,
    "version": settings.CLOUDCIX_API_VERSION,
    "password": settings.CLOUDCIX_API_PASSWORD,
    "lower": hasattr(settings, "cloudcix_lower"),
    "other": hasattr(settings, "OTHER_SETTING"),
}))
"""


@pytest.mark.parametrize("variable", [CLOUDCIX_ENVIRONMENT, DJANGO_ENVIRONMENT])
def test_from_a_settings_module(module_dir: Path, variable: str) -> None:
    result = run(URLS, {variable: "my_settings"}, module_dir)
    assert result == {
        "membership": "https://membership.api.example.org/address/",
        "asset": "https://legacyapi.example.org/Asset/v1/Asset/",
        "version": 2,
        "password": "pw-from-module",
        "lower": False,
        "other": False,
    }


def test_cloudcix_settings_module_wins_over_django(module_dir: Path) -> None:
    (module_dir / "django_settings.py").write_text(
        'CLOUDCIX_API_URL = "https://django.example.org/"\n', encoding="utf-8"
    )
    env = {CLOUDCIX_ENVIRONMENT: "my_settings", DJANGO_ENVIRONMENT: "django_settings"}
    assert run(URLS, env, module_dir)["asset"] == "https://legacyapi.example.org/Asset/v1/Asset/"


def test_the_environment_overrides_the_module(module_dir: Path) -> None:
    env = {CLOUDCIX_ENVIRONMENT: "my_settings", "CLOUDCIX_API_VERSION": "1", "CLOUDCIX_API_PASSWORD": "0042"}
    result = run(URLS, env, module_dir)
    assert result["membership"] == "https://membership.api.example.org/v1/address/"
    assert (result["version"], result["password"]) == (1, "0042")  # the version an int, a password a string


def test_from_the_environment_alone(module_dir: Path) -> None:
    env = {"CLOUDCIX_API_URL": "https://legacyapi.example.net/", "CLOUDCIX_API_PASSWORD": "pw"}
    result = run(URLS, env, module_dir)
    assert result["membership"] == "https://membership.legacyapi.example.net/v1/address/"  # the defaults
    assert result["asset"] == "https://legacyapi.example.net/Asset/v1/Asset/"
    assert result["version"] == 1


def test_import_cloudcix_client_first_with_nothing_configured(tmp_path: Path) -> None:
    """5.0.11 failed here twice: a circular import, then settings needed at import."""
    code = """
    import json
    import cloudcix.client
    from cloudcix.client import Client
    from cloudcix.api import Membership
    from cloudcix.auth import get_token
    from cloudcix.exceptions import ImproperlyConfiguredException
    client = Client("membership", "address")
    reprs = [repr(client), repr(Membership.address)]
    try:
        Membership.address.list()
    except ImproperlyConfiguredException as exc:
        error = str(exc)
    print(json.dumps({"reprs": reprs, "error": error}))
    """
    result = run(code, {}, tmp_path)
    assert result["error"] == NOT_CONFIGURED
    assert result["reprs"] == ["<Client [membership: address/ (settings not configured)]>"] * 2


@pytest.mark.parametrize(
    "first", ["cloudcix.client", "cloudcix.auth", "cloudcix.api", "cloudcix.conf", "cloudcix.async_client", "cloudcix"]
)
def test_any_import_order(tmp_path: Path, first: str) -> None:
    code = f"""
    import json, importlib
    importlib.import_module({first!r})
    import cloudcix.api, cloudcix.auth, cloudcix.client, cloudcix.conf, cloudcix.exceptions, cloudcix.utils
    print(json.dumps({{"loaded": cloudcix.conf.settings._wrapped is not None}}))
    """
    assert run(code, {"CLOUDCIX_API_URL": "https://x.example/"}, tmp_path) == {"loaded": False}  # still lazy


def test_an_unimportable_module(tmp_path: Path) -> None:
    code = """
    import json
    from cloudcix.api import Membership
    try:
        Membership.address.list()
    except ModuleNotFoundError as exc:
        print(json.dumps({"error": exc.name}))
    """
    assert run(code, {CLOUDCIX_ENVIRONMENT: "no_such_settings"}, tmp_path) == {"error": "no_such_settings"}


# -- in this process: Settings and LazySettings directly ------------------------------------


def test_nothing_configured() -> None:
    with pytest.raises(ImproperlyConfiguredException) as caught:
        Settings(None, {})
    assert str(caught.value) == NOT_CONFIGURED
    assert isinstance(caught.value, CloudCIXError)


@pytest.mark.parametrize("name", ["CLOUDCIX_API_URL", "CLOUDCIX_AUTH_URL"])
def test_urls_must_end_with_a_slash(name: str) -> None:
    with pytest.raises(ImproperlyConfiguredException) as caught:
        Settings(None, {name: "https://api.example.org"})
    assert str(caught.value) == f"{name} must end with a slash"
    configured = Settings(None, {"CLOUDCIX_API_URL": "https://api.example.org/"})
    with pytest.raises(ImproperlyConfiguredException, match="must end with a slash"):
        configured.CLOUDCIX_API_URL = "https://other.example.org"


def test_a_version_that_is_not_a_number() -> None:
    with pytest.raises(ImproperlyConfiguredException, match="CLOUDCIX_API_VERSION must be an integer"):
        Settings(None, {"CLOUDCIX_API_VERSION": "two"})


def test_the_lazy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDCIX_API_PASSWORD", "pw-lazy-1")
    lazy = LazySettings()
    assert repr(lazy) == "<LazySettings [not loaded]>"
    assert lazy.CLOUDCIX_API_VERSION == 2  # from the test environment
    assert "pw-lazy-1" not in repr(lazy) and repr(lazy) == "<LazySettings <Settings [environment]>>"
    lazy.CLOUDCIX_API_KEY = "k"
    assert lazy.CLOUDCIX_API_KEY == "k"
    del lazy.CLOUDCIX_API_KEY
    assert not hasattr(lazy, "CLOUDCIX_API_KEY")
    with pytest.raises(AttributeError):
        lazy.__deepcopy__  # noqa: B018 - probes never load anything
    monkeypatch.setenv("CLOUDCIX_API_VERSION", "3")
    lazy._setup()
    assert lazy.CLOUDCIX_API_VERSION == 3
    assert settings.CLOUDCIX_API_V2_URL == "https://api.cloudcix.com/"
