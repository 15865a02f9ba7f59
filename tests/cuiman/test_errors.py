"""Every failed call is a ClientError with an ApiError: statuses, bodies, network, sync and async."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cuiman import (
    ApiError,
    AsyncClient,
    Client,
    ClientAuthError,
    ClientConnectionError,
    ClientError,
    ClientResponseError,
    ClientStatusError,
    ClientTimeoutError,
)
from cuiman.exceptions import CLIENT_ERROR_TYPE
from ogc_answers import BASE_URL, json_response
from specwright_runtime import RetryPolicy
from specwright_runtime import core as core_module

Handler = Callable[[httpx.Request], httpx.Response]
NO_RETRY = RetryPolicy.disabled()

PROBLEM = {
    "type": "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job",
    "title": "No such job",
    "status": 500,
    "detail": "Job 'j1' is not known",
    "instance": "/api/jobs/j1",
}
FASTAPI_422 = {
    "detail": [
        {"loc": ["body", "inputs", "a"], "msg": "Field required", "type": "missing"},
        {"loc": ["query", "limit"], "msg": "Input should be a valid integer", "type": "int_parsing"},
    ]
}


def answer(status: int, **kwargs: Any) -> Handler:
    """A handler answering every request with a new ``httpx.Response(status, **kwargs)``."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)

    return handler


def answer_json(status: int, body: Any, **headers: str) -> Handler:
    """A handler answering every request with a new JSON response."""
    return lambda request: json_response(status, body, **headers)


def raising(exc: Exception) -> Handler:
    """A handler failing like the network."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.fixture
def retry_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry pauses of the runtime core, recorded instead of slept."""
    delays: list[float] = []

    async def fake_async_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(core_module, "time", types.SimpleNamespace(sleep=delays.append, monotonic=lambda: 0.0))
    monkeypatch.setattr(core_module, "asyncio", types.SimpleNamespace(sleep=fake_async_sleep))
    return delays


class Mode:
    """Run one call on a sync or an async client and return the error it raised."""

    def __init__(self, name: str, make_client: Callable[..., Client], make_async: Callable[..., AsyncClient]) -> None:
        self.name = name
        self.make_client = make_client
        self.make_async = make_async

    async def fail(self, handler: Handler, call: str = "get_job", *args: Any, **kwargs: Any) -> ClientError:
        options = {"retry": NO_RETRY, **kwargs.pop("client_kwargs", {})}
        if call == "get_job" and not args:
            args = ("j1",)
        if self.name == "sync":
            client = self.make_client(handler, **options)
            with pytest.raises(ClientError) as info:
                getattr(client, call)(*args, **kwargs)
        else:
            aclient = self.make_async(handler, **options)
            with pytest.raises(ClientError) as info:
                await getattr(aclient, call)(*args, **kwargs)
        return info.value


@pytest.fixture(params=["sync", "async"])
def mode(
    request: pytest.FixtureRequest,
    make_client: Callable[..., Client],
    make_async_client: Callable[..., AsyncClient],
) -> Mode:
    return Mode(request.param, make_client, make_async_client)


# -- ClientError itself ------------------------------------------------------------------------


def test_client_error_constructible_directly() -> None:
    api_error = ApiError(type="urn:test", title="Test", status=418, detail="teapot")
    error = ClientError("it failed", api_error)
    assert str(error) == "it failed"
    assert error.api_error is api_error
    assert error.args == ("it failed",)
    assert error.status_code == 418  # from the api_error when no call information exists
    assert error.method is None
    assert error.url is None
    assert error.response_body is None
    assert isinstance(error, Exception)
    with pytest.raises(ClientError, match="it failed"):
        raise error


def test_client_error_positional_and_keyword() -> None:
    error = ClientError(message="kw", api_error=ApiError(type="about:blank"))
    assert str(error) == "kw"
    assert error.api_error.type == "about:blank"
    assert error.status_code is None


def test_error_hierarchy() -> None:
    assert issubclass(ClientStatusError, ClientError)
    assert issubclass(ClientAuthError, ClientStatusError)
    assert issubclass(ClientConnectionError, ClientError) and issubclass(ClientConnectionError, ConnectionError)
    assert issubclass(ClientTimeoutError, ClientConnectionError) and issubclass(ClientTimeoutError, TimeoutError)
    assert issubclass(ClientResponseError, ClientError) and issubclass(ClientResponseError, ValueError)


