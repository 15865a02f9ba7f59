"""cloudcix.client.Client: every raw method, URL formation, placeholders, query, body, headers.

Over ``httpx.MockTransport`` (the ``mock`` fixture); settings come from the environment
(``cloudcix_env``: the sheet's ``https://api.cloudcix.com/``, version 2, and the legacy URL).
"""

from __future__ import annotations

import datetime
import decimal
import inspect
import json
import sys
import types
import uuid
from typing import Any

import httpx
import pytest
from cloudcix.client import FULLY_DEPLOYED, Client, parse_parameters
from cloudcix.conf import settings
from cloudcix.exceptions import (
    CloudCIXConnectionError,
    CloudCIXError,
    ImproperlyConfiguredException,
    MissingClientKeywordArgumentException,
)
from cloudcix_fakes import Recorder

LINK = "https://membership.api.cloudcix.com/address/7/link/"


def test_the_seed_signatures() -> None:
    """Parameters, their order and defaults as in cloudcix 5.0.11."""
    expected = {
        "__init__": "(self, application: 'str', service_uri: 'str', version: 'str' = 'v1') -> 'None'",
        "create": "(self, token=None, data=None, params=None, **kwargs)",
        "delete": "(self, pk, token=None, params=None, **kwargs)",
        "get_all": "(self, token=None, params=None, **kwargs)",
        "head": "(self, token=None, pk=None, params=None, **kwargs)",
        "list": "(self, token=None, params=None, **kwargs)",
        "partial_update": "(self, pk, token=None, data=None, params=None, **kwargs)",
        "read": "(self, pk, token=None, params=None, **kwargs)",
        "update": "(self, pk, token=None, data=None, params=None, **kwargs)",
        "request": "(self, method, token=None, pk=None, data=None, params=None, files=None, **kwargs)",
        "prepare_url": "(self, pk=None, client_kwargs=None)",
        "filter_kwargs": "(self, kwargs)",
    }
    for name, signature in expected.items():
        params = inspect.signature(getattr(Client, name)).parameters.values()
        if name != "__init__":  # annotations aside
            params = [p.replace(annotation=inspect.Parameter.empty) for p in params]
            signature_text = str(inspect.Signature(list(params)))
        else:
            signature_text = str(inspect.signature(Client.__init__))
        assert signature_text == signature, name
    assert {"membership", "vault", "dcim", "bss-test"} <= FULLY_DEPLOYED and "asset" not in FULLY_DEPLOYED


# -- every method ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "method", "url", "sent"),
    [
        (lambda c: c.list(token="T", address_id=7), "GET", LINK, None),
        (lambda c: c.read(3, token="T", address_id=7), "GET", LINK + "3/", None),
        (lambda c: c.head(token="T", address_id=7), "HEAD", LINK, None),
        (lambda c: c.head(token="T", pk=3, address_id=7), "HEAD", LINK + "3/", None),
        (lambda c: c.delete(3, token="T", address_id=7), "DELETE", LINK + "3/", None),
        (lambda c: c.create(token="T", data={"a": 1}, address_id=7), "POST", LINK, {"a": 1}),
        (lambda c: c.update(3, token="T", data={"a": 2}, address_id=7), "PUT", LINK + "3/", {"a": 2}),
        (lambda c: c.partial_update(3, token="T", data={"a": 3}, address_id=7), "PATCH", LINK + "3/", {"a": 3}),
        (lambda c: c.request("get", token="T", pk=3, address_id=7), "GET", LINK + "3/", None),
    ],
)
def test_every_method(mock: Recorder, call: Any, method: str, url: str, sent: Any) -> None:
    response = call(Client("membership", "address/{address_id}/link"))
    assert isinstance(response, httpx.Response) and response.status_code == 200
    request = mock.last
    assert (request.method, str(request.url)) == (method, url)
    assert request.headers["X-Auth-Token"] == "T"
    if sent is None:  # GET, HEAD and DELETE send no body (5.0.11 sent "null")
        assert request.content == b""
        assert "content-type" not in request.headers
        assert "content-length" not in request.headers or request.headers["content-length"] == "0"
    else:
        assert json.loads(request.content) == sent
        assert request.headers["Content-Type"] == "application/json"
    assert len(mock.requests) == 1  # exactly one request


