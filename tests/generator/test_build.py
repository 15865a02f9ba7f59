"""build: the IR (API model) of grad300, and of small specs for the cases grad300 lacks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_api
from generator.datamodels import generate_models, model_index, parametrize_bare_containers, resolve_class
from generator.ir import Api, Operation
from generator.lint import is_lint
from generator.pipeline import load_checked

OAUTH = "OAuth2PasswordBearer"


def _op(api: Api, name: str) -> Operation:
    matches = [op for op in api.operations if op.py_name == name]
    assert len(matches) == 1, [op.py_name for op in api.operations]
    return matches[0]


# --- grad300 ------------------------------------------------------------------------


def test_grad300_operations(grad300_api: Api) -> None:
    assert [op.py_name for op in grad300_api.operations] == [
        "login_access_token",
        "test_token",
        "list_scans",
        "download_scan",
    ]
    assert [(op.method, op.path) for op in grad300_api.operations] == [
        ("POST", "/login/access-token"),
        ("GET", "/login/test-token"),
        ("GET", "/scans/{scan_type}/"),
        ("GET", "/scans/{scan_type}/{scan_id}/download"),
    ]


def test_grad300_api_metadata(grad300_api: Api) -> None:
    assert grad300_api.title == "GRAD300 backend API"
    assert grad300_api.version == "1.0"
    assert grad300_api.server_url == "https://grad300.lam.fr/api/v1"
    assert grad300_api.spec_path == "specs/grad300.yaml"
    assert len(grad300_api.spec_hash) == 64
    assert grad300_api.description.startswith("REST API of the GRAD300")
    assert grad300_api.has_paging and grad300_api.has_downloads


def test_list_scans_params(grad300_api: Api) -> None:
    op = _op(grad300_api, "list_scans")
    rows = [(p.name, p.py_name, p.location, p.type_expr, p.required, p.default) for p in op.params]
    assert rows == [
        ("scan_type", "scan_type", "path", "models.ScanType | str", True, None),
        ("offset", "offset", "query", "int", False, "0"),
        ("limit", "limit", "query", "int", False, "100"),
        ("source", "source", "query", "str", False, None),
        ("scan_name", "scan_name", "query", "str", False, None),
        ("date_from", "date_from", "query", "datetime", False, None),
        ("date_to", "date_to", "query", "datetime", False, None),
    ]
    assert [p.py_name for p in op.positional] == ["scan_type"]
    assert [p.py_name for p in op.keyword] == ["offset", "limit", "source", "scan_name", "date_from", "date_to"]
    assert op.params[0].description == "Scan type of the listing."  # from the $ref'd component parameter


def test_list_scans_success_and_errors(grad300_api: Api) -> None:
    op = _op(grad300_api, "list_scans")
    assert (op.success.status, op.success.kind, op.success.type_expr) == ("200", "json", "list[models.Scan]")
    assert [(e.status, e.type_expr) for e in op.errors] == [
        ("401", "models.HTTPError"),
        ("403", "models.HTTPError"),
        ("422", "models.HTTPValidationError"),
    ]
    assert op.errors[0].description == "Missing or invalid bearer token."  # from the $ref'd response


def test_list_scans_paging(grad300_api: Api) -> None:
    paging = _op(grad300_api, "list_scans").paging
    assert paging is not None
    assert paging.style == "offset"
    assert paging.position_param == "offset"
    assert paging.limit_param == "limit"
    assert paging.results_path == "$"
    assert paging.item_type == "models.Scan"
    assert paging.next_path is None and paging.total_path is None
    assert all(op.paging is None for op in grad300_api.operations if op.py_name != "list_scans")


def test_download_scan_is_binary(grad300_api: Api) -> None:
    op = _op(grad300_api, "download_scan")
    assert op.success.kind == "binary"
    assert op.success.type_expr == "bytes"
    assert op.success.media_type == "application/fits"  # the first listed media type
    assert [(p.py_name, p.type_expr) for p in op.positional] == [("scan_type", "models.ScanType | str"), ("scan_id", "int")]


def test_login_body_is_form(grad300_api: Api) -> None:
    op = _op(grad300_api, "login_access_token")
    assert op.body is not None
    assert op.body.kind == "form"
    assert op.body.py_name == "body"
    assert op.body.media_type == "application/x-www-form-urlencoded"
    assert op.body.type_expr == "models.LoginForm | Mapping[str, Any]"
    assert op.body.required is True
    assert op.params == ()


def test_security(grad300_api: Api) -> None:
    assert _op(grad300_api, "login_access_token").security == ()
    for name in ("test_token", "list_scans", "download_scan"):
        assert _op(grad300_api, name).security == (OAUTH,)
    assert grad300_api.default_security == (OAUTH,)
    scheme = grad300_api.primary_scheme
    assert scheme is not None
    assert (scheme.key, scheme.kind) == (OAUTH, "oauth2")
    assert scheme.token_url == "login/access-token"
    assert scheme.flows == ("password",)


def test_models(grad300_api: Api) -> None:
    names = {m.schema_name: m.class_name for m in grad300_api.models}
    assert names == {
        "ScanType": "ScanType",
        "Scan": "Scan",
        "LoginForm": "LoginForm",
        "Token": "Token",
        "TokenUser": "TokenUser",
        "HTTPError": "HTTPError",
        "ValidationErrorItem": "ValidationErrorItem",
        "HTTPValidationError": "HTTPValidationError",
    }
    by_name = {m.class_name: m.fields for m in grad300_api.models}
    assert by_name["ScanType"] == ("TPI", "IMAGES", "SPECTRUM", "ONOFF")  # x-enum-varnames
    assert by_name["Token"] == ("access_token", "token_type", "expires_in")
    assert "model_config" not in by_name["Scan"]


def test_build_is_deterministic(grad300_api: Api, grad300_loaded: Any) -> None:
    again = build_api(grad300_loaded, grad300_api.models_code)
    assert again == grad300_api


# --- datamodels helpers --------------------------------------------------------------


def test_resolve_class_matches_normalised_names() -> None:
    classes = {"HttpError": (), "Scan": ()}
    assert resolve_class("Scan", classes) == "Scan"
    assert resolve_class("HTTP_Error", classes) == "HttpError"
    assert resolve_class("Missing", classes) is None


def test_model_index_reads_fields_and_enum_members() -> None:
    code = (
        "class Color(Enum):\n    RED = 'red'\n    GREEN = 'green'\n\n"
        "class Pet(BaseModel):\n    model_config = ConfigDict()\n    id: int\n    name: str | None = None\n"
    )
    models = model_index(code, ["Pet", "Color", "Gone"])
    assert [(m.schema_name, m.class_name, m.fields) for m in models] == [
        ("Pet", "Pet", ("id", "name")),
        ("Color", "Color", ("RED", "GREEN")),
    ]


def test_generate_models_without_schemas() -> None:
    assert generate_models({"openapi": "3.0.3", "paths": {}}) == "from __future__ import annotations\n"


# --- small specs ------------------------------------------------------------------------


@pytest.fixture
def build(write_spec: Callable[..., Path], tmp_path: Path) -> Callable[[dict[str, Any]], Api]:
    def run(doc: dict[str, Any]) -> Api:
        # strict but for the lint: these small specs leave out what the lint asks real APIs for
        spec, problems = load_checked(write_spec(doc), tmp_path, strict=False)
        assert [d for d in problems if not is_lint(d)] == []
        return build_api(spec, generate_models(spec.document))

    return run


def _doc(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


OK = {"200": {"description": "ok"}}


def test_path_level_params_are_merged_and_overridden(build: Callable[[dict[str, Any]], Api]) -> None:
    api = build(
        _doc(
            {
                "/items/{id}": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                    ],
                    "get": {
                        "operationId": "getItem",
                        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                        "responses": OK,
                    },
                }
            }
        )
    )
    (op,) = api.operations
    assert [(p.py_name, p.location, p.type_expr) for p in op.params] == [("id", "path", "int"), ("verbose", "query", "bool")]
    assert op.success.kind == "empty" and op.success.type_expr == "None"


def test_param_names_are_snake_cased_and_deduplicated(build: Callable[[dict[str, Any]], Api]) -> None:
    params = [
        {"name": "X-Request-ID", "in": "header", "schema": {"type": "string"}},
        {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
        {"name": "class", "in": "query", "schema": {"type": "string"}},
        {"name": "id", "in": "query", "schema": {"type": "string"}},
        {"name": "id", "in": "header", "schema": {"type": "string"}},
    ]
    api = build(_doc({"/x": {"get": {"operationId": "x", "parameters": params, "responses": OK}}}))
    (op,) = api.operations
    assert [p.py_name for p in op.params] == ["x_request_id", "page_size", "class_", "id", "id_"]
    assert [p.name for p in op.header_params] == ["X-Request-ID", "id"]


@pytest.mark.parametrize(
    ("media", "schema", "kind", "type_expr"),
    [
        ("application/json", {"type": "object"}, "json", "dict[str, Any]"),
        ("application/merge-patch+json", {"type": "object"}, "json", "dict[str, Any]"),
        ("multipart/form-data", {"type": "object"}, "multipart", "dict[str, Any]"),
        ("application/octet-stream", {"type": "string", "format": "binary"}, "binary", "bytes"),
        ("text/plain", {"type": "string"}, "text", "str"),
    ],
)
def test_body_kinds(build: Callable[[dict[str, Any]], Api], media: str, schema: dict[str, Any], kind: str, type_expr: str) -> None:
    op_raw = {"operationId": "send", "requestBody": {"content": {media: {"schema": schema}}}, "responses": OK}
    (op,) = build(_doc({"/x": {"post": op_raw}})).operations
    assert op.body is not None
    assert (op.body.kind, op.body.type_expr, op.body.required) == (kind, type_expr, False)


def test_json_body_preferred_and_renamed(build: Callable[[dict[str, Any]], Api]) -> None:
    op_raw = {
        "operationId": "send",
        "x-codegen-request-body-name": "payload",
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "array"}}},
        },
        "responses": OK,
    }
    (op,) = build(_doc({"/x": {"post": op_raw}})).operations
    assert op.body is not None
    assert (op.body.py_name, op.body.kind, op.body.media_type, op.body.type_expr) == ("payload", "json", "application/json", "list[Any]")


def test_responses(build: Callable[[dict[str, Any]], Api]) -> None:
    op_raw = {
        "operationId": "get",
        "responses": {
            "404": {"description": "gone", "content": {"application/problem+json": {"schema": {"type": "object"}}}},
            "default": {"description": "oops"},
            "202": {"description": "later", "content": {"text/csv": {"schema": {"type": "string"}}}},
            "201": {"description": "made", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
        },
    }
    (op,) = build(_doc({"/x": {"get": op_raw}})).operations
    assert (op.success.status, op.success.kind, op.success.type_expr) == ("201", "binary", "bytes")  # lowest 2xx
    assert [(e.status, e.kind) for e in op.errors] == [("404", "json"), ("default", "empty")]


def test_text_response(build: Callable[[dict[str, Any]], Api]) -> None:
    op_raw = {"responses": {"200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}}}
    (op,) = build(_doc({"/report": {"get": op_raw}})).operations
    assert op.py_name == "get_report"
    assert op.operation_id == "get_report"
    assert (op.success.kind, op.success.type_expr, op.success.media_type) == ("text", "str", "text/csv")


@pytest.mark.parametrize(
    ("pagination", "style", "position", "limit", "next_path", "total"),
    [
        (
            {"type": "offsetLimit", "inputs": [{"name": "page", "in": "parameters", "type": "page"}, {"name": "size", "in": "parameters", "type": "limit"}],
             "outputs": {"results": "$.items", "totalItems": "$.total"}},
            "page", "page", "size", None, "$.total",
        ),
        (
            {"type": "cursor", "inputs": [{"name": "after", "in": "parameters", "type": "cursor"}],
             "outputs": {"results": "$.items", "nextCursor": "$.next"}},
            "cursor", "after", None, "$.next", None,
        ),
        (
            {"type": "url", "inputs": [], "outputs": {"results": "$.items", "nextUrl": "$.links.next"}},
            "link", None, None, "$.links.next", None,
        ),
    ],
)
def test_paging_styles(
    build: Callable[[dict[str, Any]], Api],
    pagination: dict[str, Any],
    style: str,
    position: str | None,
    limit: str | None,
    next_path: str | None,
    total: str | None,
) -> None:
    params = [{"name": n, "in": "query", "schema": {"type": "string" if n == "after" else "integer"}} for n in ("page", "size", "after")]
    body = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
    op_raw = {"operationId": "list", "parameters": params, "x-speakeasy-pagination": pagination, "responses": {"200": body}}
    (op,) = build(_doc({"/x": {"get": op_raw}})).operations
    assert op.paging is not None
    assert (op.paging.style, op.paging.position_param, op.paging.limit_param) == (style, position, limit)
    assert (op.paging.next_path, op.paging.total_path) == (next_path, total)
    assert op.paging.results_path == "$.items"
    assert op.paging.item_type == "Any"  # only `$` over a list response knows its items


def test_security_schemes_and_retries(build: Callable[[dict[str, Any]], Api]) -> None:
    components = {
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "Basic"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "key": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
            "cc": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://auth.test/token", "scopes": {}}}},
            "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://auth.test/.well-known/openid-configuration"},
        }
    }
    paths = {
        "/a": {
            "get": {"operationId": "a", "responses": OK},
            "post": {"operationId": "b", "security": [{"basic": []}], "x-speakeasy-retries": {"strategy": "backoff"}, "responses": OK},
            "delete": {"operationId": "c", "x-speakeasy-retries": {"strategy": "none"}, "responses": OK},
        }
    }
    api = build(_doc(paths, components=components, security=[{"key": []}, {"bearer": []}]))
    kinds = {s.key: s.kind for s in api.schemes}
    assert kinds == {"basic": "http-basic", "bearer": "http-bearer", "key": "api-key", "cc": "oauth2", "oidc": "openid-connect"}
    key = next(s for s in api.schemes if s.key == "key")
    assert (key.header, key.location) == ("X-API-Key", "header")
    assert next(s for s in api.schemes if s.key == "cc").token_url == "https://auth.test/token"
    assert api.default_security == ("key", "bearer")
    assert api.primary_scheme is not None and api.primary_scheme.key == "key"
    a, b, c = api.operations
    assert (a.security, b.security, c.security) == (("key", "bearer"), ("basic",), ("key", "bearer"))
    assert (a.idempotent, b.idempotent, c.idempotent) == (None, True, False)


def test_server_variables_are_filled_in(build: Callable[[dict[str, Any]], Api]) -> None:
    servers = [{"url": "https://{region}.api.test/{version}/", "variables": {"region": {"default": "eu"}, "version": {"default": "v2"}}}]
    api = build(_doc({}, servers=servers))
    assert api.server_url == "https://eu.api.test/v2"
    assert api.primary_scheme is None
    assert not api.has_paging and not api.has_downloads


def _paged_doc(results: str, pager_name: str | None = None) -> dict[str, Any]:
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    page = {
        "allOf": [
            {"type": "object", "properties": {"links": {"type": "array", "items": {"type": "object"}}}},
            {"type": "object", "properties": {"data": {"type": "object", "properties": {"things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}},
        ]
    }
    op_raw: dict[str, Any] = {
        "operationId": "get_things",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
        "x-speakeasy-pagination": {
            "type": "url",
            "inputs": [{"name": "limit", "in": "parameters", "type": "limit"}],
            "outputs": {"results": results, "nextUrl": "$.links[?(@.rel=='next')].href"},
        },
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}},
    }
    if pager_name:
        op_raw["x-specwright-pager-name"] = pager_name
    return _doc({"/things": {"get": op_raw}}, components={"schemas": {"Thing": item, "Page": page}})


def test_pager_item_type_follows_results_path_through_refs_and_allof(build: Callable[[dict[str, Any]], Api]) -> None:
    (op,) = build(_paged_doc("$.data.things")).operations
    assert op.paging is not None
    assert op.paging.item_type == "models.Thing"
    assert op.paging.method_name == "iter_get_things"  # the default name


@pytest.mark.parametrize("results", ["$.data.nothing", "$.links[0]", "$"])
def test_pager_item_type_is_any_when_the_path_is_not_an_array(build: Callable[[dict[str, Any]], Api], results: str) -> None:
    (op,) = build(_paged_doc(results)).operations
    assert op.paging is not None and op.paging.item_type == "Any"


def test_pager_name_extension(build: Callable[[dict[str, Any]], Api]) -> None:
    (op,) = build(_paged_doc("$.data.things", pager_name="iter_things")).operations
    assert op.paging is not None and op.paging.method_name == "iter_things"


@pytest.mark.parametrize(
    ("param", "explode"),
    [
        ({"schema": {"type": "array", "items": {"type": "string"}}}, True),  # form style explodes by default
        ({"schema": {"type": "array", "items": {"type": "string"}}, "explode": False}, False),
        ({"in": "header", "name": "X-Tags", "schema": {"type": "array", "items": {"type": "string"}}}, False),  # simple style
        ({"schema": {"type": "string"}, "explode": False}, True),  # a scalar is one value anyway
    ],
)
def test_explode(build: Callable[[dict[str, Any]], Api], param: dict[str, Any], explode: bool) -> None:
    raw = {"name": "tags", "in": "query", **param}  # param may override name and location
    (op,) = build(_doc({"/x": {"get": {"operationId": "x", "parameters": [raw], "responses": OK}}})).operations
    assert op.params[0].explode is explode


def test_reserved_and_wrapper_names_get_an_underscore(build: Callable[[dict[str, Any]], Api]) -> None:
    binary = {"200": {"description": "ok", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
    names = ["self", "kwargs", "request_options", "filename", "q"]
    op_raw = {"operationId": "get_file", "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}} for n in names], "responses": binary}
    (op,) = build(_doc({"/f": {"get": op_raw}})).operations
    assert [p.py_name for p in op.params] == ["self_", "kwargs_", "request_options_", "filename_", "q"]
    assert [p.name for p in op.params] == names  # the wire names stay


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "from __future__ import annotations\nfrom typing import Any\nclass A(RootModel[list]):\n    root: list\n    m: dict | None = None\n",
            "from __future__ import annotations\nfrom typing import Any\nclass A(RootModel[list[Any]]):\n    root: list[Any]\n    m: dict[str, Any] | None = None\n",
        ),
        (  # a model called Any: typing's is imported under another name
            "from __future__ import annotations\nclass Any(BaseModel):\n    x: list[int]\n    y: list\n",
            "from __future__ import annotations\nfrom typing import Any as _TypingAny\nclass Any(BaseModel):\n    x: list[int]\n    y: list[_TypingAny]\n",
        ),
        ("from __future__ import annotations\nclass B(BaseModel):\n    x: list[str]\n    '''a list'''\n", None),
    ],
)
def test_bare_containers_get_type_arguments(code: str, expected: str | None) -> None:
    assert parametrize_bare_containers(code) == (expected if expected is not None else code)


def test_enum_defaults_are_members() -> None:
    doc = {
        "openapi": "3.1.0", "info": {"title": "E", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "Paint": {"type": "object", "properties": {"color": {"allOf": [{"$ref": "#/components/schemas/Color"}], "default": "blue"}}},
        }},
    }
    assert "= Color.blue" in generate_models(doc)
