"""What goes on the wire: auth header, URLs under a base path, bodies, per-call httpx kwargs, filters."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml
from cuiman import AsyncClient, Client, ClientConfig, JobInfo, JobStatus, ProcessRequest
from cuiman.models import DataType, Format, Output, ResponseType, Schema, Subscriber
from ogc_answers import BASE_URL, json_response

JOB = {"jobID": "job-1", "processID": "add", "status": "accepted", "type": "process"}
PROCESS = {"id": "add", "version": "1.0", "title": "Add"}


class Recorder:
    """A mock-transport handler that records requests and answers from a route table."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or default_answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def default_answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "POST" and path.endswith("/execution"):
        return json_response(201, JOB)
    if path.endswith("/jobs"):
        return json_response(200, {"jobs": [JOB], "links": []})
    if "/jobs/" in path and path.endswith("/results"):
        return json_response(200, {"sum": 3})
    if "/jobs/" in path:
        return json_response(200, JOB)
    if path.endswith("/processes"):
        return json_response(200, {"processes": [PROCESS], "links": []})
    if "/processes/" in path:
        return json_response(200, PROCESS)
    if path.endswith("/conformance"):
        return json_response(200, {"conformsTo": ["http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core"]})
    return json_response(200, {"title": "Demo", "links": [{"href": BASE_URL, "rel": "self"}]})


# -- the access token ---------------------------------------------------------------------------


def test_bearer_header_from_argument(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec, access_token="arg-token").get_job("job-1")
    assert rec.last.headers["Authorization"] == "Bearer arg-token"


def test_bearer_header_on_every_method(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec, access_token="tok")
    client.get_capabilities()
    client.get_conformance()
    client.get_processes()
    client.get_process("add")
    client.execute_process("add", {"inputs": {}})
    client.get_jobs()
    client.get_job("job-1")
    client.dismiss_job("job-1")
    client.get_job_results("job-1")
    assert len(rec.requests) == 9
    assert [r.headers.get("authorization") for r in rec.requests] == ["Bearer tok"] * 9


def test_bearer_header_from_env(make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    rec = Recorder()
    make_client(rec).get_job("job-1")
    assert rec.last.headers["Authorization"] == "Bearer env-token"


def test_bearer_header_from_config_file(make_client: Callable[..., Client], clean_home: Path) -> None:
    path = clean_home / ".eozilla" / "config"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"server_url": BASE_URL, "access_token": "file-token"}), encoding="utf-8")
    rec = Recorder()
    make_client(rec, server_url=None).get_processes()
    assert rec.last.headers["Authorization"] == "Bearer file-token"
    assert rec.last.url.host == "ogc.test"


def test_bearer_header_from_given_config(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec, server_url=None, config=ClientConfig(server_url=BASE_URL, access_token="cfg-token")).get_jobs()
    assert rec.last.headers["Authorization"] == "Bearer cfg-token"


