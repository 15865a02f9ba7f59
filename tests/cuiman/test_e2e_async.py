"""End-to-end tests of ``cuiman.AsyncClient`` against a real wraptile server.

The same ground as ``test_e2e_sync.py``, awaited, with the conftest's ``async_client``.

As in the sync module: exact job ids are never assumed (wraptile reuses them after a
finished job is dismissed), every ``sleep_a_while`` job is waited for or dismissed while
running, and only the life-cycle test dismisses a finished job (the newest one).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from cuiman import (
    AsyncClient,
    Capabilities,
    ClientAuthError,
    ClientConfig,
    ClientConnectionError,
    ClientError,
    ClientStatusError,
    ConformanceDeclaration,
    JobInfo,
    JobList,
    JobResults,
    JobStatus,
    JobTimeoutError,
    ProcessDescription,
    ProcessList,
    ProcessRequest,
    ProcessSummary,
)
from cuiman.models import DataType, InlineOrRefValue
from servers.wraptile_server import WraptileServer, closed_port_url
from specwright_runtime import RetryPolicy

pytestmark = pytest.mark.asyncio

OGC_EXCEPTIONS = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/"
NO_SUCH_PROCESS = OGC_EXCEPTIONS + "no-such-process"
NO_SUCH_JOB = OGC_EXCEPTIONS + "no-such-job"
RESULT_NOT_READY = OGC_EXCEPTIONS + "result-not-ready"
EOZILLA_PROBLEMS = "https://eo-tools.github.io/eozilla/problems#"
CONFORMANCE = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
SERVER_TITLE = "Eozilla API Server (local dummy for testing)"
ACTIVE = {JobStatus.accepted, JobStatus.running}


# --------------------------------------------------------------------------- helpers


class RecordingTransport(httpx.AsyncHTTPTransport):
    """A real network transport that also keeps every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await super().handle_async_request(request)


async def wait_until_running(client: AsyncClient, job_id: str, timeout: float = 5.0) -> JobInfo:
    """Poll until the job has left ``accepted``."""
    deadline = time.monotonic() + timeout
    while True:
        job = await client.get_job(job_id)
        if job.status is not JobStatus.accepted:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still accepted after {timeout} s"
        await asyncio.sleep(0.02)


async def run_add(client: AsyncClient, a: float, b: float) -> JobInfo:
    job = await client.execute_process("add", ProcessRequest(inputs={"a": a, "b": b}))
    return await client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)


# --------------------------------------------------------------------------- fixtures


@pytest_asyncio.fixture
async def sleeping_job(async_client: AsyncClient) -> AsyncIterator[JobInfo]:
    """A running 3 s ``sleep_a_while`` job; dismissed afterwards if it still runs."""
    job = await async_client.execute_process("sleep_a_while", {"inputs": {"duration": 3}})
    running = await wait_until_running(async_client, job.jobID)
    assert running.status is JobStatus.running, running
    yield running
    if (await async_client.get_job(job.jobID)).status in ACTIVE:
        await async_client.dismiss_job(job.jobID)


# --------------------------------------------------------------------------- discovery


async def test_get_capabilities(async_client: AsyncClient, wraptile: WraptileServer) -> None:
    caps = await async_client.get_capabilities()
    assert isinstance(caps, Capabilities)
    assert caps.title == SERVER_TITLE
    assert [link.href for link in caps.links if link.rel == "self"] == [wraptile.base_url + "/"]
    hrefs = {link.href for link in caps.links}
    assert {wraptile.base_url + p for p in ("/conformance", "/processes", "/jobs")} <= hrefs


async def test_get_conformance(async_client: AsyncClient) -> None:
    conformance = await async_client.get_conformance()
    assert isinstance(conformance, ConformanceDeclaration)
    assert CONFORMANCE + "core" in conformance.conformsTo


async def test_get_processes(async_client: AsyncClient) -> None:
    processes = await async_client.get_processes()
    assert isinstance(processes, ProcessList)
    assert {"add", "sleep_a_while", "primes_between"} <= {p.id for p in processes.processes}


async def test_get_process(async_client: AsyncClient) -> None:
    process = await async_client.get_process("primes_between")
    assert isinstance(process, ProcessDescription)
    assert process.inputs is not None and process.outputs is not None
    assert set(process.inputs) == {"min_val", "max_val"}
    assert process.inputs["min_val"].schema_.type is DataType.integer
    assert process.inputs["max_val"].schema_.type is DataType.integer
    assert process.inputs["max_val"].schema_.maximum == 100
    assert set(process.outputs) == {"return_value"}
    assert process.outputs["return_value"].schema_.type is DataType.array


