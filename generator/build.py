"""Build the API model (IR) from a validated, bundled spec."""

from __future__ import annotations

from typing import Any

from .build_auth import client_auth, primary_scheme
from .build_groups import client_groups, module_function_names
from .build_imports import client_imports, function_module_imports
from .build_named import client_imports as with_named_imports
from .build_named import global_keys, held_params, hold_globals, named_modules, named_resources
from .datamodels import model_index
from .ir import (
    Api,
    AuthMode,
    Body,
    GroupSettings,
    Operation,
    Paging,
    Param,
    ResourceGroup,
    ResourcePagingSpec,
    Response,
    Result,
    SecurityScheme,
    ServerVariable,
    spec_text,
)
from .loader import LoadedSpec, operations, schema_property
from .naming import pascal, snake, unique_method_names
from .schema_types import TypeMapper, is_json_media

_PAGING_STYLE = {"offsetLimit": "offset", "cursor": "cursor", "url": "link"}


def build_api(spec: LoadedSpec, models_code: str) -> Api:
    """The IR of ``spec``; ``models_code`` is the generated models module."""
    doc = spec.document
    schema_names = list(((doc.get("components") or {}).get("schemas") or {}).keys())
    models = model_index(models_code, schema_names)
    mapper = TypeMapper(doc, {m.schema_name: m.class_name for m in models})
    default_security = _security_keys(doc.get("security"))
    names = unique_method_names(operations(doc))
    ops = tuple(
        _operation(mapper, doc, path, method, op, default_security, names[(path, method)])
        for path, method, op in operations(doc)
    )
    ops = hold_globals(ops, global_keys(doc))
    info = doc.get("info") or {}
    servers = doc.get("servers") or [{}]
    schemes = _schemes(doc)
    primary = primary_scheme(schemes, default_security, ops)
    auth = client_auth(primary)
    group_settings = _group_settings(doc)
    groups = client_groups(ops, group_settings)
    named = named_resources(doc, ops, groups)
    held = held_params(ops)
    variables = _server_variables(servers[0])
    resources = _resource_groups(doc)
    server_urls = bool(variables) or any(g.url or g.variables for g in resources)
    return Api(
        title=spec_text(info.get("title", "")),
        version=spec_text(info.get("version", "")),
        description=spec_text(str(info.get("description", "")).strip()),
        server_url=spec_text(_server_url(servers[0])),
        operations=ops,
        schemes=schemes,
        default_security=default_security,
        models=models,
        groups=group_settings,
        server_template=spec_text(str(servers[0].get("url", "")).rstrip("/")),
        server_variables=variables,
        resources=resources,
        resource_paging=_resource_paging(doc),
        primary_scheme=primary,
        auth=auth,
        client_groups=groups,
        client_imports=with_named_imports(
            client_imports(ops, auth, groups, server_urls=server_urls, async_=False), named, bool(held), async_=False
        ),
        async_client_imports=with_named_imports(
            client_imports(ops, auth, groups, server_urls=server_urls, async_=True), named, bool(held), async_=True
        ),
        module_functions=module_function_names(ops),
        function_imports=function_module_imports(ops),
        held_params=held,
        named=named,
        named_modules=named_modules(named, groups),
        models_code=models_code,
        spec_path=spec.display_path,
        spec_hash=spec.sha256,
    )


def _server_url(server: dict[str, Any]) -> str:
    url = str(server.get("url", ""))
    for name, var in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    return url.rstrip("/")


def _server_variables(server: dict[str, Any]) -> tuple[ServerVariable, ...]:
    return tuple(
        ServerVariable(
            name=spec_text(name),
            default=spec_text(var.get("default", "")),
            enum=tuple(spec_text(v) for v in var.get("enum") or ()),
            description=spec_text(str(var.get("description", "")).strip()),
        )
        for name, var in sorted((server.get("variables") or {}).items())
    )


def _resource_groups(doc: dict[str, Any]) -> tuple[ResourceGroup, ...]:
    raw = (doc.get("x-specwright-resources") or {}).get("groups") or {}
    return tuple(
        ResourceGroup(
            name=str(name),
            class_name=str(item.get("class") or pascal(name) + "Resources"),
            services=tuple((str(k), spec_text(v)) for k, v in (item.get("services") or {}).items()),
            url=spec_text(str(item.get("url", "")).rstrip("/")),
            variables=tuple(sorted((spec_text(k), spec_text(v)) for k, v in (item.get("variables") or {}).items())),
            description=spec_text(str(item.get("description", "")).strip()),
        )
        for name, item in raw.items()
    )


