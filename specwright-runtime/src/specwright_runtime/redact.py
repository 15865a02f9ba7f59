"""Keep secrets out of URLs, log lines and messages."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

#: Query parameter names whose values are never shown.
SECRET_NAMES = re.compile(
    r"(token|secret|password|passwd|pwd|api[-_]?key|apikey|key|signature|sig|auth|credential|code)",
    re.IGNORECASE,
)
MASK = "***"


def redact_url(url: httpx.URL | str) -> str:
    """Return ``url`` without user info and with secret-looking query values masked."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, MASK if SECRET_NAMES.search(k) else v) for k, v in pairs], safe="*"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_text(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace every occurrence of each non-empty secret in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text
