"""schema_types: schema → Python annotation, defaults, JSON media detection."""

from __future__ import annotations

from typing import Any

import pytest

from generator.schema_types import TypeMapper, _union, is_json_media, union_members

DOC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Pet": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "Color": {"type": "string", "enum": ["red", "green"]},
            "Alias": {"$ref": "#/components/schemas/Count"},
            "Count": {"type": "integer", "default": 3},
        }
    }
}
PET = {"$ref": "#/components/schemas/Pet"}


@pytest.fixture
def mapper() -> TypeMapper:
    # Alias and Count have no generated class, so they are followed, not named
    return TypeMapper(DOC, {"Pet": "Pet", "Color": "ColorEnum"})


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        # refs
        (PET, "models.Pet"),
        ({"$ref": "#/components/schemas/Color"}, "models.ColorEnum"),  # the class name, not the schema name
        ({"$ref": "#/components/schemas/Alias"}, "int"),  # a ref chain without a class is followed
        ({"$ref": "#/components/schemas/Count"}, "int"),
        # scalars and formats
        ({"type": "string"}, "str"),
        ({"type": "string", "format": "date-time"}, "datetime"),
        ({"type": "string", "format": "date"}, "date"),
        ({"type": "string", "format": "binary"}, "bytes"),
        ({"type": "string", "format": "byte"}, "bytes"),
        ({"type": "string", "format": "uuid"}, "str"),
        ({"type": "integer", "format": "int64"}, "int"),
        ({"type": "number"}, "float"),
        ({"type": "boolean"}, "bool"),
        ({"type": "string", "enum": ["a", "b"]}, "str"),  # inline enums stay plain
        # 3.0 nullable
        ({"type": "string", "nullable": True}, "str | None"),
        ({"type": "integer", "nullable": False}, "int"),
        # 3.1 type arrays
        ({"type": ["string", "null"]}, "str | None"),
        ({"type": ["null", "integer"]}, "int | None"),  # None always last
        ({"type": ["string", "integer"]}, "str | int"),
        ({"type": ["string", "null"], "format": "date-time"}, "datetime | None"),
        ({"type": ["array", "null"], "items": {"type": "integer"}}, "list[int] | None"),
        # compositions
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "str | int"),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "str | None"),
        ({"oneOf": [PET, {"type": "null"}]}, "models.Pet | None"),
        ({"oneOf": [{"type": "string"}, {"type": "string"}]}, "str"),  # duplicates collapse
        ({"oneOf": [{"type": "string"}, {}]}, "Any"),  # Any swallows the union
        ({"allOf": [PET]}, "models.Pet"),
        ({"allOf": [PET, {"required": ["id"]}]}, "Any"),  # a real merge has no single annotation
        # arrays
        ({"type": "array", "items": PET}, "list[models.Pet]"),
        ({"type": "array", "items": {"type": ["string", "null"]}}, "list[str | None]"),
        ({"type": "array"}, "list[Any]"),
        ({"type": "array", "items": {"type": "array", "items": {"type": "number"}}}, "list[list[float]]"),
        (
            {"oneOf": [{"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}, {"type": "null"}]},
            "list[str | int] | None",
        ),
        # maps and objects
        ({"type": "object", "additionalProperties": {"type": "integer"}}, "dict[str, int]"),
        ({"additionalProperties": {"type": "array", "items": PET}}, "dict[str, list[models.Pet]]"),
        ({"type": "object", "additionalProperties": True}, "dict[str, Any]"),
        ({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}, "dict[str, Any]"),
        ({"type": "object"}, "dict[str, Any]"),
        ({"properties": {"a": {"type": "string"}}}, "dict[str, Any]"),
        # unknown
        ({}, "Any"),
        (None, "Any"),
        (True, "Any"),
    ],
)
def test_annotation(mapper: TypeMapper, schema: Any, expected: str) -> None:
    assert mapper.annotation(schema) == expected


def test_nullable_on_a_single_type_array(mapper: TypeMapper) -> None:
    # `nullable` and a type list mean the same thing; the result must not say None twice
    assert mapper.annotation({"type": ["string", "null"], "nullable": True}).count("None") == 1


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "default": 0}, "0"),
        ({"type": "integer", "default": 100}, "100"),
        ({"type": "string", "default": ""}, "''"),
        ({"type": "string", "default": "bearer"}, "'bearer'"),
        ({"type": "boolean", "default": False}, "False"),
        ({"type": "number", "default": 1.5}, "1.5"),
        ({"type": ["string", "null"], "default": None}, "None"),
        ({"$ref": "#/components/schemas/Count"}, "3"),  # through a ref
        ({"type": "array", "default": [1]}, None),  # not a simple literal
        ({"type": "object", "default": {"a": 1}}, None),
        ({"type": "string"}, None),
        (None, None),
    ],
)
def test_default_literal(mapper: TypeMapper, schema: Any, expected: str | None) -> None:
    assert mapper.default_literal(schema) == expected


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("APPLICATION/JSON", True),
        ("application/problem+json", True),
        ("application/vnd.api+json", True),
        ("application/jsonl", False),
        ("text/json", False),
        ("application/octet-stream", False),
        ("application/x-www-form-urlencoded", False),
    ],
)
def test_is_json_media(media: str, expected: bool) -> None:
    assert is_json_media(media) is expected


def test_union_helpers() -> None:
    assert union_members("a | list[b | c] | dict[str, d | e]") == ["a", "list[b | c]", "dict[str, d | e]"]
    assert _union(["None", "int", "str | None", "int"]) == "int | str | None"
    assert _union([]) == "Any"
    assert _union(["int", "Any"]) == "Any"


def test_nullable_composition(mapper: TypeMapper) -> None:
    schema = {"type": "object", "allOf": [PET], "nullable": True}
    assert mapper.annotation(schema) == "models.Pet | None"
