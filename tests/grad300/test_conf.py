"""grad300_client.conf (astropy ConfigNamespace) and lazy astropy import."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import grad300_client
import httpx
import pytest
from grad300_client import AsyncGrad300Client, Grad300, Grad300Client

from .conftest import TOKEN, FakeBackend

MakeClient = Callable[..., Grad300Client]


def _recording() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    return seen, httpx.MockTransport(handler)


def _run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=True,
    )
    return result.stdout.strip()


def test_importing_package_does_not_import_astropy() -> None:
    assert _run("import sys, grad300_client; print('astropy' in sys.modules)") == "False"


def test_conf_attribute_imports_astropy_lazily() -> None:
    code = (
        "import sys, grad300_client; before = 'astropy' in sys.modules; "
        "conf = grad300_client.conf; print(before, 'astropy' in sys.modules, type(conf).__name__)"
    )
    assert _run(code) == "False True Conf"


def test_conf_defaults() -> None:
    from astropy.config import ConfigNamespace
    from grad300_client import Conf, conf

    assert isinstance(conf, Conf)
    assert isinstance(conf, ConfigNamespace)
    assert conf.base_url == "https://grad300.lam.fr"
    assert conf.api_prefix == "/api/v1"
    assert conf.timeout == 30.0
    assert conf.default_page_size == 100
    assert grad300_client.conf is conf


def test_default_client_uses_conf_defaults() -> None:
    with Grad300() as client:
        assert client.base_api_url == "https://grad300.lam.fr/api/v1"


def test_set_temp_base_url_used_inside() -> None:
    from grad300_client import conf

    seen, transport = _recording()
    with conf.set_temp("base_url", "http://conf-host:8123/"):
        client = Grad300Client(token=TOKEN, transport=transport)
    with client:
        assert client.base_api_url == "http://conf-host:8123/api/v1"
        client.list("TPI", limit=1)
    assert str(seen[0].url) == "http://conf-host:8123/api/v1/scans/TPI/?offset=0&limit=1"
    # outside the block the default is back
    with Grad300Client() as later:
        assert later.base_api_url == "https://grad300.lam.fr/api/v1"


def test_constructor_arguments_override_conf() -> None:
    from grad300_client import conf

    seen, transport = _recording()
    with (
        conf.set_temp("base_url", "http://conf-host"),
        conf.set_temp("api_prefix", "/conf/prefix"),
        conf.set_temp("timeout", 7.0),
    ):
        with Grad300Client(transport=transport) as from_conf:
            assert from_conf.base_api_url == "http://conf-host/conf/prefix"
            from_conf.list("TPI", limit=1)
        with Grad300Client("http://arg-host", api_prefix="/arg", timeout=2.5, transport=transport) as from_args:
            assert from_args.base_api_url == "http://arg-host/arg"
            from_args.list("TPI", limit=1)
    assert seen[0].extensions["timeout"]["read"] == 7.0
    assert seen[1].extensions["timeout"]["read"] == 2.5
    assert str(seen[1].url).startswith("http://arg-host/arg/scans/TPI/")


def test_default_page_size_is_read_at_construction(make_client: MakeClient) -> None:
    from grad300_client import conf

    backend = FakeBackend()
    with conf.set_temp("default_page_size", 7):
        client = make_client(backend, token=TOKEN)
    client.list("TPI")
    client.query(scan_type="TPI")
    client.list("TPI", limit=3)
    assert [r.url.params["limit"] for r in backend.requests] == ["7", "7", "3"]
    with conf.set_temp("default_page_size", 9):
        client.list("TPI")  # changing conf later does not affect this client
    assert backend.requests[-1].url.params["limit"] == "7"
    make_client(backend, token=TOKEN).list("TPI")
    assert backend.requests[-1].url.params["limit"] == "100"


@pytest.mark.asyncio
async def test_async_client_uses_conf() -> None:
    from grad300_client import conf

    with conf.set_temp("base_url", "http://async-conf"), conf.set_temp("default_page_size", 4):
        client = AsyncGrad300Client(token=TOKEN, transport=FakeBackend().transport)
    async with client:
        assert client.base_api_url == "http://async-conf/api/v1"
    with conf.set_temp("base_url", "http://async-conf"):
        async with AsyncGrad300Client("http://arg") as other:
            assert other.base_api_url == "http://arg/api/v1"


def test_config_file_section_conf(tmp_path: Path) -> None:
    config_dir = tmp_path / "xdg"
    (config_dir / "astropy").mkdir(parents=True)
    (config_dir / "astropy" / "grad300_client.cfg").write_text(
        "[conf]\nbase_url = http://from-file:9000\ndefault_page_size = 12\n"
    )
    code = "from grad300_client import Grad300; c = Grad300(); print(c.base_api_url, c._default_page_size)"
    assert _run(code, XDG_CONFIG_HOME=str(config_dir)) == "http://from-file:9000/api/v1 12"
