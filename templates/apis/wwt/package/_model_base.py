"""``DataModel``: the base of every model in ``data``, with what the 0.7 data classes offered.

The models of ``wwt_api_client`` 0.7 were ``dataclass_json`` data classes: built positionally,
with ``to_dict()``/``to_json()``/``from_dict()``/``from_json()``/``schema()``. ``DataModel``
keeps those on pydantic models. Two paths build a model and only one runs checks:

- ``Model(...)`` (a user's own construction) runs :meth:`DataModel._built_by_user`;
- validation of data (``model_validate``, answers from the server, ``from_dict``, ``schema().load``)
  never does, so data from the server is never rejected or changed by a client-side rule.

Serialised for a request (``model_dump(by_alias=True, exclude_unset=True)``), fields holding
``None`` are left out at every level: the API reads ``null`` as "absent". ``to_dict()`` keeps
them, as ``dataclass_json`` did.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar, overload

from pydantic import BaseModel, SerializationInfo, SerializerFunctionWrapHandler, model_serializer

_M = TypeVar("_M", bound="DataModel")

# the serialisation context that keeps None values (to_dict and schema().dump pass it)
_KEEP_NONE = "wwt_api_client.keep_none"


class DataModel(BaseModel):
    """A pydantic model that also behaves like the 0.7 ``dataclass_json`` data classes."""

    def __init__(self, /, *args: Any, **data: Any) -> None:
        """Fields positionally in declaration order, or by keyword (field name or wire name)."""
        if args:
            fields = type(self).model_fields
            if len(args) > len(fields):
                raise TypeError(
                    f"{type(self).__name__}() takes {len(fields)} positional arguments but {len(args)} were given"
                )
            for (name, field), value in zip(fields.items(), args, strict=False):
                if name in data or (field.alias is not None and field.alias in data):
                    raise TypeError(
                        f"{type(self).__name__}() got multiple values for argument {name!r}"
                    )
                # by the wire name: accepted whatever the model's populate_by_name says
                data[field.alias or name] = value
        super().__init__(**data)
        self._built_by_user()

    # Tells pydantic this __init__ adds nothing to validation, so validating data (model_validate,
    # nested models, answers) goes straight to the core validator and never runs it or its hook.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # a marker pydantic reads

    def _built_by_user(self) -> None:
        """Checks of a model the user builds; never run for validated data. No-op here."""

    if not TYPE_CHECKING:  # for type checkers, attributes stay the declared fields

        def __getattr__(self, name: str) -> Any:
            # 0.7 had attributes named like the wire (``SceneInfo._id``); a field named for
            # Python (``id``) answers to its ``_`` wire name too
            if name.startswith("_") and not name.startswith("__"):
                for field_name, field in type(self).model_fields.items():
                    if field.alias == name:
                        return getattr(self, field_name)
            return super().__getattr__(name)

    def _serialize(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        context = info.context
        if isinstance(context, Mapping) and context.get(_KEEP_NONE):
            return data
        return {key: value for key, value in data.items() if value is not None}

    # Without a return annotation pydantic keeps the model's own serialisation JSON schema (with
    # one, FastAPI and model_json_schema(mode="serialization") would see a bare object).
    del _serialize.__annotations__["return"]
    _drop_none = model_serializer(mode="wrap")(_serialize)

    def to_dict(self, encode_json: bool = False) -> dict[str, Any]:
        """The fields by wire name (``_id`` stays ``_id``), ``None`` values kept.

        With ``encode_json`` every value is JSON-compatible (date-times as ISO 8601 strings).
        """
        return self.model_dump(
            mode="json" if encode_json else "python", by_alias=True, context={_KEEP_NONE: True}
        )

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict(encode_json=True)`` as JSON text; ``kwargs`` go to ``json.dumps``."""
        return json.dumps(self.to_dict(encode_json=True), **kwargs)

    @classmethod
    def from_dict(cls, kvs: Mapping[str, Any], *, infer_missing: bool = False) -> Self:
        """Validate a dict (wire or field names); unknown keys are ignored.

        With ``infer_missing`` absent fields are given ``None`` (an error where ``None`` is not
        allowed). Validation, not construction: :meth:`_built_by_user` does not run.
        """
        data = dict(kvs)
        if infer_missing:
            for name, field in cls.model_fields.items():
                if name not in data and (field.alias is None or field.alias not in data):
                    data[field.alias or name] = None
        return cls.model_validate(data)

    @classmethod
    def from_json(cls, s: str | bytes, *, infer_missing: bool = False, **kwargs: Any) -> Self:
        """:meth:`from_dict` of JSON text; ``kwargs`` go to ``json.loads``."""
        return cls.from_dict(json.loads(s, **kwargs), infer_missing=infer_missing)

    @classmethod
    def schema(cls) -> ModelSchema[Self]:  # type: ignore[override]  # dataclass_json's schema(), not pydantic's deprecated one
        """A marshmallow-like object: ``load``/``loads`` validate, ``dump``/``dumps`` serialise."""
        return ModelSchema(cls)


class ModelSchema(Generic[_M]):
    """What ``dataclass_json``'s ``schema()`` was used for: ``load``, ``loads``, ``dump``, ``dumps``."""

    def __init__(self, model: type[_M]) -> None:
        self.model = model

    def __repr__(self) -> str:
        return f"<schema of {self.model.__name__}>"

    @overload
    def load(self, data: Mapping[str, Any], many: Literal[False] = False) -> _M: ...
    @overload
    def load(self, data: Iterable[Mapping[str, Any]], many: Literal[True]) -> list[_M]: ...
    def load(self, data: Any, many: bool = False) -> _M | list[_M]:
        """Validate one dict, or with ``many`` a list of them."""
        if many:
            return [self.model.from_dict(item) for item in data]
        return self.model.from_dict(data)

    @overload
    def loads(self, text: str | bytes, many: Literal[False] = False) -> _M: ...
    @overload
    def loads(self, text: str | bytes, many: Literal[True]) -> list[_M]: ...
    def loads(self, text: str | bytes, many: bool = False) -> _M | list[_M]:
        """:meth:`load` of JSON text."""
        data = json.loads(text)
        if many:
            return [self.model.from_dict(item) for item in data]
        return self.model.from_dict(data)

    @overload
    def dump(self, obj: _M, many: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def dump(self, obj: Iterable[_M], many: Literal[True]) -> list[dict[str, Any]]: ...
    def dump(self, obj: Any, many: bool = False) -> dict[str, Any] | list[dict[str, Any]]:
        """JSON-compatible dicts (``to_dict(encode_json=True)``), one or with ``many`` a list."""
        if many:
            return [item.to_dict(encode_json=True) for item in obj]
        result: dict[str, Any] = obj.to_dict(encode_json=True)
        return result

    @overload
    def dumps(self, obj: _M, many: Literal[False] = False) -> str: ...
    @overload
    def dumps(self, obj: Iterable[_M], many: Literal[True]) -> str: ...
    def dumps(self, obj: Any, many: bool = False) -> str:
        """:meth:`dump` as JSON text."""
        return json.dumps(self.dump(obj, many=True) if many else self.dump(obj))
