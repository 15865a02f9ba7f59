"""wait_for_job: poll with growing pauses until the job ends, or give up after a timeout."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import cuiman.async_client as async_client_module
import cuiman.client as client_module
import httpx
import pytest
from cuiman import AsyncClient, Client, ClientError, ClientStatusError, JobInfo, JobStatus, JobTimeoutError
from ogc_answers import json_response
from specwright_runtime import RetryPolicy


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Replace ``time`` (and ``asyncio.sleep``) in the client modules by a fake clock."""
    fake = FakeClock()
    fake_time = types.SimpleNamespace(sleep=fake.sleep, monotonic=fake.monotonic)
    monkeypatch.setattr(client_module, "time", fake_time)
    monkeypatch.setattr(async_client_module, "time", fake_time)
    monkeypatch.setattr(async_client_module, "asyncio", types.SimpleNamespace(sleep=fake.async_sleep))
    return fake


class JobServer:
    """Answers ``GET /jobs/{id}`` with the given statuses in turn (the last one repeats)."""

    def __init__(self, *statuses: str, job_id: str = "job-1") -> None:
        self.statuses = list(statuses)
        self.job_id = job_id
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) > 200:
            raise AssertionError("wait_for_job does not stop polling")
        assert request.method == "GET"
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        body: dict[str, Any] = {"jobID": self.job_id, "processID": "add", "status": status}
        body["progress"] = 100 if status == "successful" else 10 * len(self.requests) % 100
        if status == "failed":
            body["message"] = "division by zero"
        return json_response(200, body)


# -- sync ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("final", ["successful", "failed", "dismissed"])
def test_polls_until_final_status(make_client: Callable[..., Client], clock: FakeClock, final: str) -> None:
    server = JobServer("accepted", "running", "running", final)
    job = make_client(server).wait_for_job("job-1", poll_interval=1.0, backoff=2.0, max_interval=100.0)
    assert isinstance(job, JobInfo)
    assert job.status == JobStatus(final)
    assert job.jobID == "job-1"
    assert len(server.requests) == 4
    assert all(r.url.path == "/api/jobs/job-1" for r in server.requests)
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_returns_the_final_job_info(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "failed")
    job = make_client(server).wait_for_job("job-1", poll_interval=0.1)
    assert job.status is JobStatus.failed
    assert job.message == "division by zero"
    assert job.processID == "add"


def test_already_final_job_returns_without_sleeping(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("successful")
    job = make_client(server).wait_for_job("job-1")
    assert job.status is JobStatus.successful
    assert len(server.requests) == 1
    assert clock.sleeps == []


def test_first_poll_is_immediate(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "successful")
    make_client(server).wait_for_job("job-1", poll_interval=3.0)
    assert clock.sleeps == [3.0]  # one pause, between the two polls


def test_backoff_grows_up_to_max_interval(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer(*(["running"] * 8), "successful")
    make_client(server).wait_for_job("job-1", poll_interval=0.5, backoff=2.0, max_interval=5.0, timeout=None)
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]


def test_default_backoff(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer(*(["running"] * 12), "successful")
    make_client(server).wait_for_job("job-1")
    assert clock.sleeps[0] == 0.5
    assert clock.sleeps[1] == pytest.approx(0.75)
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:], strict=False))
    assert max(clock.sleeps) == 10.0
    assert clock.sleeps[-1] == 10.0


