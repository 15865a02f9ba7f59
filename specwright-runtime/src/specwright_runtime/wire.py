"""How a call is described and how its values are written on the wire.

:class:`Call` is what a generated method hands the core; :class:`RequestOptions` are a
user's per-call overrides. The functions here turn parameter values into path segments,
query strings and JSON, with nothing sent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, TypeAlias, get_args
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretBytes, SecretStr, TypeAdapter

from .retries import RetryPolicy


class _Unset(enum.Enum):
    UNSET = enum.auto()


#: "Not given" where ``None`` is a value of its own (a JSON ``null`` body, no timeout).
UNSET = _Unset.UNSET

#: What an operation's ``security`` asks of the client's credentials: ``"required"`` (send
#: them, logging in if need be), ``"optional"`` (send those to be had without the user) or
#: ``"none"`` (send none).
SecurityMode: TypeAlias = Literal["required", "optional", "none"]
_SECURITY_MODES: frozenset[str] = frozenset(get_args(SecurityMode))
#: The request extension that tells an auth flow the call's :data:`SecurityMode`.
SECURITY_EXTENSION = "specwright.security"


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-call overrides a user passes to any generated method."""

    timeout: httpx.Timeout | float | _Unset | None = UNSET
    retry: RetryPolicy | None = None
    headers: Mapping[str, str] | None = None
    total_timeout: float | _Unset | None = UNSET  # seconds for the whole call, retries included


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP call as a generated method describes it."""

    method: str
    path: str  # path template, e.g. "/scans/{scan_type}/"
    path_params: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    json: Any = UNSET
    form: Any = None  # a model or a mapping, sent form-encoded
    content: bytes | None = None
    content_type: str | None = None
    idempotent: bool | None = None  # None: decided by the method
    accept: str | None = None
    timeout: httpx.Timeout | float | _Unset | None = UNSET
    retry: RetryPolicy | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # passed to httpx.Client.build_request
    options: RequestOptions | None = None
    security: SecurityMode = "required"  # the operation's: credentials sent, sent if at hand, or never

    def __post_init__(self) -> None:
        if self.security not in _SECURITY_MODES:
            raise ValueError(f"security must be one of {sorted(_SECURITY_MODES)}, not {self.security!r}")


def wire_value(value: Any) -> str:
    """How a scalar parameter value is written in a path, query or header."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def path_segment(value: Any) -> str:
    """A value as exactly one path segment: ``/`` and every other reserved character encoded."""
    text = quote(wire_value(value), safe="")
    # URL normalisation would drop a "." segment or climb a level for ".."
    return text.replace(".", "%2E") if text in (".", "..") else text


def expand_path(template: str, params: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders with values, each one path segment."""
    path = template
    for name, value in params.items():
        path = path.replace("{" + name + "}", path_segment(value))
    return path


class CommaJoined(str):
    """A list sent as one comma-separated value; its commas stay literal in a query."""

    parts: tuple[str, ...]

    def __new__(cls, parts: list[str]) -> CommaJoined:
        joined = super().__new__(cls, ",".join(parts))
        joined.parts = tuple(parts)
        return joined


def comma_joined(value: Any) -> str | None:
    """A list parameter with ``explode: false``: one comma-separated value (``None`` stays unset)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return CommaJoined([wire_value(v) for v in value if v is not None])
    return wire_value(value)


def encode_query(pairs: list[tuple[str, Any]]) -> str:
    """``name=value&...`` percent-encoded, except the separating commas of :class:`CommaJoined`."""

    def enc(text: str) -> str:
        return quote(text, safe="")

    out = []
    for name, value in pairs:
        if isinstance(value, CommaJoined):
            text = ",".join(enc(part) for part in value.parts)
        else:
            text = enc(value if isinstance(value, str) else wire_value(value))
        out.append(f"{enc(name)}={text}")
    return "&".join(out)


def query_items(query: Mapping[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    """Query pairs in order; ``None`` dropped, lists repeated (``form`` style, exploded)."""
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in query.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, wire_value(v)) for v in value if v is not None)
        elif isinstance(value, CommaJoined):
            pairs.append((name, value))
        else:
            pairs.append((name, wire_value(value)))
    return pairs


def to_jsonable(value: Any) -> Any:
    """A request body as JSON-ready data (models by alias, unset fields left out).

    Secret fields are sent in clear: they are masked only in reprs and logs.
    """
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", by_alias=True, exclude_unset=True)
    if isinstance(value, (SecretStr, SecretBytes)):
        return to_jsonable(value.get_secret_value())
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in value.items()}
    return type_adapter(Any).dump_python(value, mode="json")



@lru_cache(maxsize=512)
def type_adapter(tp: Any) -> TypeAdapter[Any]:
    """A cached pydantic adapter for a response type (made on first use: building one imports
    pydantic's schema machinery, which a package whose models load lazily need not pay for at
    import)."""
    return TypeAdapter(tp)
