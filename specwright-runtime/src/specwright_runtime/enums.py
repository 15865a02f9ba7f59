"""Open enums: a value the server added after the client was generated is kept, not refused.

Generated models' enums derive from :class:`OpenStrEnum` (string values) or :class:`OpenIntEnum`
(integer values). Known values are the members as usual. An unknown value of the right type
becomes a *pseudo-member* of the enum: an instance of the class, equal to the value
(``str``/``int`` subclasses), whose ``.value`` is the value as sent, so a model holding it
serialises it back unchanged. It is not listed by iteration or ``len()``, compares equal to
its value (and to another pseudo-member of it) but is not identical to either, and
:func:`is_known` tells it from a member. pydantic reaches it through ``Enum._missing_``.
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum
from typing import Any


def _pseudo_member(cls: type[Enum], value: Any) -> Any:
    """A pseudo-member of ``cls`` for ``value``: made anew each time, never registered, so that
    values a server invents cannot pile up in the class (two are equal, not identical)."""
    new: Any = str.__new__ if issubclass(cls, str) else int.__new__  # the enum is a str/int subclass
    member: Any = new(cls, value)
    member._name_ = f"UNKNOWN[{value}]"
    member._value_ = value
    return member


class OpenStrEnum(StrEnum):
    """A string enum that accepts values it does not list (see the module docstring)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _pseudo_member(cls, value) if isinstance(value, str) else None


class OpenIntEnum(IntEnum):
    """An integer enum that accepts values it does not list (see the module docstring)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return _pseudo_member(cls, value)


def is_known(member: Enum) -> bool:
    """Whether ``member`` is a member the enum lists (``False`` for a value it did not know)."""
    return member._name_ in type(member)._member_map_
