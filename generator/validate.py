"""Validate a bundled spec: OpenAPI itself, then our ``x-`` extensions and rules, then the lint
rules (:mod:`generator.lint`)."""

from __future__ import annotations

import json
import pickle
import re
import sys
from collections.abc import Collection, Iterator
from functools import cache
from importlib import resources
from importlib.metadata import version as dist_version
from typing import Any

import jsonschema
import referencing.exceptions
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    UnresolvableParameterError,
)

from . import cache as store
from .diagnostics import Diagnostic, Severity, pointer
from .lint import LINT_EXTENSION, lint
from .loader import LoadedSpec, deref, is_extension, operations, resolve_pointer, schema_property
from .loosen import unsupported_patterns
from .naming import operation_method_name, snake
from .schema_types import type_accepts

OPERATION_EXTENSIONS = (
    "x-speakeasy-pagination",
    "x-speakeasy-group",
    "x-speakeasy-name-override",
    "x-specwright-pager-name",
    "x-speakeasy-retries",
    "x-codegen-request-body-name",
    "x-specwright-positional",
    "x-specwright-flatten-body",
    "x-specwright-result",
    "x-specwright-display-name",
    "x-specwright-resource-action",
)
ROOT_EXTENSIONS = (
    "x-speakeasy-retries", "x-specwright-groups", "x-specwright-resources", "x-speakeasy-globals", LINT_EXTENSION
)
PATH_ITEM_EXTENSIONS = ("x-specwright-resource",)
#: What every generated client has besides its operations: a group cannot take these names.
CLIENT_ATTRIBUTES = frozenset(
    {"base_url", "close", "request", "set_token", "clear_token", "login", "device_login", "set_credentials"}
)


