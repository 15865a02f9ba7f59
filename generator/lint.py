"""Lint: what a valid spec can still have that makes its client worse.

Each rule finds one kind of problem; its findings are warnings (a client is still made, so a
lenient ``generate`` of someone else's document goes on) that ``--strict`` turns into errors.
A spec switches rules off, or changes their severity, at its root, in the shape of Redocly's
lint configuration::

    x-specwright-lint:
      rules:
        no-unused-components: off   # off | warn | error

A duplicate ``operationId`` is not a lint rule: the OpenAPI validator already reports it as an
error (``openapi:operationId-unique``), and colliding method names are ``method-name-unique``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .diagnostics import Diagnostic, Severity, pointer, pointer_parts
from .loader import deref, operations
from .naming import snake

#: Every rule and what it finds (the names follow Redocly's where one means the same).
RULES: dict[str, str] = {
    "operation-operationId": "an operation without an operationId (its method is named after the path)",
    "operation-error-response": "an operation documenting no error response (4XX, 5XX or default)",
    "no-inline-object-schema": "an object schema written inline in an operation (its model gets a made-up name)",
    "no-unused-components": "a component nothing refers to",
    "parameter-shadowing": "two arguments of one method with the same Python name (one gets a trailing _)",
}

LINT_EXTENSION = "x-specwright-lint"
_COMPONENT_REF = re.compile(r"^#/components/([^/]+)/([^/]+)")

#: ``(where, rule, message, severity)`` -> a located diagnostic (the validator's ``_diag``).
Report = Callable[[list[object], str, str, Severity], Diagnostic]


def is_lint(diag: Diagnostic) -> bool:
    """Whether ``diag`` is a lint finding."""
    return diag.rule in RULES


def severities(document: dict[str, Any]) -> dict[str, Severity | None]:
    """Each rule's severity in this document: ``None`` is off. Unknown names and values are
    left to the extension schema (an error there)."""
    out: dict[str, Severity | None] = dict.fromkeys(RULES, "warning")
    config = document.get(LINT_EXTENSION)
    rules = config.get("rules") if isinstance(config, dict) else None
    for name, level in (rules or {}).items() if isinstance(rules, dict) else ():
        if name in out:
            out[name] = None if level in ("off", False) else "error" if level == "error" else "warning"
    return out


def lint(document: dict[str, Any], report: Report) -> Iterator[Diagnostic]:
    """Every finding of the rules the document leaves on."""
    levels = severities(document)
    checks: dict[str, Callable[[dict[str, Any]], Iterator[tuple[list[object], str]]]] = {
        "operation-operationId": _operation_ids,
        "operation-error-response": _error_responses,
        "no-inline-object-schema": _inline_objects,
        "no-unused-components": _unused_components,
        "parameter-shadowing": _shadowing,
    }
    for rule, check in checks.items():
        level = levels[rule]
        if level is None:
            continue
        for where, message in check(document):
            yield report(where, rule, message, level)


def _operation_ids(doc: dict[str, Any]) -> Iterator[tuple[list[object], str]]:
    for path, method, op in operations(doc):
        if not (isinstance(op.get("operationId"), str) and op["operationId"]):
            yield ["paths", path, method], f"{method.upper()} {path} has no operationId"


def _error_responses(doc: dict[str, Any]) -> Iterator[tuple[list[object], str]]:
    for path, method, op in operations(doc):
        responses = op.get("responses")
        codes = [str(c).upper() for c in responses] if isinstance(responses, dict) else []
        if not any(c == "DEFAULT" or c[:1] in ("4", "5") for c in codes):
            yield (
                ["paths", path, method, "responses"],
                f"{method.upper()} {path} documents no error response: its errors carry no typed body",
            )


def _inline_objects(doc: dict[str, Any]) -> Iterator[tuple[list[object], str]]:
    """Object schemas with properties written inside a request body, a response or a parameter
    (directly, as array items or as a member of allOf/oneOf/anyOf); ``$ref``'d responses,
    bodies and parameters are checked where they are written."""
    seen: set[str] = set()
    for path, method, op in operations(doc):
        item = doc["paths"][path]
        sites: list[tuple[list[object], Any]] = []
        for i, raw in enumerate(op.get("parameters") or []):
            sites.append((["paths", path, method, "parameters", i], raw))
        for i, raw in enumerate(item.get("parameters") or []):
            sites.append((["paths", path, "parameters", i], raw))
        if "requestBody" in op:
            sites.append((["paths", path, method, "requestBody"], op["requestBody"]))
        responses = op.get("responses")
        for code, raw in responses.items() if isinstance(responses, dict) else ():
            sites.append((["paths", path, method, "responses", code], raw))
        for where, raw in sites:
            where, node = _follow(doc, where, raw)
            if not isinstance(node, dict):
                continue
            schemas: list[tuple[list[object], Any]] = []
            if "schema" in node:
                schemas.append(([*where, "schema"], node["schema"]))
            content = node.get("content")
            for media, entry in content.items() if isinstance(content, dict) else ():
                if isinstance(entry, dict) and "schema" in entry:
                    schemas.append(([*where, "content", media, "schema"], entry["schema"]))
            for at, schema in schemas:
                for found in _inline_object_sites(schema, at):
                    key = pointer(found)
                    if key not in seen:
                        seen.add(key)
                        yield found, "an inline object schema: name it under components/schemas and $ref it"


def _follow(doc: dict[str, Any], where: list[object], node: Any) -> tuple[list[object], Any]:
    """A ``$ref`` to ``#/components/...`` followed to where its target is written."""
    for _ in range(8):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            break
        target = deref(doc, {"$ref": ref})
        if target is None:
            break
        where, node = list(pointer_parts(ref[1:], uri=True)), target
    return where, node


