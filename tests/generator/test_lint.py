"""lint: each rule firing and not, switched off per spec, and findings located by file and line."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.config import load_project
from generator.diagnostics import Diagnostic
from generator.lint import RULES, is_lint
from generator.loader import load_spec
from generator.locations import with_lines
from generator.validate import extension_schema, validate

Write = Callable[..., Path]

ITEM = {"type": "object", "properties": {"id": {"type": "string"}}}
ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}}

#: A spec every rule passes: named schemas, operationIds, documented errors, all components used.
CLEAN: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Lint", "version": "1"},
    "paths": {
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getItem",
                "parameters": [{"name": "verbose", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            },
            "put": {
                "operationId": "putItem",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                "responses": {"204": {"description": "done"}, "default": {"$ref": "#/components/responses/NotFound"}},
            },
        }
    },
    "components": {
        "schemas": {"Item": ITEM, "Error": ERROR},
        "responses": {
            "NotFound": {"description": "gone", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
    },
}


def _doc() -> dict[str, Any]:
    return copy.deepcopy(CLEAN)


def _get(doc: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = doc["paths"]["/items/{id}"]["get"]
    return op


@pytest.fixture
def lint_doc(write_spec: Write, tmp_path: Path) -> Callable[[dict[str, Any]], list[Diagnostic]]:
    """Validate ``doc`` (written as tmp_path/spec.yaml) and keep the lint findings, with lines."""

    def run(doc: dict[str, Any]) -> list[Diagnostic]:
        spec = load_spec(write_spec(doc), tmp_path)
        found = validate(spec)
        assert [d for d in found if not is_lint(d)] == [], found
        return with_lines(spec, [d for d in found if is_lint(d)])

    return run


Lint = Callable[[dict[str, Any]], list[Diagnostic]]


def _found(diags: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.rule, d.pointer) for d in diags]


def test_a_clean_spec_has_no_findings(lint_doc: Lint) -> None:
    assert lint_doc(_doc()) == []


def test_operation_without_operation_id(lint_doc: Lint) -> None:
    doc = _doc()
    del _get(doc)["operationId"]
    found = lint_doc(doc)
    assert _found(found) == [("operation-operationId", "/paths/~1items~1{id}/get")]
    assert found[0].severity == "warning"
    assert "GET /items/{id}" in found[0].message


def test_duplicate_operation_id_stays_one_error_not_a_lint_finding(write_spec: Write, tmp_path: Path) -> None:
    doc = _doc()
    doc["paths"]["/items/{id}"]["put"]["operationId"] = "getItem"
    found = validate(load_spec(write_spec(doc), tmp_path))
    assert [d.rule for d in found if d.severity == "error"] == ["openapi:operationId-unique"]
    assert not [d for d in found if is_lint(d)]


def test_operation_without_error_response(lint_doc: Lint) -> None:
    doc = _doc()
    del _get(doc)["responses"]["404"]
    assert _found(lint_doc(doc)) == [("operation-error-response", "/paths/~1items~1{id}/get/responses")]


@pytest.mark.parametrize("code", ["404", "4XX", "500", "5XX", "default"])
def test_any_error_status_or_default_documents_errors(lint_doc: Lint, code: str) -> None:
    doc = _doc()
    responses = _get(doc)["responses"]
    responses[code] = responses.pop("404")
    assert lint_doc(doc) == []


def test_inline_object_in_a_response(lint_doc: Lint) -> None:
    doc = _doc()
    _get(doc)["responses"]["200"]["content"]["application/json"]["schema"] = copy.deepcopy(ITEM)
    doc["components"]["schemas"]["Holder"] = {"type": "object", "properties": {"item": {"$ref": "#/components/schemas/Item"}}}
    _get(doc)["parameters"].append({"name": "h", "in": "query", "schema": {"$ref": "#/components/schemas/Holder"}})
    assert _found(lint_doc(doc)) == [
        ("no-inline-object-schema", "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema")
    ]


def test_inline_objects_in_array_items_bodies_and_referenced_responses(lint_doc: Lint) -> None:
    doc = _doc()
    put = doc["paths"]["/items/{id}"]["put"]
    put["requestBody"]["content"]["application/json"]["schema"] = {"type": "array", "items": copy.deepcopy(ITEM)}
    doc["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"] = {"allOf": [copy.deepcopy(ERROR)]}
    del doc["components"]["schemas"]["Error"]
    assert _found(lint_doc(doc)) == [
        ("no-inline-object-schema", "/components/responses/NotFound/content/application~1json/schema/allOf/0"),
        ("no-inline-object-schema", "/paths/~1items~1{id}/put/requestBody/content/application~1json/schema/items"),
    ]  # the shared response once, where it is written


def test_objects_without_properties_and_named_schemas_are_not_inline_objects(lint_doc: Lint) -> None:
    doc = _doc()
    _get(doc)["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object", "additionalProperties": {"type": "string"}
    }
    doc["components"]["schemas"]["Item"]["properties"]["nested"] = {"type": "object", "properties": {"a": {"type": "string"}}}
    doc["paths"]["/items/{id}"]["put"]["requestBody"]["content"]["application/json"]["schema"] = {
        "type": "array", "items": {"$ref": "#/components/schemas/Item"}
    }
    assert lint_doc(doc) == []


def test_unused_components_of_every_kind(lint_doc: Lint) -> None:
    doc = _doc()
    doc["components"]["schemas"]["Orphan"] = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/OrphanChild"}}}
    doc["components"]["schemas"]["OrphanChild"] = {"type": "string"}
    doc["components"]["parameters"] = {"Unused": {"name": "u", "in": "query", "schema": {"type": "string"}}}
    doc["components"]["securitySchemes"] = {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    assert _found(lint_doc(doc)) == [
        ("no-unused-components", "/components/parameters/Unused"),
        ("no-unused-components", "/components/schemas/Orphan"),
        ("no-unused-components", "/components/schemas/OrphanChild"),  # used only by an unused one
        ("no-unused-components", "/components/securitySchemes/key"),
    ]


def test_components_used_by_security_discriminators_and_chains_are_used(lint_doc: Lint) -> None:
    doc = _doc()
    doc["components"]["securitySchemes"] = {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    doc["security"] = [{"key": []}]
    doc["components"]["schemas"]["Pet"] = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}},
    }
    doc["components"]["schemas"]["Cat"] = {"type": "object", "properties": {"kind": {"type": "string"}}}
    doc["components"]["schemas"]["Dog"] = {"type": "object", "properties": {"kind": {"type": "string"}}}
    doc["components"]["schemas"]["Item"]["properties"]["pet"] = {"$ref": "#/components/schemas/Pet"}
    assert lint_doc(doc) == []


def test_parameters_with_the_same_python_name_shadow_each_other(lint_doc: Lint) -> None:
    doc = _doc()
    _get(doc)["parameters"] += [
        {"name": "page-size", "in": "query", "schema": {"type": "integer"}},
        {"name": "page_size", "in": "header", "schema": {"type": "integer"}},
    ]
    (finding,) = lint_doc(doc)
    assert (finding.rule, finding.pointer) == ("parameter-shadowing", "/paths/~1items~1{id}/get/parameters/2")
    assert "'page_size'" in finding.message and "'page-size'" in finding.message


def test_a_parameter_named_like_the_body_shadows_it(lint_doc: Lint) -> None:
    doc = _doc()
    doc["paths"]["/items/{id}"]["put"]["parameters"] = [{"name": "body", "in": "query", "schema": {"type": "string"}}]
    assert _found(lint_doc(doc)) == [("parameter-shadowing", "/paths/~1items~1{id}/put/requestBody")]


def test_an_operation_parameter_overriding_the_path_level_one_is_no_shadow(lint_doc: Lint) -> None:
    doc = _doc()
    _get(doc)["parameters"].append({"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}})
    doc["paths"]["/items/{id}"]["put"]["x-codegen-request-body-name"] = "item"
    doc["paths"]["/items/{id}"]["put"]["parameters"] = [{"name": "body", "in": "query", "schema": {"type": "string"}}]
    assert lint_doc(doc) == []


def _noisy() -> dict[str, Any]:
    doc = _doc()
    del _get(doc)["operationId"]
    doc["components"]["schemas"]["Orphan"] = {"type": "string"}
    return doc


def test_rules_switched_off_per_spec(lint_doc: Lint) -> None:
    doc = _noisy()
    doc["x-specwright-lint"] = {"rules": {"no-unused-components": "off", "operation-operationId": "warn"}}
    assert _found(lint_doc(doc)) == [("operation-operationId", "/paths/~1items~1{id}/get")]


def test_a_bare_yaml_off_switches_a_rule_off(write_spec: Write, tmp_path: Path) -> None:
    text = yaml.safe_dump(_noisy(), sort_keys=False)
    path = write_spec(text + "x-specwright-lint:\n  rules:\n    no-unused-components: off\n    operation-operationId: off\n")
    assert validate(load_spec(path, tmp_path)) == []


def test_a_rule_raised_to_error(lint_doc: Lint, write_spec: Write, tmp_path: Path) -> None:
    doc = _noisy()
    doc["x-specwright-lint"] = {"rules": {"no-unused-components": "error"}}
    found = {d.rule: d.severity for d in validate(load_spec(write_spec(doc), tmp_path))}
    assert found == {"no-unused-components": "error", "operation-operationId": "warning"}


def test_an_unknown_rule_name_is_an_error(write_spec: Write, tmp_path: Path) -> None:
    doc = _doc()
    doc["x-specwright-lint"] = {"rules": {"no-unused-component": "off"}}
    (finding,) = validate(load_spec(write_spec(doc), tmp_path))
    assert finding.severity == "error"
    assert finding.rule == "x-specwright-lint:enum"
    assert "'no-unused-component'" in finding.message


def test_the_extension_schema_knows_every_rule() -> None:
    rules = extension_schema()["properties"]["x-specwright-lint"]["properties"]["rules"]
    assert rules["propertyNames"]["enum"] == list(RULES)


def test_findings_carry_the_line_where_the_pointer_is_written(write_spec: Write, tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.3\n"  # 1
        "info: {title: L, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"  # 5
        "      responses:\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"  # 10
        "              schema:\n"
        "                type: object\n"
        "                properties: {a: {type: string}}\n"
        "components:\n"
        "  schemas:\n"  # 15
        "    Local: {type: string}\n"
        "    Far:\n"
        "      $ref: 'other.yaml#/components/schemas/Remote'\n"
    )
    write_spec("components:\n  schemas:\n    Pad: {type: string}\n    Remote:\n      type: string\n", "other.yaml")
    spec = load_spec(write_spec(text), tmp_path)
    found = with_lines(spec, validate(spec))
    assert [(d.file, d.line, d.rule) for d in found] == [
        ("other.yaml", 4, "no-unused-components"),  # hoisted from the second file: its line there
        ("spec.yaml", 17, "no-unused-components"),  # Far
        ("spec.yaml", 16, "no-unused-components"),  # Local
        ("spec.yaml", 5, "operation-operationId"),
        ("spec.yaml", 6, "operation-error-response"),
        ("spec.yaml", 11, "no-inline-object-schema"),
    ]
    assert str(found[0]).startswith("other.yaml:4: #/components/schemas/Remote: warning: [no-unused-components]")


def test_lines_in_a_json_spec(write_spec: Write, tmp_path: Path) -> None:
    doc = _doc()
    del _get(doc)["operationId"]
    path = write_spec(doc, "spec.json")
    (finding,) = with_lines(load_spec(path, tmp_path), validate(load_spec(path, tmp_path)))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert finding.line is not None
    assert lines[finding.line - 1].strip() == '"get": {'


def test_the_project_specs_pass_clean() -> None:
    project = load_project(None)
    for api in project.apis:
        assert validate(load_spec(api.spec, project.root), api.reserved_names) == [], api.key


def test_validate_warns_and_strict_fails(write_spec: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec(_noisy())
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert re.search(r"spec\.yaml:\d+: #/paths/~1items~1\{id\}/get: warning: \[operation-operationId\]", err), err
    assert main(["validate", "--strict", str(path)]) == 1
    assert "warning" not in capsys.readouterr().err.splitlines()[0]


def test_lenient_generate_counts_lint_findings_and_strict_refuses(
    write_spec: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(_noisy())
    assert main(["generate", str(path), "--package", "noisy", "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert out.err.splitlines() == [f"2 lint finding(s): `python -m generator validate {path}` lists them"]
    assert "warning" not in out.out  # lint findings are not the generation's warnings
    assert main(["generate", str(path), "--package", "noisy", "--output", str(tmp_path / "out2"), "--strict"]) == 1
    assert "[operation-operationId]" in capsys.readouterr().err
