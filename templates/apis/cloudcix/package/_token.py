"""``TokenAuth``: the ``X-Auth-Token`` header (re-exported by ``cloudcix.auth``).

A module of its own so that the clients can use it while ``cloudcix.auth`` imports them.
"""

from __future__ import annotations

from collections.abc import Generator, MutableMapping
from typing import Protocol, TypeVar

import httpx

HEADER = "X-Auth-Token"


class _HasHeaders(Protocol):
    @property
    def headers(self) -> MutableMapping[str, str]: ...


_R = TypeVar("_R", bound=_HasHeaders)


class TokenAuth(httpx.Auth):
    """Sends a CloudCIX token as ``X-Auth-Token: <token>``.

    An ``httpx.Auth``; also callable on any request with ``headers`` (``auth(request)``), as
    the ``requests`` auth of cloudcix 5.0.11 was. Equal when the tokens are; the repr hides it.
    """

    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self(request)
        yield request

    def __call__(self, request: _R) -> _R:
        request.headers[HEADER] = self.token
        return request

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TokenAuth) and other.token == self.token

    def __hash__(self) -> int:
        return hash((TokenAuth, self.token))

    def __repr__(self) -> str:
        return "TokenAuth(token=***)"