def _resource_paging(doc: dict[str, Any]) -> ResourcePagingSpec:
    raw = (doc.get("x-specwright-resources") or {}).get("paging") or {}
    default = ResourcePagingSpec()
    return ResourcePagingSpec(
        page=spec_text(raw.get("page", default.page)),
        limit=spec_text(raw.get("limit", default.limit)),
        first_page=int(raw.get("firstPage", default.first_page)),
        page_size=int(raw.get("pageSize", default.page_size)),
        results=spec_text(raw.get("results", default.results)),
        totals=tuple(spec_text(p) for p in _as_list(raw["totalItems"])) if "totalItems" in raw else default.totals,
    )


def _group_settings(doc: dict[str, Any]) -> tuple[GroupSettings, ...]:
    raw = doc.get("x-specwright-groups") or {}
    return tuple(
        GroupSettings(
            path=str(path),
            bind=item.get("bind"),
            factory=item.get("factory"),
            class_name=item.get("class"),
            description=spec_text(str(item.get("description", "")).strip()),
        )
        for path, item in sorted(raw.items())
    )


def _security_keys(requirements: Any) -> tuple[str, ...]:
    keys: list[str] = []
    for requirement in requirements or []:
        for key in requirement or {}:
            if key not in keys:
                keys.append(key)
    return tuple(keys)


def _schemes(doc: dict[str, Any]) -> tuple[SecurityScheme, ...]:
    out = []
    for key, raw in ((doc.get("components") or {}).get("securitySchemes") or {}).items():
        kind = raw.get("type")
        desc = spec_text(raw.get("description", ""))
        if kind == "http":
            scheme = str(raw.get("scheme", "")).lower()
            out.append(SecurityScheme(key, "http-basic" if scheme == "basic" else "http-bearer", desc))
        elif kind == "apiKey":
            out.append(SecurityScheme(key, "api-key", desc, header=spec_text(raw.get("name")), location=raw.get("in")))
        elif kind == "oauth2":
            flows = raw.get("flows") or {}
            token_url = next(
                (flows[f].get("tokenUrl") for f in ("password", "clientCredentials", "authorizationCode") if f in flows),
                None,
            )
            url = spec_text(token_url) if token_url is not None else None
            out.append(SecurityScheme(key, "oauth2", desc, token_url=url, flows=tuple(sorted(flows))))
        elif kind == "openIdConnect":
            out.append(
                SecurityScheme(
                    key,
                    "openid-connect",
                    desc,
                    openid_url=spec_text(raw["openIdConnectUrl"]) if raw.get("openIdConnectUrl") else None,
                    scopes=_requested_scopes(doc, key),
                )
            )
    return tuple(out)


def _requested_scopes(doc: dict[str, Any], key: str) -> tuple[str, ...]:
    """Every scope a security requirement (root or operation) asks of scheme ``key``, in order."""
    requirements = list(doc.get("security") or [])
    for _, _, op in operations(doc):
        requirements += list(op.get("security") or [])
    scopes: list[str] = []
    for requirement in requirements:
        for scope in (requirement or {}).get(key) or ():
            if str(scope) not in scopes:
                scopes.append(spec_text(scope))
    return tuple(scopes)


