"""diff: spec edits → the client-API changes they make, each judged breaking or not, and the bump.

Each row edits a small spec built here, builds both client APIs with the generator's own stages
(:func:`generator.client_api.client_api_of_spec`) and checks the verdict from the user's side.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.client_api import client_api_of_spec
from generator.diff import Change, bump_of, compare_types, diff_client_apis

Doc = dict[str, Any]


def _json(schema: Doc) -> Doc:
    return {"application/json": {"schema": schema}}


def _ref(name: str) -> Doc:
    return {"$ref": f"#/components/schemas/{name}"}


BASE: Doc = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "servers": [{"url": "https://pets.example"}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "summary": "List the pets.",
                "parameters": [
                    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},
                    {"name": "status", "in": "query", "required": False, "schema": _ref("Status")},
                ],
                "responses": {"200": {"description": "ok", "content": _json({"type": "array", "items": _ref("Pet")})}},
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {"required": True, "content": _json(_ref("NewPet"))},
                "responses": {"201": {"description": "made", "content": _json(_ref("Pet"))}},
            },
        },
        "/pets/{petId}": {
            "get": {
                "operationId": "getPet",
                "summary": "One pet.",
                "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": _json(_ref("Pet"))}},
            }
        },
    },
    "components": {
        "schemas": {
            "Pet": {  # received only
                "type": "object",
                "description": "A pet as the server has it.",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "tag": {"type": "string"},
                    "kind": _ref("Kind"),
                },
            },
            "NewPet": {  # sent only
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
            },
            "Status": {"type": "string", "enum": ["available", "sold"]},  # a query parameter: sent
            "Kind": {"type": "string", "enum": ["cat", "dog"]},  # a field of Pet: received
        }
    },
}

Edit = Callable[[Doc], None]


def _list_params(doc: Doc) -> list[Doc]:
    return doc["paths"]["/pets"]["get"]["parameters"]  # type: ignore[no-any-return]


def _schema(doc: Doc, name: str) -> Doc:
    return doc["components"]["schemas"][name]  # type: ignore[no-any-return]


def remove_operation(doc: Doc) -> None:
    del doc["paths"]["/pets/{petId}"]


def rename_operation(doc: Doc) -> None:
    doc["paths"]["/pets/{petId}"]["get"]["operationId"] = "fetchPet"


def add_operation(doc: Doc) -> None:
    doc["paths"]["/pets/{petId}"]["delete"] = {
        "operationId": "deletePet",
        "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"204": {"description": "gone"}},
    }


def rename_parameter(doc: Doc) -> None:
    _list_params(doc)[0]["name"] = "max"


def parameter_required(doc: Doc) -> None:
    _list_params(doc)[0]["required"] = True


def parameter_optional_added(doc: Doc) -> None:
    _list_params(doc).append({"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}})


def parameter_required_added(doc: Doc) -> None:
    _list_params(doc).append({"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}})


def parameter_removed(doc: Doc) -> None:
    del _list_params(doc)[0]


def parameter_type_changed(doc: Doc) -> None:
    _list_params(doc)[0]["schema"] = {"type": "string"}


def parameter_type_widened(doc: Doc) -> None:
    _list_params(doc)[0]["schema"] = {"type": "number"}  # float accepts every int


def parameter_type_narrowed(doc: Doc) -> None:
    doc["paths"]["/pets/{petId}"]["get"]["parameters"][0]["schema"] = {"type": "boolean"}


def parameter_made_positional(doc: Doc) -> None:
    doc["paths"]["/pets"]["get"]["x-specwright-positional"] = ["limit"]  # after none: nothing moves


def parameter_default_changed(doc: Doc) -> None:
    _list_params(doc)[0]["schema"] = {"type": "integer", "default": 20}


def request_enum_value_added(doc: Doc) -> None:
    _schema(doc, "Status")["enum"].append("pending")


def request_enum_value_removed(doc: Doc) -> None:
    _schema(doc, "Status")["enum"].remove("sold")


def response_enum_value_added(doc: Doc) -> None:
    _schema(doc, "Kind")["enum"].append("bird")


def response_enum_value_removed(doc: Doc) -> None:
    _schema(doc, "Kind")["enum"].remove("dog")


def response_field_optional_added(doc: Doc) -> None:
    _schema(doc, "Pet")["properties"]["age"] = {"type": "integer"}


def response_field_required_added(doc: Doc) -> None:
    _schema(doc, "Pet")["properties"]["born"] = {"type": "string"}
    _schema(doc, "Pet")["required"].append("born")


def response_field_removed(doc: Doc) -> None:
    del _schema(doc, "Pet")["properties"]["tag"]


def response_field_made_optional(doc: Doc) -> None:
    _schema(doc, "Pet")["required"].remove("name")


def response_field_made_required(doc: Doc) -> None:
    _schema(doc, "Pet")["required"].append("tag")


def response_field_widened(doc: Doc) -> None:
    _schema(doc, "Pet")["properties"]["id"] = {"type": "number"}


def request_field_required_added(doc: Doc) -> None:
    _schema(doc, "NewPet")["properties"]["owner"] = {"type": "string"}
    _schema(doc, "NewPet")["required"].append("owner")


def request_field_optional_added(doc: Doc) -> None:
    _schema(doc, "NewPet")["properties"]["age"] = {"type": "integer"}


def request_field_made_optional(doc: Doc) -> None:
    _schema(doc, "NewPet")["required"].remove("name")


def request_field_made_required(doc: Doc) -> None:
    _schema(doc, "NewPet")["required"].append("tag")


def return_type_changed(doc: Doc) -> None:
    doc["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"] = _json(_ref("NewPet"))


def model_removed(doc: Doc) -> None:
    doc["paths"]["/pets"]["post"]["requestBody"]["content"] = _json({"type": "object"})
    del doc["components"]["schemas"]["NewPet"]


def operation_docs(doc: Doc) -> None:
    doc["paths"]["/pets/{petId}"]["get"]["summary"] = "One pet, by its id."
    doc["paths"]["/pets/{petId}"]["get"]["description"] = "Longer words about it."


def schema_docs(doc: Doc) -> None:
    _schema(doc, "Pet")["description"] = "A pet, as the server keeps it."
    _schema(doc, "Pet")["properties"]["tag"]["description"] = "A free label."


def auth_added(doc: Doc) -> None:
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    doc["security"] = [{"bearer": []}]


def server_variable_added(doc: Doc) -> None:
    doc["servers"] = [{"url": "https://{region}.pets.example", "variables": {"region": {"default": "eu"}}}]


def nothing(doc: Doc) -> None:
    doc["info"]["description"] = "Not part of any method or model."


# (edit, breaking, bump, a detail every reported change of the edit must contain)
CASES: list[tuple[Edit, bool, str, str]] = [
    (remove_operation, True, "major", "removed"),
    (rename_operation, True, "major", ""),  # a rename is a removal and an addition
    (add_operation, False, "minor", "added"),
    (rename_parameter, True, "major", "parameter"),
    (parameter_required, True, "major", "`limit` is required now"),
    (parameter_optional_added, False, "minor", "new optional parameter `tag`"),
    (parameter_required_added, True, "major", "new required parameter `owner`"),
    (parameter_removed, True, "major", "parameter `limit` removed"),
    (parameter_type_changed, True, "major", "type changed"),
    (parameter_type_widened, False, "minor", "accepts more"),
    (parameter_type_narrowed, True, "major", "`pet_id` type"),
    (parameter_default_changed, False, "minor", "parameter `limit`"),
    (parameter_made_positional, False, "minor", "`limit` may be given by position now"),
    (request_enum_value_added, False, "minor", "new value `'pending'`"),
    (request_enum_value_removed, True, "major", "value `'sold'` removed"),
    (response_enum_value_added, False, "minor", "new value `'bird'`"),
    (response_enum_value_removed, True, "major", "value `'dog'` removed"),  # code may name Kind.dog
    (response_field_optional_added, False, "minor", "new optional field `age`"),
    (response_field_required_added, False, "minor", "new required field `born`"),
    (response_field_removed, True, "major", "field `tag` removed"),
    (response_field_made_optional, True, "major", "field `name` may be missing now"),
    (response_field_made_required, False, "minor", "field `tag` is always present now"),
    (response_field_widened, True, "major", "type widened"),
    (request_field_required_added, True, "major", "new required field `owner`"),
    (request_field_optional_added, False, "minor", "new optional field `age`"),
    (request_field_made_optional, False, "minor", "field `name` is optional now"),
    (request_field_made_required, True, "major", "field `tag` is required now"),
    (return_type_changed, True, "major", "returns type changed"),
    (model_removed, True, "major", ""),
    (operation_docs, False, "patch", "documentation"),
    (schema_docs, False, "patch", "documentation"),
    (auth_added, False, "minor", "client constructor: new optional parameter `token`"),
    (server_variable_added, False, "minor", "client constructor: new server variable `region`"),
    (nothing, False, "none", ""),
]


@pytest.fixture(scope="module")
def spec_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("diff")


@pytest.fixture(scope="module")
def base_api(spec_dir: Path) -> dict[str, Any]:
    return _client_api(spec_dir, "base", BASE)


def _client_api(folder: Path, name: str, doc: Doc) -> dict[str, Any]:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return client_api_of_spec(path)


def _edited(edit: Edit) -> Doc:
    doc = copy.deepcopy(BASE)
    edit(doc)
    return doc


@pytest.mark.parametrize(("edit", "breaking", "bump", "detail"), CASES, ids=[c[0].__name__ for c in CASES])
def test_spec_edit_verdict(
    edit: Edit, breaking: bool, bump: str, detail: str, spec_dir: Path, base_api: dict[str, Any]
) -> None:
    changes = diff_client_apis(base_api, _client_api(spec_dir, edit.__name__, _edited(edit)))
    assert any(c.breaking for c in changes) is breaking, [str(c) for c in changes]
    assert bump_of(changes) == bump, [str(c) for c in changes]
    if bump == "none":
        assert changes == []
    else:
        assert any(detail in str(c) for c in changes), [str(c) for c in changes]


def test_changes_are_listed_breaking_first(spec_dir: Path, base_api: dict[str, Any]) -> None:
    doc = _edited(add_operation)
    del doc["paths"]["/pets"]["get"]
    request_enum_value_added(doc)
    changes = diff_client_apis(base_api, _client_api(spec_dir, "several", doc))
    groups = [c.group for c in changes]
    assert groups == sorted(groups, key=("breaking", "added", "changed").index)
    assert "method `list_pets`: removed" in [str(c) for c in changes]
    assert "method `delete_pet`: added" in [str(c) for c in changes]


def test_directions_are_recorded(base_api: dict[str, Any]) -> None:
    models = base_api["models"]
    assert (models["Pet"]["use"], models["NewPet"]["use"]) == ("response", "request")
    assert (models["Status"]["use"], models["Kind"]["use"]) == ("request", "response")
    assert models["Kind"]["values"] == ["cat", "dog"]
    assert models["Pet"]["fields"]["id"] == {"type": "int", "required": True}
    assert models["Pet"]["fields"]["tag"] == {"type": "str | None", "required": False}


def test_a_model_sent_and_received_is_judged_both_ways(spec_dir: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["paths"]["/pets"]["post"]["requestBody"]["content"] = _json(_ref("Pet"))  # Pet sent too
    before = _client_api(spec_dir, "both_before", doc)
    assert before["models"]["Pet"]["use"] == "both"
    after_doc = copy.deepcopy(doc)
    response_field_required_added(after_doc)  # fine for a reader, breaks a sender
    changes = diff_client_apis(before, _client_api(spec_dir, "both_after", after_doc))
    assert [str(c) for c in changes if c.breaking] == ["model `Pet` (request and response): new required field `born`"]


def test_a_base_model_is_judged_by_where_its_subclasses_go(spec_dir: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["components"]["schemas"]["Named"] = {"type": "object", "properties": {"nick": {"type": "string"}}}
    doc["components"]["schemas"]["Owner"] = {"allOf": [_ref("Named"), {"type": "object", "properties": {"since": {"type": "string"}}}]}
    doc["paths"]["/owner"] = {"get": {"operationId": "getOwner", "responses": {"200": {"description": "ok", "content": _json(_ref("Owner"))}}}}
    before = _client_api(spec_dir, "allof_before", doc)
    assert before["models"]["Owner"]["bases"] == ["Named"]
    assert before["models"]["Named"]["use"] == "response"  # reached only through Owner
    after_doc = copy.deepcopy(doc)
    after_doc["components"]["schemas"]["Named"]["properties"]["nick"]["type"] = "integer"
    after_doc["components"]["schemas"]["Owner"] = {"type": "object", "properties": {"since": {"type": "string"}}}
    changes = [str(c) for c in diff_client_apis(before, _client_api(spec_dir, "allof_after", after_doc)) if c.breaking]
    assert "model `Owner` (response): no longer derives from `Named`" in changes


def test_positional_parameters_keep_their_places(spec_dir: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["paths"]["/pets"]["get"]["x-specwright-positional"] = ["limit", "status"]
    before = _client_api(spec_dir, "positional_before", doc)
    doc["paths"]["/pets"]["get"]["x-specwright-positional"] = ["status", "limit"]
    changes = diff_client_apis(before, _client_api(spec_dir, "positional_after", doc))
    assert [str(c) for c in changes] == [
        "method `list_pets`: positional parameter `limit` moves from place 1 to 2",
        "method `list_pets`: positional parameter `status` moves from place 2 to 1",
    ]
    assert all(c.breaking for c in changes)


def test_no_earlier_api_is_a_first_version(base_api: dict[str, Any]) -> None:
    (change,) = diff_client_apis(None, base_api)
    assert (change.group, change.breaking, bump_of([change])) == ("added", False, "minor")


def test_change_json() -> None:
    change = Change("breaking", "method `x`", "removed", "major")
    assert change.as_json() == {
        "group": "breaking",
        "breaking": True,
        "bump": "major",
        "subject": "method `x`",
        "detail": "removed",
    }
    assert bump_of([]) == "none"


@pytest.mark.parametrize(
    ("old", "new", "relation"),
    [
        ("int", "int", "same"),
        ("int", "int | None", "wider"),
        ("int | str", "str | int", "same"),
        ("int | None", "int", "narrower"),
        ("int", "float", "wider"),
        ("float", "int", "narrower"),
        ("int", "str", "other"),
        ("str", "Any", "wider"),
        ("Any", "Pet", "narrower"),
        ("list[int]", "list[int | None]", "wider"),
        ("list[int]", "dict[str, int]", "other"),
    ],
)
def test_compare_types(old: str, new: str, relation: str) -> None:
    assert compare_types(old, new) == relation


def _with_variables_and_auth(enum: list[str], default: str, auth: bool) -> Doc:
    doc = copy.deepcopy(BASE)
    doc["servers"] = [{"url": "https://{region}.pets.example", "variables": {"region": {"default": default, "enum": enum}}}]
    if auth:
        auth_added(doc)
    return doc


@pytest.mark.parametrize(
    ("after", "breaking", "detail"),
    [
        (_with_variables_and_auth(["eu", "us"], "eu", False), True, "parameter `token` removed"),
        (_with_variables_and_auth(["eu"], "eu", True), True, "server variable `region` no longer takes 'us'"),
        (_with_variables_and_auth(["eu", "us", "ap"], "eu", True), False, "server variable `region` takes more values"),
        (_with_variables_and_auth(["eu", "us"], "us", True), False, "server variable `region` defaults to 'us' (was 'eu')"),
        ({**copy.deepcopy(BASE), "security": [{"bearer": []}], "components": _with_variables_and_auth(["eu"], "eu", True)["components"]},
         True, "server variable `region` removed"),
    ],
    ids=["auth removed", "enum narrowed", "enum widened", "default changed", "variable removed"],
)
def test_constructor_changes(spec_dir: Path, after: Doc, breaking: bool, detail: str) -> None:
    before = _client_api(spec_dir, "ctor_before", _with_variables_and_auth(["eu", "us"], "eu", True))
    assert [p["name"] for p in before["constructor"]["params"]] == ["server_variables", "token"]
    changes = diff_client_apis(before, _client_api(spec_dir, "ctor_after", after))
    assert any(c.breaking for c in changes) is breaking, [str(c) for c in changes]
    assert f"client constructor: {detail}" in [str(c) for c in changes]


def test_an_older_snapshot_without_a_constructor_is_not_compared(base_api: dict[str, Any], spec_dir: Path) -> None:
    older = {k: v for k, v in base_api.items() if k != "constructor"}
    assert diff_client_apis(older, _client_api(spec_dir, "auth", _edited(auth_added))) == []