def test_backoff_one_keeps_a_constant_interval(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("accepted", "running", "running", "successful")
    make_client(server).wait_for_job("job-1", poll_interval=2.0, backoff=1.0)
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_zero_poll_interval_still_terminates(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "running", "successful")
    job = make_client(server).wait_for_job("job-1", poll_interval=0.0, max_interval=0.0)
    assert job.status is JobStatus.successful
    assert clock.sleeps == [0.0, 0.0]


def test_timeout_raises_job_timeout_error(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("accepted", "running")
    client = make_client(server)
    with pytest.raises(JobTimeoutError) as info:
        client.wait_for_job("job-1", timeout=5.0, poll_interval=1.0, backoff=2.0, max_interval=10.0)
    error = info.value
    assert isinstance(error, ClientError)
    assert isinstance(error, TimeoutError)
    assert error.job_id == "job-1"
    assert error.last_status == "running"
    assert "running" in str(error)
    assert "job-1" in str(error)
    assert error.api_error.type.startswith("urn:cuiman:client-error")
    assert error.api_error.detail == str(error)
    # pauses never run past the deadline: 1 + 2 + (4 cut to 2) = 5 s, then one last poll
    assert clock.sleeps == [1.0, 2.0, 2.0]
    assert sum(clock.sleeps) == pytest.approx(5.0)
    assert len(server.requests) == 4


def test_timeout_reports_the_last_status_seen(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "running", "accepted")
    with pytest.raises(JobTimeoutError) as info:
        make_client(server).wait_for_job("job-1", timeout=2.0, poll_interval=1.0, backoff=1.0)
    assert info.value.last_status == "accepted"
    assert len(server.requests) == 3


def test_zero_timeout_polls_once(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running")
    with pytest.raises(JobTimeoutError):
        make_client(server).wait_for_job("job-1", timeout=0.0)
    assert len(server.requests) == 1
    assert clock.sleeps == []


def test_final_status_on_the_last_poll_wins_over_the_timeout(
    make_client: Callable[..., Client], clock: FakeClock
) -> None:
    server = JobServer("running", "successful")
    job = make_client(server).wait_for_job("job-1", timeout=1.0, poll_interval=1.0)
    assert job.status is JobStatus.successful


def test_no_timeout_waits_as_long_as_it_takes(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer(*(["running"] * 50), "successful")
    job = make_client(server).wait_for_job("job-1", timeout=None, poll_interval=60.0, max_interval=3600.0)
    assert job.status is JobStatus.successful
    assert sum(clock.sleeps) > 1800.0  # longer than the default timeout


def test_on_update_gets_every_status(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("accepted", "running", "running", "successful")
    updates: list[JobInfo] = []
    make_client(server).wait_for_job("job-1", on_update=updates.append)
    assert [u.status for u in updates] == [
        JobStatus.accepted,
        JobStatus.running,
        JobStatus.running,
        JobStatus.successful,
    ]
    assert all(isinstance(u, JobInfo) and u.jobID == "job-1" for u in updates)


def test_on_update_is_called_before_a_timeout(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running")
    updates: list[str] = []
    with pytest.raises(JobTimeoutError):
        make_client(server).wait_for_job(
            "job-1", timeout=1.0, poll_interval=1.0, on_update=lambda job: updates.append(job.status.value)
        )
    assert updates == ["running", "running"]


def test_on_update_exception_stops_waiting(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "running", "successful")

    def cancel(job: JobInfo) -> None:
        raise RuntimeError("cancelled by the caller")

    with pytest.raises(RuntimeError, match="cancelled by the caller"):
        make_client(server).wait_for_job("job-1", on_update=cancel)
    assert len(server.requests) == 1


def test_kwargs_are_passed_to_every_poll(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("running", "running", "successful")
    make_client(server).wait_for_job("job-1", headers={"X-Trace": "w-1"}, params={"f": "json"})
    assert [r.headers.get("x-trace") for r in server.requests] == ["w-1"] * 3
    assert [r.url.params.get("f") for r in server.requests] == ["json"] * 3


def test_job_id_is_percent_encoded(make_client: Callable[..., Client], clock: FakeClock) -> None:
    server = JobServer("successful", job_id="a b/c")
    make_client(server).wait_for_job("a b/c")
    assert server.requests[0].url.raw_path == b"/api/jobs/a%20b%2Fc"


def test_failed_status_request_raises_client_error(make_client: Callable[..., Client], clock: FakeClock) -> None:
    answers = iter(
        [json_response(200, {"jobID": "job-1", "status": "running"}), json_response(404, {"detail": "gone"})]
    )
    client = make_client(lambda request: next(answers), retry=RetryPolicy.disabled())
    with pytest.raises(ClientStatusError) as info:
        client.wait_for_job("job-1")
    assert info.value.status_code == 404
    assert not isinstance(info.value, JobTimeoutError)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"poll_interval": -1.0},
        {"max_interval": -0.5},
        {"backoff": 0.5},
        {"backoff": 0.0},
    ],
)
def test_bad_arguments_raise_value_error(
    make_client: Callable[..., Client], clock: FakeClock, kwargs: dict[str, float]
) -> None:
    server = JobServer("successful")
    with pytest.raises(ValueError):
        make_client(server).wait_for_job("job-1", **kwargs)
    assert server.requests == []  # checked before the first poll


# -- async --------------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("final", ["successful", "failed", "dismissed"])
async def test_async_polls_until_final_status(
    make_async_client: Callable[..., AsyncClient], clock: FakeClock, final: str
) -> None:
    server = JobServer("accepted", "running", final)
    updates: list[JobStatus] = []
    job = await make_async_client(server).wait_for_job(
        "job-1", poll_interval=1.0, backoff=3.0, on_update=lambda j: updates.append(j.status)
    )
    assert job.status == JobStatus(final)
    assert updates == [JobStatus.accepted, JobStatus.running, JobStatus(final)]
    assert clock.sleeps == [1.0, 3.0]
    assert len(server.requests) == 3


@pytest.mark.asyncio
async def test_async_backoff_caps_at_max_interval(
    make_async_client: Callable[..., AsyncClient], clock: FakeClock
) -> None:
    server = JobServer(*(["running"] * 6), "successful")
    await make_async_client(server).wait_for_job("job-1", poll_interval=1.0, backoff=2.0, max_interval=5.0)
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


@pytest.mark.asyncio
async def test_async_timeout(make_async_client: Callable[..., AsyncClient], clock: FakeClock) -> None:
    server = JobServer("running")
    with pytest.raises(JobTimeoutError) as info:
        await make_async_client(server).wait_for_job("job-1", timeout=3.0, poll_interval=1.0, backoff=2.0)
    assert isinstance(info.value, ClientError) and isinstance(info.value, TimeoutError)
    assert info.value.last_status == "running"
    assert clock.sleeps == [1.0, 2.0]
    assert len(server.requests) == 3


@pytest.mark.asyncio
async def test_async_kwargs_and_bad_arguments(make_async_client: Callable[..., AsyncClient], clock: FakeClock) -> None:
    server = JobServer("running", "successful")
    client = make_async_client(server)
    await client.wait_for_job("job-1", headers={"X-Trace": "a"})
    assert [r.headers.get("x-trace") for r in server.requests] == ["a", "a"]
    with pytest.raises(ValueError):
        await client.wait_for_job("job-1", backoff=0.9)
    with pytest.raises(ValueError):
        await client.wait_for_job("job-1", poll_interval=-1)
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_async_already_final(make_async_client: Callable[..., AsyncClient], clock: FakeClock) -> None:
    server = JobServer("dismissed")
    job = await make_async_client(server).wait_for_job("job-1")
    assert job.status is JobStatus.dismissed
    assert clock.sleeps == []
