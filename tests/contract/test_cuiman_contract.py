"""cuiman against Prism serving specs/ogcapi-processes.yaml: every method, requests valid, answers parsed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from cuiman import (
    AsyncClient,
    Capabilities,
    Client,
    ConformanceDeclaration,
    JobInfo,
    JobList,
    JobResults,
    JobStatus,
    ProcessDescription,
    ProcessList,
    ProcessRequest,
)

from .conftest import PrismServer


@pytest.fixture(scope="module")
def server(prism: Callable[[str], PrismServer]) -> PrismServer:
    return prism("ogcapi-processes.yaml")


@pytest.fixture
def client(server: PrismServer) -> Iterator[Client]:
    with Client(server_url=server.url, access_token="contract-token") as c:
        yield c


def test_every_method_returns_its_model(client: Client) -> None:
    assert isinstance(client.get_capabilities(), Capabilities)
    assert isinstance(client.get_conformance(), ConformanceDeclaration)
    assert isinstance(client.get_processes(limit=10), ProcessList)
    assert isinstance(client.get_process("sleep_a_while"), ProcessDescription)
    assert isinstance(client.execute_process("sleep_a_while", ProcessRequest(inputs={"duration": 1})), JobInfo)
    assert isinstance(client.execute_process("sleep_a_while", {"inputs": {"duration": 1}}), JobInfo)
    assert isinstance(client.get_jobs(limit=5, status=[JobStatus.running, "successful"], process_id=["a", "b"]), JobList)
    assert isinstance(client.get_job("job_1"), JobInfo)
    assert isinstance(client.dismiss_job("job_1"), JobInfo)
    assert isinstance(client.get_job_results("job_1"), JobResults)


def test_iterators_stop_on_the_mock_links(client: Client) -> None:
    # Prism's generated links may or may not say rel=next; either way the iterators end
    assert len(list(client.iter_processes(limit=3, max_items=50))) <= 50
    assert len(list(client.iter_jobs(limit=3, max_items=50))) <= 50


def test_an_invalid_request_is_refused_by_the_contract(client: Client, server: PrismServer) -> None:
    # the spec says limit >= 1: the client refuses before sending, and so does the contract
    with pytest.raises(ValueError, match="limit"):
        client.get_jobs(limit=0)
    assert httpx.get(f"{server.url}/jobs", params={"limit": 0}).status_code == 422


@pytest.mark.asyncio
async def test_async_client_against_the_contract(server: PrismServer) -> None:
    async with AsyncClient(server_url=server.url) as client:
        assert isinstance(await client.get_capabilities(), Capabilities)
        assert isinstance(await client.execute_process("p", {"inputs": {}}), JobInfo)
        assert isinstance(await client.get_job_results("j"), JobResults)
        assert isinstance(await client.get_jobs(), JobList)
