"""Tokens: ``get_token`` logs in at Membership's ``auth/login/``; ``TokenAuth`` sends a token.

The password and the token never appear in logs, reprs or exception messages.
"""

from __future__ import annotations

from typing import Any

import httpx
from specwright_runtime import ErrorInfo, FailureKind, redact_url

from cloudcix._token import TokenAuth as TokenAuth
from cloudcix.async_client import AsyncClient
from cloudcix.client import Client
from cloudcix.conf import setting
from cloudcix.exceptions import CloudCIXAuthException, error_from_info

__all__ = ["TokenAuth", "aget_admin_token", "aget_token", "get_admin_token", "get_token"]

# the login service (Membership.token), here rather than through the registry so that it
# stays what 5.0.11 called whatever the spec names its services
_LOGIN = Client("membership", "auth/login")
_ASYNC_LOGIN = AsyncClient("membership", "auth/login")


def get_token(email: str, password: str, api_key: str) -> str:
    """Log in and return the token.

    Raises ``CloudCIXAuthException(error_code, detail)`` when the login answers 400, and
    ``CloudCIXAPIError`` (``CloudCIXAuthenticationError`` for 401/403) with the status and
    body for any other answer but 201.
    """
    return _token_from(
        _LOGIN.create(data={"email": email, "password": password, "api_key": api_key})
    )


def get_admin_token() -> str:
    """``get_token`` with the settings ``CLOUDCIX_API_USERNAME``, ``CLOUDCIX_API_PASSWORD``, ``CLOUDCIX_API_KEY``."""
    return get_token(*_admin_credentials())


async def aget_token(email: str, password: str, api_key: str) -> str:
    """Async twin of :func:`get_token`."""
    return _token_from(
        await _ASYNC_LOGIN.create(data={"email": email, "password": password, "api_key": api_key})
    )


async def aget_admin_token() -> str:
    """Async twin of :func:`get_admin_token`."""
    return await aget_token(*_admin_credentials())


def _admin_credentials() -> tuple[str, str, str]:
    return (
        setting("CLOUDCIX_API_USERNAME"),
        setting("CLOUDCIX_API_PASSWORD"),
        setting("CLOUDCIX_API_KEY"),
    )


def _token_from(response: httpx.Response) -> str:
    body = _json_or_text(response)
    if response.status_code == 201:
        token = body.get("token") if isinstance(body, dict) else None
        if isinstance(token, str) and token:
            return token
        raise error_from_info(
            _info(
                response,
                body,
                FailureKind.VALIDATION,
                "CloudCIX login answered 201 without a token",
            )
        )
    if response.status_code == 400:
        fields = body if isinstance(body, dict) else {"detail": body}
        info = _info(response, body, FailureKind.AUTH, "CloudCIX login refused")
        raise CloudCIXAuthException(
            fields.get("error_code"), fields.get("detail"), response_body=body, info=info
        )
    detail = body.get("detail") if isinstance(body, dict) else body
    message = f"CloudCIX login failed (HTTP {response.status_code})" + (
        f": {str(detail)[:200]}" if detail else ""
    )
    raise error_from_info(_info(response, body, FailureKind.STATUS, message))


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text or None


def _info(response: httpx.Response, body: Any, kind: FailureKind, message: str) -> ErrorInfo:
    return ErrorInfo(
        kind,
        message,
        response.request.method,
        redact_url(response.request.url),
        status_code=response.status_code,
        body=body,
        headers=dict(response.headers),
    )
