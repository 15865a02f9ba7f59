"""Every failure of a call as the package's own exception.

:class:`FailureMapper` builds an :class:`~specwright_runtime.errors.ErrorInfo` for an error
status, a transport failure, a refused token request or login, or a body that does not
decode, and hands it to the package's error factory. Messages never hold credentials.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import ValidationError

from .bulk import gc_paused
from .downloads import IncompleteDownload
from .errors import ErrorFactory, ErrorInfo, FailureKind, TokenEndpointError, describe_body, parse_body
from .redact import redact_url, strip_userinfo
from .wire import type_adapter


class FailureMapper:
    """Maps failures of one API (named ``title`` in messages) through ``error_factory``."""

    def __init__(self, error_factory: ErrorFactory, title: str = "API") -> None:
        self.error_factory = error_factory
        self.title = title

    def info(
        self,
        kind: FailureKind,
        request: httpx.Request,
        message: str,
        *,
        response: httpx.Response | None = None,
        body: Any = None,
        cause: BaseException | None = None,
    ) -> ErrorInfo:
        """What is known about a failed request (URL redacted)."""
        return ErrorInfo(
            kind=kind,
            message=message,
            method=request.method,
            url=redact_url(request.url),
            status_code=response.status_code if response is not None else None,
            body=body,
            headers=dict(response.headers) if response is not None else {},
            cause=cause,
        )

    def status_failure(self, request: httpx.Request, response: httpx.Response) -> Exception:
        """The error for an answer with a redirect or error status (its body already read)."""
        body = parse_body(response.content)
        message = describe_body(body, response.status_code, self.title)
        if response.status_code < 400:
            location = response.headers.get("location")
            target = f" to {redact_url(request.url.join(location))}" if location else ""
            message = f"{self.title} API answered with a redirect{target} (HTTP {response.status_code}), which is not followed"
        return self.error_factory(self.info(FailureKind.STATUS, request, message, response=response, body=body))

    def transport_failure(self, request: httpx.Request, exc: Exception) -> Exception:
        """The error for a failed send or body read, or a refused token request."""
        url = redact_url(request.url)
        if isinstance(exc, TokenEndpointError):
            failed_status = exc.status_code is not None and exc.status_code >= 400
            message = describe_body(exc.body, exc.status_code, self.title) if failed_status else str(exc)
            info = ErrorInfo(
                kind=FailureKind.AUTH,
                message=message,
                method="POST",
                url=exc.url,
                status_code=exc.status_code,
                body=exc.body,
                cause=exc,
            )
            return self.error_factory(info)
        if isinstance(exc, httpx.TimeoutException):
            kind, what = FailureKind.TIMEOUT, f"Timed out calling {self.title} API ({request.method} {url})"
        elif isinstance(exc, IncompleteDownload):
            kind, what = FailureKind.CONNECTION, f"{exc} ({request.method} {url})"
        else:
            reason = strip_userinfo(str(exc))[:200]  # an OS-level reason, never credentials
            kind, what = FailureKind.CONNECTION, (
                f"Network error while calling {self.title} API ({request.method} {url}): {type(exc).__name__}"
                + (f" ({reason})" if reason else "")
            )
        return self.error_factory(self.info(kind, request, what, cause=exc))

    def login_failure(self, token_url: str, exc: TokenEndpointError) -> Exception:
        """The error for a login that failed before or at the token endpoint."""
        return self.transport_failure(httpx.Request("POST", token_url or exc.url), exc)

    def decode(self, request: httpx.Request, response: httpx.Response, tp: Any) -> Any:
        """Validate the body bytes against ``tp`` (``None``: no body expected)."""
        if tp is None:
            return None
        content = response.content
        try:
            with gc_paused():  # one page can be thousands of models
                return type_adapter(tp).validate_json(content)
        except ValidationError as exc:
            body = parse_body(content)
            invalid_json = any(e.get("type") == "json_invalid" for e in exc.errors())
            if invalid_json:
                message = f"{self.title} API sent a body that is not valid JSON ({request.method} {redact_url(request.url)})"
                kind = FailureKind.DECODE
            else:
                message = (
                    f"Unexpected payload from {self.title} API ({request.method} {redact_url(request.url)}): "
                    f"{exc.error_count()} validation error(s), first: {first_error(exc)}"
                )
                kind = FailureKind.VALIDATION
            raise self.error_factory(self.info(kind, request, message, response=response, body=body, cause=exc)) from exc


def first_error(exc: ValidationError) -> str:
    """Where and what the first validation error is, in one line."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "(root)"
    return f"{loc}: {first.get('msg')}"
