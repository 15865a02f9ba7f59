"""What changed between two client APIs, judged from the side of the code that uses the client.

Pure functions over two snapshots of :func:`generator.client_api.client_api`. Every change is a
:class:`Change` in one of three groups — ``breaking`` (code that worked may fail: it needs a
major version), ``added`` (new things to call or read: minor), ``changed`` (compatible changes:
minor; documentation only: patch). The rules, as a table, are in ``docs/architecture.md``;
renames are seen as a removal and an addition, hence breaking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .schema_types import union_members

Group = Literal["breaking", "added", "changed"]
Bump = Literal["major", "minor", "patch", "none"]
Side = Literal["input", "output", "both"]  # what users send, what they get back
BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")


@dataclass(frozen=True)
class Change:
    """One change of the client API and its verdict."""

    group: Group
    subject: str  # ``method `users.list```, ``model `User` (response)``
    detail: str  # what happened to it
    bump: Bump

    @property
    def breaking(self) -> bool:
        return self.group == "breaking"

    def __str__(self) -> str:
        return f"{self.subject}: {self.detail}" if self.detail else self.subject

    def as_json(self) -> dict[str, Any]:
        return {"group": self.group, "breaking": self.breaking, "bump": self.bump, "subject": self.subject, "detail": self.detail}


def _breaking(subject: str, detail: str) -> Change:
    return Change("breaking", subject, detail, "major")


def _added(subject: str, detail: str = "added") -> Change:
    return Change("added", subject, detail, "minor")


def _changed(subject: str, detail: str, bump: Bump = "minor") -> Change:
    return Change("changed", subject, detail, bump)


def bump_of(changes: Iterable[Change]) -> Bump:
    """The semver bump the changes need: the largest of theirs, ``none`` without changes."""
    return max((c.bump for c in changes), key=BUMPS.index, default="none")


def diff_client_apis(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new`` (``None``: no earlier client API), breaking ones first."""
    if old is None:
        return [_added("client API", "first version")]
    changes = _diff_constructors(old.get("constructor"), new.get("constructor"))
    changes += _diff_methods(old.get("methods", {}), new.get("methods", {}))
    changes += _diff_models(old.get("models", {}), new.get("models", {}))
    changes += _diff_resources(old.get("resources", {}), new.get("resources", {}))
    return sorted(changes, key=lambda c: ("breaking", "added", "changed").index(c.group))


# --- the constructor --------------------------------------------------------------------------


