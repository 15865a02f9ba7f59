"""Small, deterministic values that a JSON schema accepts: arguments for the contract tests.

Examples, defaults and enums come first (a spec's own values are the likeliest to be valid);
otherwise the least value of the type that meets the schema's bounds. Objects get their
required properties only, so optional fields stay out of the way of cross-field rules.
"""

from __future__ import annotations

from typing import Any

from generator.loader import deref

FORMATS: dict[str, object] = {
    "date-time": "2026-01-02T03:04:05Z",
    "date": "2026-01-02",
    "time": "03:04:05Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "someone@example.org",
    "uri": "http://example.org/x",
    "url": "http://example.org/x",
    "hostname": "example.org",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "binary": b"contract",
    "byte": "Y29udHJhY3Q=",
}


def sample(document: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value ``schema`` (in ``document``) accepts."""
    schema = deref(document, schema)
    if not isinstance(schema, dict) or depth > 12:
        return "x"
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), schema["enum"][0])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(document, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged | _object(document, schema, depth)
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            choices = [deref(document, c) for c in schema[key]]
            useful = [c for c in choices if not (isinstance(c, dict) and c.get("type") == "null")]
            return sample(document, (useful or choices)[0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        return _object(document, schema, depth)
    if kind == "array":
        item = sample(document, schema.get("items", {}), depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1)))
    if kind in ("integer", "number"):
        return _number(schema, int if kind == "integer" else float)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema)


def _object(document: dict[str, Any], schema: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {
        name: sample(document, properties.get(name, {}), depth + 1)
        for name in schema.get("required") or ()
        if not (deref(document, properties.get(name, {})) or {}).get("readOnly")
    }


def _number(schema: dict[str, Any], kind: type) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(schema.get("exclusiveMinimum"), bool):
        low = schema["exclusiveMinimum"] + 1
    elif schema.get("exclusiveMinimum") is True and low is not None:
        low += 1
    value = low if low is not None else 1
    high = schema.get("maximum")
    if high is not None and value > high:
        value = high
    return kind(value)


def _string(schema: dict[str, Any]) -> Any:
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    return "x" * max(1, int(schema.get("minLength", 1)))
