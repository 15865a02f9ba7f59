"""Checks of a method's arguments against their schema, before anything is sent.

A value out of range would only come back as the server's 400 (or, worse, be accepted and
mean something else), so generated methods check the constraints the spec states and raise
``ValueError`` naming the argument.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

_T = TypeVar("_T")


def check_argument(
    name: str,
    value: _T,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: float | None = None,
    exclusive_maximum: float | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> _T:
    """``value`` if it meets the constraints (``None`` always does: the argument is unset).

    With ``integer``, a string or float holding a whole number is accepted as that ``int``.
    """
    if value is None:
        return value
    checked: Any = _as_integer(name, value) if integer else value
    if isinstance(checked, (int, float)) and not isinstance(checked, bool):
        _check_range(name, checked, minimum, maximum, exclusive_minimum, exclusive_maximum)
    if isinstance(checked, (str, list, tuple)):
        if min_length is not None and len(checked) < min_length:
            raise ValueError(f"invalid {name} argument {value!r}: shorter than {min_length}")
        if max_length is not None and len(checked) > max_length:
            raise ValueError(f"invalid {name} argument {value!r}: longer than {max_length}")
    return cast(_T, checked)


def _as_integer(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"invalid {name} argument {value!r}: not an integer")
    if isinstance(value, int):
        return value
    try:
        number = float(value) if isinstance(value, float) else int(str(value).strip())
    except ValueError:
        raise ValueError(f"invalid {name} argument {value!r}: not an integer") from None
    if number != int(number):
        raise ValueError(f"invalid {name} argument {value!r}: not an integer")
    return int(number)


def _check_range(
    name: str,
    value: float,
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: float | None,
    exclusive_maximum: float | None,
) -> None:
    if minimum is not None and value < minimum:
        raise ValueError(f"invalid {name} argument {value!r}: must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(f"invalid {name} argument {value!r}: must be at most {maximum}")
    if exclusive_minimum is not None and value <= exclusive_minimum:
        raise ValueError(f"invalid {name} argument {value!r}: must be more than {exclusive_minimum}")
    if exclusive_maximum is not None and value >= exclusive_maximum:
        raise ValueError(f"invalid {name} argument {value!r}: must be less than {exclusive_maximum}")


def held_value(name: str, value: _T | None) -> _T:
    """The value a client holds for a path parameter (``x-speakeasy-globals``); ``ValueError`` if unset."""
    if value is None:
        raise ValueError(f"{name} is not set: give {name}= to the client, or set client.{name}")
    return value
