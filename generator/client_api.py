"""The client API a spec gives its users, as plain data: what :mod:`generator.diff` compares.

Built from the generator's own stages, never from the spec's text: the methods come from the
API model (:mod:`generator.ir`) with the parameter lists the templates print
(:func:`generator.render.signature`), the models from the module datamodel-code-generator made
(read with ``ast``: field annotations, which fields are required, enum values). Each model also
records where users meet it (``use``): in what they send (``request``), what they get back
(``response``), both, or neither — a change is judged from that side (see ``docs/architecture.md``).

The snapshot is JSON-ready and sorted; it is stored in ``api-surface.json`` (``client``), so a
later ``generate`` can tell what changed since the package was last written.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path
from typing import Any, Literal

from .config import PackageConfig
from .datamodels import generate_models
from .diagnostics import SpecError
from .escaping import prose_cleaned
from .ir import Api, Operation
from .loader import load_spec
from .render import signature
from .validate import blocking, validate

FORMAT = 1  # a change of the snapshot's shape must bump it: an old snapshot is then started over, not diffed
Use = Literal["request", "response", "both", "none"]
_MODELS_PREFIX = re.compile(r"\bmodels\.")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SKIPPED_PARAMS = frozenset({"self", "request_options"})  # every method has them, unchanged


def client_api(api: Api) -> dict[str, Any]:
    """The client API of a built API model (JSON-ready, sorted)."""
    methods: dict[str, dict[str, Any]] = {}
    reached = {g.path: g for g in api.client_groups}
    for op in api.operations:
        group = reached.get(op.group) if op.group else None
        prefix = f"{group.display}." if group else ""
        skip = group.bound_names if group else ()
        for name, entry in _methods(op, skip):
            methods[prefix + name] = entry
    models = _models(api.models_code)
    # whole response bodies (a method may return only part of one) and error bodies (inside the
    # exceptions) are received too
    bodies = [r for op in api.operations for r in (op.success, *op.errors)]
    _mark_use(methods, models, {n for r in bodies for n in _names(_plain(r.type_expr))})
    resources = {
        f"{group.name}.{service}": str(path) for group in api.resources for service, path in group.services
    }
    return {
        "format": FORMAT,
        "constructor": _constructor(api),
        "methods": dict(sorted(methods.items())),
        "models": dict(sorted(models.items())),
        "resources": dict(sorted(resources.items())),
    }


def client_api_of_spec(spec_path: Path, root: Path | None = None, cfg: PackageConfig | None = None) -> dict[str, Any]:
    """Load a spec, make its models, build the API model and return its client API.

    Validated leniently, as ``generate SPEC --package`` does: only what no client can be made
    despite raises :class:`~generator.diagnostics.SpecError`. No rendering: the diff of two
    specs needs only the stages the client API is read from. ``cfg`` gives the model bases of
    an API of ``apis.toml`` (as ``generate`` does).
    """
    from .build import build_api

    spec = load_spec(spec_path, root)
    fatal = blocking(validate(spec, cfg.reserved_names if cfg else ()), strict=False)
    if fatal:
        raise SpecError(fatal)
    models_code = generate_models(
        prose_cleaned(spec.document),
        base_class=f"{cfg.package}.{cfg.model_base}" if cfg and cfg.model_base else None,
        base_class_map={s: f"{cfg.package}.{b}" for s, b in cfg.model_bases.items()} if cfg else None,
    )
    return client_api(build_api(spec, models_code))


# --- methods --------------------------------------------------------------------------------


def _constructor(api: Api) -> dict[str, Any]:
    """The arguments the spec gives the client's constructor (as the client template prints
    them: server variables, held parameters, the auth's arguments; the others never change)
    and the server variables ``server_variables=`` accepts."""
    keywords = ["server_variables: Mapping[str, str] | None = None"] if api.server_variables else []
    keywords += [f"{p.py_name}: {p.type_expr} | None = None" for p in api.held_params]
    keywords += [f"{arg.name}: {arg.annotation} = {arg.default}" for arg in api.auth.arguments]
    entry = _method(f"*, {', '.join(keywords)}" if keywords else "", "None", "", "")
    entry["server_variables"] = {v.name: {"default": v.default, "enum": list(v.enum)} for v in api.server_variables}
    return entry


def _methods(op: Operation, skip: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The methods one operation gives: the call, its download twin, its pager."""
    doc = _digest([op.summary, op.description, *(p.description for p in op.arguments), op.body.description if op.body else ""])
    where = f"{op.method} {op.path}"
    out = [(op.py_name, _method(signature(op, skip=skip), op.return_type, where, doc))]
    if op.success.kind == "binary":
        extra = ("directory: str | Path", "filename: str | None = None", "overwrite: bool = False")
        out.append((f"{op.py_name}_to_file", _method(signature(op, skip=skip, extra=extra), "Path", where, doc)))
    if op.paging:
        pg = op.paging
        start = {pg.position_param: "0"} if pg.position_param and pg.style in ("offset", "page") else {}
        text = signature(op, skip=skip, defaults=start, extra=("max_items: int | None = None",))
        out.append((pg.method_name, _method(text, f"Iterator[{pg.item_type}]", where, doc)))
    return out