def _operation(
    mapper: TypeMapper,
    doc: dict[str, Any],
    path: str,
    method: str,
    op: dict[str, Any],
    default_security: tuple[str, ...],
    py_name: str,
) -> Operation:
    item = (doc.get("paths") or {}).get(path) or {}
    responses = op.get("responses") or {}
    success_codes = sorted(c for c in responses if str(c).startswith("2"))
    success = (
        _response(mapper, success_codes[0], responses[success_codes[0]])
        if success_codes
        else Response("200", "empty", None, "None")
    )
    # names the generated methods use themselves (wrapper arguments included) stay theirs
    reserved = set(RESERVED_NAMES)
    if op.get("x-speakeasy-pagination"):
        reserved.add("max_items")
    if success.kind == "binary":
        reserved |= DOWNLOAD_ARGS
    params = _params(mapper, list(item.get("parameters") or []) + list(op.get("parameters") or []), reserved)
    body = _body(mapper, op, {*reserved, *(p.py_name for p in params)})
    errors = tuple(
        _response(mapper, str(code), responses[code])
        for code in sorted(responses, key=str)
        if not str(code).startswith(("1", "2", "3"))
    )
    requirements = op["security"] if "security" in op else doc.get("security")
    security = _security_keys(op["security"]) if "security" in op else default_security
    paging = _paging(mapper, op, params, success, py_name)
    retries = op.get("x-speakeasy-retries")
    idempotent = None
    if isinstance(retries, dict):
        idempotent = retries.get("strategy") != "none"
    tags = tuple(str(t) for t in op.get("tags") or ())
    return Operation(
        operation_id=str(op.get("operationId") or py_name),
        py_name=py_name,
        method=method.upper(),
        path=spec_text(path),
        summary=spec_text(str(op.get("summary", "")).strip()),
        description=spec_text(str(op.get("description", "")).strip()),
        params=params,
        body=body,
        success=success,
        errors=errors,
        security=security,
        tags=tags,
        group=op.get("x-speakeasy-group"),
        paging=paging,
        idempotent=idempotent,
        deprecated=bool(op.get("deprecated", False)),
        auth_mode=_auth_mode(requirements),
        result=_result(mapper, op, success),
        positional_names=tuple(str(n) for n in op.get("x-specwright-positional") or ()),
    )


def _auth_mode(requirements: Any) -> AuthMode:
    """``security: []`` sends no credentials; an empty requirement among others makes them optional."""
    if requirements is None:
        return "required"
    if not requirements:
        return "none"
    return "optional" if any(not r for r in requirements) else "required"


def _result(mapper: TypeMapper, op: dict[str, Any], success: Response) -> Result | None:
    """``x-specwright-result``: the method returns this part of a JSON body."""
    path = op.get("x-specwright-result")
    if not path or path == "$" or success.kind != "json":
        return None
    schema = _success_schema(mapper, op, success.status)
    for key in [k for k in str(path)[1:].split(".") if k]:
        schema = schema_property(mapper.document, schema, key)
    return Result(spec_text(path), mapper.annotation(schema) if schema is not None else "Any")


#: Python names a parameter or body cannot take: they become ``<name>_``.
RESERVED_NAMES = frozenset({"self", "request_options", "kwargs"})
#: Extra arguments of ``<op>_to_file`` methods.
DOWNLOAD_ARGS = frozenset({"directory", "filename", "overwrite", "progress", "default_filename"})


def _params(mapper: TypeMapper, raw_params: list[Any], reserved: set[str] | None = None) -> tuple[Param, ...]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in raw_params:
        param = mapper.deref(raw)
        if isinstance(param, dict) and "name" in param and "in" in param:
            merged[(param["in"], param["name"])] = param  # operation level overrides path level
    out = []
    used: set[str] = set(reserved or ())
    for (location, name), param in merged.items():
        schema = param.get("schema") or {}
        py_name = snake(str(param.get("x-speakeasy-name-override") or name))
        while py_name in used:
            py_name += "_"
        used.add(py_name)
        annotation = mapper.annotation(schema)
        if annotation.startswith("models.") and _is_enum(mapper, schema):
            annotation = f"{annotation} | str"
        out.append(
            Param(
                name=spec_text(name),
                py_name=py_name,
                location=location,  # type: ignore[arg-type]  # validated by openapi-spec-validator
                type_expr=annotation,
                required=bool(param.get("required", location == "path")),
                default=mapper.default_literal(schema),
                description=spec_text(" ".join(str(param.get("description", "")).split())),
                deprecated=bool(param.get("deprecated", False)),
                explode=_explode(param, annotation),
                checks=_checks(mapper, schema),
            )
        )
    return tuple(out)


#: Schema constraints a parameter's value is checked against before a request is sent.
_CHECKED = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
}