@cache
def extension_schema() -> dict[str, Any]:
    """The JSON Schema of our extensions (``generator/extensions.schema.json``)."""
    text = resources.files("generator").joinpath("extensions.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class _SeenIds(list[int]):
    """The list in which openapi-spec-validator's schema checker records the schemas it has
    visited and meta-checked (their ``id``), tested with ``in`` before each schema: a list
    scan, quadratic in the number of schemas (6 of the 11 s GitHub's description took). The
    same list, its ``in`` answered by a set; what it holds and in which order is unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


class _SeenIdsSchema(keywords.SchemaValidator):
    """The schema checker, remembering what it has seen in :class:`_SeenIds`."""

    def __init__(self, registry: Any) -> None:
        super().__init__(registry)
        self.visited_schema_ids, self.meta_checked_schema_ids = _SeenIds(), _SeenIds()


class _SchemaV30(_SeenIdsSchema, keywords.OpenAPIV30SchemaValidator):
    pass


class _SchemaV31(_SeenIdsSchema, keywords.OpenAPIV31SchemaValidator):
    pass


class _SpecV30(OpenAPIV30SpecValidator):
    """openapi-spec-validator's OpenAPI 3.0 checks, the same findings in the same order
    (its schema checker remembers visited schemas in a :class:`_SeenIds`)."""

    keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": _SchemaV30}  # noqa: RUF012 (as the base class declares it)


class _SpecV31(OpenAPIV31SpecValidator):
    """As :class:`_SpecV30`, for OpenAPI 3.1."""

    keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "schema": _SchemaV31}  # noqa: RUF012 (as the base class declares it)


#: Findings no client can be generated despite: the document cannot be read as OpenAPI 3.x or a
#: ``$ref`` points at nothing. (Unreadable documents never get here: loading raises.)
FATAL_RULES = frozenset({"openapi-version", "ref-resolves"})


def validate(spec: LoadedSpec, reserved: Collection[str] = ()) -> list[Diagnostic]:
    """Every problem found, errors and warnings; none means the spec is clean.

    ``reserved``: attribute names a package's own code adds to the client (``reserved_names``
    in ``apis.toml``), which groups must not hide either.
    """
    found = list(_openapi(spec))
    if not any(d.severity == "error" for d in found):
        found.extend(_extensions(spec))
        found.extend(_rules(spec, CLIENT_ATTRIBUTES | frozenset(reserved)))
        found.extend(_patterns(spec))
        found.extend(lint(spec.document, lambda where, rule, message, severity: _diag(spec, where, rule, message, severity)))
    return sorted(set(found))


def blocking(found: list[Diagnostic], *, strict: bool) -> list[Diagnostic]:
    """The findings that stop generation: in strict mode every one (warnings as errors), else
    only those no client can be made despite (:data:`FATAL_RULES`)."""
    if strict:
        return [d.as_error() for d in found]
    return [d for d in found if d.rule in FATAL_RULES]


def _diag(
    spec: LoadedSpec, where: list[object] | tuple[object, ...], rule: str, message: str, severity: Severity = "error"
) -> Diagnostic:
    file, ptr = spec.locate(pointer(list(where)))
    return Diagnostic(file, ptr, rule, message, severity)


def _openapi(spec: LoadedSpec) -> Iterator[Diagnostic]:
    doc = spec.document
    version = str(doc.get("openapi", ""))
    if not version.startswith(("3.0", "3.1")):
        if "openapi" not in doc and "swagger" in doc:
            # Swagger 2.0: a converter makes the OpenAPI 3 document this generator reads
            yield _diag(
                spec,
                ["swagger"],
                "openapi-version",
                f"need OpenAPI 3.0 or 3.1, found Swagger {doc['swagger']!s}: convert it first"
                " (for example with swagger2openapi from npm: npx swagger2openapi SPEC -o SPEC3.yaml)",
            )
            return
        yield _diag(spec, ["openapi"], "openapi-version", f"need OpenAPI 3.0 or 3.1, found {version or 'none'!r}")
        return
    dangling = list(_dangling_refs(spec))
    if dangling:  # the validator cannot resolve them and would stop with an exception
        yield from dangling
        return
    validator_cls = _SpecV31 if version.startswith("3.1") else _SpecV30
    known = _validity_key(doc, validator_cls)
    if store.read(store.cache_dir("valid"), known) is not None:
        return  # this very document passed this very validator before
    found = False
    try:
        for error in validator_cls(doc).iter_errors():
            found = True
            yield _openapi_diag(spec, error)
    except referencing.exceptions.Unresolvable as exc:
        found = True
        yield _diag(spec, [], "ref-resolves", f"unresolvable reference: {exc}")
    if not found:
        store.write(store.cache_dir("valid"), known, "")


def _patterns(spec: LoadedSpec) -> Iterator[Diagnostic]:
    for where, pattern, reason in unsupported_patterns(spec.document):
        shown = pattern if len(pattern) <= 60 else pattern[:57] + "..."
        yield _diag(
            spec, [*where, "pattern"], "pattern-checkable",
            f"pattern {shown!r} cannot be checked by the models' regex engine ({reason}); the field takes any string",
            "warning",
        )


def _validity_key(doc: dict[str, Any], validator_cls: type) -> str:
    """What the validator's verdict depends on: the document (its pickle keeps key types and
    order), the validator and its version, the Python version."""
    return store.key(
        pickle.dumps(doc, protocol=5),
        validator_cls.__qualname__,
        dist_version("openapi-spec-validator"),
        dist_version("jsonschema"),
        sys.version,
    )


def _openapi_diag(spec: LoadedSpec, error: Any) -> Diagnostic:
    doc = spec.document
    message = getattr(error, "message", str(error))
    if isinstance(error, DuplicateOperationIDError):
        # no path or keyword on this one: point at the second operation it names
        match = re.search(r"for '(\w+)' in '([^']*)'", message)
        where: list[object] = ["paths", match.group(2), match.group(1)] if match else []
        return _diag(spec, [*where, "operationId"], "openapi:operationId-unique", message + " is not unique" if not message.endswith("unique") else message)
    if isinstance(error, UnresolvableParameterError):  # the client takes it as a string argument
        match = re.search(r"for '(\w+)' operation in '([^']*)'", message)
        return _diag(spec, ["paths", match.group(2), match.group(1)] if match else [], "openapi:path-parameter-declared", message, "warning")
    if isinstance(error, ExtraParametersError):  # a required name without a property: nothing to check
        return _diag(spec, [], "openapi:required-defined", message, "warning")
    path = list(getattr(error, "absolute_path", []) or [])
    instance = getattr(error, "instance", None)
    # no path: a schema's default or example that its own schema rejects (models drop such a
    # default); uniqueItems: a name listed twice, e.g. in ``required``
    keyword = getattr(error, "validator", None)
    severity: Severity = "warning" if not path or keyword == "uniqueItems" else "error"
    path = _anchor(doc, path, instance) if path else _value_site(doc, instance)
    rule = f"openapi:{keyword if isinstance(keyword, str) else 'schema'}"
    return _diag(spec, path, rule, message, severity)


def _value_site(doc: dict[str, Any], instance: Any) -> list[object]:
    """Where the one schema ``default``/``example`` equal to ``instance`` is (the validator checks
    those values against their schema but reports no location); the root if not exactly one."""
    sites = [
        [*where, key]
        for where, node in _nodes(doc, [])
        for key in ("default", "example")
        if key in node and type(node[key]) is type(instance) and node[key] == instance and not type_accepts(node, instance)
    ]
    return sites[0] if len(sites) == 1 else []  # an ambiguous value is not pinned on one place




def _dangling_refs(spec: LoadedSpec) -> Iterator[Diagnostic]:
    """Every local ``$ref`` that points at nothing."""
    for where, node in _nodes(spec.document, []):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                resolve_pointer(spec.document, ref[1:])
            except (KeyError, IndexError, ValueError, TypeError):
                yield _diag(spec, [*where, "$ref"], "ref-resolves", f"{ref!r} points at nothing")


def _nodes(node: Any, where: list[object]) -> Iterator[tuple[list[object], dict[str, Any]]]:
    """Every mapping of the document, outside extension values."""
    if isinstance(node, dict):
        yield where, node
        parent = where[-1] if where else None
        for key, value in node.items():
            if not is_extension(parent, key):
                yield from _nodes(value, [*where, key])
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _nodes(item, [*where, i])


def _anchor(doc: dict[str, Any], path: list[object], instance: Any) -> list[object]:
    """Schema errors come with paths relative to the schema; find where that schema is."""
    if not path or path[0] in doc:
        return path
    for prefix in _schema_locations(doc, []):
        try:
            node = resolve_pointer(doc, pointer(prefix + path))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        if node == instance:
            return prefix + path
    return path


def _schema_locations(node: Any, where: list[object]) -> Iterator[list[object]]:
    if isinstance(node, dict):
        yield where
        for key in sorted(node, key=str):
            yield from _schema_locations(node[key], [*where, key])
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _schema_locations(item, [*where, i])


def _extensions(spec: LoadedSpec) -> Iterator[Diagnostic]:
    schema = extension_schema()
    props = schema["properties"]

    def check(value: Any, name: str, where: list[object]) -> Iterator[Diagnostic]:
        sub = dict(props[name])
        sub["$defs"] = schema["$defs"]
        for err in jsonschema.Draft202012Validator(sub).iter_errors(value):
            yield _diag(spec, [*where, name, *list(err.absolute_path)], f"{name}:{err.validator}", err.message)

    doc = spec.document
    for name in ROOT_EXTENSIONS:
        if name in doc:
            yield from check(doc[name], name, [])
    for path, method, op in operations(doc):
        for name in OPERATION_EXTENSIONS:
            if name in op:
                yield from check(op[name], name, ["paths", path, method])
    for path, item in (doc.get("paths") or {}).items():
        for name in PATH_ITEM_EXTENSIONS:
            if isinstance(item, dict) and name in item:
                yield from check(item[name], name, ["paths", path])
    for where, node in _schemas(doc):
        if "x-enum-varnames" in node:
            yield from check(node["x-enum-varnames"], "x-enum-varnames", where)
            values = node.get("enum") or []
            if len(values) != len(node["x-enum-varnames"]):
                yield _diag(spec, [*where, "x-enum-varnames"], "x-enum-varnames:length", "needs one name per enum value")


def _schemas(doc: dict[str, Any]) -> Iterator[tuple[list[object], dict[str, Any]]]:
    for name, node in ((doc.get("components") or {}).get("schemas") or {}).items():
        if isinstance(node, dict):
            yield ["components", "schemas", name], node


def _rules(spec: LoadedSpec, client_names: frozenset[str]) -> Iterator[Diagnostic]:
    doc = spec.document
    seen: dict[tuple[str, str], list[object]] = {}
    for path, method, op in operations(doc):
        where: list[object] = ["paths", path, method]
        params = _param_names(doc, path, op)
        name = operation_method_name(op, method, path)
        key = (str(op.get("x-speakeasy-group", "")), name)
        if key in seen:
            yield _diag(spec, where, "method-name-unique", f"method name {name!r} is already used by {pointer(seen[key])}")
        else:
            seen[key] = where
        paging = op.get("x-speakeasy-pagination")
        if isinstance(paging, dict):
            pager = op.get("x-specwright-pager-name")
            pager_key = (key[0], pager if isinstance(pager, str) else f"iter_{name}")
            if pager_key in seen:
                yield _diag(
                    spec, [*where, "x-specwright-pager-name"], "method-name-unique",
                    f"pager name {pager_key[1]!r} is already used by {pointer(seen[pager_key])}",
                )
            else:
                seen[pager_key] = [*where, "x-specwright-pager-name"]
            for i, item in enumerate(paging.get("inputs") or []):
                if isinstance(item, dict) and item.get("name") not in params:
                    yield _diag(
                        spec,
                        [*where, "x-speakeasy-pagination", "inputs", i, "name"],
                        "pagination-input-exists",
                        f"no parameter named {item.get('name')!r} in this operation",
                    )
            kinds = {i.get("type") for i in paging.get("inputs") or [] if isinstance(i, dict)}
            ptype = paging.get("type")
            outputs = paging.get("outputs") or {}
            if ptype == "offsetLimit" and not kinds & {"offset", "page"}:
                yield _diag(spec, [*where, "x-speakeasy-pagination"], "pagination-complete", "offsetLimit paging needs an offset or page input")
            if ptype == "cursor" and ("cursor" not in kinds or "nextCursor" not in outputs):
                yield _diag(spec, [*where, "x-speakeasy-pagination"], "pagination-complete", "cursor paging needs a cursor input and a nextCursor output")
            if ptype == "url" and "nextUrl" not in outputs:
                yield _diag(spec, [*where, "x-speakeasy-pagination"], "pagination-complete", "url paging needs a nextUrl output")
        yield from _signature_rules(spec, where, path, op)
    top_level = {name for group, name in seen if not group} | client_names
    for path, method, op in operations(doc):
        group = op.get("x-speakeasy-group")
        if isinstance(group, str) and group.split(".")[0] in top_level:
            yield _diag(
                spec,
                ["paths", path, method, "x-speakeasy-group"],
                "group-name-free",
                f"group {group.split('.')[0]!r} would hide a method or attribute of the client of the same name",
            )
    yield from _group_rules(spec, set(seen), client_names)
    yield from _resource_rules(spec, top_level)
    from .validate_named import named_rules  # imports this module's helpers' types only

    yield from named_rules(spec, lambda where, rule, message: _diag(spec, where, rule, message), operations, deref, top_level)
    for key, scheme in ((doc.get("components") or {}).get("securitySchemes") or {}).items():
        flows = scheme.get("flows") if isinstance(scheme, dict) else None
        if isinstance(flows, dict) and "implicit" in flows and len(flows) == 1:
            yield _diag(
                spec,
                ["components", "securitySchemes", key, "flows"],
                "oauth2-flow-supported",
                "the implicit flow cannot be used by a Python client (the client takes a token as it is); "
                "add authorizationCode, password or clientCredentials",
                "warning",
            )


def _group_rules(spec: LoadedSpec, methods: set[tuple[str, str]], client_names: frozenset[str]) -> Iterator[Diagnostic]:
    """``x-specwright-groups``: groups that exist, bound parameters every operation has, free factory names."""
    doc = spec.document
    settings = doc.get("x-specwright-groups")
    if not isinstance(settings, dict):
        return
    for group, item in settings.items():
        if not isinstance(item, dict):
            continue
        where: list[object] = ["x-specwright-groups", group]
        members = [
            (path, method)
            for path, method, op in operations(doc)
            if isinstance(op.get("x-speakeasy-group"), str)
            and (op["x-speakeasy-group"] == group or op["x-speakeasy-group"].startswith(group + "."))
        ]
        if not members:
            yield _diag(spec, where, "group-exists", f"no operation has x-speakeasy-group {group!r} (or below it)")
            continue
        bind = item.get("bind")
        if not isinstance(bind, str):
            continue
        for path, method in members:
            if "{" + bind + "}" not in path:
                yield _diag(
                    spec, [*where, "bind"], "bind-param-exists",
                    f"{method.upper()} {path} is in group {group!r} but has no path parameter {bind!r}",
                )
        parent = group.rpartition(".")[0]
        factory = item.get("factory") or group.rpartition(".")[2]
        taken = {name for g, name in methods if g == parent} | (client_names if not parent else set())
        if factory in taken:
            yield _diag(
                spec, [*where, "factory"], "group-name-free",
                f"factory {factory!r} would hide a method of the same name",
            )


#: Attributes of a generated resource group besides its services.
RESOURCE_GROUP_ATTRIBUTES = frozenset({"base_url"})


def _resource_rules(spec: LoadedSpec, top_level: set[str]) -> Iterator[Diagnostic]:
    """``x-specwright-resources``: free group names, known server variables, usable paths."""
    doc = spec.document
    raw = doc.get("x-specwright-resources")
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), dict):
        return
    server = (doc.get("servers") or [{}])[0]
    known = set((server.get("variables") or {}).keys()) if isinstance(server, dict) else set()
    op_groups = {str(op.get("x-speakeasy-group")).split(".")[0] for _, _, op in operations(doc) if op.get("x-speakeasy-group")}
    for name, group in raw["groups"].items():
        where: list[object] = ["x-specwright-resources", "groups", name]
        if name in top_level or name in op_groups:
            yield _diag(spec, where, "group-name-free", f"resource group {name!r} would hide a method or group of the same name")
        if not isinstance(group, dict):
            continue
        url = group.get("url")
        template = url if isinstance(url, str) else str(server.get("url", "")) if isinstance(server, dict) else ""
        used = set(re.findall(r"\{([^{}]+)\}", template))
        for var in (group.get("variables") or {}):
            if var not in used:
                yield _diag(
                    spec, [*where, "variables", var], "server-variable-exists",
                    f"the server URL {template!r} has no variable {var!r}",
                )
        missing = sorted(used - known - set(group.get("variables") or {}))
        if missing:
            yield _diag(
                spec, [*where, "url" if isinstance(url, str) else "variables"], "server-variable-exists",
                f"no value for {', '.join(missing)} in the server URL {template!r}: declare it in servers[0].variables or here",
            )
        document = group.get("document")
        if isinstance(document, str) and document in spec.parts:
            yield from _document_rules(spec, spec.parts[document], where, group.get("services") or {})
        for service, path in (group.get("services") or {}).items():
            if service in RESOURCE_GROUP_ATTRIBUTES:
                yield _diag(spec, [*where, "services", service], "group-name-free", f"service name {service!r} is taken")
            if isinstance(path, str) and (path.startswith(("/", "http:", "https:")) or "//" in path):
                yield _diag(
                    spec, [*where, "services", service], "resource-path-relative",
                    "a service path is relative to its group's server URL: no leading '/', scheme or '//'",
                )


def _document_rules(
    spec: LoadedSpec, part: LoadedSpec, where: list[object], services: dict[str, Any]
) -> Iterator[Diagnostic]:
    """A resource group's ``document``: valid on its own, and its services are the group's.

    Each service is a path item ``/<service path>`` marked ``x-specwright-service: <name>`` (a
    list where services share a path).
    """
    yield from validate(part)
    marked: dict[str, str] = {}
    for path, item in (part.document.get("paths") or {}).items():
        names = item.get("x-specwright-service") if isinstance(item, dict) else None
        for name in [names] if isinstance(names, str) else names if isinstance(names, list) else []:
            marked[str(name)] = path  # a list: services sharing one path
    for name, path in services.items():
        if marked.get(name) != "/" + str(path):
            found = f"at {marked[name]!r}" if name in marked else "nowhere"
            yield _diag(
                spec, [*where, "services", name], "resource-document-agrees",
                f"{part.display_path} has service {name!r} {found}, not at '/{path}'",
            )
    for name in sorted(set(marked) - set(services)):
        yield _diag(
            spec, [*where, "services"], "resource-document-agrees",
            f"{part.display_path} has service {name!r} ({marked[name]}), which this group does not list",
        )


def _arguments(doc: dict[str, Any], path: str, op: dict[str, Any]) -> dict[str, bool]:
    """The method's Python argument names (parameters, body or its flattened fields) -> optional."""
    out: dict[str, bool] = {}
    item = (doc.get("paths") or {}).get(path) or {}
    for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
        param = deref(doc, raw)
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            name = snake(str(param.get("x-speakeasy-name-override") or param["name"]))
            schema = deref(doc, param.get("schema")) or {}
            out[name] = not param.get("required", param.get("in") == "path") or "default" in schema
    body = deref(doc, op.get("requestBody"))
    if isinstance(body, dict):
        flatten = op.get("x-specwright-flatten-body")
        if flatten:
            renames = flatten if isinstance(flatten, dict) else {}
            schema = next(iter(deref(doc, media.get("schema")) for media in (body.get("content") or {}).values() if isinstance(media, dict)), None)
            required = set((schema or {}).get("required") or ()) if isinstance(schema, dict) else set()
            for prop in ((schema or {}).get("properties") or {}) if isinstance(schema, dict) else {}:
                out[snake(str(renames.get(prop) or prop))] = prop not in required
        else:
            out[str(op.get("x-codegen-request-body-name") or "body")] = not body.get("required", False)
    return out