def _diff_constructors(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """The client constructor's spec-given arguments, and the server variables it accepts
    (not compared when an older snapshot did not record them)."""
    if before is None or after is None:
        return []
    subject = "client constructor"
    changes = _diff_method(subject, before, after)
    old_vars, new_vars = before.get("server_variables", {}), after.get("server_variables", {})
    changes += [_breaking(subject, f"server variable `{n}` removed") for n in sorted(old_vars.keys() - new_vars.keys())]
    changes += [_added(subject, f"new server variable `{n}`") for n in sorted(new_vars.keys() - old_vars.keys())]
    for name in sorted(old_vars.keys() & new_vars.keys()):
        old, new = old_vars[name], new_vars[name]
        # no enum: any value; an enum refuses the values it does not list
        dropped = sorted(set(old["enum"]) - set(new["enum"])) if new["enum"] else []
        if new["enum"] and not old["enum"]:
            changes.append(_breaking(subject, f"server variable `{name}` now takes only {', '.join(map(repr, new['enum']))}"))
        elif dropped:
            changes.append(_breaking(subject, f"server variable `{name}` no longer takes {', '.join(map(repr, dropped))}"))
        elif old["enum"] and set(new["enum"]) != set(old["enum"]):
            changes.append(_added(subject, f"server variable `{name}` takes more values"))
        if old["default"] != new["default"]:
            changes.append(_changed(subject, f"server variable `{name}` defaults to {new['default']!r} (was {old['default']!r})"))
    return changes


# --- methods --------------------------------------------------------------------------------


def _diff_methods(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes = [_breaking(f"method `{n}`", "removed") for n in sorted(before.keys() - after.keys())]
    changes += [_added(f"method `{n}`") for n in sorted(after.keys() - before.keys())]
    for name in sorted(before.keys() & after.keys()):
        changes += _diff_method(f"method `{name}`", before[name], after[name])
    return changes


def _diff_method(subject: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    old_params = {p["name"]: (i, p) for i, p in enumerate(old["params"])}
    new_params = {p["name"]: (i, p) for i, p in enumerate(new["params"])}
    for name in sorted(old_params.keys() - new_params.keys()):
        changes.append(_breaking(subject, f"parameter `{name}` removed"))
    for name in sorted(new_params.keys() - old_params.keys()):
        _, p = new_params[name]
        if p["required"]:
            changes.append(_breaking(subject, f"new required parameter `{name}`"))
        else:
            changes.append(_added(subject, f"new optional parameter `{name}`"))
    for name in sorted(old_params.keys() & new_params.keys()):
        changes += _diff_param(subject, old_params[name][1], new_params[name][1])
    # a call passing arguments by position binds them by index: every such index must stay
    old_at, new_at = _positions(old["params"]), _positions(new["params"])
    for name, at in old_at.items():
        if name in new_at and new_at[name] != at:
            changes.append(_breaking(subject, f"positional parameter `{name}` moves from place {at + 1} to {new_at[name] + 1}"))
    if old["returns"] != new["returns"]:
        changes.append(_type_change(subject, "returns", old["returns"], new["returns"], "output"))
    if old["operation"] != new["operation"]:
        changes.append(_changed(subject, f"now calls `{new['operation']}` (was `{old['operation']}`)"))
    if old["doc"] != new["doc"] and not changes:
        changes.append(_changed(subject, "documentation", "patch"))
    return changes


def _positions(params: list[dict[str, Any]]) -> dict[str, int]:
    return {p["name"]: i for i, p in enumerate(q for q in params if q["kind"] == "positional")}


def _diff_param(subject: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    name = old["name"]
    changes: list[Change] = []
    if old["kind"] == "positional" and new["kind"] == "keyword":
        changes.append(_breaking(subject, f"parameter `{name}` is keyword-only now"))
    elif old["kind"] == "keyword" and new["kind"] == "positional":
        changes.append(_changed(subject, f"parameter `{name}` may be given by position now"))
    if new["required"] and not old["required"]:
        changes.append(_breaking(subject, f"parameter `{name}` is required now"))
    elif old["required"] and not new["required"]:
        changes.append(_changed(subject, f"parameter `{name}` is optional now (default `{new['default']}`)"))
    elif old["default"] != new["default"]:
        changes.append(_changed(subject, f"parameter `{name}` defaults to `{new['default']}` (was `{old['default']}`)"))
    if old["type"] != new["type"] and not _only_none(old, new):
        changes.append(_type_change(subject, f"parameter `{name}`", old["type"], new["type"], "input"))
    return changes


def _only_none(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The annotation only gained or lost ``None`` along with a change reported already: a
    required value became optional (or back), or an optional one's default stopped (or started)
    being ``None`` — there ``None`` only meant "not given"."""
    a, b = set(union_members(old["type"])), set(union_members(new["type"]))
    if a ^ b != {"None"}:
        return False
    if old["required"] != new["required"]:
        return True
    return "None" in (old.get("default"), new.get("default")) and old.get("default") != new.get("default")


# --- models ---------------------------------------------------------------------------------

_USE_SIDE: dict[str, Side] = {"request": "input", "response": "output", "both": "both", "none": "both"}


def _diff_models(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes = [_breaking(f"model `{n}`", "removed") for n in sorted(before.keys() - after.keys())]
    changes += [_added(f"model `{n}`") for n in sorted(after.keys() - before.keys())]
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        # a model's side: where users met it before or meet it now (a model both sent and received is judged both ways)
        uses = {old.get("use", "none"), new.get("use", "none")}
        side: Side = _USE_SIDE[uses.pop()] if len(uses) == 1 else "both"
        subject = f"model `{name}` ({_side_name(side)})"
        if old["kind"] != new["kind"]:
            changes.append(_breaking(subject, f"is {_a(new['kind'])} now (was {_a(old['kind'])})"))
            continue
        found = _diff_enum(subject, old, new) if new["kind"] == "enum" else _diff_fields(subject, old, new, side)
        if old.get("doc") != new.get("doc") and not found:
            found.append(_changed(subject, "documentation", "patch"))
        changes += found
    return changes


def _a(kind: str) -> str:
    return "an enum" if kind == "enum" else "a model"


def _side_name(side: Side) -> str:
    return {"input": "request", "output": "response", "both": "request and response"}[side]


def _diff_enum(subject: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    # response models accept unknown values, so a new value breaks no reader; a removed one is a
    # member that code may name (``Status.done``): breaking on either side
    changes = [_breaking(subject, f"value `{v!r}` removed") for v in old["values"] if v not in new["values"]]
    changes += [_added(subject, f"new value `{v!r}`") for v in new["values"] if v not in old["values"]]
    return changes


def _diff_fields(subject: str, old: dict[str, Any], new: dict[str, Any], side: Side) -> list[Change]:
    before, after = old["fields"], new["fields"]
    changes = [_breaking(subject, f"field `{n}` removed") for n in sorted(before.keys() - after.keys())]
    # a base (``allOf``) brings its fields and ``isinstance``: losing one breaks, gaining one adds
    old_bases, new_bases = old.get("bases", []), new.get("bases", [])
    changes += [_breaking(subject, f"no longer derives from `{b}`") for b in old_bases if b not in new_bases]
    changes += [_added(subject, f"derives from `{b}` now") for b in new_bases if b not in old_bases]
    for name in sorted(after.keys() - before.keys()):
        # readers keep unknown fields, so any new field is fine for them; a sender must give a required one
        if after[name]["required"] and side != "output":
            changes.append(_breaking(subject, f"new required field `{name}`"))
        else:
            changes.append(_added(subject, f"new {'required' if after[name]['required'] else 'optional'} field `{name}`"))
    for name in sorted(before.keys() & after.keys()):
        o, n = before[name], after[name]
        if n["required"] and not o["required"]:
            # a reader now always gets it; a sender must now give it
            changes.append(
                _changed(subject, f"field `{name}` is always present now")
                if side == "output"
                else _breaking(subject, f"field `{name}` is required now")
            )
        elif o["required"] and not n["required"]:
            changes.append(
                _changed(subject, f"field `{name}` is optional now")
                if side == "input"
                else _breaking(subject, f"field `{name}` may be missing now")
            )
        if o["type"] != n["type"] and not _only_none(o, n):
            changes.append(_type_change(subject, f"field `{name}`", o["type"], n["type"], side))
    return changes


# --- resources ------------------------------------------------------------------------------


def _diff_resources(before: dict[str, str], after: dict[str, str]) -> list[Change]:
    changes = [_breaking(f"resource `{n}`", "removed") for n in sorted(before.keys() - after.keys())]
    changes += [_added(f"resource `{n}`") for n in sorted(after.keys() - before.keys())]
    changes += [
        _changed(f"resource `{n}`", f"now at `{after[n]}` (was `{before[n]}`)")
        for n in sorted(before.keys() & after.keys())
        if before[n] != after[n]
    ]
    return changes


# --- types ----------------------------------------------------------------------------------


def _type_change(subject: str, what: str, old: str, new: str, side: Side) -> Change:
    """A sent value may widen (more is accepted), a received one may narrow (less to handle)."""
    relation = compare_types(old, new)
    types = f"`{new}` (was `{old}`)"
    if relation == "wider" and side == "input":
        return _changed(subject, f"{what} accepts more: {types}")
    if relation == "narrower" and side == "output":
        return _changed(subject, f"{what} is narrower: {types}")
    if relation == "same":
        return _changed(subject, f"{what} type written {types}", "patch")
    how = {"narrower": "narrowed", "wider": "widened"}.get(relation, "changed")
    return _breaking(subject, f"{what} type {how}: {types}")


Relation = Literal["same", "wider", "narrower", "other"]
_GENERIC = re.compile(r"^(\w+)\[(.*)\]$")
_IMPLIED = {"float": {"int"}, "Any": set()}  # a float annotation accepts ints (PEP 484)


def compare_types(old: str, new: str) -> Relation:
    """How annotation ``new`` relates to ``old``: the same values, more, fewer or neither."""
    if old == new:
        return "same"
    if new == "Any":
        return "wider"
    if old == "Any":
        return "narrower"
    a, b = _expand(union_members(old)), _expand(union_members(new))
    if a == b:
        return "same"
    if a < b:
        return "wider"
    if b < a:
        return "narrower"
    # one member each side, same container: ``list[int]`` -> ``list[int | None]``
    if len(a) == len(b) == 1:
        ma, mb = _GENERIC.match(next(iter(a))), _GENERIC.match(next(iter(b)))
        if ma and mb and ma.group(1) == mb.group(1) and ma.group(1) in ("list", "Iterator", "set", "tuple"):
            return compare_types(ma.group(2), mb.group(2))
    return "other"


def _expand(members: list[str]) -> frozenset[str]:
    out = set(members)
    for member in members:
        out |= _IMPLIED.get(member, set())
    return frozenset(out)


__all__ = ["BUMPS", "Bump", "Change", "bump_of", "compare_types", "diff_client_apis"]
