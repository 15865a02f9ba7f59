"""The OpenAPI validator with its visited-schema registry answered from a set: the same
findings as openapi-spec-validator's own classes, in the same order."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.loader import load_spec
from generator.validate import _SeenIds, _SpecV30, _SpecV31

ROOT = Path(__file__).resolve().parents[2]


def test_seen_ids_is_the_list_with_a_set_for_membership() -> None:
    seen = _SeenIds()
    for item in (5, 3, 5, 9):
        seen.append(item)
    assert list(seen) == [5, 3, 5, 9]
    assert 3 in seen and 9 in seen
    assert 4 not in seen


def _broken(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with findings of every kind the schema checker makes: a schema that fails
    its meta-schema, a default its schema rejects, a required name without a property."""
    doc = copy.deepcopy(document)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["BadType"] = {"type": "object", "properties": {"n": {"type": "integer", "minimum": "low"}}}
    schemas["BadDefault"] = {"type": "integer", "default": "ten"}
    schemas["Extra"] = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}], "required": ["b"]}
    schemas["Shared"] = {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/BadDefault"}}}
    return doc


def _findings(cls: type, document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(type(e).__name__, str(e)) for e in cls(document).iter_errors()]


@pytest.mark.parametrize(
    ("version", "ours", "theirs"),
    [("3.0.3", _SpecV30, OpenAPIV30SpecValidator), ("3.1.0", _SpecV31, OpenAPIV31SpecValidator)],
)
def test_same_findings_as_openapi_spec_validator(version: str, ours: type, theirs: type) -> None:
    doc = _broken(load_spec(ROOT / "specs" / "grad300.yaml", ROOT).document)
    doc["openapi"] = version
    expected = _findings(theirs, doc)
    assert len(expected) >= 3
    assert _findings(ours, doc) == expected
