"""Sub-client groups and module-level function names, computed once (part of build)."""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Group, GroupSettings, Operation, Param
from .naming import pascal

#: Names of the default-client module itself; operations of these names get no function there.
DEFAULT_CLIENT_NAMES = frozenset({"connect", "default_client", "disconnect", "set_default_client", "NotConnectedError"})


def client_groups(operations: Sequence[Operation], settings: Sequence[GroupSettings]) -> tuple[Group, ...]:
    """Every group, parents before children, with the operations directly in it."""
    paths: set[str] = set()
    for op in operations:
        if op.group:
            parts = op.group.split(".")
            paths.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    by_path = {g.path: g for g in settings}
    made: dict[str, Group] = {}

    def bound_param(path: str, wire: str) -> Param:
        members = [op for op in operations if op.group == path or (op.group or "").startswith(path + ".")]
        return next(p for op in members for p in op.path_params if p.name == wire)

    def make(path: str, outer: tuple[Param, ...], reached: str) -> Group:
        own = by_path.get(path)
        bind = bound_param(path, own.bind) if own and own.bind else None
        bound = (*outer, bind) if bind else outer
        name = own.factory if bind and own and own.factory else path.rpartition(".")[2]
        step = name + (f"({bind.py_name})" if bind else "")
        display = f"{reached}.{step}" if reached else step
        kids = sorted(p for p in paths if p.rpartition(".")[0] == path and "." in p)
        private = "_" + "".join(pascal(part) for part in path.split(".")) + "Group"
        public = own.class_name if own and own.class_name else None
        group = Group(
            path=path,
            name=name,
            class_name=public or private,
            async_class_name=f"Async{public}" if public else private + "Async",
            operations=tuple(op for op in operations if op.group == path),
            children=tuple(make(k, bound, display) for k in kids),
            display=display,
            bind=bind,
            bound=bound,
            description=own.description if own else "",
        )
        made[path] = group
        return group

    for path in sorted(p for p in paths if "." not in p):
        make(path, (), "")
    return tuple(made[path] for path in sorted(paths))


def module_function_names(operations: Sequence[Operation]) -> tuple[str, ...]:
    """Functions of the default-client module: one per ungrouped operation, its download and pager."""
    names: list[str] = []
    for op in operations:
        if op.group or op.py_name in DEFAULT_CLIENT_NAMES:
            continue
        names.append(op.py_name)
        if op.success.kind == "binary":
            names.append(f"{op.py_name}_to_file")
        if op.paging:
            names.append(op.paging.method_name)
    return tuple(names)
