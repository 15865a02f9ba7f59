"""End-to-end tests of ``cuiman.Client`` against a real wraptile server.

The server (session fixture ``wraptile``) serves wraptile's bundled demo processes plus
our ``add(a, b)``. Jobs run in a thread pool of 3 workers, so every ``sleep_a_while`` job
started here is either waited for or dismissed while still running.

wraptile names jobs ``job_{len(jobs)}`` and forgets a *finished* job when it is dismissed,
so a later job can reuse an id. The tests therefore never depend on exact ids, and only
the life-cycle test dismisses a finished job: the newest one, right after it ended (which
keeps the id sequence free of gaps), checking the 404 at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import cuiman
import httpx
import pytest
from cuiman import (
    ApiError,
    Capabilities,
    Client,
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
from specwright_runtime import RequestOptions, RetryPolicy

OGC_EXCEPTIONS = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/"
NO_SUCH_PROCESS = OGC_EXCEPTIONS + "no-such-process"
NO_SUCH_JOB = OGC_EXCEPTIONS + "no-such-job"
RESULT_NOT_READY = OGC_EXCEPTIONS + "result-not-ready"
EOZILLA_PROBLEMS = "https://eo-tools.github.io/eozilla/problems#"
CONFORMANCE = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
SERVER_TITLE = "Eozilla API Server (local dummy for testing)"
FINAL = {JobStatus.successful, JobStatus.failed, JobStatus.dismissed}
ACTIVE = {JobStatus.accepted, JobStatus.running}


# --------------------------------------------------------------------------- helpers


class RecordingTransport(httpx.HTTPTransport):
    """A real network transport that also keeps every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


