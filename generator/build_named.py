"""Held path parameters and named-resource functions, decided once (part of build).

- ``x-speakeasy-globals`` (root): path parameters the client holds. Methods no longer take
  them; the client's constructor does, and keeps them as attributes.
- ``x-specwright-resource`` (path items), ``x-specwright-display-name`` (the list operation)
  and ``x-specwright-resource-action`` (operations): a collection whose objects users name
  by a display field. Each becomes :class:`~generator.ir.NamedResource` with the functions
  ``create_<singular>``, ``get_<singular>``, ``modify_<singular>``... that its group's
  class gets as methods and, with ``module_functions``, a module of functions over the
  default client.

See ``docs/extensions.md``; ``validate_named.py`` checks what this module relies on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .ir import (
    Group,
    ModuleImports,
    NamedArg,
    NamedCall,
    NamedFunction,
    NamedKind,
    NamedModule,
    NamedResource,
    Operation,
    Param,
    spec_text,
)
from .loader import HTTP_METHODS, deref

#: Actions an operation can play for its resource (``x-specwright-resource-action``).
ACTIONS = ("compute", "compute_until_duration", "status", "create_from_paused_results", "paused_results_merged")
#: The keyword arguments every named function ends with.
REQUEST_OPTIONS = NamedArg("request_options", "RequestOptions | None", "None", keyword=True)
#: ``wait_and_get_<singular>_results``' own keyword arguments.
WAIT_ARGS = (
    NamedArg("timeout", "float | None", "3600.0", keyword=True),
    NamedArg("backoff", "Backoff | None", "None", keyword=True),
    NamedArg("on_status", "Callable[[Any], object] | None", "None", keyword=True),
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


# -- x-speakeasy-globals ----------------------------------------------------------------------
def global_keys(doc: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """(``in``, name) of each ``x-speakeasy-globals`` parameter."""
    raw = (doc.get("x-speakeasy-globals") or {}).get("parameters") or []
    keys = set()
    for item in raw:
        param = deref(doc, item)
        if isinstance(param, dict) and isinstance(param.get("name"), str):
            keys.add((str(param.get("in", "path")), str(param["name"])))
    return frozenset(keys)


def hold_globals(operations: Sequence[Operation], keys: frozenset[tuple[str, str]]) -> tuple[Operation, ...]:
    """The operations with their global path parameters marked as held by the client."""
    if not keys:
        return tuple(operations)
    out = []
    for op in operations:
        params = tuple(dataclasses.replace(p, held=True) if (p.location, p.name) in keys else p for p in op.params)
        out.append(dataclasses.replace(op, params=params) if params != op.params else op)
    return tuple(out)


def held_params(operations: Sequence[Operation]) -> tuple[Param, ...]:
    """Each held parameter once (its first use), in the order operations use them."""
    seen: dict[str, Param] = {}
    for op in operations:
        for p in op.held_params:
            seen.setdefault(p.name, p)
    return tuple(seen.values())


# -- x-specwright-resource ------------------------------------------------------------------
def _raw_items(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(path, method, operation, resource settings) of each operation on a marked path item."""
    for path, item in (doc.get("paths") or {}).items():
        settings = item.get("x-specwright-resource") if isinstance(item, dict) else None
        if not isinstance(settings, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield path, method, op, settings


def _action(raw: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    value = raw.get("x-specwright-resource-action")
    if isinstance(value, str):
        return value, {}
    if isinstance(value, dict) and isinstance(value.get("action"), str):
        return value["action"], value
    return None, {}


def named_resources(
    doc: dict[str, Any], operations: Sequence[Operation], groups: Sequence[Group]
) -> tuple[NamedResource, ...]:
    """Every marked collection (with a list operation) in spec order, as its group's named functions."""
    built = {(op.path, op.method.lower()): op for op in operations}
    by_id = {op.operation_id: op for op in operations}
    bound = {g.path: set(g.bound_names) for g in groups}
    members: dict[tuple[str, str], list[tuple[Operation, dict[str, Any], dict[str, Any]]]] = {}
    for path, method, raw, settings in _raw_items(doc):
        op = built[(path, method)]
        members.setdefault((str(op.group or ""), str(settings.get("singular"))), []).append((op, raw, settings))
    resources = []
    for (group, _), found in members.items():
        lists = [(op, raw) for op, raw, _ in found if op.method == "GET" and isinstance(raw.get("x-specwright-display-name"), str)]
        if not group or not lists:
            continue  # validation reports these
        settings = {}
        for _, _, part in found:
            settings.update(part)
        resources.append(_resource(group, settings, lists[0], found, by_id, bound.get(group, set())))
    with_children = []
    for r in resources:
        if r.parent_field:
            siblings = [s for s in resources if s.group == r.group and s is not r and s.delete] + [r]
            r = dataclasses.replace(r, children=tuple((s.list, s.delete) for s in siblings if s.delete))
        with_children.append(r)
    return tuple(with_children)


def _resource(
    group: str,
    settings: dict[str, Any],
    listing: tuple[Operation, dict[str, Any]],
    found: list[tuple[Operation, dict[str, Any], dict[str, Any]]],
    by_id: dict[str, Operation],
    bound: set[str],
) -> NamedResource:
    list_op, list_raw = listing
    singular, plural = str(settings["singular"]), str(settings["plural"])
    argument = str(settings.get("argument") or singular)
    action_argument = str(settings.get("actionArgument") or singular)
    display = spec_text(list_raw["x-specwright-display-name"])
    id_field = spec_text(settings.get("idField") or "id")
    collection = list_op.path
    items = {op.method: op for op, _, _ in found if _item_param(collection, op.path) is not None}
    at_collection = {op.method: op for op, _, _ in found if op.path == collection}
    item_type = _item_type(list_op.return_type)

    def call(op: Operation | None, key_wire: str | None = None) -> NamedCall | None:
        if op is None:
            return None
        key = next((p.py_name for p in op.path_params if p.name == key_wire and not p.held), None) if key_wire else None
        return NamedCall(_target(op, group), op, key)

    listing_call = NamedCall(_target(list_op, group), list_op)
    item_param = next((_item_param(collection, op.path) for op in items.values()), None) or str(id_field)
    create = call(at_collection.get("POST"))
    replace = call(items.get("PUT"), item_param)
    delete = call(items.get("DELETE"), item_param)
    actions: dict[str, tuple[NamedCall, dict[str, Any]]] = {}
    for op, raw, _ in found:
        kind, options = _action(raw)
        made = call(op, item_param)
        if kind in ACTIONS and made is not None:
            actions[kind] = (made, options)
    raw_results = settings.get("results")
    results = None
    results_field = None
    if isinstance(raw_results, dict) and raw_results.get("operationId") in by_id:
        op = by_id[str(raw_results["operationId"])]
        key = next((p.name for p in op.path_params if not p.held), None)
        results = call(op, key)
        results_field = spec_text(raw_results.get("field") or "")
    status = actions.get("status")
    done = tuple(status[1].get("done") or ()) if status else ()
    parent_field = spec_text(settings["parentField"]) if settings.get("parentField") else None
    resource = NamedResource(
        group=group,
        singular=singular,
        plural=plural,
        argument=argument,
        action_argument=action_argument,
        display_field=display,
        name_field=spec_text(settings.get("nameField") or display),
        id_field=id_field,
        item_type=item_type,
        id_type=_id_type(replace or delete or next((c for c, _ in actions.values()), None)),
        collection=spec_text(collection),
        list=listing_call,
        functions=(),
        create=create,
        replace=replace,
        delete=delete,
        status=status[0] if status else None,
        done=done,
        results=results,
        results_field=results_field,
        parent_field=parent_field,
    )
    return dataclasses.replace(resource, functions=_functions(resource, actions, bound))


def _item_param(collection: str, path: str) -> str | None:
    """``id`` when ``path`` is ``<collection>/{id}``."""
    match = re.fullmatch(re.escape(collection.rstrip("/")) + r"/\{([^{}/]+)\}/?", path)
    return match.group(1) if match else None


def _target(op: Operation, group: str) -> str:
    """How a method of ``group``'s class reaches ``op``'s method."""
    if op.group == group:
        return f"self.{op.py_name}"
    if op.group is None:
        return f"self._root.{op.py_name}"
    return f"self._root.{op.group}.{op.py_name}"


def _item_type(annotation: str) -> str:
    return annotation[len("list[") : -1] if annotation.startswith("list[") and annotation.endswith("]") else "Any"


def _id_type(by_id: NamedCall | None) -> str:
    if by_id is None or by_id.key is None:
        return "Any"
    return next(p.type_expr for p in by_id.op.params if p.py_name == by_id.key)


def _forwarded(made: NamedCall, bound: set[str], skip_body: bool) -> tuple[NamedArg, ...]:
    """The further arguments of an action's function: the operation's own, but the object's id."""
    op = made.op
    taken = {made.key, *bound}
    args = [NamedArg(p.py_name, p.type_expr) for p in op.positional if p.py_name not in taken]
    if op.body is not None and not op.body.fields and not skip_body and op.body.required:
        args.append(NamedArg(op.body.py_name, op.body.type_expr))
    args += [NamedArg(p.py_name, p.type_expr, keyword=True) for p in op.keyword if p.required]
    return tuple(args)


def _functions(
    r: NamedResource, actions: dict[str, tuple[NamedCall, dict[str, Any]]], bound: set[str]
) -> tuple[NamedFunction, ...]:
    s, arg, act = r.singular, r.argument, r.action_argument
    name_arg = NamedArg(arg, "str")
    mission = NamedArg(act, "str")
    out: list[NamedFunction] = []
    if r.create is not None:
        body = r.create.op.body
        body_arg = NamedArg(body.py_name if body else "body", body.type_expr if body else "Any")
        out.append(NamedFunction(f"create_{s}", "create", (body_arg,), r.create.op.return_type, r.create))
    out.append(NamedFunction(f"get_{s}", "get", (name_arg,), f"{r.item_type} | None"))
    out.append(NamedFunction(f"get_{s}_id", "get_id", (name_arg,), f"{r.id_type} | None"))
    if r.replace is not None:
        body = r.replace.op.body
        old = NamedArg(arg, f"str | {r.item_type} | Mapping[str, Any]" if r.item_type != "Any" else "Any")
        new = NamedArg(f"new_{arg}", body.type_expr if body else "Any")
        out.append(NamedFunction(f"modify_{s}", "modify", (old, new), r.replace.op.return_type, r.replace))
    if r.delete is not None:
        out.append(NamedFunction(f"delete_{s}", "delete", (name_arg,), "None", r.delete))
    out.append(NamedFunction(f"get_all_{r.plural}", "get_all", (), r.list.op.return_type, r.list))
    names = {
        "compute": f"compute_{s}",
        "compute_until_duration": f"compute_{s}_until_duration",
        "status": f"get_{s}_status",
    }
    kind: NamedKind
    for kind in ("compute", "compute_until_duration", "status"):
        if kind in actions:
            made, _ = actions[kind]
            extra = _forwarded(made, bound, skip_body=False)
            out.append(NamedFunction(names[kind], kind, (mission, *extra), made.op.return_type, made, extra))
    if r.results is not None:
        out.append(NamedFunction(f"get_{s}_results", "results", (mission,), r.results.op.return_type, r.results))
        if r.status is not None:
            wait = NamedFunction(f"wait_and_get_{s}_results", "wait_results", (mission, *WAIT_ARGS), r.results.op.return_type, r.results)
            out.append(wait)
    if "create_from_paused_results" in actions and r.results is not None:
        made, options = actions["create_from_paused_results"]
        body = made.op.body
        extra = _forwarded(made, bound, skip_body=True)
        out.append(
            NamedFunction(
                f"create_{s}_from_paused_results",
                "create_from_paused_results",
                (mission, *extra),
                made.op.return_type,
                made,
                extra,
                body_from=spec_text(options.get("body") or "$"),
                body_param=body.py_name if body else None,
            )
        )
    if "paused_results_merged" in actions:
        made, _ = actions["paused_results_merged"]
        extra = _forwarded(made, bound, skip_body=False)
        out.append(NamedFunction(f"get_paused_{s}_results_merged", "paused_results_merged", (mission, *extra), made.op.return_type, made, extra))
    if r.parent_field is not None:
        out.append(NamedFunction(f"delete_intermediate_objects_from_{s}", "delete_intermediate", (NamedArg(f"original_{act}_name", "str"),), "int"))
    return tuple(out)


# -- modules and imports ------------------------------------------------------------------------
def named_modules(named: Sequence[NamedResource], groups: Sequence[Group]) -> tuple[NamedModule, ...]:
    """One module per group with named resources that a default client reaches without a factory."""
    out = []
    for group in groups:
        resources = tuple(r for r in named if r.group == group.path)
        if not resources or group.bound:
            continue
        words = _words(f for r in resources for f in r.functions)
        names: dict[str, set[str]] = {}
        if "Any" in words:
            names["typing"] = {"Any"}
        abc: set[str] = {n for n in ("Callable", "Mapping") if n in words}
        if abc:
            names["collections.abc"] = abc
        dates = {w for w in words if w in ("date", "datetime")}
        if dates:
            names["datetime"] = dates
        runtime = {"RequestOptions", *(n for n in ("Backoff",) if n in words)}
        imports = ModuleImports(
            modules=("models",) if any(w.startswith("models.") for w in words) else (),
            names=tuple((m, tuple(sorted(v))) for m, v in sorted(names.items())),
            runtime=tuple(sorted(runtime)),
        )
        out.append(NamedModule(group.path.replace(".", "_"), group.path, group.display, resources, imports))
    return tuple(out)


def _words(functions: Iterable[NamedFunction]) -> set[str]:
    exprs: list[str] = []
    for f in functions:
        exprs += [a.annotation for a in f.args] + [f.returns]
    return {w for e in exprs for w in _WORD.findall(e)}


def client_imports(imports: ModuleImports, named: Sequence[NamedResource], held: bool, async_: bool) -> ModuleImports:
    """The low-level client module's imports plus what its held parameters and named functions use."""
    runtime = set(imports.runtime)
    names = {module: set(found) for module, found in imports.names}
    if held:
        runtime.add("held_value")
    kinds = {f.kind for r in named for f in r.functions}
    if named:
        runtime.add("require_named")
        names.setdefault("typing", set()).add("Any")
    if kinds & {"get", "get_id"}:
        runtime.add("find_named")
    if kinds & {"get_id", "results", "wait_results", "create_from_paused_results", "delete_intermediate"}:
        runtime.add("field_of")
    if "modify" in kinds:
        runtime.add("name_of")
        names.setdefault("collections.abc", set()).add("Mapping")
    if kinds & {"results", "create_from_paused_results"}:
        runtime.add("require_value")
    if "delete_intermediate" in kinds:
        runtime.add("children_of")
    if "wait_results" in kinds:
        runtime.update({"Backoff", "await_status" if async_ else "wait_for_status"})
        names.setdefault("collections.abc", set()).add("Callable")
    if any(f.body_from and f.body_from != "$" for r in named for f in r.functions):
        runtime.add("select")
    return ModuleImports(
        modules=imports.modules,
        names=tuple((m, tuple(sorted(v))) for m, v in sorted(names.items())),
        runtime=tuple(sorted(runtime, key=lambda n: (n.lower(), n))),
    )