async def test_iter_processes(async_client: AsyncClient) -> None:
    listed = [p.id for p in (await async_client.get_processes()).processes]
    iterated: list[ProcessSummary] = [p async for p in async_client.iter_processes()]
    assert [p.id for p in iterated] == listed
    assert all(isinstance(p, ProcessSummary) for p in iterated)
    assert [p.id async for p in async_client.iter_processes(max_items=2)] == listed[:2]


# --------------------------------------------------------------------------- jobs


async def test_execute_process_with_model(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("add", ProcessRequest(inputs={"a": 2, "b": 40}))
    assert isinstance(job, JobInfo)
    assert job.processID == "add"
    assert job.status in ACTIVE | {JobStatus.successful}
    final = await async_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    assert final.status is JobStatus.successful
    results = await async_client.get_job_results(job.jobID)
    assert isinstance(results, JobResults)
    assert isinstance(results.root["return_value"], InlineOrRefValue)
    assert results.root["return_value"].root == 42.0


async def test_execute_process_with_dict(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("primes_between", {"inputs": {"min_val": 2, "max_val": 20}})
    final = await async_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    assert final.status is JobStatus.successful
    results = await async_client.get_job_results(job.jobID)
    assert results.root["return_value"].root == [2, 3, 5, 7, 11, 13, 17, 19]


async def test_get_job(async_client: AsyncClient) -> None:
    finished = await run_add(async_client, 1, 2)
    job = await async_client.get_job(finished.jobID)
    assert job.jobID == finished.jobID
    assert job.status is JobStatus.successful
    assert job.progress == 100 and job.message == "added"
    assert job.finished is not None and job.finished.tzinfo is not None


async def test_wait_for_job(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("sleep_a_while", {"inputs": {"duration": 0.5}})
    seen: list[JobInfo] = []
    final = await async_client.wait_for_job(job.jobID, poll_interval=0.1, timeout=30, on_update=seen.append)
    assert isinstance(final, JobInfo)
    assert final.status is JobStatus.successful
    assert seen[-1] == final and len(seen) >= 2
    assert all(info.status in ACTIVE for info in seen[:-1])


async def test_wait_for_job_does_not_block_the_loop(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("sleep_a_while", {"inputs": {"duration": 0.5}})
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    task = asyncio.create_task(ticker())
    try:
        final = await async_client.wait_for_job(job.jobID, poll_interval=0.2, timeout=30)
    finally:
        task.cancel()
    assert final.status is JobStatus.successful
    assert ticks >= 10


async def test_wait_for_job_timeout(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("sleep_a_while", {"inputs": {"duration": 3}})
    try:
        started = time.monotonic()
        with pytest.raises(JobTimeoutError) as caught:
            await async_client.wait_for_job(job.jobID, timeout=0.2, poll_interval=0.05)
        assert time.monotonic() - started < 2
        assert isinstance(caught.value, ClientError)
        assert caught.value.job_id == job.jobID
        assert caught.value.last_status in {"accepted", "running"}
        assert caught.value.api_error.type == "urn:cuiman:client-error:job-timeout"
        assert "did not end within 0.2 s" in str(caught.value)
    finally:
        dismissed = await async_client.dismiss_job(job.jobID)
    assert dismissed.status is JobStatus.dismissed


async def test_get_jobs_and_iter_jobs(async_client: AsyncClient, wraptile: WraptileServer) -> None:
    finished = await run_add(async_client, 3, 4)
    jobs = await async_client.get_jobs()
    assert isinstance(jobs, JobList)
    listed = [job.jobID for job in jobs.jobs]
    assert finished.jobID in listed
    assert [link.href for link in jobs.links if link.rel == "self"] == [wraptile.base_url + "/jobs"]
    iterated: list[JobInfo] = [job async for job in async_client.iter_jobs()]
    assert [job.jobID for job in iterated] == listed
    assert [job.jobID async for job in async_client.iter_jobs(max_items=1)] == listed[:1]


async def test_dismiss_running_job(async_client: AsyncClient, sleeping_job: JobInfo) -> None:
    dismissed = await async_client.dismiss_job(sleeping_job.jobID)
    assert isinstance(dismissed, JobInfo)
    assert dismissed.jobID == sleeping_job.jobID
    assert dismissed.status is JobStatus.dismissed
    assert (await async_client.get_job(sleeping_job.jobID)).status is JobStatus.dismissed


async def test_job_life_cycle(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("sleep_a_while", ProcessRequest(inputs={"duration": 1}))
    assert job.status in ACTIVE
    assert (await async_client.get_job(job.jobID)).status in ACTIVE
    seen: list[JobStatus] = []
    final = await async_client.wait_for_job(
        job.jobID, poll_interval=0.1, timeout=30, on_update=lambda j: seen.append(j.status)
    )
    assert final.status is JobStatus.successful
    assert JobStatus.running in seen
    results = await async_client.get_job_results(job.jobID)
    assert results.root["return_value"].root >= 0.9
    # the newest job, finished: dismissing removes it at once
    dismissed = await async_client.dismiss_job(job.jobID)
    assert dismissed.status is JobStatus.dismissed
    with pytest.raises(ClientStatusError) as caught:
        await async_client.get_job(job.jobID)
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == NO_SUCH_JOB
    assert job.jobID not in {j.jobID for j in (await async_client.get_jobs()).jobs}


async def test_concurrent_calls(async_client: AsyncClient) -> None:
    caps, conformance, processes = await asyncio.gather(
        async_client.get_capabilities(), async_client.get_conformance(), async_client.get_processes()
    )
    assert caps.title == SERVER_TITLE
    assert CONFORMANCE + "core" in conformance.conformsTo
    assert "add" in {p.id for p in processes.processes}


# --------------------------------------------------------------------------- client options and life


async def test_kwargs_are_passed_to_httpx(wraptile: WraptileServer) -> None:
    recorder = RecordingTransport()
    async with AsyncClient(server_url=wraptile.base_url, transport=recorder) as client:
        processes = await client.get_processes(headers={"X-Trace": "1"}, timeout=5)
        assert "add" in {p.id for p in processes.processes}
        request = recorder.requests[-1]
        assert request.headers["X-Trace"] == "1"
        assert request.extensions["timeout"] == {"connect": 5, "read": 5, "write": 5, "pool": 5}
        job = await client.execute_process("add", {"inputs": {"a": 1, "b": 1}}, headers={"X-Trace": "2"})
        assert recorder.requests[-1].headers["X-Trace"] == "2"
        assert recorder.requests[-1].content == b'{"inputs":{"a":1,"b":1}}'
        await client.wait_for_job(job.jobID, poll_interval=0.05)
        await client.get_conformance()
        assert "X-Trace" not in recorder.requests[-1].headers


async def test_raw_request(async_client: AsyncClient) -> None:
    response = await async_client.request("GET", "/conformance")
    assert response.status_code == 200
    assert CONFORMANCE + "core" in response.json()["conformsTo"]


async def test_config_values(wraptile: WraptileServer) -> None:
    async with AsyncClient(server_url=wraptile.base_url, user_name="alice", access_token="s3cret") as client:
        assert isinstance(client.config, ClientConfig)
        assert client.config.server_url == wraptile.base_url
        assert client.config.user_name == "alice"
        assert client.config.access_token == "s3cret"
        assert "s3cret" not in repr(client.config)
        assert repr(client) == f"AsyncClient(base_url={wraptile.base_url!r})"
        assert (await client.get_capabilities()).title == SERVER_TITLE


async def test_close(wraptile: WraptileServer) -> None:
    client = AsyncClient(server_url=wraptile.base_url)
    assert (await client.get_capabilities()).title == SERVER_TITLE
    await client.close()
    with pytest.raises(RuntimeError):
        await client.get_capabilities()


async def test_context_manager_closes(wraptile: WraptileServer) -> None:
    async with AsyncClient(server_url=wraptile.base_url) as client:
        assert isinstance(client, AsyncClient)
        assert CONFORMANCE + "core" in (await client.get_conformance()).conformsTo
    with pytest.raises(RuntimeError):
        await client.get_conformance()


async def test_base_path(wraptile: WraptileServer) -> None:
    # the session server has no prefix: a client with one finds nothing there
    async with AsyncClient(server_url=wraptile.base_url + "/ogc") as client:
        with pytest.raises(ClientStatusError) as caught:
            await client.get_processes()
    assert caught.value.status_code == 404
    assert caught.value.url == wraptile.base_url + "/ogc/processes"


# --------------------------------------------------------------------------- errors


async def test_no_such_process(async_client: AsyncClient, wraptile: WraptileServer) -> None:
    with pytest.raises(ClientError) as caught:
        await async_client.get_process("nope")
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error) == f"Process 'nope' does not exist (HTTP 404, GET {wraptile.base_url}/processes/nope)"
    assert error.api_error.type == NO_SUCH_PROCESS
    assert error.api_error.status == 404
    assert error.status_code == 404


@pytest.mark.parametrize("method", ["get_job", "get_job_results", "dismiss_job"])
async def test_no_such_job(async_client: AsyncClient, method: str) -> None:
    with pytest.raises(ClientError) as caught:
        await getattr(async_client, method)("job_404")
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith("Job 'job_404' does not exist (HTTP 404, ")
    assert error.api_error.type == NO_SUCH_JOB
    assert error.api_error.status == 404
    assert error.status_code == 404


async def test_results_not_ready(async_client: AsyncClient, sleeping_job: JobInfo) -> None:
    with pytest.raises(ClientError) as caught:
        await async_client.get_job_results(sleeping_job.jobID)
    error = caught.value
    assert type(error) is ClientStatusError
    assert not isinstance(error, ClientAuthError)
    assert str(error).startswith(f"Job {sleeping_job.jobID!r} is still running (HTTP 403, GET ")
    assert error.api_error.type == RESULT_NOT_READY
    assert error.api_error.status == 403
    assert error.status_code == 403


async def test_failed_job(async_client: AsyncClient) -> None:
    job = await async_client.execute_process("primes_between", {"inputs": {"min_val": 50, "max_val": 10}})
    failed = await async_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    for _ in range(250):  # wraptile records the traceback just after the failed status
        if failed.x_traceback:
            break
        await asyncio.sleep(0.02)
        failed = await async_client.get_job(job.jobID)
    assert failed.status is JobStatus.failed
    assert failed.message == "max_val must be greater 1 and greater min_val"
    assert isinstance(failed.x_traceback, list) and "ValueError" in failed.x_traceback[-1]
    with pytest.raises(ClientStatusError) as caught:
        await async_client.get_job_results(job.jobID)
    assert caught.value.status_code == 403
    assert caught.value.api_error.type == EOZILLA_PROBLEMS + "forbidden"
    assert caught.value.api_error.detail == f"Job {job.jobID!r} has failed"


async def test_bad_inputs(async_client: AsyncClient) -> None:
    with pytest.raises(ClientStatusError) as caught:
        await async_client.execute_process("primes_between", {"inputs": {"min_val": -1}})
    assert caught.value.status_code == 400
    assert caught.value.api_error.type == EOZILLA_PROBLEMS + "bad-request"
    assert str(caught.value).startswith("Invalid parameterization for process 'primes_between': ")


async def test_fastapi_validation_error(async_client: AsyncClient) -> None:
    with pytest.raises(ClientError) as caught:
        await async_client.execute_process("primes_between", {"inputs": 5})
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith("body.inputs: Input should be a valid dictionary (HTTP 422, POST ")
    assert error.api_error.type == "about:blank"
    assert error.api_error.status == 422
    assert error.api_error.detail is not None and "inputs" in error.api_error.detail
    assert error.status_code == 422


async def test_connection_refused() -> None:
    url = closed_port_url()
    async with AsyncClient(server_url=url, retry=RetryPolicy.disabled()) as client:
        with pytest.raises(ClientError) as caught:
            await client.get_capabilities()
    error = caught.value
    assert type(error) is ClientConnectionError
    # httpx's async stack reports "All connection attempts failed", not the OS reason
    assert str(error).startswith(f"Network error while calling OGC Processes API (GET {url}/): ConnectError")
    assert isinstance(error, ConnectionError)
    assert error.api_error.type.startswith("urn:cuiman:client-error")
    assert error.api_error.status is None
    assert error.status_code is None


async def test_connection_refused_with_default_settings() -> None:
    async with AsyncClient(server_url=closed_port_url()) as client:
        with pytest.raises(ClientConnectionError) as caught:
            await client.execute_process("add", {"inputs": {}})
    assert caught.value.api_error.type == "urn:cuiman:client-error:connection"