def _inline_object_sites(schema: Any, where: list[object]) -> Iterator[list[object]]:
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        yield where
        return
    if "items" in schema:
        yield from _inline_object_sites(schema["items"], [*where, "items"])
    for key in ("allOf", "oneOf", "anyOf"):
        members = schema.get(key)
        for i, member in enumerate(members if isinstance(members, list) else []):
            yield from _inline_object_sites(member, [*where, key, i])


def _refs(node: Any, out: set[tuple[str, str]], parent: Any = None) -> None:
    """Every ``#/components/<kind>/<name>`` a ``$ref`` or discriminator mapping names."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            match = _COMPONENT_REF.match(ref)
            if match:
                out.add((match.group(1), pointer_parts(match.group(2))[0]))
        mapping = node.get("mapping") if parent != "properties" else None
        for target in mapping.values() if isinstance(mapping, dict) else ():
            if isinstance(target, str):
                match = _COMPONENT_REF.match(target)
                out.add((match.group(1), pointer_parts(match.group(2))[0]) if match else ("schemas", target))
        for key, value in node.items():
            _refs(value, out, key)
    elif isinstance(node, list):
        for item in node:
            _refs(item, out, parent)


def _unused_components(doc: dict[str, Any]) -> Iterator[tuple[list[object], str]]:
    """Components not reachable from the paths, webhooks, root security or extensions."""
    components = doc.get("components")
    if not isinstance(components, dict):
        return
    used: set[tuple[str, str]] = set()
    roots = {k: v for k, v in doc.items() if k != "components"}
    roots.update({k: v for k, v in components.items() if k.startswith("x-")})
    pending: set[tuple[str, str]] = set()
    _refs(roots, pending)
    for requirement in _security_requirements(doc):
        pending.update(("securitySchemes", name) for name in requirement)
    while pending:
        key = pending.pop()
        if key in used:
            continue
        used.add(key)
        section = components.get(key[0])
        if isinstance(section, dict) and key[1] in section:
            found: set[tuple[str, str]] = set()
            _refs(section[key[1]], found)
            pending |= found - used
    for kind, section in components.items():
        if kind.startswith("x-") or not isinstance(section, dict):
            continue
        for name in section:
            if (kind, name) not in used:
                yield ["components", kind, name], f"components/{kind}/{name} is not used"


def _security_requirements(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for requirement in doc.get("security") or []:
        if isinstance(requirement, dict):
            yield requirement
    for _, _, op in operations(doc):
        for requirement in op.get("security") or []:
            if isinstance(requirement, dict):
                yield requirement


def _shadowing(doc: dict[str, Any]) -> Iterator[tuple[list[object], str]]:
    """Parameters (after operation-level ones replace path-level ones of the same name and
    place) and the body argument of one operation that get the same Python name."""
    for path, method, op in operations(doc):
        item = doc["paths"][path]
        merged: dict[tuple[str, str], tuple[list[object], dict[str, Any]]] = {}
        for base, raw_list in ((["paths", path], item.get("parameters")), (["paths", path, method], op.get("parameters"))):
            for i, raw in enumerate(raw_list if isinstance(raw_list, list) else []):
                param = deref(doc, raw)
                if isinstance(param, dict) and isinstance(param.get("name"), str):
                    merged[(str(param.get("in")), param["name"])] = ([*base, "parameters", i], param)
        taken: dict[str, str] = {}
        for (place, name), (where, param) in merged.items():
            py_name = snake(str(param.get("x-speakeasy-name-override") or name))
            if py_name in taken:
                yield where, f"{place} parameter {name!r} and {taken[py_name]} are both the argument {py_name!r}"
            else:
                taken[py_name] = f"{place} parameter {name!r}"
        if "requestBody" in op:
            body = str(op.get("x-codegen-request-body-name") or "body")
            if not op.get("x-specwright-flatten-body") and body in taken:
                yield (
                    ["paths", path, method, "requestBody"],
                    f"the request body argument {body!r} has the name of {taken[body]}",
                )
