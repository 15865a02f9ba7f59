"""validate: OpenAPI rules, the x- extension schema and project rules, each diagnostic
anchored to the file and JSON pointer where the problem was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostic, SpecError, pointer
from generator.lint import is_lint
from generator.loader import LoadedSpec, load_spec, operations
from generator.pipeline import load_and_validate
from generator.validate import extension_schema, validate

LIST_SCANS = "/paths/~1scans~1{scan_type}~1/get"
Spec = Callable[[dict[str, Any]], list[Diagnostic]]


def not_lint(found: list[Diagnostic]) -> list[Diagnostic]:
    """The findings besides lint (small documents here have no error responses and the like;
    tests/generator/test_lint.py tests the lint)."""
    return [d for d in found if not is_lint(d)]


@pytest.fixture
def check(validate_doc: Spec) -> Spec:
    """Write ``doc`` to tmp_path/spec.yaml and validate it."""
    return validate_doc


def _list_scans(doc: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = doc["paths"]["/scans/{scan_type}/"]["get"]
    return op


def _rules(diags: list[Diagnostic]) -> set[str]:
    return {d.rule for d in diags}


def test_grad300_has_no_diagnostics(grad300_loaded: LoadedSpec) -> None:
    assert validate(grad300_loaded) == []


def test_load_and_validate_raises_with_every_diagnostic(write_spec: Callable[..., Path], grad300_doc: dict[str, Any], tmp_path: Path) -> None:
    grad300_doc["openapi"] = "2.0"
    with pytest.raises(SpecError) as exc:
        load_and_validate(write_spec(grad300_doc), tmp_path)
    assert [d.rule for d in exc.value.diagnostics] == ["openapi-version"]
    assert "spec.yaml:1: #/openapi: [openapi-version]" in str(exc.value)  # the line: refused findings are located


def test_a_swagger_2_document_is_refused_with_the_way_forward(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    doc = {"swagger": "2.0", "info": {"title": "S", "version": "1"}, "paths": {}}
    with pytest.raises(SpecError) as exc:
        load_and_validate(write_spec(doc), tmp_path)
    [found] = exc.value.diagnostics
    assert (found.rule, found.pointer) == ("openapi-version", "/swagger")
    assert "found Swagger 2.0: convert it first" in found.message and "swagger2openapi" in found.message


def test_bad_parameter_location_is_anchored_to_the_parameter(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["parameters"][1]["in"] = "bogus"
    diags = check(grad300_doc)
    assert len(diags) == 1, diags
    (diag,) = diags
    assert diag.file == "spec.yaml"
    assert diag.pointer == f"{LIST_SCANS}/parameters/1/in"
    assert diag.rule == "openapi:enum"
    assert "'bogus'" in diag.message


def test_json_spec_gets_the_same_pointer(write_spec: Callable[..., Path], grad300_doc: dict[str, Any], tmp_path: Path) -> None:
    _list_scans(grad300_doc)["parameters"][1]["in"] = "bogus"
    diags = validate(load_spec(write_spec(grad300_doc, "spec.json"), tmp_path))
    assert [(d.file, d.pointer, d.rule) for d in diags] == [("spec.json", f"{LIST_SCANS}/parameters/1/in", "openapi:enum")]


def test_bad_schema_type_is_anchored_inside_components(check: Spec, grad300_doc: dict[str, Any]) -> None:
    grad300_doc["components"]["schemas"]["Scan"]["properties"]["size"]["type"] = "strang"
    diags = check(grad300_doc)
    assert diags, "an unknown schema type must be reported"
    assert all(d.pointer.startswith("/components/schemas/Scan") for d in diags), diags
    assert any(d.pointer == "/components/schemas/Scan/properties/size/type" for d in diags), diags
    assert all(d.rule.startswith("openapi:") for d in diags)


def test_openapi_errors_stop_before_extension_checks(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["parameters"][1]["in"] = "bogus"
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["type"] = "sometimes"
    assert _rules(check(grad300_doc)) == {"openapi:enum"}


@pytest.mark.parametrize(
    ("version", "shown"),
    [("2.0", "'2.0'"), ("3.2.0", "'3.2.0'"), (None, "'none'")],
)
def test_only_openapi_3_0_and_3_1(check: Spec, grad300_doc: dict[str, Any], version: str | None, shown: str) -> None:
    if version is None:
        del grad300_doc["openapi"]
    else:
        grad300_doc["openapi"] = version
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [("/openapi", "openapi-version")]
    assert shown in diags[0].message


def test_openapi_3_0_spec_is_accepted(check: Spec) -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    assert not_lint(check(doc)) == []


# --- x- extensions ----------------------------------------------------------------------


def test_unknown_pagination_type(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["type"] = "bogus"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        (f"{LIST_SCANS}/x-speakeasy-pagination/type", "x-speakeasy-pagination:enum")
    ]


def test_pagination_unknown_key(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["pageSize"] = 10
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        (f"{LIST_SCANS}/x-speakeasy-pagination", "x-speakeasy-pagination:additionalProperties")
    ]


def test_pagination_input_must_name_a_parameter(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["inputs"][0]["name"] = "start"
    diags = check(grad300_doc)
    assert [(d.file, d.pointer, d.rule) for d in diags] == [
        ("spec.yaml", f"{LIST_SCANS}/x-speakeasy-pagination/inputs/0/name", "pagination-input-exists")
    ]
    assert "'start'" in diags[0].message


def test_pagination_input_may_name_a_path_level_parameter(check: Spec, grad300_doc: dict[str, Any]) -> None:
    item = grad300_doc["paths"]["/scans/{scan_type}/"]
    op = item["get"]
    item["parameters"] = [p for p in op["parameters"] if p.get("name") == "offset"]
    op["parameters"] = [p for p in op["parameters"] if p.get("name") != "offset"]
    assert check(grad300_doc) == []


@pytest.mark.parametrize(
    ("ptype", "inputs", "outputs", "message"),
    [
        ("offsetLimit", [("limit", "limit")], {"results": "$"}, "offset or page input"),
        ("cursor", [("offset", "cursor")], {"results": "$"}, "nextCursor output"),
        ("url", [("limit", "limit")], {"results": "$"}, "nextUrl output"),
    ],
)
def test_pagination_must_be_complete(
    check: Spec, grad300_doc: dict[str, Any], ptype: str, inputs: list[tuple[str, str]], outputs: dict[str, str], message: str
) -> None:
    _list_scans(grad300_doc)["x-speakeasy-pagination"] = {
        "type": ptype,
        "inputs": [{"name": n, "in": "parameters", "type": t} for n, t in inputs],
        "outputs": outputs,
    }
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(f"{LIST_SCANS}/x-speakeasy-pagination", "pagination-complete")]
    assert message in diags[0].message


def test_duplicate_method_names(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["operationId"] = "testToken"  # snake_case: test_token, like /login/test-token
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(LIST_SCANS, "method-name-unique")]
    assert "'test_token'" in diags[0].message and "/paths/~1login~1test-token/get" in diags[0].message


def test_duplicate_method_names_via_name_override(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-name-override"] = "download_scan"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        ("/paths/~1scans~1{scan_type}~1{scan_id}~1download/get", "method-name-unique")
    ]


def test_same_method_name_in_different_groups_is_fine(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-name-override"] = "test_token"
    _list_scans(grad300_doc)["x-speakeasy-group"] = "scans"
    assert check(grad300_doc) == []


def test_enum_varnames_length_mismatch(check: Spec, grad300_doc: dict[str, Any]) -> None:
    grad300_doc["components"]["schemas"]["ScanType"]["x-enum-varnames"].pop()
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        ("/components/schemas/ScanType/x-enum-varnames", "x-enum-varnames:length")
    ]


def test_enum_varnames_must_be_identifiers(check: Spec, grad300_doc: dict[str, Any]) -> None:
    grad300_doc["components"]["schemas"]["ScanType"]["x-enum-varnames"][2] = "3D"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        ("/components/schemas/ScanType/x-enum-varnames/2", "x-enum-varnames:pattern")
    ]


@pytest.mark.parametrize(
    ("where", "name", "value", "suffix", "rule"),
    [
        ("op", "x-speakeasy-group", "bad-group", "", "pattern"),
        ("op", "x-speakeasy-name-override", "ListScans", "", "pattern"),
        ("op", "x-codegen-request-body-name", 3, "", "type"),
        ("op", "x-speakeasy-retries", {"strategy": "sometimes"}, "/strategy", "enum"),
        ("root", "x-speakeasy-retries", {"backoff": {}}, "", "required"),
    ],
)
def test_extension_values_are_checked_against_the_schema(
    check: Spec, grad300_doc: dict[str, Any], where: str, name: str, value: Any, suffix: str, rule: str
) -> None:
    if where == "op":
        _list_scans(grad300_doc)[name] = value
        base = f"{LIST_SCANS}/{name}"
    else:
        grad300_doc[name] = value
        base = f"/{name}"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(base + suffix, f"{name}:{rule}")]


def test_implicit_only_oauth2_is_rejected(check: Spec, grad300_doc: dict[str, Any]) -> None:
    grad300_doc["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"] = {
        "implicit": {"authorizationUrl": "https://example.test/auth", "scopes": {}}
    }
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [
        ("/components/securitySchemes/OAuth2PasswordBearer/flows", "oauth2-flow-supported")
    ]


def test_extension_schema_covers_every_checked_extension() -> None:
    props = extension_schema()["properties"]
    for name in ("x-speakeasy-pagination", "x-speakeasy-group", "x-speakeasy-name-override",
                 "x-speakeasy-retries", "x-codegen-request-body-name", "x-enum-varnames"):
        assert name in props


def test_operations_in_document_order(grad300_doc: dict[str, Any]) -> None:
    assert [(p, m) for p, m, _ in operations(grad300_doc)] == [
        ("/login/access-token", "post"),
        ("/login/test-token", "get"),
        ("/scans/{scan_type}/", "get"),
        ("/scans/{scan_type}/{scan_id}/download", "get"),
    ]


# --- errors in referenced files ------------------------------------------------------


def test_error_inside_a_referenced_file_names_that_file(copy_fixture: Callable[[str], Path]) -> None:
    folder = copy_fixture("bundle")
    diags = validate(load_spec(folder / "bad_external.yaml", folder))
    assert diags
    assert {d.file for d in diags} == {"bad_schemas.yaml"}
    assert ("/components/schemas/Foo/properties/bar/type", "openapi:anyOf") in {(d.pointer, d.rule) for d in diags}


def test_error_inside_an_inlined_file_names_that_file(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    write_spec("name: q\nin: bogus\nschema: {type: string}\n", "param.yaml")
    main = write_spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"parameters": [{"$ref": "param.yaml"}], "responses": {"200": {"description": "ok"}}}}},
        }
    )
    diags = validate(load_spec(main, tmp_path))
    assert [(d.file, d.pointer, d.rule) for d in diags] == [("param.yaml", "/in", "openapi:enum")]


def test_extension_error_in_a_referenced_schema_names_that_file(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    write_spec(
        {"components": {"schemas": {"Color": {"type": "string", "enum": ["r", "g"], "x-enum-varnames": ["RED"]}}}},
        "colors.yaml",
    )
    main = write_spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/c": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": {"$ref": "colors.yaml#/components/schemas/Color"}}},
                            }
                        }
                    }
                }
            },
            "components": {"schemas": {}},  # see test_loader's bundler-bug tests for why
        }
    )
    diags = not_lint(validate(load_spec(main, tmp_path)))
    assert [(d.file, d.pointer, d.rule) for d in diags] == [
        ("colors.yaml", "/components/schemas/Color/x-enum-varnames", "x-enum-varnames:length")
    ]


def test_diagnostics_are_sorted_and_unique(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["inputs"][0]["name"] = "start"
    _list_scans(grad300_doc)["x-speakeasy-pagination"]["inputs"][1]["name"] = "size"
    grad300_doc["components"]["schemas"]["ScanType"]["x-enum-varnames"].pop()
    diags = check(grad300_doc)
    assert diags == sorted(set(diags))
    assert len(diags) == 3


def test_diagnostic_string_format() -> None:
    assert str(Diagnostic("a.yaml", "/paths/~1x", "rule", "msg")) == "a.yaml#/paths/~1x: [rule] msg"
    assert str(Diagnostic("a.yaml", "", "rule", "msg")) == "a.yaml#/: [rule] msg"
    assert pointer(["paths", "/a/{b}", "get", 0, "x~y"]) == "/paths/~1a~1{b}/get/0/x~0y"
    assert pointer([]) == ""


# --- known validator bugs -------------------------------------------------------------


def test_duplicate_operation_id_has_a_meaningful_rule(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["operationId"] = "download_scan"
    diags = check(grad300_doc)
    assert diags
    assert all("<unset>" not in d.rule for d in diags), diags
    assert all(d.pointer.startswith("/paths/") for d in diags), diags


def test_dangling_local_ref_is_a_diagnostic(copy_fixture: Callable[[str], Path]) -> None:
    folder = copy_fixture("bundle_bugs")
    diags = validate(load_spec(folder / "dangling_local.yaml", folder))
    assert diags
    assert diags[0].file == "dangling_local.yaml"


def test_pager_name_clashing_with_a_method(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-specwright-pager-name"] = "test_token"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(LIST_SCANS + "/x-specwright-pager-name", "method-name-unique")]
    assert "pager name 'test_token'" in diags[0].message


def test_pager_name_must_be_an_identifier(check: Spec, grad300_doc: dict[str, Any]) -> None:
    _list_scans(grad300_doc)["x-specwright-pager-name"] = "Iter Scans"
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(LIST_SCANS + "/x-specwright-pager-name", "x-specwright-pager-name:pattern")]


def test_a_bad_default_is_located(check: Spec, grad300_doc: dict[str, Any]) -> None:
    grad300_doc["components"]["schemas"]["ScanType"]["default"] = 42  # an enum of strings
    diags = check(grad300_doc)
    assert {d.pointer for d in diags} == {"/components/schemas/ScanType/default"}


@pytest.mark.parametrize("group", ["test_token", "close", "close.sub"])
def test_group_cannot_hide_a_method_or_attribute(check: Spec, grad300_doc: dict[str, Any], group: str) -> None:
    _list_scans(grad300_doc)["x-speakeasy-group"] = group
    diags = check(grad300_doc)
    assert [(d.pointer, d.rule) for d in diags] == [(LIST_SCANS + "/x-speakeasy-group", "group-name-free")]