def test_the_response_is_returned_with_plain_json(mock: Recorder) -> None:
    body = {"content": {"postcode": "00123", "when": "2024-01-02", "at": "10:11:12", "price": 1.5, "ip": "10.0.0.1"}}
    mock.play(lambda r: httpx.Response(200, json=body, headers={"X-Request-Id": "r1"}))
    response = Client("membership", "address").read(1)
    assert response.json() == body  # strings stay strings, floats stay floats
    assert isinstance(response.json()["content"]["price"], float)
    assert response.headers["x-request-id"] == "r1"
    assert json.loads(response.text) == body and json.loads(response.content) == body


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500])
def test_error_statuses_are_returned_not_raised(mock: Recorder, status: int) -> None:
    mock.play(lambda r: httpx.Response(status, json={"error_code": "E1", "detail": "no"}))
    response = Client("membership", "address").list(token="T")
    assert response.status_code == status
    assert response.json() == {"error_code": "E1", "detail": "no"}


def test_transient_statuses_are_retried_for_reads_only(mock: Recorder) -> None:
    mock.play(503, 503, {"content": []})
    assert Client("membership", "address").list().status_code == 200
    assert len(mock.requests) == 3
    mock.requests.clear()
    mock.play(503, {"content": []})
    assert Client("membership", "address").create(data={}).status_code == 503  # POST is never retried
    assert len(mock.requests) == 1


def test_a_redirect_is_returned_not_followed(mock: Recorder) -> None:
    mock.play(lambda r: httpx.Response(301, headers={"Location": "https://elsewhere.example/x/"}))
    response = Client("membership", "address").list(token="T")
    assert response.status_code == 301 and len(mock.requests) == 1  # the token never goes elsewhere


def test_a_connection_failure_raises_the_package_error(mock: Recorder) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    mock.play(refuse)
    with pytest.raises(CloudCIXConnectionError) as caught:
        Client("membership", "address").create(data={})
    assert isinstance(caught.value, ConnectionError) and isinstance(caught.value, CloudCIXError)


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "application", "service", "url"),
    [
        ({}, "membership", "auth/login", "https://membership.api.cloudcix.com/auth/login/"),
        (
            {},
            "Circuit",
            "Property_Value/{search_term}",
            "https://circuit.api.cloudcix.com/property_value/{search_term}/",
        ),
        (
            {},
            "Asset",
            "Asset/{asset_id}/Transaction",
            "https://legacyapi.api.cloudcix.com/Asset/v1/Asset/{asset_id}/Transaction/",
        ),
        ({}, "SupportFramework", "DTO", "https://legacyapi.api.cloudcix.com/SupportFramework/v1/DTO/"),
        ({"CLOUDCIX_API_VERSION": "1"}, "iaas", "cloud", "https://iaas.api.cloudcix.com/v1/cloud/"),
        (
            {"CLOUDCIX_API_VERSION": "3"},
            "vault",
            "{region_name}/bucket",
            "https://vault.api.cloudcix.com/v3/{region_name}/bucket/",
        ),
        (  # only CLOUDCIX_API_URL: V2 defaults to it, and the version to 1
            {"CLOUDCIX_API_VERSION": None, "CLOUDCIX_API_V2_URL": None},
            "membership",
            "auth/login",
            "https://membership.legacyapi.api.cloudcix.com/v1/auth/login/",
        ),
        (
            {"CLOUDCIX_API_V2_URL": "HTTP://API.Example.COM:8080/"},
            "Membership",
            "X",
            "http://membership.api.example.com:8080/x/",
        ),
    ],
)
def test_base_url(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None], application: str, service: str, url: str
) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name)
        else:
            monkeypatch.setenv(name, value)
    client = Client(application, service + "/", version="v9")  # version is ignored, as in 5.0.11
    assert client.base_url == url
    assert repr(client) == f"<Client [{url}]>"
    assert client.server_url == "https://legacyapi.api.cloudcix.com"


def test_the_url_follows_the_settings_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client("membership", "address")
    assert client.base_url == "https://membership.api.cloudcix.com/address/"
    monkeypatch.setenv("CLOUDCIX_API_V2_URL", "https://api.example.org/")
    settings._setup()
    assert client.base_url == "https://membership.api.example.org/address/"