def _method(params: str, returns: str, where: str, doc: str) -> dict[str, Any]:
    node = ast.parse(f"def f({params}): pass").body[0]
    assert isinstance(node, ast.FunctionDef)
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    rows = [_param(a, d, "positional") for a, d in zip(positional, defaults, strict=True)]
    rows += [_param(a, d, "keyword") for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    return {
        "operation": where,
        "params": [r for r in rows if r["name"] not in _SKIPPED_PARAMS],
        "returns": _plain(returns),
        "doc": doc,
    }


def _param(arg: ast.arg, default: ast.expr | None, kind: str) -> dict[str, Any]:
    return {
        "name": arg.arg,
        "kind": kind,
        "required": default is None,
        "default": None if default is None else ast.unparse(default),
        "type": _plain(ast.unparse(arg.annotation)) if arg.annotation is not None else "Any",
    }


def _plain(annotation: str) -> str:
    """``list[models.Scan]`` -> ``list[Scan]``: model classes by their names, as in the models module."""
    return _MODELS_PREFIX.sub("", annotation)


def _digest(texts: list[str]) -> str:
    """A short fingerprint of documentation (the text itself would make the snapshot huge)."""
    return hashlib.sha256("\x00".join(str(t) for t in texts).encode("utf-8")).hexdigest()[:16]


# --- models ---------------------------------------------------------------------------------


def _models(code: str) -> dict[str, dict[str, Any]]:
    """Every class of the models module: an enum's values, or a model's fields."""
    out: dict[str, dict[str, Any]] = {}
    if not code.strip():
        return out
    for node in ast.parse(code).body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = _model(node)
    return out


def _model(node: ast.ClassDef) -> dict[str, Any]:
    docs = [s.value.value for s in node.body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)]
    if any("Enum" in ast.unparse(base) for base in node.bases):
        values = [
            s.value.value
            for s in node.body
            if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) and not _dunder(s)
        ]
        return {"kind": "enum", "values": values, "doc": _digest([str(d) for d in docs])}
    fields: dict[str, dict[str, Any]] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id != "model_config":
            annotation = stmt.annotation
            if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith("Annotated"):
                inner = annotation.slice
                field_call = inner.elts[1] if isinstance(inner, ast.Tuple) and len(inner.elts) > 1 else None
                annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
                docs.extend(_field_docs(field_call))
            text = ast.unparse(annotation)
            if "ClassVar" in text:
                continue
            fields[stmt.target.id] = {"type": text, "required": _required(stmt.value)}
            docs.extend(_field_docs(stmt.value))
    bases = [ast.unparse(b).rpartition(".")[2] for b in node.bases]
    return {"kind": "model", "bases": bases, "fields": fields, "doc": _digest([str(d) for d in docs])}


def _dunder(stmt: ast.Assign) -> bool:
    return any(isinstance(t, ast.Name) and t.id.startswith("_") for t in stmt.targets)


def _required(value: ast.expr | None) -> bool:
    """Whether a field must be given: no default, or ``Field(...)``/``Field()`` without one."""
    if value is None:
        return True
    if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("Field"):
        if any(k.arg in ("default", "default_factory") for k in value.keywords):
            return False
        if value.args:
            first = value.args[0]
            return isinstance(first, ast.Constant) and first.value is Ellipsis
        return True
    return False


def _field_docs(value: ast.expr | None) -> list[str]:
    if isinstance(value, ast.Call):
        return [str(k.value.value) for k in value.keywords if k.arg in ("description", "title") and isinstance(k.value, ast.Constant)]
    return []


def _mark_use(methods: dict[str, dict[str, Any]], models: dict[str, dict[str, Any]], bodies: set[str]) -> None:
    """Set each model's ``use``: reached from what users send, what they get back (results,
    response and error ``bodies``), both or neither."""
    sent = _closure({n for m in methods.values() for p in m["params"] for n in _names(p["type"])}, models)
    received = _closure({n for m in methods.values() for n in _names(m["returns"])} | bodies, models)
    for name, model in models.items():
        use: Use = "both" if name in sent and name in received else "request" if name in sent else "response" if name in received else "none"
        model["use"] = use


def _names(annotation: str) -> set[str]:
    return set(_NAME.findall(annotation))


def _closure(roots: set[str], models: dict[str, dict[str, Any]]) -> set[str]:
    """The models reachable from ``roots`` through field annotations."""
    seen: set[str] = set()
    todo = [n for n in roots if n in models]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        # a model's fields lead to their models, and its bases (``allOf``) hold fields of it too
        linked = [n for f in models[name].get("fields", {}).values() for n in _names(f["type"])]
        todo.extend(n for n in [*linked, *models[name].get("bases", [])] if n in models and n not in seen)
    return seen


__all__ = ["FORMAT", "client_api", "client_api_of_spec"]