def _checks(mapper: TypeMapper, schema: Any) -> tuple[tuple[str, object], ...]:
    """The ``check_argument`` keywords of a parameter schema (numbers and lengths only)."""
    schema = mapper.deref(schema)
    if not isinstance(schema, dict):
        return ()
    found = {key: schema[key] for key in _CHECKED if _is_number(schema.get(key))}
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if schema.get(flag) is True and bound in found:  # OpenAPI 3.0: a flag on minimum/maximum
            found[flag] = found.pop(bound)
    out: list[tuple[str, object]] = [(_CHECKED[key], value) for key, value in found.items()]
    if out and schema.get("type") == "integer":
        out.insert(0, ("integer", True))
    return tuple(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _explode(param: dict[str, Any], annotation: str) -> bool:
    """False for a list sent comma-separated: ``form`` style with ``explode: false``, or ``simple``.

    (``spaceDelimited``/``pipeDelimited`` are not supported and are sent exploded.)
    """
    if not annotation.startswith("list["):
        return True
    style = param.get("style") or ("form" if param.get("in") in ("query", "cookie") else "simple")
    if style == "form":
        return bool(param.get("explode", True))
    return style != "simple"


def _is_enum(mapper: TypeMapper, schema: Any) -> bool:
    target = mapper.deref(schema)
    return isinstance(target, dict) and "enum" in target


def _body(mapper: TypeMapper, op: dict[str, Any], taken: set[str] | None = None) -> Body | None:
    raw = mapper.deref(op.get("requestBody"))
    if not isinstance(raw, dict):
        return None
    content = raw.get("content") or {}
    if not content:
        return None
    media = next((m for m in content if is_json_media(m)), None) or next(iter(content))
    schema = (content.get(media) or {}).get("schema") or {}
    base = media.split(";")[0].strip().lower()
    if is_json_media(media):
        kind = "json"
    elif base == "application/x-www-form-urlencoded":
        kind = "form"
    elif base.startswith("multipart/"):
        kind = "multipart"
    elif base.startswith("text/"):
        kind = "text"
    else:
        kind = "binary"
    annotation = mapper.annotation(schema)
    if kind in ("json", "form", "multipart") and annotation.startswith("models."):
        annotation = f"{annotation} | Mapping[str, Any]"
    elif kind == "binary":
        annotation = "bytes"
    elif kind == "text":
        annotation = "str"
    name = str(op.get("x-codegen-request-body-name") or "body")
    while name in (taken or set()):
        name += "_"
    flatten = op.get("x-specwright-flatten-body")
    fields = _flat_fields(mapper, schema, flatten, taken or set()) if flatten and kind == "json" else ()
    return Body(
        fields=fields,
        py_name=str(name),
        kind=kind,  # type: ignore[arg-type]
        media_type=spec_text(media),
        type_expr=annotation,
        required=bool(raw.get("required", False)),
        description=spec_text(" ".join(str(raw.get("description", "")).split())),
    )


def _flat_fields(mapper: TypeMapper, schema: Any, flatten: Any, taken: set[str]) -> tuple[Param, ...]:
    """The properties of an object body as method parameters (renamed by a mapping ``flatten``)."""
    target = mapper.deref(schema)
    if not isinstance(target, dict):
        return ()
    names = flatten if isinstance(flatten, dict) else {}
    required = set(target.get("required") or ())
    out = []
    used = set(taken)
    for wire, prop in (target.get("properties") or {}).items():
        py_name = snake(str(names.get(wire) or wire))
        while py_name in used:
            py_name += "_"
        used.add(py_name)
        prop_schema = mapper.deref(prop) or {}
        out.append(
            Param(
                name=spec_text(wire),
                py_name=py_name,
                location="body",
                type_expr=mapper.annotation(prop),
                required=wire in required,
                default=None if wire in required else mapper.default_literal(prop),
                description=spec_text(" ".join(str(prop_schema.get("description", "")).split())),
                checks=_checks(mapper, prop),
            )
        )
    return tuple(out)


def _response(mapper: TypeMapper, status: str, raw: Any) -> Response:
    raw = mapper.deref(raw) or {}
    content = raw.get("content") or {}
    description = spec_text(" ".join(str(raw.get("description", "")).split()))
    if not content:
        return Response(status, "empty", None, "None", description)
    json_body = _json_content(content)
    if json_body is not None:
        media, schema = json_body
        return Response(status, "json", spec_text(media), mapper.annotation(schema), description)
    media = spec_text(next(iter(content)))
    if _is_text(media, mapper.deref((content.get(media) or {}).get("schema"))):
        return Response(status, "text", media, "str", description)
    return Response(status, "binary", media, "bytes", description)


def _is_text(media: str, schema: Any) -> bool:
    """``text/*``, or an XML type whose schema is a plain string: decoded to ``str``, not bytes."""
    base = media.split(";")[0].strip().lower()
    if base.startswith("text/"):
        return True
    xml = base in ("application/xml", "text/xml") or base.endswith("+xml")
    return xml and isinstance(schema, dict) and schema.get("type") == "string" and schema.get("format") not in ("binary", "byte")


def _paging(
    mapper: TypeMapper, op: dict[str, Any], params: tuple[Param, ...], success: Response, py_name: str
) -> Paging | None:
    raw = op.get("x-speakeasy-pagination")
    if not isinstance(raw, dict):
        return None
    by_wire = {p.name: p.py_name for p in params}
    wire_inputs = {i["type"]: spec_text(i["name"]) for i in raw.get("inputs") or []}
    inputs = {kind: by_wire.get(name) for kind, name in wire_inputs.items()}
    outputs = raw.get("outputs") or {}
    style = _PAGING_STYLE[raw["type"]]
    if style == "offset" and "page" in inputs and "offset" not in inputs:
        style = "page"
    position = inputs.get("offset") or inputs.get("page") or inputs.get("cursor")
    results = spec_text(outputs.get("results", "$"))
    raw_next = outputs.get("nextCursor") or outputs.get("nextUrl")
    raw_total = outputs.get("totalItems")
    next_path = spec_text(raw_next) if raw_next else None
    total = spec_text(raw_total) if raw_total else None
    item = _item_type(mapper, _success_schema(mapper, op, success.status), results)
    runtime_class, runtime_args = _paging_config(style, wire_inputs, results, next_path, total)
    return Paging(
        style=style,  # type: ignore[arg-type]
        position_param=position,
        limit_param=inputs.get("limit"),
        results_path=results,
        next_path=next_path,
        total_path=total,
        item_type=item,
        method_name=str(op.get("x-specwright-pager-name") or f"iter_{py_name}"),
        runtime_class=runtime_class,
        runtime_args=runtime_args,
    )


def _paging_config(
    style: str, inputs: dict[str, Any], results: str, next_path: str | None, total: str | None
) -> tuple[str, tuple[tuple[str, object], ...]]:
    """The runtime paging configuration of an operation: class and keyword arguments (``None`` ones left out)."""
    args: list[tuple[str, object]]
    if style == "offset":
        cls = "OffsetPaging"
        args = [("offset", inputs.get("offset")), ("limit", inputs.get("limit")), ("results", results), ("total", total)]
    elif style == "page":
        cls = "PageNumberPaging"
        # no page number given starts at 0, as it always has
        args = [("page", inputs.get("page")), ("size", inputs.get("limit")), ("results", results)]
        args += [("totals", (total,) if total else ()), ("first_page", 0)]
    elif style == "cursor":
        cls, args = "CursorPaging", [("cursor", inputs.get("cursor")), ("next", next_path), ("results", results)]
    else:
        cls, args = "LinkPaging", [("next", next_path), ("results", results)]
    return cls, tuple((k, v) for k, v in args if v is not None)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _success_schema(mapper: TypeMapper, op: dict[str, Any], status: str) -> Any:
    response = mapper.deref((op.get("responses") or {}).get(status)) or {}
    json_body = _json_content(response.get("content") or {})
    return json_body[1] if json_body is not None else None


def _json_content(content: dict[str, Any]) -> tuple[str, Any] | None:
    """The first JSON media type of a ``content`` map and its schema."""
    media = next((m for m in content if is_json_media(m)), None)
    return (media, (content.get(media) or {}).get("schema")) if media is not None else None


def _item_type(mapper: TypeMapper, schema: Any, results: str) -> str:
    """The annotation of the items at ``results`` (``$`` or ``$.a.b``) in a response schema."""
    if not results.startswith("$") or "[" in results:
        return "Any"
    for key in [k for k in results[1:].split(".") if k]:
        schema = schema_property(mapper.document, schema, key)
    schema = mapper.deref(schema)
    if isinstance(schema, dict) and schema.get("type") == "array":
        return mapper.annotation(schema.get("items"))
    return "Any"

