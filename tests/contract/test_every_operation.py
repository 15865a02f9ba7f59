"""Every operation of every spec in apis.toml, called through its generated sync client against
Prism serving that spec.

The operations come from the generator's own API model, so an operation added to a spec is
driven here without a new test. Arguments are values the spec's schemas accept
(``samples.py``), every parameter included, so what the client puts on the wire is checked by
Prism (an invalid request gets 422 and fails the call), and the answer Prism makes from the
response schema must parse into the declared type.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

import pytest
from pydantic import TypeAdapter

from generator.build import build_api
from generator.config import PackageConfig, load_project
from generator.ir import Api, Body, Group, Operation, Param
from generator.loader import LoadedSpec, deref, load_spec

from .conftest import ROOT, PrismServer
from .samples import sample

PROJECT = load_project(ROOT)
CREDENTIALS = ("token", "access_token", "api_key")


@dataclass(frozen=True)
class Built:
    """A spec of apis.toml with the API model its package was generated from."""

    cfg: PackageConfig
    spec: LoadedSpec
    api: Api


_BUILT: dict[str, Built] = {}


def built(key: str) -> Built:
    if key not in _BUILT:
        cfg = PROJECT.api(key)
        spec = load_spec(cfg.spec, ROOT)
        package = PROJECT.generated / cfg.distribution / cfg.package.replace(".", "/")
        models = (package / f"{cfg.models_module}.py").read_text(encoding="utf-8")
        _BUILT[key] = Built(cfg, spec, build_api(spec, models))
    return _BUILT[key]


def _cases() -> Iterator[Any]:
    for cfg in PROJECT.apis:
        for op in built(cfg.key).api.operations:
            yield pytest.param(cfg.key, op.operation_id, id=f"{cfg.key}:{op.operation_id}")


def _raw_parameters(spec: LoadedSpec, op: Operation) -> dict[tuple[str, str], Any]:
    """(location, wire name) -> schema of each parameter of ``op``, path-level ones included."""
    item = spec.document["paths"][op.path]
    found: dict[tuple[str, str], Any] = {}
    for raw in [*(item.get("parameters") or []), *(item[op.method.lower()].get("parameters") or [])]:
        param = deref(spec.document, raw)
        found[(param["in"], param["name"])] = param.get("schema", {})
    return found


def _body_sample(built: Built, op: Operation) -> Any:
    content = deref(built.spec.document, built.spec.document["paths"][op.path][op.method.lower()]["requestBody"])["content"]
    media = deref(built.spec.document, content[op.body.media_type if op.body else next(iter(content))])
    return sample(built.spec.document, media.get("schema", {}))


def _as_argument(value: Any, annotation: str, module: Any) -> Any:
    """``value`` as the method's annotation types it: models, enums and datetimes built."""
    names = {"models": module, "Any": Any, "Literal": Literal, "datetime": datetime, "date": date, "UUID": UUID}
    names |= {name: getattr(typing, name) for name in ("Mapping", "Sequence") if hasattr(typing, name)}
    kind = eval(annotation, names)  # annotations the generator wrote from our own specs
    return TypeAdapter(kind).validate_python(value)


def _arguments(built: Built, op: Operation, models: Any) -> dict[str, Any]:
    raw = _raw_parameters(built.spec, op)
    arguments: dict[str, Any] = {}
    bound = {p.name for g in built.api.client_groups if g.path == op.group for p in g.bound}
    params: list[Param] = [p for p in op.params if not p.held and p.name not in bound]
    for param in params:
        if param.location == "body":
            continue
        schema = raw[(param.location, param.name)]
        arguments[param.py_name] = _as_argument(sample(built.spec.document, schema), param.type_expr, models)
    body: Body | None = op.body
    if body is not None:
        value = _body_sample(built, op)
        if body.fields:  # flattened: the method takes the body's fields
            for field in body.fields:
                if field.name in value:
                    arguments[field.py_name] = _as_argument(value[field.name], field.type_expr, models)
                elif field.required:
                    arguments[field.py_name] = "x"
        elif body.kind == "binary":
            arguments[body.py_name] = b"contract"
        else:
            arguments[body.py_name] = _as_argument(value, body.type_expr, models)
    return arguments


def _target(client: Any, api: Api, op: Operation) -> Callable[..., Any]:
    """The method of ``op`` on the client, through its sub-clients (bound ones given a value)."""
    groups: dict[str, Group] = {g.path: g for g in api.client_groups}
    holder = client
    if op.group:
        parts = op.group.split(".")
        for depth in range(1, len(parts) + 1):
            group = groups[".".join(parts[:depth])]
            attribute = getattr(holder, group.name)
            holder = attribute("x") if group.bind is not None else attribute
    return getattr(holder, op.py_name)  # type: ignore[no-any-return]


def _client(built: Built, url: str) -> Any:
    module = importlib.import_module(f"{built.cfg.package}.{built.cfg.api_module}")
    cls = getattr(module, built.cfg.api_class)
    accepted = inspect.signature(cls).parameters
    options: dict[str, Any] = {}
    credential = next((name for name in CREDENTIALS if name in accepted), None)
    if credential:
        options[credential] = "contract-token"
    for held in built.api.held_params:
        schema = _raw_parameters(built.spec, next(op for op in built.api.operations if held in op.params)).get(
            (held.location, held.name), {}
        )
        options[held.py_name] = sample(built.spec.document, schema)
    return cls(url, **options)


@pytest.mark.parametrize(("key", "operation_id"), list(_cases()))
def test_operation_is_served_as_specified(prism: Callable[[str], PrismServer], key: str, operation_id: str) -> None:
    b = built(key)
    op = next(o for o in b.api.operations if o.operation_id == operation_id)
    server = prism(b.cfg.spec.relative_to(ROOT / "specs").as_posix())
    models = importlib.import_module(f"{b.cfg.package}.{b.cfg.models_module}")
    with _client(b, server.url) as client:
        method = _target(client, b.api, op)
        result = method(**_arguments(b, op, models))
    if op.success.kind == "empty":
        assert result is None
    elif op.success.kind == "binary":
        assert isinstance(result, bytes)
    elif op.success.kind == "text":
        assert isinstance(result, str)
    else:
        _assert_parsed(result, op)


def _assert_parsed(result: Any, op: Operation) -> None:
    """The answer came back as the declared type: models for models, lists for arrays."""
    expected = (op.result.type_expr if op.result else op.success.type_expr).split("|")[0].strip()
    if expected.startswith("models."):
        assert type(result).__name__ == expected.removeprefix("models."), (expected, result)
    elif expected.startswith("list["):
        assert isinstance(result, list), result
        inner = expected.removeprefix("list[").removesuffix("]")
        if inner.startswith("models."):
            assert all(type(r).__name__ == inner.removeprefix("models.") for r in result), result
    elif expected in ("int", "float", "str", "bool"):
        assert isinstance(result, {"int": int, "float": (int, float), "str": str, "bool": bool}[expected]), result
    elif expected != "Any":  # an undescribed body may be anything, nothing included
        assert result is not None or "None" in op.success.type_expr, (expected, result)
