"""What the generated models leave out of a spec rather than fail on: schema ``pattern``s they
cannot check, and ``default``s their own schema rejects.

A spec's patterns are ECMA-262 regular expressions; the generated pydantic models check them
with pydantic-core's regex engine, which has no look-around or back-references and a size limit
(``\\w{1,255}`` over Unicode exceeds it). A model whose pattern that engine refuses cannot even be
defined, so the whole package would fail to import; a pattern that is not a string at all stops
the model generator. Such a pattern is reported as a warning and
left out of the models: the field takes any string, and the server still checks it.

A ``default`` of the wrong type or outside its ``enum`` (``type: integer, default: "ten"``) is
reported by the OpenAPI validator; the models and methods leave it out, so the field or argument
is optional without a default, and the server applies its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic_core import SchemaError, SchemaValidator, core_schema

from .loader import VALUE_KEYS, is_extension
from .schema_types import default_accepted

#: mappings whose keys are names, not schema keywords (a property or response named ``default``)
_MAPS = frozenset({"properties", "patternProperties", "responses", "schemas", "definitions", "$defs"})


def _schemas(document: Any) -> Iterator[tuple[list[object], dict[str, Any]]]:
    """Every mapping of the document outside data values (examples, defaults...) and extensions."""
    stack: list[tuple[list[object], Any]] = [([], document)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            yield where, node
            parent = where[-1] if where else None
            for key, value in node.items():
                data = key in VALUE_KEYS and parent != "properties"  # ``properties: {example: ...}`` is a schema
                if isinstance(value, (dict, list)) and not data and not is_extension(parent, key):
                    stack.append(([*where, key], value))
        elif isinstance(node, list):
            stack.extend(([*where, i], item) for i, item in enumerate(node) if isinstance(item, (dict, list)))


def unsupported_patterns(document: Any) -> Iterator[tuple[list[object], str, str]]:
    """(path to the schema, its pattern, why the models' regex engine refuses it)."""
    for where, node in _schemas(document):
        if "pattern" in node and not isinstance(node["pattern"], (dict, list)):  # else a property named so
            pattern = node["pattern"]
            reason = refusal(pattern) if isinstance(pattern, str) else "not a string"
            if reason:
                yield where, str(pattern), reason


def rejected_defaults(document: Any) -> Iterator[list[object]]:
    """Paths to the schemas whose ``default`` their own ``type`` or ``enum`` rejects."""
    for where, node in _schemas(document):
        if "default" in node and where and where[-1] not in _MAPS and not default_accepted(node):
            yield where


@cache
def refusal(pattern: str) -> str | None:
    """Why pydantic-core cannot check ``pattern`` (its first line), or None when it can."""
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return lines[-1].removeprefix("SchemaError: ") if lines else "refused"
    return None


def without(document: Any, key: str, paths: list[list[object]]) -> Any:
    """``document`` with ``key`` of each schema at ``paths`` left out; only the containers along
    those paths are copied."""
    if not paths:
        return document
    root = _copy(document)
    for path in paths:
        node = root
        for step in path:
            node[step] = _copy(node[step])
            node = node[step]
        node.pop(key, None)
    return root


def _copy(node: Any) -> Any:
    return dict(node) if isinstance(node, dict) else list(node) if isinstance(node, list) else node
