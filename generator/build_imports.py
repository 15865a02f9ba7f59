"""What each generated client module imports, decided once (part of build)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .ir import ClientAuth, Group, ModuleImports, Operation

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _type_words(operations: Sequence[Operation]) -> set[str]:
    exprs = [p.type_expr for op in operations for p in op.arguments]
    exprs += [op.body.type_expr for op in operations if op.body and not op.body.fields]
    exprs += [op.success.type_expr for op in operations]
    exprs += [op.result.type_expr for op in operations if op.result]
    return {w for e in exprs for w in _WORD.findall(e)}


def _operation_names(operations: Sequence[Operation], words: set[str]) -> dict[str, set[str]]:
    """Standard-library names the operations' signatures need: dates, and ``Path`` for downloads."""
    names: dict[str, set[str]] = {}
    dates = {w for w in words if w in ("date", "datetime")}
    if dates:
        names["datetime"] = dates
    if any(op.success.kind == "binary" for op in operations):
        names["pathlib"] = {"Path"}
    return names


def _sorted(names: dict[str, set[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((module, tuple(sorted(found))) for module, found in sorted(names.items()))


def client_imports(
    operations: Sequence[Operation],
    auth: ClientAuth,
    groups: Sequence[Group],
    *,
    server_urls: bool,
    async_: bool,
) -> ModuleImports:
    """Imports of the low-level client module (``api.py`` or ``async_api.py``)."""
    words = _type_words(operations)
    annotations = " ".join(a.annotation for a in auth.arguments)
    paged = [op for op in operations if op.paging]
    abc = {"Mapping"}
    if paged:
        abc.add("AsyncIterator" if async_ else "Iterator")
    if "Callable[" in annotations:
        abc.add("Callable")
    names = {"collections.abc": abc, **_operation_names(operations, words)}
    if groups or "Any" in words:  # a group's held parameters, or a type
        names["typing"] = {"Any"}
    runtime = {"AsyncClient" if async_ else "SyncClient", "Call", "RequestOptions", "RetryPolicy", "DEFAULT_TOTAL_TIMEOUT"}
    if any(op.body and op.body.kind == "json" and not op.body.required and not op.body.fields for op in operations):
        runtime.add("UNSET")
    if any(op.result for op in operations):
        runtime.add("select")
    if any(p.checks for op in operations for p in op.arguments):
        runtime.add("check_argument")
    if any(not p.explode for op in operations for p in op.params):
        runtime.add("comma_joined")
    if paged:
        runtime.add("apaginate" if async_ else "paginate")
        runtime.update(op.paging.runtime_class for op in paged if op.paging)
    if any(op.success.kind == "binary" for op in operations):
        runtime.add("Progress")
    if server_urls:
        runtime.add("server_url")
    if auth.scheme:
        runtime.add(auth.scheme)
    runtime.update(auth.async_mixins if async_ else auth.mixins)
    return ModuleImports(
        modules=("os",) if "os." in annotations else (),
        names=_sorted(names),
        runtime=tuple(sorted(runtime, key=lambda n: (n.lower(), n))),
    )


def function_module_imports(operations: Sequence[Operation]) -> ModuleImports:
    """Standard-library imports of the default-client module (module-level functions)."""
    operations = [op for op in operations if not op.group]
    words = _type_words(operations)
    names = {"typing": {"Any"}, **_operation_names(operations, words)}
    abc = {n for n in ("Mapping",) if n in words}
    if any(op.paging for op in operations):
        abc.add("Iterator")
    if abc:
        names["collections.abc"] = abc
    return ModuleImports(names=_sorted(names))
