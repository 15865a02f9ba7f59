"""Server URLs with variables (OpenAPI ``servers[].variables``), filled in safely."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

_VARIABLE = re.compile(r"\{([^{}]+)\}")
# a value fills part of a host, port or path segment: nothing that starts another URL part
_UNSAFE = re.compile(r"[\s/?#@\\{}]")


def server_url(
    template: str,
    defaults: Mapping[str, str],
    values: Mapping[str, str] | None = None,
    *,
    allowed: Mapping[str, Sequence[str]] | None = None,
    fixed: Mapping[str, str] | None = None,
) -> str:
    """``template`` with each ``{name}`` replaced: ``fixed`` first, then ``values``, then ``defaults``.

    ``fixed`` holds values a caller cannot change (a resource group's own host part).
    Raises ``ValueError`` for an unknown variable, a value outside the variable's ``enum``
    (``allowed``), or a value that would change the URL's structure (``/``, ``@``, ``?``...).
    """
    given = dict(values or {})
    known = {**defaults, **(fixed or {})}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"unknown server variable(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    merged = {**known, **given, **(fixed or {})}
    for name, value in merged.items():
        choices = (allowed or {}).get(name)
        if choices and value not in choices:
            raise ValueError(f"server variable {name}={value!r} is not one of {', '.join(map(repr, choices))}")
        if not value or _UNSAFE.search(value):
            raise ValueError(f"server variable {name}={value!r} is empty or contains characters not allowed in a host or path")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in merged:
            raise ValueError(f"server URL {template!r} uses {{{name}}}, which has no value")
        return merged[name]

    return _normalised(_VARIABLE.sub(fill, template).rstrip("/"))


def _normalised(url: str) -> str:
    """``url`` with its scheme and host in lower case (RFC 3986 section 6.2.2.1: they are case
    insensitive), so that a variable written ``Circuit`` names the same origin, in logs, reprs
    and origin checks, as ``circuit``. Anything else, the path included, keeps its case."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url  # a relative server URL
    userinfo, at, hostport = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=userinfo + at + hostport.lower()))