# -- error statuses -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_500_with_problem_details_keeps_the_servers_api_error(mode: Mode) -> None:
    error = await mode.fail(answer_json(500, PROBLEM, **{"content-type": "application/problem+json"}))
    assert type(error) is ClientStatusError
    assert error.api_error.model_dump(exclude_none=True) == PROBLEM
    assert error.status_code == 500
    assert "Job 'j1' is not known" in str(error)


@pytest.mark.asyncio
async def test_problem_details_without_status_get_the_http_status(mode: Mode) -> None:
    body = {"type": "urn:x:busy", "title": "Busy", "x-extra": 1}
    error = await mode.fail(answer_json(409, body), "dismiss_job", "j1")
    assert error.api_error.type == "urn:x:busy"
    assert error.api_error.title == "Busy"
    assert error.api_error.status == 409
    assert error.api_error.model_extra == {"x-extra": 1}


@pytest.mark.asyncio
async def test_500_with_html_body(mode: Mode) -> None:
    html = "<html><body><h1>Internal failure</h1></body></html>"
    error = await mode.fail(answer(500, text=html, headers={"content-type": "text/html"}))
    assert isinstance(error, ClientStatusError)
    assert error.api_error.type == "about:blank"
    assert error.api_error.title == "Internal Server Error"
    assert error.api_error.status == 500
    assert error.api_error.detail == html
    assert error.response_body == html


@pytest.mark.asyncio
async def test_500_with_plain_text_body(mode: Mode) -> None:
    error = await mode.fail(answer(500, text="  database is down\n"))
    assert error.api_error.type == "about:blank"
    assert error.api_error.title == "Internal Server Error"
    assert error.api_error.detail == "database is down"
    assert "database is down" in str(error)


@pytest.mark.asyncio
async def test_500_with_empty_body(mode: Mode) -> None:
    error = await mode.fail(answer(500))
    assert error.api_error.type == "about:blank"
    assert error.api_error.title == "Internal Server Error"
    assert error.api_error.status == 500
    assert error.status_code == 500


@pytest.mark.asyncio
async def test_404_with_fastapi_detail(mode: Mode) -> None:
    error = await mode.fail(answer_json(404, {"detail": "Not Found"}), "get_process", "nope")
    assert type(error) is ClientStatusError
    assert error.api_error.type == "about:blank"
    assert error.api_error.title == "Not Found"
    assert error.api_error.status == 404
    assert error.api_error.detail == "Not Found"
    assert error.response_body == {"detail": "Not Found"}
    assert str(error).startswith("Not Found")


@pytest.mark.asyncio
async def test_422_with_fastapi_validation_list(mode: Mode) -> None:
    error = await mode.fail(answer_json(422, FASTAPI_422), "execute_process", "add", {"inputs": {}})
    assert isinstance(error, ClientStatusError)
    assert error.api_error.title == "Unprocessable Entity"
    assert error.api_error.status == 422
    detail = error.api_error.detail or ""
    assert "body.inputs.a: Field required" in detail
    assert "query.limit: Input should be a valid integer" in detail
    assert "body.inputs.a: Field required" in str(error)
    assert error.method == "POST"


@pytest.mark.asyncio
async def test_non_json_error_status_with_unknown_code(mode: Mode) -> None:
    error = await mode.fail(answer(599, text="weird"))
    assert error.status_code == 599
    assert error.api_error.title == "HTTP 599"
    assert error.api_error.detail == "weird"


@pytest.mark.asyncio
async def test_401_is_an_auth_error(mode: Mode) -> None:
    error = await mode.fail(answer_json(401, {"detail": "Invalid token"}))
    assert isinstance(error, ClientAuthError)
    assert isinstance(error, ClientStatusError)
    assert error.status_code == 401
    assert error.api_error.title == "Unauthorized"
    assert error.api_error.detail == "Invalid token"


