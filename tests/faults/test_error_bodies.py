"""What an error carries: status, method, URL without credentials, the body parsed or as text."""

from __future__ import annotations

import pytest
from servers.fault_server import Fault
from specwright_runtime import FailureKind, RequestOptions, RetryPolicy

from .conftest import TOKEN, Pkg

NO_RETRY = RequestOptions(retry=RetryPolicy.disabled())

HTML_500 = """<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an unexpected condition.</p>
<hr><address>nginx/1.25.3</address></body></html>
"""


def test_html_500_page_is_a_status_error_with_the_text(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, Fault.html(500, HTML_500))

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_list()

    error = caught.value
    assert not isinstance(error, pkg.errors.auth)
    assert error.status_code == 500
    assert error.response_body == HTML_500
    assert error.method == "GET"
    assert error.url.startswith(pkg.url_of(pkg.list_path))
    assert error.info.kind is FailureKind.STATUS
    assert "Internal Server Error" in str(error)
    assert len(pkg.server.requests_to(pkg.list_path)) == 3  # 500 is transient: retried, then given up


def test_html_404_page_is_not_retried(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.html(404, "<html><body><h1>Not Found</h1></body></html>"))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item()

    assert caught.value.status_code == 404
    assert caught.value.response_body == "<html><body><h1>Not Found</h1></body></html>"
    assert len(sync_pkg.server.requests_to(sync_pkg.item_path)) == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'[{"id": 1, "file_name": ', "application/json"),
        (b"{'jobs': []}", "application/json"),
        (b"<html><body>Please log in</body></html>", "text/html"),
        (b"\xff\xfe\x00garbage", "application/json"),
    ],
    ids=["cut-json", "python-repr", "html-login-page", "binary"],
)
def test_invalid_json_on_200_is_a_response_error(pkg: Pkg, body: bytes, content_type: str) -> None:
    pkg.server.script(pkg.list_path, Fault.raw(200, body, content_type))

    with pytest.raises(pkg.errors.response) as caught:
        pkg.call_list()

    error = caught.value
    assert isinstance(error, ValueError)
    assert not isinstance(error, pkg.errors.status)
    assert error.info.kind is FailureKind.DECODE
    assert error.info.status_code == 200
    assert error.info.body == body.decode("utf-8", errors="replace")
    assert error.method == "GET"
    assert pkg.url_of(pkg.list_path) in str(error)
    assert len(pkg.server.requests_to(pkg.list_path)) == 1  # a bad body is not retried


def test_json_of_the_wrong_shape_is_a_response_error(pkg: Pkg) -> None:
    pkg.server.script(pkg.list_path, Fault.json(200, {"unexpected": "object"}))

    with pytest.raises(pkg.errors.response) as caught:
        pkg.call_list()

    assert caught.value.info.kind is FailureKind.VALIDATION
    assert caught.value.info.body == {"unexpected": "object"}


def test_json_error_body_is_parsed(pkg: Pkg) -> None:
    pkg.server.script(pkg.item_path, Fault.json(404, {"detail": "Job job-1 not found"}))

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_item()

    error = caught.value
    assert error.status_code == 404
    assert error.response_body == {"detail": "Job job-1 not found"}
    assert "Job job-1 not found" in str(error)
    assert error.url == pkg.url_of(pkg.item_path)


def test_fastapi_validation_error_body_is_parsed(sync_pkg: Pkg) -> None:
    detail = [{"loc": ["query", "limit"], "msg": "Input should be greater than 0", "type": "greater_than"}]
    sync_pkg.server.script(sync_pkg.list_path, Fault.json(422, {"detail": detail}))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_list()

    assert caught.value.status_code == 422
    assert caught.value.response_body == {"detail": detail}


