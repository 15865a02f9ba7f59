"""What a failed call knows, and the exception classes generated packages extend."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class FailureKind(enum.StrEnum):
    """Why a call failed."""

    STATUS = "status"  # the server answered with a 4xx/5xx status
    AUTH = "auth"  # the token endpoint refused or answered nonsense
    CONNECTION = "connection"  # no connection, or it broke mid-body
    TIMEOUT = "timeout"
    DECODE = "decode"  # the body is not the JSON it should be
    VALIDATION = "validation"  # the JSON does not match the response schema
    NOT_FOUND = "not_found"  # no object of a collection has the name asked for (named-resource functions)


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """Everything the runtime knows about one failed call (no secrets)."""

    kind: FailureKind
    message: str
    method: str
    url: str  # already redacted
    status_code: int | None = None
    body: Any = None  # parsed JSON, else text, else None
    headers: dict[str, str] = field(default_factory=dict)
    cause: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def is_auth_failure(self) -> bool:
        """True for 401/403 answers and for failures of the token endpoint."""
        return self.kind is FailureKind.AUTH or self.status_code in (401, 403)


#: Builds a package's own exception from an :class:`ErrorInfo`.
ErrorFactory = Callable[[ErrorInfo], Exception]


class SpecwrightError(Exception):
    """Base of the runtime's exceptions; every generated package's base error extends it."""

    info: ErrorInfo | None

    def __init__(self, message: str, *, info: ErrorInfo | None = None) -> None:
        super().__init__(message)
        self.info = info

    @property
    def method(self) -> str | None:
        """HTTP method of the failed call."""
        return self.info.method if self.info else None

    @property
    def url(self) -> str | None:
        """URL of the failed call, without credentials."""
        return self.info.url if self.info else None


class StatusError(SpecwrightError):
    """The server answered with an error status."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        response_body: Any | None = None,
        info: ErrorInfo | None = None,
    ) -> None:
        super().__init__(message, info=info)
        self.status_code = status_code
        self.response_body = response_body


class TokenEndpointError(Exception):
    """Raised inside an auth flow when the token endpoint fails; the core maps it."""

    def __init__(self, message: str, *, status_code: int | None, body: Any, url: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.url = url


def parse_body(content: bytes, content_type: str | None = None) -> Any:
    """Decode an error body: JSON if it parses, else text, else ``None``."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def describe_body(body: Any, status_code: int | None, title: str) -> str:
    """A one-line message from an error body (``detail``/``title``/``message`` keys, else text)."""
    if isinstance(body, dict):
        for key in ("detail", "message", "title", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    if isinstance(body, str) and body.strip():
        text = body.strip()
        return text if len(text) <= 500 else text[:500] + "..."
    if status_code is None:
        return f"{title} API error"
    return f"{title} API error (HTTP {status_code})"
