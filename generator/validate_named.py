"""Rules of the named-resource and held-parameter extensions (part of validate).

``x-specwright-resource`` (path items), ``x-specwright-display-name`` and
``x-specwright-resource-action`` (operations), ``x-speakeasy-globals`` (root): checked
against ``extensions.schema.json`` by :mod:`generator.validate`, and here for what the build
relies on: one list operation per resource, operations in one group, the ids actions need,
a results operation that exists, function names free in their group.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from typing import Any

from .diagnostics import Diagnostic
from .loader import LoadedSpec
from .naming import operation_method_name, snake

Diag = Callable[[list[object], str, str], Diagnostic]
_ITEM = r"/\{([^{}/]+)\}/?"


def named_rules(
    spec: LoadedSpec,
    diag: Diag,
    operations: Callable[[dict[str, Any]], Iterator[tuple[str, str, dict[str, Any]]]],
    deref: Callable[[dict[str, Any], Any], Any],
    top_level: set[str],
) -> Iterator[Diagnostic]:
    doc = spec.document
    held = yield from _global_rules(doc, diag, deref, top_level)
    resources: dict[tuple[str, str], list[tuple[str, str, dict[str, Any], dict[str, Any]]]] = {}
    for path, method, op in operations(doc):
        where: list[object] = ["paths", path, method]
        settings = (doc.get("paths") or {}).get(path, {}).get("x-specwright-resource")
        for name in ("x-specwright-display-name", "x-specwright-resource-action"):
            if name in op and not isinstance(settings, dict):
                yield diag([*where, name], "resource-marked", f"{name} needs x-specwright-resource on the path item")
        if "x-specwright-display-name" in op and method != "get":
            yield diag([*where, "x-specwright-display-name"], "resource-list", "only a GET lists a collection")
        if not isinstance(settings, dict) or not isinstance(settings.get("singular"), str):
            continue
        group = op.get("x-speakeasy-group")
        if not isinstance(group, str):
            yield diag(where, "resource-group", "an operation of a named resource needs an x-speakeasy-group")
            continue
        resources.setdefault((group, settings["singular"]), []).append((path, method, op, settings))
    methods: dict[str, set[str]] = {}
    for path, method, op in operations(doc):
        if isinstance(op.get("x-speakeasy-group"), str):
            methods.setdefault(op["x-speakeasy-group"], set()).add(operation_method_name(op, method, path))
    for (group, singular), found in resources.items():
        yield from _resource_rules(doc, diag, deref, group, singular, found, methods.get(group, set()), held, operations)


def _global_rules(
    doc: dict[str, Any], diag: Diag, deref: Callable[[dict[str, Any], Any], Any], top_level: set[str]
) -> Generator[Diagnostic, None, set[str]]:
    """Held parameters: path parameters only, with a free attribute name. Returns their wire names."""
    raw = (doc.get("x-speakeasy-globals") or {}).get("parameters") if isinstance(doc.get("x-speakeasy-globals"), dict) else None
    names: set[str] = set()
    for i, item in enumerate(raw or []):
        where: list[object] = ["x-speakeasy-globals", "parameters", i]
        param = deref(doc, item)
        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
            yield diag(where, "globals-supported", "a global parameter needs a name")
            continue
        if param.get("in") != "path":
            yield diag(where, "globals-supported", "only path parameters can be held by the client")
            continue
        py_name = snake(str(param.get("x-speakeasy-name-override") or param["name"]))
        if py_name in top_level:
            yield diag(where, "group-name-free", f"the client attribute {py_name!r} would hide a method or attribute")
        names.add(param["name"])
    return names


def _functions(singular: str, plural: str, kinds: set[str]) -> dict[str, str]:
    """The function names a resource gets, by kind (as ``build_named`` names them)."""
    names = {"get": f"get_{singular}", "get_id": f"get_{singular}_id", "get_all": f"get_all_{plural}"}
    table = {
        "create": f"create_{singular}",
        "modify": f"modify_{singular}",
        "delete": f"delete_{singular}",
        "compute": f"compute_{singular}",
        "compute_until_duration": f"compute_{singular}_until_duration",
        "status": f"get_{singular}_status",
        "results": f"get_{singular}_results",
        "wait_results": f"wait_and_get_{singular}_results",
        "create_from_paused_results": f"create_{singular}_from_paused_results",
        "paused_results_merged": f"get_paused_{singular}_results_merged",
        "delete_intermediate": f"delete_intermediate_objects_from_{singular}",
    }
    names.update({k: v for k, v in table.items() if k in kinds})
    return names


def _resource_rules(
    doc: dict[str, Any],
    diag: Diag,
    deref: Callable[[dict[str, Any], Any], Any],
    group: str,
    singular: str,
    found: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
    taken: set[str],
    held: set[str],
    operations: Callable[[dict[str, Any]], Iterator[tuple[str, str, dict[str, Any]]]],
) -> Iterator[Diagnostic]:
    first: list[object] = ["paths", found[0][0], "x-specwright-resource"]
    merged: dict[str, Any] = {}
    for path, _, _, settings in found:
        for key, value in settings.items():
            if key in merged and merged[key] != value:
                yield diag(["paths", path, "x-specwright-resource", key], "resource-agrees", f"{singular!r} has {key} {merged[key]!r} elsewhere")
            merged.setdefault(key, value)
    lists = [(path, op) for path, method, op, _ in found if method == "get" and "x-specwright-display-name" in op]
    if len(lists) != 1:
        yield diag(first, "resource-list", f"{singular!r} needs exactly one GET marked x-specwright-display-name, found {len(lists)}")
        return
    collection = lists[0][0]
    kinds = set()
    item_param = None
    for path, method, _op, _ in found:
        match = re.fullmatch(re.escape(collection.rstrip("/")) + _ITEM, path)
        if match:
            item_param = match.group(1)
            kinds |= {"put": {"modify"}, "delete": {"delete"}}.get(method, set())
        if path == collection and method == "post":
            kinds.add("create")
    key = item_param or str(merged.get("idField") or "id")
    for path, method, op, _ in found:
        action = op.get("x-specwright-resource-action")
        kind = action.get("action") if isinstance(action, dict) else action
        if not isinstance(kind, str):
            continue
        where: list[object] = ["paths", path, method, "x-specwright-resource-action"]
        kinds.add(kind)
        if "{" + key + "}" not in path:
            yield diag(where, "resource-action", f"an action needs the object's id: no path parameter {key!r}")
        if kind == "status" and not (isinstance(action, dict) and action.get("done")):
            yield diag(where, "resource-action", "a status action names the values that mean done: {action: status, done: [...]}")
        if kind == "create_from_paused_results":
            body = deref(doc, op.get("requestBody"))
            if not isinstance(body, dict) or "results" not in merged:
                yield diag(where, "resource-action", "create_from_paused_results needs a request body and the resource's results")
    results = merged.get("results")
    if isinstance(results, dict):
        target = next(((p, m, o) for p, m, o in operations(doc) if o.get("operationId") == results.get("operationId")), None)
        if target is None:
            yield diag([*first, "results", "operationId"], "resource-results", f"no operation {results.get('operationId')!r}")
        else:
            free = [n for n in re.findall(r"\{([^{}]+)\}", target[0]) if n not in held]
            if len(free) != 1:
                yield diag([*first, "results", "operationId"], "resource-results", f"{target[0]} needs exactly one path parameter besides held ones, has {len(free)}")
            kinds.add("results")
            if "status" in kinds:
                kinds.add("wait_results")
    if merged.get("parentField"):
        kinds.add("delete_intermediate")
    for name in _functions(singular, str(merged.get("plural")), kinds).values():
        if name in taken:
            yield diag(first, "method-name-unique", f"the named-resource function {name!r} is also an operation's method in group {group!r}")