@pytest.mark.asyncio
async def test_403_is_a_status_error_but_not_an_auth_error(mode: Mode) -> None:
    error = await mode.fail(answer_json(403, {"detail": "Result not ready"}), "get_job_results", "j1")
    assert isinstance(error, ClientStatusError)
    assert not isinstance(error, ClientAuthError)
    assert error.status_code == 403
    assert error.api_error.title == "Forbidden"


# -- successful statuses with bad bodies --------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "response",
    [
        {"text": "<html>login page</html>", "headers": {"content-type": "text/html"}},
        {"text": "{not json", "headers": {"content-type": "application/json"}},
        {},
    ],
    ids=["html", "broken-json", "empty"],
)
async def test_200_with_non_json_body(mode: Mode, response: dict[str, Any]) -> None:
    error = await mode.fail(answer(200, **response))
    assert isinstance(error, ClientResponseError)
    assert isinstance(error, ValueError)
    assert error.api_error.title == "Expected JSON response from API"
    assert error.api_error.type.startswith(CLIENT_ERROR_TYPE)
    assert error.status_code == 200


@pytest.mark.asyncio
async def test_200_body_that_fails_validation(mode: Mode) -> None:
    error = await mode.fail(answer_json(200, {"processID": "add", "status": "running"}))
    assert isinstance(error, ClientResponseError)
    assert isinstance(error, ValueError)
    assert error.api_error.type.startswith(CLIENT_ERROR_TYPE)
    assert error.api_error.title != "Expected JSON response from API"
    assert "jobID" in str(error)
    assert error.response_body == {"processID": "add", "status": "running"}


@pytest.mark.asyncio
async def test_201_execute_body_that_fails_validation(mode: Mode) -> None:
    error = await mode.fail(answer_json(201, {"status": "nonsense"}), "execute_process", "add", {})
    assert isinstance(error, ClientResponseError)
    assert error.status_code == 201
    assert error.method == "POST"


@pytest.mark.asyncio
async def test_list_body_of_the_wrong_shape(mode: Mode) -> None:
    error = await mode.fail(answer_json(200, ["not", "a", "list", "object"]), "get_jobs")
    assert isinstance(error, ClientResponseError)


@pytest.mark.asyncio
async def test_validation_error_is_not_a_raw_pydantic_error(mode: Mode) -> None:
    import pydantic

    error = await mode.fail(answer_json(200, {"jobs": "x"}), "get_jobs")
    assert not isinstance(error, pydantic.ValidationError)
    assert isinstance(error.__cause__, pydantic.ValidationError)


# -- network failures -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_connection_error(mode: Mode) -> None:
    error = await mode.fail(raising(httpx.ConnectError("[Errno 111] Connection refused")))
    assert isinstance(error, ClientConnectionError)
    assert not isinstance(error, ClientTimeoutError)
    assert isinstance(error, ConnectionError)
    assert error.api_error.type.startswith("urn:cuiman:client-error")
    assert error.api_error.title
    assert error.status_code is None
    assert error.method == "GET"
    assert error.url == f"{BASE_URL}/jobs/j1"
    assert "Connection refused" in str(error)
    assert isinstance(error.__cause__, httpx.ConnectError)


@pytest.mark.asyncio
async def test_read_timeout(mode: Mode) -> None:
    error = await mode.fail(raising(httpx.ReadTimeout("timed out")))
    assert isinstance(error, ClientTimeoutError)
    assert isinstance(error, ClientConnectionError)
    assert isinstance(error, TimeoutError)
    assert error.api_error.type.startswith("urn:cuiman:client-error")
    assert error.status_code is None
    assert isinstance(error.__cause__, httpx.ReadTimeout)


@pytest.mark.asyncio
async def test_connect_timeout_on_post(mode: Mode) -> None:
    error = await mode.fail(raising(httpx.ConnectTimeout("slow")), "execute_process", "add", {})
    assert isinstance(error, ClientTimeoutError)
    assert error.method == "POST"
    assert error.url == f"{BASE_URL}/processes/add/execution"


@pytest.mark.asyncio
async def test_broken_connection_mid_answer(mode: Mode) -> None:
    error = await mode.fail(raising(httpx.RemoteProtocolError("peer closed connection")))
    assert isinstance(error, ClientConnectionError)
    assert error.api_error.type.startswith("urn:cuiman:client-error")


# -- what an error tells, and what it hides -----------------------------------------------------


