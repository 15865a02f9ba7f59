"""Python type annotations for schemas used by operations (parameters, bodies, responses)."""

from __future__ import annotations

import math
from typing import Any

from .loader import resolve_pointer

JSON_MEDIA = ("application/json",)


def is_json_media(media: str) -> bool:
    """``application/json`` and ``application/*+json``."""
    base = media.split(";")[0].strip().lower()
    return base in JSON_MEDIA or base.endswith("+json")


class TypeMapper:
    """Maps schemas to annotations; component schemas become ``models.<Class>``."""

    def __init__(self, document: dict[str, Any], class_names: dict[str, str]) -> None:
        self.document = document
        self.class_names = class_names

    def deref(self, node: Any) -> Any:
        """Follow local ``$ref`` chains (not for schemas that have a class)."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            node = resolve_pointer(self.document, node["$ref"][1:])
        return node

    def annotation(self, schema: Any) -> str:
        """The annotation of values of ``schema``."""
        if not isinstance(schema, dict) or not schema:
            return "Any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            prefix = "#/components/schemas/"
            if ref.startswith(prefix) and ref[len(prefix):] in self.class_names:
                return f"models.{self.class_names[ref[len(prefix):]]}"
            return self.annotation(self.deref(schema))
        nullable = ["None"] if schema.get("nullable") is True else []
        for combo in ("oneOf", "anyOf"):
            if isinstance(schema.get(combo), list):
                return _union([self.annotation(s) for s in schema[combo]] + nullable)
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            return _union([self.annotation(schema["allOf"][0]), *nullable])
        types = schema.get("type")
        if isinstance(types, list):
            base = _union([self.annotation({**schema, "type": t}) for t in types if t != "null"])
            return _union([base, "None"]) if "null" in types else base
        base = self._single(schema, types)
        if schema.get("nullable") is True:
            return _union([base, "None"])
        return base

    def _single(self, schema: dict[str, Any], kind: Any) -> str:
        fmt = schema.get("format")
        if kind == "string":
            if fmt == "date-time":
                return "datetime"
            if fmt == "date":
                return "date"
            if fmt in ("binary", "byte"):
                return "bytes"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "null":
            return "None"
        if kind == "array":
            return f"list[{self.annotation(schema.get('items'))}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and not schema.get("properties"):
                return f"dict[str, {self.annotation(extra)}]"
            return "dict[str, Any]"
        return "Any"

    def default_literal(self, schema: Any) -> str | None:
        """A Python literal for the schema's ``default``, if it has a simple one."""
        schema = self.deref(schema)
        if not isinstance(schema, dict) or "default" not in schema:
            return None
        value = schema["default"]
        if not default_accepted(schema):
            return None  # reported by the validator; the argument is optional without it
        if isinstance(value, float) and not math.isfinite(value):
            return None  # ``inf``/``nan`` have no literal: repr() would print a name
        if isinstance(value, (bool, int, float, str)) or value is None:
            return repr(value)
        return None


def _union(parts: list[str]) -> str:
    out: list[str] = []
    for part in parts:
        for piece in union_members(part):
            if piece not in out:
                out.append(piece)
    if "Any" in out:
        return "Any"
    if "None" in out:  # keep None last
        out.remove("None")
        out.append("None")
    return " | ".join(out) if out else "Any"


def union_members(annotation: str) -> list[str]:
    """``a | list[b | c]`` -> ``["a", "list[b | c]"]``: the members of a top-level union."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            pieces.append(annotation[start:i].strip())
            start = i + 1
    pieces.append(annotation[start:].strip())
    return [p for p in pieces if p]


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "null": (type(None),), "object": (dict,), "array": (list,),
}


def type_accepts(schema: dict[str, Any], value: Any) -> bool:
    """Whether the schema's own ``type`` admits ``value`` (no ``type``: unknown, so False)."""
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types) if isinstance(types, list) else []
    if not names:
        return False
    if value is None and schema.get("nullable") is True:
        return True
    if isinstance(value, bool):
        return "boolean" in names
    return any(isinstance(value, _JSON_TYPES.get(str(n), ())) for n in names)


def default_accepted(schema: dict[str, Any]) -> bool:
    """Whether a schema's ``default`` is one its own ``type`` and ``enum`` admit (what is not
    known, a missing ``type``, a ``$ref``, counts as admitted)."""
    value = schema.get("default")
    if isinstance(schema.get("type"), (str, list)) and not type_accepts(schema, value):
        return False
    enum = schema.get("enum")
    return not (isinstance(enum, list) and enum and value not in enum)
