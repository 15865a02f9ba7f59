"""Module-level functions over a default client (``module_functions = true`` in apis.toml).

A trimmed GRAD300 spec (``specs/module_functions.yaml``: password login, offset paging, a
download) is generated as ``g3fn`` with module functions on, then driven against the real local
GRAD300 server the way a procedural script would: ``connect(...)``, then plain function calls.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType

import pytest
from servers.grad300_server import Grad300Server, make_scan

SPEC = Path(__file__).resolve().parent / "specs" / "module_functions.yaml"
EMAIL, PASSWORD = "me@example.com", "secret"


@pytest.fixture(scope="module")
def g3fn(
    tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]
) -> Iterator[ModuleType]:
    with import_generated(SPEC, "g3fn", tmp_path_factory.mktemp("fn"), module_functions=True) as module:
        yield module
        module.disconnect()


@pytest.fixture(scope="module")
def server() -> Iterator[Grad300Server]:
    scans = {"TPI": [make_scan(i, "TPI") for i in range(1, 6)]}
    with Grad300Server(scans=scans, users={EMAIL: PASSWORD}) as srv:
        yield srv


def test_functions_before_connect_raise_a_clear_error(g3fn: ModuleType) -> None:
    g3fn.disconnect()
    with pytest.raises(g3fn.NotConnectedError, match="connect"):
        g3fn.test_token()


def test_a_script_logs_in_pages_and_downloads(g3fn: ModuleType, server: Grad300Server, tmp_path: Path) -> None:
    client = g3fn.connect(server.api_url, username=EMAIL, password=PASSWORD)
    assert g3fn.default_client() is client
    assert [s.id for s in g3fn.iter_list_scans("TPI", limit=2)] == [1, 2, 3, 4, 5]
    path = g3fn.download_scan_to_file("TPI", 3, directory=tmp_path)
    assert path.parent == tmp_path and path.stat().st_size > 0
    assert g3fn.test_token().email == EMAIL


def test_connect_with_bad_credentials_raises_and_keeps_the_previous_client(g3fn: ModuleType, server: Grad300Server) -> None:
    first = g3fn.connect(server.api_url, username=EMAIL, password=PASSWORD)
    with pytest.raises(g3fn.G3fnAuthenticationError):
        g3fn.connect(server.api_url, username=EMAIL, password="wrong")
    assert g3fn.default_client() is first
    with pytest.raises(TypeError, match="both"):
        g3fn.connect(server.api_url, username=EMAIL)


def test_reconnect_closes_the_previous_client(g3fn: ModuleType, server: Grad300Server) -> None:
    first = g3fn.connect(server.api_url)
    second = g3fn.connect(server.api_url)
    assert g3fn.default_client() is second
    assert first._http.is_closed and not second._http.is_closed
    g3fn.disconnect()
    assert second._http.is_closed
    with pytest.raises(g3fn.NotConnectedError):
        g3fn.default_client()


def test_functions_mirror_the_methods(g3fn: ModuleType) -> None:
    functions = g3fn.default_client.__module__
    module = sys.modules[functions]
    for name in ("list_scans", "iter_list_scans", "download_scan", "download_scan_to_file", "test_token"):
        method = inspect.signature(getattr(g3fn.G3fnApi, name))
        function = inspect.signature(getattr(module, name))
        assert list(function.parameters) == list(method.parameters)[1:], name
        assert name in g3fn.__all__