def test_argument_token_beats_env_token(make_client: Callable[..., Client], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    rec = Recorder()
    make_client(rec, access_token="arg-token").get_job("job-1")
    assert rec.last.headers["Authorization"] == "Bearer arg-token"


def test_no_authorization_header_without_token(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec, user_name="just-a-name")
    client.get_job("job-1")
    client.execute_process("add", {})
    assert all("authorization" not in r.headers for r in rec.requests)


def test_empty_token_sends_no_header(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec, access_token="").get_job("job-1")
    assert "authorization" not in rec.last.headers


@pytest.mark.asyncio
async def test_async_bearer_header(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    client = make_async_client(rec, access_token="async-token")
    await client.get_job("job-1")
    await client.execute_process("add", {})
    assert [r.headers.get("authorization") for r in rec.requests] == ["Bearer async-token"] * 2


@pytest.mark.asyncio
async def test_async_no_authorization_header_without_token(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    await make_async_client(rec).get_jobs()
    assert "authorization" not in rec.last.headers


# -- URLs -------------------------------------------------------------------------------------


def test_base_path_is_kept(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_capabilities()
    client.get_conformance()
    client.get_processes()
    client.get_process("add")
    client.execute_process("add", {})
    client.get_jobs()
    client.get_job("job-1")
    client.dismiss_job("job-1")
    client.get_job_results("job-1")
    assert [(r.method, r.url.path) for r in rec.requests] == [
        ("GET", "/api/"),
        ("GET", "/api/conformance"),
        ("GET", "/api/processes"),
        ("GET", "/api/processes/add"),
        ("POST", "/api/processes/add/execution"),
        ("GET", "/api/jobs"),
        ("GET", "/api/jobs/job-1"),
        ("DELETE", "/api/jobs/job-1"),
        ("GET", "/api/jobs/job-1/results"),
    ]
    assert {r.url.host for r in rec.requests} == {"ogc.test"}


@pytest.mark.parametrize("server_url", ["http://ogc.test/ogc/api", "http://ogc.test/ogc/api/"])
def test_deeper_base_path_and_trailing_slash(make_client: Callable[..., Client], server_url: str) -> None:
    rec = Recorder()
    client = make_client(rec, server_url=server_url)
    client.get_processes()
    client.get_job("j")
    assert [r.url.path for r in rec.requests] == ["/ogc/api/processes", "/ogc/api/jobs/j"]


def test_server_url_with_port(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec, server_url="https://ogc.test:8443/api").get_jobs()
    assert str(rec.last.url) == "https://ogc.test:8443/api/jobs"


@pytest.mark.asyncio
async def test_async_base_path_is_kept(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    client = make_async_client(rec)
    await client.get_processes()
    await client.get_job("job-1")
    await client.get_job_results("job-1")
    assert [r.url.path for r in rec.requests] == ["/api/processes", "/api/jobs/job-1", "/api/jobs/job-1/results"]


def test_path_params_are_percent_encoded(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_job("a b/c?")
    client.dismiss_job("a b/c?")
    client.get_job_results("a b/c?")
    client.get_process("p#1/x")
    client.execute_process("p#1/x", {})
    assert [r.url.raw_path for r in rec.requests] == [
        b"/api/jobs/a%20b%2Fc%3F",
        b"/api/jobs/a%20b%2Fc%3F",
        b"/api/jobs/a%20b%2Fc%3F/results",
        b"/api/processes/p%231%2Fx",
        b"/api/processes/p%231%2Fx/execution",
    ]
    assert all(r.url.query == b"" for r in rec.requests)


@pytest.mark.asyncio
async def test_async_path_params_are_percent_encoded(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    await make_async_client(rec).get_job("a b/c?")
    assert rec.last.url.raw_path == b"/api/jobs/a%20b%2Fc%3F"


# -- execute_process --------------------------------------------------------------------------


def test_execute_with_model_sends_by_alias_without_unset_fields(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    request = ProcessRequest(
        inputs={"a": 1, "b": [2.5, None], "c": {"value": "x", "mediaType": "text/plain"}},
        outputs={"sum": Output(format=Format(mediaType="application/json", schema_=Schema(type=DataType.number)))},
        response=ResponseType.document,
    )
    job = make_client(rec).execute_process("add", request)
    sent = json.loads(rec.last.content)
    assert sent == {
        "inputs": {"a": 1, "b": [2.5, None], "c": {"value": "x", "mediaType": "text/plain"}},
        "outputs": {"sum": {"format": {"mediaType": "application/json", "schema": {"type": "number"}}}},
        "response": "document",
    }
    assert "subscriber" not in sent
    assert job.jobID == "job-1"


def test_execute_with_model_sends_urls_as_strings(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    request = ProcessRequest(inputs={}, subscriber=Subscriber(successUri="https://hook.test/done"))
    make_client(rec).execute_process("add", request)
    sent = json.loads(rec.last.content)
    assert sent == {"inputs": {}, "subscriber": {"successUri": "https://hook.test/done"}}


def test_execute_with_empty_model_sends_empty_object(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).execute_process("add", ProcessRequest())
    assert json.loads(rec.last.content) == {}


def test_execute_with_model_keeps_extra_keys(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).execute_process("add", ProcessRequest(inputs={"a": 1}, **{"x-vendor": {"k": True}}))
    assert json.loads(rec.last.content) == {"inputs": {"a": 1}, "x-vendor": {"k": True}}


def test_execute_with_dict_sends_it_unchanged(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    body = {
        "inputs": {"a": 1, "nothing": None, "list": [1, "two", {"three": 3.0}]},
        "outputs": {},
        "custom_key": {"nested": [True, False, None]},
    }
    make_client(rec).execute_process("add", body)
    assert json.loads(rec.last.content) == body


def test_execute_sends_json_content_type_and_accepts_json(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).execute_process("add", {"inputs": {"a": 1}})
    assert rec.last.method == "POST"
    assert rec.last.headers["content-type"] == "application/json"
    assert rec.last.headers["accept"] == "application/json"


def test_execute_201_is_parsed_to_job_info(make_client: Callable[..., Client]) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return json_response(
            201,
            {
                "jobID": "j-201",
                "processID": "add",
                "status": "accepted",
                "created": "2026-01-02T03:04:05Z",
                "progress": 0,
                "links": [{"href": f"{BASE_URL}/jobs/j-201", "rel": "monitor"}],
            },
            location=f"{BASE_URL}/jobs/j-201",
        )

    job = make_client(Recorder(answer)).execute_process("add", {"inputs": {"a": 1}})
    assert isinstance(job, JobInfo)
    assert job.jobID == "j-201"
    assert job.processID == "add"
    assert job.status is JobStatus.accepted
    assert job.created is not None and job.created.year == 2026
    assert job.links is not None and job.links[0].rel == "monitor"


@pytest.mark.asyncio
async def test_async_execute(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    client = make_async_client(rec)
    job = await client.execute_process("add", ProcessRequest(inputs={"a": 1, "b": 2}))
    assert json.loads(rec.last.content) == {"inputs": {"a": 1, "b": 2}}
    assert rec.last.headers["content-type"] == "application/json"
    assert rec.last.url.path == "/api/processes/add/execution"
    assert isinstance(job, JobInfo) and job.jobID == "job-1"


# -- **kwargs passed to the request ---------------------------------------------------------


def test_kwargs_headers_are_sent(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_job("job-1", headers={"X-Request-Id": "r-1"})
    assert rec.last.headers["x-request-id"] == "r-1"


def test_kwargs_headers_override_generated_ones_case_insensitively(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_job("job-1", headers={"ACCEPT": "application/geo+json", "user-agent": "mine/1"})
    assert rec.last.headers.get_list("accept") == ["application/geo+json"]
    assert rec.last.headers.get_list("user-agent") == ["mine/1"]


def test_kwargs_content_type_overrides_json_default(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).execute_process("add", {"inputs": {}}, headers={"content-type": "application/vnd+json"})
    assert rec.last.headers.get_list("content-type") == ["application/vnd+json"]
    assert json.loads(rec.last.content) == {"inputs": {}}


def test_kwargs_authorization_header_overrides_the_token(make_client: Callable[..., Client]) -> None:
    # per-call headers are the caller's last word (cuiman 0.3.1: "Extra headers= kwargs override the
    # auth headers"); the configured token must not silently replace them
    rec = Recorder()
    make_client(rec, access_token="configured").get_job("job-1", headers={"authorization": "Bearer per-call"})
    assert rec.last.headers.get_list("authorization") == ["Bearer per-call"]


def test_kwargs_headers_do_not_stick(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_job("job-1", headers={"X-Once": "1"})
    client.get_job("job-1")
    assert "x-once" not in rec.last.headers
    assert rec.last.headers["accept"] == "application/json"


def test_client_headers_are_sent_and_per_call_headers_win(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec, headers={"X-Tenant": "a", "X-Other": "o"})
    client.get_jobs(headers={"x-tenant": "b"})
    assert rec.last.headers.get_list("x-tenant") == ["b"]
    assert rec.last.headers["x-other"] == "o"


def test_kwargs_params_are_merged_into_query(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_jobs(limit=5, params={"f": "json", "extra": "1"})
    assert rec.last.url.params.get("limit") == "5"
    assert rec.last.url.params.get("f") == "json"
    assert rec.last.url.params.get("extra") == "1"
    client.get_job("job-1", params={"f": "json"})
    assert rec.last.url.path == "/api/jobs/job-1"
    assert dict(rec.last.url.params) == {"f": "json"}


def test_kwargs_timeout_is_used(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_job("job-1", timeout=2.5)
    assert rec.last.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    client.get_job("job-1")
    assert rec.last.extensions["timeout"]["read"] == 30.0  # the default again
    client.get_job("job-1", timeout=httpx.Timeout(1.0, read=7.0))
    assert rec.last.extensions["timeout"]["read"] == 7.0
    assert rec.last.extensions["timeout"]["connect"] == 1.0


def test_client_timeout_argument(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec, timeout=4.0).get_jobs()
    assert rec.last.extensions["timeout"]["read"] == 4.0


@pytest.mark.asyncio
async def test_async_kwargs(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    client = make_async_client(rec)
    await client.get_job("job-1", headers={"Accept": "text/plain", "X-A": "1"}, params={"f": "json"}, timeout=3.0)
    assert rec.last.headers.get_list("accept") == ["text/plain"]
    assert rec.last.headers["x-a"] == "1"
    assert rec.last.url.params.get("f") == "json"
    assert rec.last.extensions["timeout"]["read"] == 3.0


# -- get_jobs filters --------------------------------------------------------------------------


def test_get_jobs_status_filter_is_comma_joined(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_jobs(status=[JobStatus.running, JobStatus.successful], limit=20)
    assert rec.last.url.params.get_list("status") == ["running,successful"]
    assert rec.last.url.params.get("limit") == "20"


def test_get_jobs_status_filter_accepts_strings(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_jobs(status=["running", "successful"])  # type: ignore[list-item]
    assert rec.last.url.params.get_list("status") == ["running,successful"]


def test_get_jobs_comma_is_a_literal_delimiter_on_the_wire(make_client: Callable[..., Client]) -> None:
    # OpenAPI style=form, explode=false: `status=running,successful` (the comma separates values;
    # only a comma inside a value would be percent-encoded)
    rec = Recorder()
    make_client(rec).get_jobs(status=[JobStatus.running, JobStatus.successful])
    assert rec.last.url.query == b"status=running,successful"


def test_get_jobs_all_filters(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_jobs(
        limit=3,
        type=["process"],
        process_id=["add", "mul"],
        status=[JobStatus.failed],
        datetime="2026-01-01T00:00:00Z/..",
        min_duration=1,
        max_duration=60,
    )
    params = rec.last.url.params
    assert params.get("limit") == "3"
    assert params.get("type") == "process"
    assert params.get("processID") == "add,mul"
    assert params.get("status") == "failed"
    assert params.get("datetime") == "2026-01-01T00:00:00Z/.."
    assert params.get("minDuration") == "1"
    assert params.get("maxDuration") == "60"


def test_get_jobs_without_filters_sends_no_query(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    make_client(rec).get_jobs()
    assert rec.last.url.query == b""


def test_get_processes_limit(make_client: Callable[..., Client]) -> None:
    rec = Recorder()
    client = make_client(rec)
    client.get_processes(limit=7)
    assert rec.last.url.path == "/api/processes"
    assert dict(rec.last.url.params) == {"limit": "7"}


@pytest.mark.asyncio
async def test_async_get_jobs_filters(make_async_client: Callable[..., AsyncClient]) -> None:
    rec = Recorder()
    await make_async_client(rec).get_jobs(status=[JobStatus.running, JobStatus.successful], limit=2)
    assert rec.last.url.params.get("status") == "running,successful"
    assert rec.last.url.params.get("limit") == "2"


# -- models keep standard names and unknown keys ---------------------------------------------


def test_job_info_keeps_standard_names_and_extra_keys(make_client: Callable[..., Client]) -> None:
    body = {**JOB, "x-traceback": ["line 1"], "vendorField": {"a": 1}}
    job = make_client(Recorder(lambda r: json_response(200, body))).get_job("job-1")
    assert job.jobID == "job-1"
    assert job.processID == "add"
    assert job.x_traceback == ["line 1"]
    assert job.model_extra == {"vendorField": {"a": 1}}
    dumped = job.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["jobID"] == "job-1"
    assert dumped["processID"] == "add"
    assert dumped["x-traceback"] == ["line 1"]
    assert dumped["vendorField"] == {"a": 1}


def test_conformance_keeps_conforms_to(make_client: Callable[..., Client]) -> None:
    uris = ["http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core"]
    body = {"conformsTo": uris, "extra": 1}
    conformance = make_client(Recorder(lambda r: json_response(200, body))).get_conformance()
    assert conformance.conformsTo == uris
    assert conformance.model_extra == {"extra": 1}
    assert conformance.model_dump(by_alias=True) == {"conformsTo": uris, "extra": 1}


def test_process_list_keeps_extra_keys(make_client: Callable[..., Client]) -> None:
    body = {
        "processes": [{**PROCESS, "jobControlOptions": ["async-execute"], "x-owner": "me"}],
        "links": [],
        "numberMatched": 1,
    }
    processes = make_client(Recorder(lambda r: json_response(200, body))).get_processes()
    assert processes.model_extra == {"numberMatched": 1}
    summary = processes.processes[0]
    assert summary.id == "add"
    assert summary.model_extra == {"x-owner": "me"}
    assert summary.model_dump(mode="json", by_alias=True, exclude_none=True)["jobControlOptions"] == ["async-execute"]


def test_job_list_keeps_job_ids(make_client: Callable[..., Client]) -> None:
    body = {"jobs": [JOB, {**JOB, "jobID": "job-2", "status": "running"}], "links": [], "numberTotal": 2}
    jobs = make_client(Recorder(lambda r: json_response(200, body))).get_jobs()
    assert [j.jobID for j in jobs.jobs] == ["job-1", "job-2"]
    assert [j.status for j in jobs.jobs] == [JobStatus.accepted, JobStatus.running]
    assert jobs.model_extra == {"numberTotal": 2}


def test_job_results_by_output_name(make_client: Callable[..., Client]) -> None:
    body = {"sum": 3, "table": {"href": "http://ogc.test/x.csv", "type": "text/csv"}}
    results = make_client(Recorder(lambda r: json_response(200, body))).get_job_results("job-1")
    assert set(results.root) == {"sum", "table"}
    assert results.model_dump(mode="json", by_alias=True, exclude_none=True) == body


def test_process_description_inputs_by_alias(make_client: Callable[..., Client]) -> None:
    body = {
        **PROCESS,
        "inputs": {"a": {"title": "A", "schema": {"type": "number"}, "minOccurs": 0}},
        "outputs": {"sum": {"schema": {"type": "number"}}},
    }
    process = make_client(Recorder(lambda r: json_response(200, body))).get_process("add")
    assert process.inputs is not None and process.inputs["a"].schema_.type == DataType.number
    assert process.inputs["a"].minOccurs == 0
    assert process.model_dump(mode="json", by_alias=True, exclude_none=True)["inputs"]["a"]["schema"] == {
        "type": "number"
    }