@pytest.mark.asyncio
async def test_error_carries_status_method_and_url(mode: Mode) -> None:
    error = await mode.fail(answer_json(404, {"detail": "Not Found"}), "dismiss_job", "a b")
    assert error.status_code == 404
    assert error.method == "DELETE"
    assert error.url == f"{BASE_URL}/jobs/a%20b"
    assert error.url in str(error)


@pytest.mark.asyncio
async def test_error_url_has_no_credentials(mode: Mode) -> None:
    error = await mode.fail(
        answer_json(500, {"detail": "boom"}),
        "get_job",
        "j1",
        params={"access_token": "query-secret-1"},
        client_kwargs={"server_url": "http://ogc.test/api", "access_token": "bearer-secret-3"},  # userinfo is refused
    )
    assert error.url is not None
    assert error.url.startswith("http://ogc.test/api/jobs/j1")
    for secret in ("query-secret-1", "pw-secret-2", "alice", "bearer-secret-3"):
        assert secret not in error.url
        assert secret not in str(error)
        assert secret not in repr(error.api_error)


@pytest.mark.asyncio
async def test_network_error_message_has_no_credentials(mode: Mode) -> None:
    error = await mode.fail(
        raising(httpx.ConnectError("failed for http://alice:pw-secret-2@ogc.test/api")),
        client_kwargs={"server_url": "http://ogc.test/api", "access_token": "bearer-secret-3"},  # userinfo is refused
    )
    assert isinstance(error, ClientConnectionError)
    for secret in ("pw-secret-2", "bearer-secret-3"):
        assert secret not in str(error)
        assert secret not in (error.url or "")
        assert secret not in (error.api_error.detail or "")


@pytest.mark.asyncio
async def test_errors_on_every_method(mode: Mode) -> None:
    handler = answer_json(404, {"detail": "gone"})
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("get_capabilities", ()),
        ("get_conformance", ()),
        ("get_processes", ()),
        ("get_process", ("p",)),
        ("execute_process", ("p", {})),
        ("get_jobs", ()),
        ("get_job", ("j",)),
        ("dismiss_job", ("j",)),
        ("get_job_results", ("j",)),
    ]
    for name, args in calls:
        error = await mode.fail(handler, name, *args)
        assert isinstance(error, ClientStatusError), name
        assert error.api_error.detail == "gone", name


# -- retries ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_503_then_200_succeeds(mode: Mode, retry_delays: list[float]) -> None:
    answers = [json_response(503, {"detail": "busy"}), json_response(200, {"jobID": "j1", "status": "running"})]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers[len(seen) - 1]

    if mode.name == "sync":
        job = mode.make_client(handler).get_job("j1")
    else:
        job = await mode.make_async(handler).get_job("j1")
    assert job.jobID == "j1"
    assert len(seen) == 2
    assert len(retry_delays) == 1


@pytest.mark.asyncio
async def test_get_gives_up_after_retries(mode: Mode, retry_delays: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(502, {"detail": "bad gateway"})

    error = await mode.fail(handler, client_kwargs={"retry": RetryPolicy(max_attempts=3)})
    assert isinstance(error, ClientStatusError)
    assert error.status_code == 502
    assert len(seen) == 3
    assert len(retry_delays) == 2


@pytest.mark.asyncio
async def test_connection_error_then_success(mode: Mode, retry_delays: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.ConnectError("refused")
        return json_response(200, {"jobs": [], "links": []})

    if mode.name == "sync":
        jobs = mode.make_client(handler).get_jobs()
    else:
        jobs = await mode.make_async(handler).get_jobs()
    assert jobs.jobs == []
    assert len(seen) == 2


@pytest.mark.asyncio
async def test_execute_is_not_retried(mode: Mode, retry_delays: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(503, {"detail": "busy"})

    error = await mode.fail(handler, "execute_process", "add", {}, client_kwargs={"retry": RetryPolicy()})
    assert error.status_code == 503
    assert len(seen) == 1  # a POST creates a job: never sent twice
    assert retry_delays == []


@pytest.mark.asyncio
async def test_disabled_retry_sends_once(mode: Mode) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(503, {"detail": "busy"})

    await mode.fail(handler)
    assert len(seen) == 1
