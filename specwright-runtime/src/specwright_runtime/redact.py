"""Keep secrets out of URLs, log lines and messages."""

from __future__ import annotations

import logging
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


_USERINFO = re.compile(r"//[^/@\s]*@")


def strip_userinfo(text: str) -> str:
    """``text`` with the user info of any URL in it removed (``//user:pw@host`` → ``//host``)."""
    return _USERINFO.sub("//", text)


def redact_text(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace every occurrence of each non-empty secret in ``text``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Masks URLs in the arguments of log records (httpx logs every request URL at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


def install_log_redaction() -> None:
    """Add :class:`RedactingFilter` to the ``httpx`` logger once (idempotent)."""
    log = logging.getLogger("httpx")
    if not any(isinstance(f, RedactingFilter) for f in log.filters):
        log.addFilter(RedactingFilter())
