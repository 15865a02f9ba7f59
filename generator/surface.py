"""The public surface of a generated client, and what changed between two of them."""

from __future__ import annotations

from typing import Any

from .config import PackageConfig
from .ir import Api
from .render import signature


def api_surface(api: Api, cfg: PackageConfig) -> dict[str, Any]:
    """Methods, models and errors a user of the package can rely on (JSON-ready, sorted)."""
    methods = {}
    reached = {g.path: g.display for g in api.client_groups}
    held = {g.path: g.bound_names for g in api.client_groups}  # parameters a bound sub-client holds
    for op in api.operations:
        prefix = f"{reached[op.group]}." if op.group else ""
        name = prefix + op.py_name
        methods[name] = {
            "http": f"{op.method} {op.path}",
            "signature": signature(op, skip=held[op.group] if op.group else (), http_kwargs=cfg.http_kwargs),
            "returns": op.success.type_expr,
        }
        if op.paging:
            pager = prefix + op.paging.method_name
            methods[pager] = {"http": f"{op.method} {op.path}", "pages": op.paging.style}
    return {
        "package": cfg.package,
        "class": cfg.api_class,
        "methods": dict(sorted(methods.items())),
        "models": {m.class_name: list(m.fields) for m in sorted(api.models, key=lambda m: m.class_name)},
        "errors": sorted(vars(cfg.errors).values()),
    }


def diff_surfaces(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Human-readable changes from ``old`` to ``new`` (empty when nothing changed)."""
    if old is None:
        return [f"new package {new['package']}"]
    lines: list[str] = []
    for section in ("methods", "models"):
        before, after = old.get(section, {}), new.get(section, {})
        noun = "method" if section == "methods" else "model"
        for name in sorted(after.keys() - before.keys()):
            lines.append(f"+ {noun} {name}")
        for name in sorted(before.keys() - after.keys()):
            lines.append(f"- {noun} {name}")
        for name in sorted(before.keys() & after.keys()):
            if before[name] != after[name]:
                if section == "models":
                    added = [f for f in after[name] if f not in before[name]]
                    removed = [f for f in before[name] if f not in after[name]]
                    detail = ", ".join([f"+{f}" for f in added] + [f"-{f}" for f in removed]) or "field order"
                    lines.append(f"~ model {name}: {detail}")
                else:
                    keys = sorted(k for k in after[name] if before[name].get(k) != after[name].get(k))
                    lines.append(f"~ method {name}: {', '.join(keys)} changed")
    for name in sorted(set(new.get("errors", [])) - set(old.get("errors", []))):
        lines.append(f"+ error {name}")
    for name in sorted(set(old.get("errors", [])) - set(new.get("errors", []))):
        lines.append(f"- error {name}")
    return lines