def test_placeholders_and_pk(mock: Recorder) -> None:
    link = Client("membership", "address/{address_id}/link/")
    assert link.prepare_url(3, {"address_id": 7}) == LINK + "3/"
    assert link.filter_kwargs({"address_id": 7, "timeout": 5}) == ({"address_id": 7}, {"timeout": 5})
    # one path segment per value, whatever it holds
    assert link.prepare_url("a b", {"address_id": "x/../y?z#"}) == (
        "https://membership.api.cloudcix.com/address/x%2F..%2Fy%3Fz%23/link/a%20b/"
    )
    assert link.prepare_url(pk="..", client_kwargs={"address_id": "."}) == (
        "https://membership.api.cloudcix.com/address/%2E/link/%2E%2E/"
    )
    # the value keeps its case although the subdomain-style URL is lower-cased
    assert (
        link.prepare_url(client_kwargs={"address_id": "AbC"}) == "https://membership.api.cloudcix.com/address/AbC/link/"
    )


def test_a_placeholder_at_the_start(mock: Recorder) -> None:
    """Vault's ``{region_name}/...`` (5.0.11 could never fill it)."""
    bucket = Client("vault", "{region_name}/bucket/{path}")
    bucket.read(5, region_name="eu-west", path="my bucket")
    assert str(mock.last.url) == "https://vault.api.cloudcix.com/eu-west/bucket/my%20bucket/5/"


def test_a_service_naming_pk(mock: Recorder) -> None:
    """``guiden/api_key/{pk}``: ``pk`` fills the placeholder and nothing is appended."""
    keys = Client("membership", "guiden/api_key/{pk}")
    keys.read(5)
    keys.update(6, data={})
    keys.list(pk=7)
    keys.head(pk=8)
    assert mock.urls == [f"https://membership.api.cloudcix.com/guiden/api_key/{n}/" for n in (5, 6, 7, 8)]
    with pytest.raises(MissingClientKeywordArgumentException):
        keys.list()


def test_a_missing_placeholder(mock: Recorder) -> None:
    link = Client("membership", "address/{address_id}/link")
    with pytest.raises(MissingClientKeywordArgumentException) as caught:
        link.list(token="T")
    err = caught.value
    message = f'The "address_id" keyword argument is required by <Client [{LINK.replace("7", "{address_id}")}]>'
    assert (err.name, err.message, str(err)) == ("address_id", message, message)
    assert repr(err) == "<MissingClientKeywordArgument [address_id]>"
    assert err.args == ("address_id", link)
    assert isinstance(err, CloudCIXError)
    with pytest.raises(MissingClientKeywordArgumentException):
        link.read(1, address_id=None)
    with pytest.raises(ValueError, match="empty"):
        link.read(1, address_id="")
    assert mock.requests == []


def test_unknown_keywords_and_files_are_refused(mock: Recorder) -> None:
    client = Client("membership", "address")
    with pytest.raises(TypeError, match="unexpected keyword argument 'verify'"):
        client.list(verify=False)
    with pytest.raises(TypeError, match="address_id"):
        client.list(address_id=3)  # not a placeholder of this service
    with pytest.raises(TypeError, match="files"):
        client.request("post", files={"f": b"x"})
    with pytest.raises(ValueError, match="method"):
        client.request("trace")
    assert mock.requests == []


# -- query, body, headers ------------------------------------------------------------------


def test_params_are_encoded_as_5_0_11_did_and_left_unchanged(mock: Recorder) -> None:
    params = {
        "created__gte": datetime.datetime(2024, 5, 6, 7, 8, 9),
        "day": datetime.date(2024, 5, 6),
        "at": datetime.time(7, 8),
        "active": True,
        "deleted": False,
        "id__in": [1, "a b", 2.5],
        "tags": ("x",),
        "search[name]": "Ann & Bob",
        "limit": 5,
        "gone": None,
    }
    snapshot = dict(params)
    Client("membership", "address").list(params=params)
    assert params == snapshot
    assert dict(mock.last.url.params) == {
        "created__gte": "2024-05-06T07:08:09",
        "day": "2024-05-06",
        "at": "07:08:00",
        "active": "true",
        "deleted": "false",
        "id__in": "['1', 'a b', '2.5']",  # 5.0.11's list repr, kept for the services that parse it
        "tags": "['x']",
        "search[name]": "Ann & Bob",
        "limit": "5",
    }
    assert parse_parameters(None) == {} and parse_parameters({}) == {}
    parsed = parse_parameters(params)
    assert parsed is not params and parsed["gone"] is None and params == snapshot