def wait_until_running(client: Client, job_id: str, timeout: float = 5.0) -> JobInfo:
    """Poll until the job has left ``accepted`` (it is then running, or already final)."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_job(job_id)
        if job.status is not JobStatus.accepted:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still accepted after {timeout} s"
        time.sleep(0.02)


def dismiss_if_active(client: Client, job_id: str) -> None:
    """Dismiss a job that still runs (never a finished one: see the module docstring)."""
    if client.get_job(job_id).status in ACTIVE:
        client.dismiss_job(job_id)


def run_add(client: Client, a: float, b: float) -> JobInfo:
    """Execute ``add`` and wait for its end."""
    job = client.execute_process("add", ProcessRequest(inputs={"a": a, "b": b}))
    return client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)


def assert_aware(value: datetime | None) -> datetime:
    assert value is not None
    assert value.tzinfo is not None and value.utcoffset() is not None
    return value


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def sleeping_job(sync_client: Client) -> Iterator[JobInfo]:
    """A ``sleep_a_while`` job of 3 s that is running; dismissed afterwards if still running."""
    job = sync_client.execute_process("sleep_a_while", {"inputs": {"duration": 3}})
    running = wait_until_running(sync_client, job.jobID)
    assert running.status is JobStatus.running, running
    yield running
    dismiss_if_active(sync_client, job.jobID)


@pytest.fixture
def recorder() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def recorded_client(wraptile: WraptileServer, recorder: RecordingTransport) -> Iterator[Client]:
    """A client of the real server whose requests can be inspected."""
    with Client(server_url=wraptile.base_url, transport=recorder) as client:
        yield client


@pytest.fixture(scope="module")
def ogc_server() -> Iterator[WraptileServer]:
    """A second real server, with the API mounted under ``/ogc``."""
    with WraptileServer(base_path="/ogc") as server:
        yield server


# --------------------------------------------------------------------------- discovery


def test_get_capabilities(sync_client: Client, wraptile: WraptileServer) -> None:
    caps = sync_client.get_capabilities()
    assert isinstance(caps, Capabilities)
    assert caps.title == SERVER_TITLE
    assert caps.description == "Local test server implementing the OGC API - Processes 1.0 Standard"
    self_links = [link for link in caps.links if link.rel == "self"]
    assert len(self_links) == 1
    assert self_links[0].href == wraptile.base_url + "/"
    assert self_links[0].type == "application/json"
    hrefs = {link.href for link in caps.links}
    for path in ("/conformance", "/processes", "/jobs"):
        assert wraptile.base_url + path in hrefs


def test_get_conformance(sync_client: Client) -> None:
    conformance = sync_client.get_conformance()
    assert isinstance(conformance, ConformanceDeclaration)
    assert CONFORMANCE + "core" in conformance.conformsTo
    assert {CONFORMANCE + "job-list", CONFORMANCE + "dismiss"} <= set(conformance.conformsTo)


def test_get_processes(sync_client: Client, wraptile: WraptileServer) -> None:
    processes = sync_client.get_processes()
    assert isinstance(processes, ProcessList)
    assert all(isinstance(p, ProcessSummary) for p in processes.processes)
    ids = [p.id for p in processes.processes]
    assert {"add", "sleep_a_while", "primes_between"} <= set(ids)
    assert len(ids) == len(set(ids))
    add = next(p for p in processes.processes if p.id == "add")
    assert add.title == "Add two numbers"
    assert add.version == "0.0.0"
    assert [link.href for link in processes.links if link.rel == "self"] == [wraptile.base_url + "/processes"]


def test_get_process_primes_between(sync_client: Client) -> None:
    process = sync_client.get_process("primes_between")
    assert isinstance(process, ProcessDescription)
    assert process.id == "primes_between"
    assert process.title == "Prime Processor"
    assert process.inputs is not None and process.outputs is not None
    assert set(process.inputs) == {"min_val", "max_val"}
    min_val, max_val = process.inputs["min_val"], process.inputs["max_val"]
    assert min_val.schema_.type is DataType.integer
    assert max_val.schema_.type is DataType.integer
    assert min_val.schema_.default == 0 and min_val.schema_.minimum == 0
    assert max_val.schema_.default == 100 and max_val.schema_.maximum == 100
    assert min_val.minOccurs == 0 and min_val.title == "Min Val"
    assert set(process.outputs) == {"return_value"}
    output_schema = process.outputs["return_value"].schema_
    assert output_schema.type is DataType.array
    assert output_schema.items is not None and output_schema.items.type is DataType.integer


def test_get_process_add(sync_client: Client) -> None:
    process = sync_client.get_process("add")
    assert process.title == "Add two numbers"
    assert process.description == "Returns the sum `a + b` of two numbers."
    assert process.inputs is not None and process.outputs is not None
    assert {name: (i.schema_.type, i.schema_.default) for name, i in process.inputs.items()} == {
        "a": (DataType.number, 1.0),
        "b": (DataType.number, 2.0),
    }
    assert process.outputs["return_value"].schema_.type is DataType.number


def test_every_listed_process_has_a_valid_description(sync_client: Client) -> None:
    summaries = list(sync_client.iter_processes())
    assert len(summaries) >= 3
    for summary in summaries:
        description = sync_client.get_process(summary.id)
        assert description.id == summary.id
        assert description.version == summary.version
        assert description.outputs, summary.id


# --------------------------------------------------------------------------- jobs


def test_execute_process_with_model(sync_client: Client) -> None:
    job = sync_client.execute_process("add", ProcessRequest(inputs={"a": 2, "b": 40}))
    assert isinstance(job, JobInfo)
    assert job.processID == "add"
    assert job.jobID
    assert job.status in ACTIVE | {JobStatus.successful}
    assert_aware(job.created)
    final = sync_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    assert final.status is JobStatus.successful
    results = sync_client.get_job_results(job.jobID)
    assert results.root["return_value"].root == 42.0


def test_execute_process_with_dict(sync_client: Client) -> None:
    job = sync_client.execute_process("primes_between", {"inputs": {"min_val": 10, "max_val": 40}})
    assert isinstance(job, JobInfo)
    assert job.processID == "primes_between"
    final = sync_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    assert final.status is JobStatus.successful, final
    assert final.message == "Done"
    results = sync_client.get_job_results(job.jobID)
    assert results.root["return_value"].root == [11, 13, 17, 19, 23, 29, 31, 37]


def test_execute_process_with_defaults_only(sync_client: Client) -> None:
    # an empty request: the process runs with its defaults (primes up to 100)
    job = sync_client.execute_process("primes_between", ProcessRequest())
    final = sync_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    assert final.status is JobStatus.successful
    primes = sync_client.get_job_results(job.jobID).root["return_value"].root
    assert len(primes) == 25 and primes[0] == 2 and primes[-1] == 97


def test_get_job(sync_client: Client) -> None:
    finished = run_add(sync_client, 1.5, 2.25)
    job = sync_client.get_job(finished.jobID)
    assert isinstance(job, JobInfo)
    assert job.jobID == finished.jobID
    assert job.processID == "add"
    assert job.status is JobStatus.successful
    assert job.progress == 100
    assert job.message == "added"
    assert job.x_traceback is None
    created, started, finished_at = assert_aware(job.created), assert_aware(job.started), assert_aware(job.finished)
    assert created <= started <= finished_at


def test_wait_for_job_returns_final_job_info(sync_client: Client) -> None:
    job = sync_client.execute_process("sleep_a_while", {"inputs": {"duration": 0.5}})
    seen: list[JobInfo] = []
    started = time.monotonic()
    final = sync_client.wait_for_job(job.jobID, poll_interval=0.1, timeout=30, on_update=seen.append)
    assert time.monotonic() - started >= 0.4
    assert isinstance(final, JobInfo)
    assert final.jobID == job.jobID
    assert final.status is JobStatus.successful
    assert final.progress == 100
    assert seen[-1] == final
    assert len(seen) >= 2
    assert all(info.status in ACTIVE for info in seen[:-1])
    slept = sync_client.get_job_results(job.jobID).root["return_value"].root
    assert 0.4 <= slept < 10


def test_wait_for_job_of_finished_job_returns_at_once(sync_client: Client) -> None:
    finished = run_add(sync_client, 1, 1)
    started = time.monotonic()
    again = sync_client.wait_for_job(finished.jobID, poll_interval=5)
    assert time.monotonic() - started < 2
    assert again.status is JobStatus.successful
    assert again.jobID == finished.jobID


def test_wait_for_job_timeout(sync_client: Client) -> None:
    job = sync_client.execute_process("sleep_a_while", {"inputs": {"duration": 3}})
    try:
        started = time.monotonic()
        with pytest.raises(JobTimeoutError) as caught:
            sync_client.wait_for_job(job.jobID, timeout=0.2, poll_interval=0.05)
        assert time.monotonic() - started < 2
        error = caught.value
        assert isinstance(error, ClientError) and isinstance(error, TimeoutError)
        assert error.job_id == job.jobID
        assert error.last_status in {"accepted", "running"}
        assert str(error) == f"Job {job.jobID!r} did not end within 0.2 s (last status: {error.last_status})"
        assert error.api_error.type == "urn:cuiman:client-error:job-timeout"
        assert error.status_code is None
    finally:
        dismissed = sync_client.dismiss_job(job.jobID)
    assert dismissed.status is JobStatus.dismissed


def test_wait_for_job_rejects_bad_intervals(sync_client: Client) -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        sync_client.wait_for_job("job_0", poll_interval=-1)
    with pytest.raises(ValueError, match="backoff"):
        sync_client.wait_for_job("job_0", backoff=0.5)


def test_get_job_results(sync_client: Client) -> None:
    finished = run_add(sync_client, 2, 40)
    assert finished.status is JobStatus.successful
    results = sync_client.get_job_results(finished.jobID)
    assert isinstance(results, JobResults)
    assert isinstance(results.root, dict)
    assert set(results.root) == {"return_value"}
    value = results.root["return_value"]
    assert isinstance(value, InlineOrRefValue)
    assert value.root == 42.0
    assert results.model_dump() == {"return_value": 42.0}


def test_get_jobs(sync_client: Client, wraptile: WraptileServer) -> None:
    finished = run_add(sync_client, 3, 4)
    jobs = sync_client.get_jobs()
    assert isinstance(jobs, JobList)
    assert all(isinstance(job, JobInfo) for job in jobs.jobs)
    listed = [job for job in jobs.jobs if job.jobID == finished.jobID]
    assert len(listed) == 1
    assert listed[0].processID == "add" and listed[0].status is JobStatus.successful
    assert [link.href for link in jobs.links if link.rel == "self"] == [wraptile.base_url + "/jobs"]


def test_get_jobs_filters_are_sent_and_tolerated(recorded_client: Client, recorder: RecordingTransport) -> None:
    run_add(recorded_client, 1, 2)
    jobs = recorded_client.get_jobs(limit=1, process_id=["add"], status=[JobStatus.successful, JobStatus.failed])
    query = recorder.requests[-1].url.params
    assert query["limit"] == "1"
    assert query["processID"] == "add"
    assert query["status"] == "successful,failed"
    # wraptile ignores filters and paging: the whole list comes back
    assert len(jobs.jobs) >= 1


def test_iter_jobs(sync_client: Client) -> None:
    run_add(sync_client, 5, 6)
    listed = [job.jobID for job in sync_client.get_jobs().jobs]
    iterated = list(sync_client.iter_jobs())
    assert all(isinstance(job, JobInfo) for job in iterated)
    assert [job.jobID for job in iterated] == listed
    assert [job.jobID for job in sync_client.iter_jobs(max_items=1)] == listed[:1]
    # the server ignores ``limit`` and sends no next link: one page, everything
    assert [job.jobID for job in sync_client.iter_jobs(limit=1)] == listed


def test_iter_processes(sync_client: Client) -> None:
    listed = [p.id for p in sync_client.get_processes().processes]
    iterated = list(sync_client.iter_processes())
    assert all(isinstance(p, ProcessSummary) for p in iterated)
    assert [p.id for p in iterated] == listed
    assert [p.id for p in sync_client.iter_processes(max_items=2)] == listed[:2]


def test_dismiss_running_job(sync_client: Client, sleeping_job: JobInfo) -> None:
    dismissed = sync_client.dismiss_job(sleeping_job.jobID)
    assert isinstance(dismissed, JobInfo)
    assert dismissed.jobID == sleeping_job.jobID
    assert dismissed.processID == "sleep_a_while"
    assert dismissed.status is JobStatus.dismissed
    # a dismissed running job stays listed, as dismissed, and has no results
    again = sync_client.get_job(sleeping_job.jobID)
    assert again.status is JobStatus.dismissed
    assert sleeping_job.jobID in {job.jobID for job in sync_client.get_jobs().jobs}
    assert sync_client.wait_for_job(sleeping_job.jobID, poll_interval=5).status is JobStatus.dismissed
    with pytest.raises(ClientStatusError) as caught:
        sync_client.get_job_results(sleeping_job.jobID)
    assert caught.value.status_code == 403
    assert caught.value.api_error.detail == f"Job {sleeping_job.jobID!r} has been cancelled"


def test_job_life_cycle(sync_client: Client) -> None:
    job = sync_client.execute_process("sleep_a_while", ProcessRequest(inputs={"duration": 1}))
    assert job.status in ACTIVE
    assert job.processID == "sleep_a_while"
    assert sync_client.get_job(job.jobID).status in ACTIVE

    seen: list[JobStatus] = []
    final = sync_client.wait_for_job(job.jobID, poll_interval=0.1, timeout=30, on_update=lambda j: seen.append(j.status))
    assert final.status is JobStatus.successful
    assert JobStatus.running in seen
    assert seen[-1] is JobStatus.successful

    results = sync_client.get_job_results(job.jobID)
    assert results.root["return_value"].root >= 0.9

    # the job is the newest one and finished: dismissing it removes it at once
    dismissed = sync_client.dismiss_job(job.jobID)
    assert dismissed.jobID == job.jobID
    assert dismissed.status is JobStatus.dismissed
    with pytest.raises(ClientStatusError) as caught:
        sync_client.get_job(job.jobID)
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == NO_SUCH_JOB
    assert job.jobID not in {j.jobID for j in sync_client.get_jobs().jobs}


# --------------------------------------------------------------------------- transport options


def test_kwargs_are_passed_to_httpx(recorded_client: Client, recorder: RecordingTransport) -> None:
    processes = recorded_client.get_processes(headers={"X-Trace": "1"}, timeout=5)
    assert "add" in {p.id for p in processes.processes}
    request = recorder.requests[-1]
    assert request.url.path == "/processes"
    assert request.headers["X-Trace"] == "1"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("cuiman/")
    assert request.extensions["timeout"] == {"connect": 5, "read": 5, "write": 5, "pool": 5}

    job = recorded_client.execute_process("add", {"inputs": {"a": 1, "b": 1}}, headers={"X-Trace": "2"})
    post = recorder.requests[-1]
    assert post.method == "POST" and post.headers["X-Trace"] == "2"
    assert post.headers["Content-Type"] == "application/json"
    assert post.content == b'{"inputs":{"a":1,"b":1}}'
    final = recorded_client.wait_for_job(job.jobID, poll_interval=0.05, headers={"X-Trace": "3"})
    assert final.status is JobStatus.successful
    assert recorder.requests[-1].headers["X-Trace"] == "3"
    recorded_client.get_conformance()
    assert "X-Trace" not in recorder.requests[-1].headers


def test_request_options_and_client_headers(wraptile: WraptileServer, recorder: RecordingTransport) -> None:
    with Client(server_url=wraptile.base_url, headers={"X-Client": "c"}, timeout=7, transport=recorder) as client:
        client.get_conformance()
        assert recorder.requests[-1].headers["X-Client"] == "c"
        assert recorder.requests[-1].extensions["timeout"]["read"] == 7
        client.get_conformance(request_options=RequestOptions(timeout=3, headers={"X-Opt": "o"}))
        assert recorder.requests[-1].headers["X-Opt"] == "o"
        assert recorder.requests[-1].extensions["timeout"]["read"] == 3


def test_model_request_body_on_the_wire(recorded_client: Client, recorder: RecordingTransport) -> None:
    job = recorded_client.execute_process("add", ProcessRequest(inputs={"a": 0.5, "b": 0.25}))
    assert recorder.requests[-1].content == b'{"inputs":{"a":0.5,"b":0.25}}'
    recorded_client.wait_for_job(job.jobID, poll_interval=0.05)
    assert recorded_client.get_job_results(job.jobID).root["return_value"].root == 0.75


def test_raw_request(sync_client: Client) -> None:
    response = sync_client.request("GET", "/conformance")
    assert isinstance(response, httpx.Response)
    assert response.status_code == 200
    assert CONFORMANCE + "core" in response.json()["conformsTo"]


def test_tokens_are_sent(recorded_client: Client, recorder: RecordingTransport) -> None:
    recorded_client.get_conformance()
    assert "Authorization" not in recorder.requests[-1].headers
    recorded_client.set_token("t0k")
    recorded_client.get_conformance()  # wraptile ignores authentication
    assert recorder.requests[-1].headers["Authorization"] == "Bearer t0k"
    recorded_client.clear_token()
    recorded_client.get_conformance()
    assert "Authorization" not in recorder.requests[-1].headers


# --------------------------------------------------------------------------- life of a client


def test_context_manager_closes(wraptile: WraptileServer) -> None:
    with Client(server_url=wraptile.base_url) as client:
        assert isinstance(client, Client)
        assert client.get_capabilities().title == SERVER_TITLE
    with pytest.raises(RuntimeError):
        client.get_capabilities()


def test_close(wraptile: WraptileServer) -> None:
    client = Client(server_url=wraptile.base_url)
    assert CONFORMANCE + "core" in client.get_conformance().conformsTo
    client.close()
    with pytest.raises(RuntimeError):
        client.get_conformance()
    client.close()  # closing twice is harmless


def test_config_values(sync_client: Client, wraptile: WraptileServer) -> None:
    config = sync_client.config
    assert isinstance(config, ClientConfig)
    assert config.server_url == wraptile.base_url
    assert config.user_name is None
    assert config.access_token is None
    assert sync_client.base_url == wraptile.base_url
    assert repr(sync_client) == f"Client(base_url={wraptile.base_url!r})"


def test_config_with_user_and_token(wraptile: WraptileServer, recorder: RecordingTransport) -> None:
    with Client(
        server_url=wraptile.base_url + "/", user_name="alice", access_token="s3cret", transport=recorder
    ) as client:
        assert client.config.user_name == "alice"
        assert client.config.access_token == "s3cret"
        assert client.config.server_url == wraptile.base_url + "/"
        assert "s3cret" not in repr(client.config)
        assert client.get_capabilities().title == SERVER_TITLE
    assert recorder.requests[-1].url == httpx.URL(wraptile.base_url + "/")
    assert recorder.requests[-1].headers["Authorization"] == "Bearer s3cret"


def test_config_from_environment(wraptile: WraptileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", wraptile.base_url)
    monkeypatch.setenv("EOZILLA_USER_NAME", "bob")
    with Client() as client:
        assert client.config.server_url == wraptile.base_url
        assert client.config.user_name == "bob"
        assert client.get_capabilities().title == SERVER_TITLE


def test_config_from_default_file(wraptile: WraptileServer, clean_home: Path) -> None:
    config_file = clean_home / ".eozilla" / "config"
    config_file.parent.mkdir()
    config_file.write_text(f"server_url: {wraptile.base_url}\nuser_name: carol\n", encoding="utf-8")
    with Client() as client:
        assert client.config.server_url == wraptile.base_url
        assert client.config.user_name == "carol"
        assert "add" in {p.id for p in client.get_processes().processes}


def test_config_from_given_file_and_written_file(wraptile: WraptileServer, tmp_path: Path) -> None:
    path = ClientConfig(server_url=wraptile.base_url, access_token="t").write(tmp_path / "cfg.yaml")
    assert "access_token" not in path.read_text(encoding="utf-8")
    with Client(config_path=path) as client:
        assert client.config.server_url == wraptile.base_url
        assert client.config.access_token is None
        assert client.get_conformance().conformsTo


def test_config_object_wins_over_arguments(wraptile: WraptileServer) -> None:
    config = ClientConfig(server_url=wraptile.base_url)
    with Client(config=config, server_url=closed_port_url()) as client:
        assert client.config is config
        assert client.get_capabilities().title == SERVER_TITLE


def test_public_names() -> None:
    for name in ("Client", "AsyncClient", "ClientConfig", "ClientError", "JobTimeoutError", "ProcessRequest"):
        assert name in cuiman.__all__
        assert getattr(cuiman, name) is not None
    assert issubclass(ClientStatusError, ClientError)
    assert issubclass(ClientConnectionError, ClientError)


# --------------------------------------------------------------------------- errors


def test_no_such_process(sync_client: Client, wraptile: WraptileServer) -> None:
    with pytest.raises(ClientError) as caught:
        sync_client.get_process("nope")
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error) == f"Process 'nope' does not exist (HTTP 404, GET {wraptile.base_url}/processes/nope)"
    assert isinstance(error.api_error, ApiError)
    assert error.api_error.type == NO_SUCH_PROCESS
    assert error.api_error.status == 404
    assert error.api_error.title == "Not Found"
    assert error.api_error.detail == "Process 'nope' does not exist"
    assert error.status_code == 404


def test_execute_unknown_process(sync_client: Client) -> None:
    with pytest.raises(ClientStatusError) as caught:
        sync_client.execute_process("nope", {"inputs": {}})
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == NO_SUCH_PROCESS


@pytest.mark.parametrize("method", ["get_job", "get_job_results", "dismiss_job"])
def test_no_such_job(sync_client: Client, wraptile: WraptileServer, method: str) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(sync_client, method)("job_404")
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith("Job 'job_404' does not exist (HTTP 404, ")
    assert str(error).endswith(f"{wraptile.base_url}/jobs/job_404" + ("/results)" if method == "get_job_results" else ")"))
    assert error.api_error.type == NO_SUCH_JOB
    assert error.api_error.status == 404
    assert error.api_error.detail == "Job 'job_404' does not exist"
    assert error.status_code == 404


def test_odd_job_id_is_encoded(recorded_client: Client, recorder: RecordingTransport) -> None:
    with pytest.raises(ClientStatusError) as caught:
        recorded_client.get_job("a b?#")
    assert recorder.requests[-1].url.raw_path == b"/jobs/a%20b%3F%23"
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == NO_SUCH_JOB
    assert caught.value.api_error.detail == "Job 'a b?#' does not exist"
    # a slash is encoded too (the server's router decodes it again and finds no route)
    with pytest.raises(ClientStatusError) as caught:
        recorded_client.get_job("a/b")
    assert recorder.requests[-1].url.raw_path == b"/jobs/a%2Fb"
    assert caught.value.status_code == 404


def test_results_not_ready(sync_client: Client, sleeping_job: JobInfo, wraptile: WraptileServer) -> None:
    with pytest.raises(ClientError) as caught:
        sync_client.get_job_results(sleeping_job.jobID)
    error = caught.value
    assert type(error) is ClientStatusError
    assert not isinstance(error, ClientAuthError)
    assert str(error) == (
        f"Job {sleeping_job.jobID!r} is still running (HTTP 403, GET {wraptile.base_url}/jobs/{sleeping_job.jobID}/results)"
    )
    assert error.api_error.type == RESULT_NOT_READY
    assert error.api_error.status == 403
    assert error.api_error.title == "Forbidden"
    assert error.status_code == 403


def test_failed_job(sync_client: Client) -> None:
    job = sync_client.execute_process("primes_between", {"inputs": {"min_val": 50, "max_val": 10}})
    failed = sync_client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
    for _ in range(250):  # wraptile records the traceback just after the failed status
        if failed.x_traceback:
            break
        time.sleep(0.02)
        failed = sync_client.get_job(job.jobID)
    assert failed.status is JobStatus.failed
    assert failed.message == "max_val must be greater 1 and greater min_val"
    assert isinstance(failed.x_traceback, list) and failed.x_traceback
    assert failed.x_traceback[-1] == "ValueError: max_val must be greater 1 and greater min_val\n"
    assert assert_aware(failed.finished) >= assert_aware(failed.created)
    assert sync_client.get_job(job.jobID).x_traceback == failed.x_traceback

    with pytest.raises(ClientError) as caught:
        sync_client.get_job_results(job.jobID)
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith(f"Job {job.jobID!r} has failed (HTTP 403, GET ")
    assert error.api_error.type == EOZILLA_PROBLEMS + "forbidden"
    assert error.api_error.status == 403
    assert error.api_error.detail == f"Job {job.jobID!r} has failed"
    assert error.status_code == 403


def test_bad_inputs(sync_client: Client) -> None:
    with pytest.raises(ClientError) as caught:
        sync_client.execute_process("primes_between", ProcessRequest(inputs={"min_val": -1}))
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith("Invalid parameterization for process 'primes_between': ")
    assert str(error).endswith("(HTTP 400, POST " + sync_client.base_url + "/processes/primes_between/execution)")
    assert error.api_error.type == EOZILLA_PROBLEMS + "bad-request"
    assert error.api_error.status == 400
    assert error.api_error.detail is not None and "greater than or equal to 0" in error.api_error.detail
    # wraptile's own ``traceback`` key is kept as an extra field
    assert isinstance((error.api_error.model_extra or {}).get("traceback"), list)
    assert error.status_code == 400


def test_fastapi_validation_error(sync_client: Client) -> None:
    with pytest.raises(ClientError) as caught:
        sync_client.execute_process("primes_between", {"inputs": 5})
    error = caught.value
    assert type(error) is ClientStatusError
    assert str(error).startswith("body.inputs: Input should be a valid dictionary (HTTP 422, POST ")
    assert error.api_error.type == "about:blank"
    assert error.api_error.status == 422
    assert error.api_error.title == "Unprocessable Entity"
    assert error.api_error.detail is not None and "inputs" in error.api_error.detail
    assert error.status_code == 422
    assert error.response_body["detail"][0]["loc"] == ["body", "inputs"]


def test_unknown_route_and_method(sync_client: Client) -> None:
    with pytest.raises(ClientStatusError) as caught:
        sync_client.request("GET", "/nothing")
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == "about:blank"
    assert caught.value.api_error.detail == "Not Found"
    with pytest.raises(ClientStatusError) as caught:
        sync_client.request("PUT", "/jobs")
    assert caught.value.status_code == 405
    assert caught.value.api_error.detail == "Method Not Allowed"


def test_connection_refused() -> None:
    url = closed_port_url()
    with Client(server_url=url, retry=RetryPolicy.disabled()) as client, pytest.raises(ClientError) as caught:
        client.get_capabilities()
    error = caught.value
    assert type(error) is ClientConnectionError
    assert isinstance(error, ConnectionError)
    assert "Connection refused" in str(error)
    assert f"GET {url}/" in str(error)
    assert error.api_error.type.startswith("urn:cuiman:client-error")
    assert error.api_error.type == "urn:cuiman:client-error:connection"
    assert error.api_error.status is None
    assert error.status_code is None


def test_connection_refused_with_default_settings() -> None:
    # POST is not retried, so this fails at once
    with Client(server_url=closed_port_url()) as client, pytest.raises(ClientConnectionError) as caught:
        client.execute_process("add", {"inputs": {"a": 1, "b": 2}})
    assert caught.value.api_error.type.startswith("urn:cuiman:client-error")
    assert "POST" in str(caught.value) and "/processes/add/execution" in str(caught.value)
    assert caught.value.status_code is None


# --------------------------------------------------------------------------- base path


def test_base_path_processes(ogc_server: WraptileServer) -> None:
    assert ogc_server.base_url.endswith("/ogc")
    with Client(server_url=ogc_server.origin + "/ogc") as client:
        processes = client.get_processes()
        assert {"add", "primes_between"} <= {p.id for p in processes.processes}
        assert [link.href for link in processes.links if link.rel == "self"] == [ogc_server.origin + "/ogc/processes"]
        caps = client.get_capabilities()
        assert [link.href for link in caps.links if link.rel == "self"] == [ogc_server.origin + "/ogc/"]


def test_base_path_execute_and_results(ogc_server: WraptileServer) -> None:
    with Client(server_url=ogc_server.origin + "/ogc/") as client:
        job = client.execute_process("add", ProcessRequest(inputs={"a": 20, "b": 22}))
        final = client.wait_for_job(job.jobID, poll_interval=0.05, timeout=30)
        assert final.status is JobStatus.successful
        assert client.get_job_results(job.jobID).root["return_value"].root == 42.0
        assert job.jobID in {j.jobID for j in client.get_jobs().jobs}


def test_base_path_is_needed(ogc_server: WraptileServer) -> None:
    # without the prefix nothing is found: the client really used /ogc above
    with Client(server_url=ogc_server.origin) as client, pytest.raises(ClientStatusError) as caught:
        client.get_processes()
    assert caught.value.status_code == 404
    assert caught.value.api_error.type == "about:blank"