def _signature_rules(spec: LoadedSpec, where: list[object], path: str, op: dict[str, Any]) -> Iterator[Diagnostic]:
    """``x-specwright-positional`` names arguments in a valid order; ``x-specwright-result`` and
    ``x-specwright-flatten-body`` point at what exists."""
    doc = spec.document
    positional = op.get("x-specwright-positional")
    if isinstance(positional, list):
        arguments = _arguments(doc, path, op)
        optional_seen = False
        for i, name in enumerate(positional):
            if name not in arguments:
                yield _diag(spec, [*where, "x-specwright-positional", i], "positional-exists", f"the method has no argument {name!r}")
                continue
            if optional_seen and not arguments[name]:
                yield _diag(spec, [*where, "x-specwright-positional", i], "positional-order", f"required argument {name!r} follows an optional one")
            optional_seen = optional_seen or arguments[name]
    flatten = op.get("x-specwright-flatten-body")
    if flatten:
        body = deref(doc, op.get("requestBody"))
        schemas = [deref(doc, m.get("schema")) for m in ((body or {}).get("content") or {}).values() if isinstance(m, dict)] if isinstance(body, dict) else []
        props = (schemas[0] or {}).get("properties") if schemas and isinstance(schemas[0], dict) else None
        if not isinstance(props, dict):
            yield _diag(spec, [*where, "x-specwright-flatten-body"], "flatten-body-object", "the request body is not an object schema with properties")
        elif isinstance(flatten, dict):
            for prop in flatten:
                if prop not in props:
                    yield _diag(spec, [*where, "x-specwright-flatten-body", prop], "flatten-body-object", f"the body has no property {prop!r}")
    result = op.get("x-specwright-result")
    if isinstance(result, str) and result.startswith("$"):
        codes = sorted(str(c) for c in op.get("responses") or {} if str(c).startswith("2"))
        response = deref(doc, (op.get("responses") or {}).get(codes[0])) if codes else None
        content = (response or {}).get("content") or {} if isinstance(response, dict) else {}
        schema = next((deref(doc, m.get("schema")) for t, m in content.items() if "json" in t and isinstance(m, dict)), None)
        for key in [k for k in result[1:].split(".") if k]:
            schema = schema_property(doc, schema, key)
            if schema is None:
                yield _diag(spec, [*where, "x-specwright-result"], "result-exists", f"the success response has no {key!r} at {result}")
                break


def _param_names(doc: dict[str, Any], path: str, op: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    item = (doc.get("paths") or {}).get(path) or {}
    for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
        param = deref(doc, raw)
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            names.add(param["name"])
    return names
