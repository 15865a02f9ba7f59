"""Objects found by their display name, and computations waited for (named-resource functions).

Generated named-resource functions (``get_orbit("LEO")``, ``modify_orbit(old, new)``,
``wait_and_get_mission_results("m1")``) list a collection and pick an object by the value of
one field, or poll a status until it says done; the logic is here once, and the generated
code only names the operations and fields (``x-specwright-resource`` in the spec).

Objects are pydantic models or plain mappings; fields are read by their wire name, so an
aliased field or one the schema does not list (kept as a model's extra) is found too.
Failures are the package's own exceptions, built by its error factory: a name that matches
nothing is :attr:`FailureKind.NOT_FOUND`, a wait that outlasts its timeout
:attr:`FailureKind.TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from .errors import ErrorFactory, ErrorInfo, FailureKind

__all__ = [
    "Backoff",
    "await_status",
    "children_of",
    "field_of",
    "find_named",
    "name_of",
    "require_named",
    "require_value",
    "wait_for_status",
]

logger = logging.getLogger("specwright_runtime.named")

_T = TypeVar("_T")
_S = TypeVar("_S")


def field_of(obj: Any, wire: str) -> Any:
    """The value of field ``wire`` (its name on the wire) of a model or mapping; ``None`` if absent."""
    if isinstance(obj, Mapping):
        return obj.get(wire)
    if isinstance(obj, BaseModel):
        fields = type(obj).model_fields
        for name, info in fields.items():
            if info.alias == wire or (name == wire and info.alias is None):
                return getattr(obj, name)
        if wire in fields:
            return getattr(obj, wire)
        return (obj.model_extra or {}).get(wire)
    return getattr(obj, wire, None)


def find_named(items: Iterable[_T], field: str, name: str) -> _T | None:
    """The first item whose ``field`` equals ``name`` (compared as text), or ``None``."""
    for item in items or ():
        value = field_of(item, field)
        if value is not None and str(value) == name:
            return item
    return None


def require_named(
    items: Iterable[_T], field: str, name: str, *, what: str, where: str, error_factory: ErrorFactory
) -> _T:
    """:func:`find_named`, raising the package's error (kind ``not_found``) when nothing matches.

    ``what`` names the kind of object in the message (``"orbit"``), ``where`` the collection
    (its path).
    """
    found = find_named(items, field, name)
    if found is None:
        message = f"no {what} with {field} {name!r} in {where}"
        raise error_factory(ErrorInfo(kind=FailureKind.NOT_FOUND, message=message, method="GET", url=where))
    return found


def require_value(value: _T | None, *, message: str, where: str, error_factory: ErrorFactory) -> _T:
    """``value``, or the package's error (kind ``not_found``) with ``message`` when it is ``None``."""
    if value is None:
        raise error_factory(ErrorInfo(kind=FailureKind.NOT_FOUND, message=message, method="GET", url=where))
    return value


def name_of(obj: Any, field: str) -> str:
    """The display name an argument stands for: a string itself, else its ``field`` (``name``)."""
    if isinstance(obj, str):
        return obj
    value = field_of(obj, field)
    if value is None:
        raise ValueError(f"the object given has no {field!r} to look it up by")
    return str(value)


def children_of(items: Iterable[Any], field: str, parent: Any, id_field: str) -> list[Any]:
    """The ids of the items whose ``field`` names ``parent`` (objects made from it)."""
    return [field_of(item, id_field) for item in items or () if parent is not None and field_of(item, field) == parent]


@dataclass(frozen=True)
class Backoff:
    """Waits between status polls: ``first`` seconds, then each ``factor`` times longer, at most ``maximum``."""

    first: float = 2.0
    factor: float = 1.5
    maximum: float = 30.0

    def __post_init__(self) -> None:
        if self.first <= 0 or self.maximum <= 0 or self.factor < 1:
            raise ValueError("backoff needs first > 0, maximum > 0 and factor >= 1")

    def delays(self) -> Iterator[float]:
        delay = min(self.first, self.maximum)
        while True:
            yield delay
            delay = min(delay * self.factor, self.maximum)


class _Wait:
    """The bookkeeping of one wait, shared by the sync and async loops."""

    def __init__(
        self,
        done: Collection[object],
        timeout: float | None,
        backoff: Backoff | None,
        what: str,
        where: str,
        error_factory: ErrorFactory,
        on_status: Callable[[Any], object] | None,
        clock: Callable[[], float],
    ) -> None:
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must be at least 0 (or None: no limit)")
        self.done = done
        self.timeout = timeout
        self.delays = (backoff or Backoff()).delays()
        self.what, self.where = what, where
        self.error_factory = error_factory
        self.on_status = on_status
        self.clock = clock
        self.deadline = None if timeout is None else clock() + timeout

    def finished(self, status: Any) -> bool:
        logger.debug("%s: status %r", self.what, status)
        if self.on_status is not None:
            self.on_status(status)
        return status in self.done

    def next_delay(self, status: Any) -> float:
        """Seconds to sleep before the next poll; the package's timeout error once none are left."""
        delay = next(self.delays)
        if self.deadline is None:
            return delay
        left = self.deadline - self.clock()
        if left <= 0:
            message = f"{self.what} did not finish within {self.timeout:g} s (last status {status!r})"
            raise self.error_factory(ErrorInfo(kind=FailureKind.TIMEOUT, message=message, method="GET", url=self.where))
        return min(delay, left)


def wait_for_status(
    poll: Callable[[], _S],
    done: Collection[object],
    *,
    timeout: float | None,
    backoff: Backoff | None = None,
    what: str,
    where: str,
    error_factory: ErrorFactory,
    on_status: Callable[[Any], object] | None = None,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> _S:
    """Call ``poll`` until it returns one of ``done``; return that status.

    The first wait is ``backoff.first`` seconds (2 by default), then each is longer, up to
    ``backoff.maximum``; the last one is cut to the time left. After ``timeout`` seconds (``None``:
    no limit) the package's timeout error is raised. ``on_status`` sees every status polled.
    Errors of ``poll`` itself propagate at once.
    """
    wait = _Wait(done, timeout, backoff, what, where, error_factory, on_status, clock)
    while True:
        status = poll()
        if wait.finished(status):
            return status
        sleep(wait.next_delay(status))


async def await_status(
    poll: Callable[[], Awaitable[_S]],
    done: Collection[object],
    *,
    timeout: float | None,
    backoff: Backoff | None = None,
    what: str,
    where: str,
    error_factory: ErrorFactory,
    on_status: Callable[[Any], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> _S:
    """Async twin of :func:`wait_for_status` (sleeps with ``asyncio.sleep``)."""
    wait = _Wait(done, timeout, backoff, what, where, error_factory, on_status, clock)
    while True:
        status = await poll()
        if wait.finished(status):
            return status
        await asyncio.sleep(wait.next_delay(status))