def test_problem_details_body(sync_pkg: Pkg) -> None:
    problem = {
        "type": "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job",
        "title": "No such job",
        "status": 404,
        "detail": "Job job-1 does not exist",
    }
    sync_pkg.server.script(
        sync_pkg.item_path, Fault.json(404, problem, headers={"Content-Type": "application/problem+json"})
    )

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item()

    error = caught.value
    assert error.response_body == problem
    assert "Job job-1 does not exist" in str(error)
    if sync_pkg.name == "cuiman":
        assert error.api_error.type == problem["type"]
        assert error.api_error.title == "No such job"


def test_invalid_json_on_an_error_status_keeps_the_text(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.raw(400, '{"detail": "bad', "application/json"))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item()

    assert caught.value.status_code == 400
    assert caught.value.response_body == '{"detail": "bad'


def test_empty_error_body(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.status(500))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item(NO_RETRY)

    assert caught.value.status_code == 500
    assert caught.value.response_body is None
    assert "500" in str(caught.value) or "Internal Server Error" in str(caught.value)


def test_plain_text_error_body(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.status(502, "upstream connect error or disconnect/reset"))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item(NO_RETRY)

    assert caught.value.response_body == "upstream connect error or disconnect/reset"
    assert "upstream connect error" in str(caught.value)


@pytest.mark.parametrize("status", [401, 403])
def test_auth_statuses(sync_pkg: Pkg, status: int) -> None:
    sync_pkg.server.script(sync_pkg.item_path, Fault.json(status, {"detail": "Not allowed"}))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item()

    # grad300: 401 and 403 are AuthenticationError; cuiman: only 401 is ClientAuthError
    expect_auth = status == 401 or sync_pkg.name == "grad300"
    assert isinstance(caught.value, sync_pkg.errors.auth) is expect_auth
    assert caught.value.response_body == {"detail": "Not allowed"}
    assert len(sync_pkg.server.requests_to(sync_pkg.item_path)) == 1


def test_error_url_has_no_credentials(pkg: Pkg) -> None:
    """Secret query values are masked; the bearer token appears nowhere."""
    path = pkg.prefix + "/things"
    pkg.server.script(path, Fault.json(500, {"detail": "boom"}))

    with pytest.raises(pkg.errors.status) as caught:
        pkg.call_request("GET", "/things", params={"api_key": "k3y-s3cret", "page": "2"}, request_options=NO_RETRY)

    error = caught.value
    assert error.url == pkg.url_of(path) + "?api_key=***&page=2"
    shown = " ".join([str(error), repr(error), repr(error.info), error.url])
    for secret in ("k3y-s3cret", TOKEN):
        assert secret not in shown
    (sent,) = pkg.server.requests_to(path)
    assert sent.query == {"api_key": "k3y-s3cret", "page": "2"}  # the server still got what was asked
    assert sent.authorization == f"Bearer {TOKEN}"


def test_user_info_in_the_base_url_never_shows(sync_pkg: Pkg) -> None:
    """grad300 drops it from error URLs; cuiman refuses such a server URL without echoing it."""
    url = sync_pkg.base_url.replace("http://", "http://alice:pa55word@")
    if sync_pkg.name == "cuiman":
        with pytest.raises(ValueError) as refused:
            sync_pkg.connect(base_url=url)
        assert "pa55word" not in str(refused.value)
        return
    sync_pkg.server.script(sync_pkg.item_path, Fault.json(500, {"detail": "boom"}))
    sync_pkg.connect(base_url=url)

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_item(NO_RETRY)

    error = caught.value
    assert error.url == sync_pkg.url_of(sync_pkg.item_path)
    shown = " ".join([str(error), repr(error), repr(error.info)])
    assert "pa55word" not in shown
    assert "alice" not in shown
    assert sync_pkg.server.requests_to(sync_pkg.item_path)[0].authorization == f"Bearer {TOKEN}"


def test_post_error_names_the_method(sync_pkg: Pkg) -> None:
    sync_pkg.server.script(sync_pkg.post_path, Fault.json(400, {"detail": "Bad request"}))

    with pytest.raises(sync_pkg.errors.status) as caught:
        sync_pkg.call_post()

    assert caught.value.method == "POST"
    assert caught.value.url == sync_pkg.url_of(sync_pkg.post_path)
