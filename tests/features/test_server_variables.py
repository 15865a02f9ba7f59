"""Server URL variables (``specs/server_variables.yaml``) become a ``server_variables`` argument of the generated client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import ModuleType

import httpx
import pytest

SPEC = Path(__file__).resolve().parent / "specs" / "server_variables.yaml"


@pytest.fixture(scope="module")
def regions(
    tmp_path_factory: pytest.TempPathFactory, import_generated: Callable[..., AbstractContextManager[ModuleType]]
) -> Iterator[ModuleType]:
    with import_generated(SPEC, "regions", tmp_path_factory.mktemp("regions")) as module:
        yield module


def _ping(client: object) -> str:
    return client.ping()  # type: ignore[attr-defined, no-any-return]


def test_defaults_make_the_base_url(regions: ModuleType) -> None:
    assert regions.RegionsApi().base_url == "https://membership.api.example.com/v2"
    assert regions.api.DEFAULT_BASE_URL == "https://membership.api.example.com/v2"


def test_variables_choose_the_server(regions: ModuleType) -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json="pong")

    client = regions.RegionsApi(server_variables={"application": "asset", "version": "1"}, transport=httpx.MockTransport(handle))
    assert _ping(client) == "pong"
    assert seen == ["https://asset.api.example.com/v1/ping"]


def test_bad_variables_fail_at_construction(regions: ModuleType) -> None:
    with pytest.raises(ValueError, match="not one of"):
        regions.RegionsApi(server_variables={"version": "3"})
    with pytest.raises(ValueError, match="unknown server variable"):
        regions.async_api.AsyncRegionsApi(server_variables={"region": "eu"})
    with pytest.raises(TypeError, match="not both"):
        regions.RegionsApi("https://other.test", server_variables={"version": "1"})


def test_docstring_documents_the_argument(regions: ModuleType) -> None:
    doc = regions.RegionsApi.__doc__ or ""
    assert "server_variables" in doc and "``version``, default ``2``" in doc
