"""The login flows (device authorization, OpenID Connect) load only when they are used."""

from __future__ import annotations

import json
import subprocess
import sys

import specwright_runtime

LOGIN_ONLY = ("authlib", "webbrowser", "http.server", "specwright_runtime.device", "specwright_runtime.oidc_auth")


def _loaded_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return [name for name in LOGIN_ONLY if name in loaded]


def test_runtime_and_a_plain_client_load_no_login_flow() -> None:
    code = (
        "import specwright_runtime, grad300_client, spacestudio\n"
        "grad300_client.Grad300Client('https://api.example.test', token='t')\n"
        "spacestudio.Client('https://api.example.test', 'm@example.test', 'pw', 'c', user_id='u')"
    )
    assert _loaded_after(code) == []


def test_an_openid_connect_scheme_loads_the_flow_when_it_makes_its_auth() -> None:
    code = (
        "import specwright_runtime as sr\n"
        "sr.OpenIDConnectScheme('https://id.example.test/.well-known/openid-configuration')"
        ".build('https://api.example.test', {'client_id': 'c'})"
    )
    assert "specwright_runtime.oidc_auth" in _loaded_after(code)


def test_lazy_names_resolve_and_are_listed() -> None:
    from specwright_runtime.device import DeviceAuthorization, show_device_code
    from specwright_runtime.oidc_auth import OpenIDConnectAuth

    assert specwright_runtime.OpenIDConnectAuth is OpenIDConnectAuth
    assert specwright_runtime.DeviceAuthorization is DeviceAuthorization
    assert specwright_runtime.show_device_code is show_device_code
    assert set(specwright_runtime.__all__) <= set(dir(specwright_runtime))
    assert all(getattr(specwright_runtime, name) is not None for name in specwright_runtime.__all__)