def test_the_body_encoder(mock: Recorder) -> None:
    data = {
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        "local": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "day": datetime.date(2024, 1, 2),
        "at": datetime.time(1, 2, 3, 456789),
        "price": decimal.Decimal("1.25"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "set": {1},
        "gen": (i for i in range(2)),
    }
    Client("membership", "address").create(data=data)
    assert json.loads(mock.last.content) == {
        "when": "2024-01-02T03:04:05Z",
        "local": "2024-01-02T03:04:05",
        "day": "2024-01-02",
        "at": "01:02:03.456",
        "price": 1.25,
        "id": "12345678-1234-5678-1234-567812345678",
        "set": [1],
        "gen": [0, 1],
    }
    with pytest.raises(ValueError, match="timezone-aware"):
        Client("membership", "address").create(data={"t": datetime.time(1, tzinfo=datetime.UTC)})
    Client("membership", "address").create()  # no data: JSON null, as 5.0.11 sent
    assert mock.last.content == b"null"


def test_headers_are_merged_into_a_copy(mock: Recorder) -> None:
    headers = {"X-Trace": "1", "content-type": "text/plain"}
    client = Client("membership", "address")
    client.list(token="T", headers=headers)
    client.create(token="T", data={}, headers=headers)
    assert headers == {"X-Trace": "1", "content-type": "text/plain"}
    assert mock.requests[0].headers["X-Trace"] == "1"
    # a JSON body is sent as JSON, as in 5.0.11
    assert mock.requests[1].headers.get_list("Content-Type") == ["application/json"]
    client.list()
    assert "X-Trace" not in mock.last.headers  # nothing stays behind on the client
    assert "X-Auth-Token" not in mock.last.headers  # no token, no header


def test_a_span_is_injected_into_that_request_only(mock: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    injected: list[Any] = []

    class Tracer:
        def inject(self, context: Any, fmt: str, carrier: dict[str, str]) -> None:
            injected.append(context)
            carrier["uber-trace-id"] = "abc:def:0:1"

    fake = types.ModuleType("opentracing")
    fake.tracer = Tracer()  # type: ignore[attr-defined]
    fake.Format = types.SimpleNamespace(TEXT_MAP="text_map")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "opentracing", fake)
    span = types.SimpleNamespace(context="ctx")
    headers = {"X-A": "1"}
    client = Client("membership", "address")
    client.list(span=span, headers=headers)
    assert mock.last.headers["uber-trace-id"] == "abc:def:0:1" and injected == ["ctx"]
    assert headers == {"X-A": "1"}
    client.list()
    assert "uber-trace-id" not in mock.last.headers


def test_a_span_without_opentracing_is_ignored(mock: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentracing", None)  # import fails
    assert Client("membership", "address").list(span=object()).status_code == 200


def test_timeout_keyword(mock: Recorder) -> None:
    client = Client("membership", "address")
    client.list(timeout=7)
    assert mock.last.extensions["timeout"]["read"] == 7
    client.list(timeout=(2, 9))
    assert (mock.last.extensions["timeout"]["connect"], mock.last.extensions["timeout"]["read"]) == (2, 9)
    client.list()
    assert mock.last.extensions["timeout"]["connect"] <= 10  # the default, capped by the total


# -- settings at the first request ---------------------------------------------------------


def test_missing_settings_raise_at_the_first_request(mock: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOUDCIX_API_URL", "CLOUDCIX_API_V2_URL", "CLOUDCIX_API_VERSION"):
        monkeypatch.delenv(name)
    client = Client("membership", "address")  # construction reads nothing
    assert "settings not configured" in repr(client)
    with pytest.raises(ImproperlyConfiguredException) as caught:
        client.list()
    assert str(caught.value) == (
        "No module file specified. Ensure that either CLOUDCIX_SETTINGS_MODULE or "
        "DJANGO_SETTINGS_MODULE are specified in the environment."
    )
    assert mock.requests == []


def test_a_missing_url_setting_is_named(mock: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDCIX_API_URL")
    monkeypatch.delenv("CLOUDCIX_API_V2_URL")
    with pytest.raises(ImproperlyConfiguredException, match="CLOUDCIX_API_V2_URL is not set"):
        Client("membership", "address").list()
    with pytest.raises(ImproperlyConfiguredException, match="CLOUDCIX_API_URL is not set"):
        Client("Asset", "Asset").list()
