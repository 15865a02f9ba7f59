"""Spec problems as values: file, JSON pointer, rule, message (and the line, when known)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import unquote

Severity = Literal["error", "warning"]


def pointer(parts: Sequence[object]) -> str:
    """RFC 6901 JSON pointer of a path."""
    if not parts:
        return ""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(ptr: str, *, uri: bool = False) -> list[str]:
    """The reference tokens of an RFC 6901 JSON pointer (``uri``: percent-encoded, as in the
    fragment of a ``$ref``); none for the root."""
    if ptr in ("", "/"):
        return []
    return [(unquote(raw) if uri else raw).replace("~1", "/").replace("~0", "~") for raw in ptr.lstrip("/").split("/")]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a spec.

    An ``error`` breaks the spec; a ``warning`` is a problem a client can be generated despite
    (the affected part degrades: a looser type, or left out with a warning naming it).
    """

    file: str
    pointer: str
    rule: str
    message: str
    severity: Severity = "error"
    #: 1-based line in ``file`` where ``pointer`` is written (see :mod:`generator.locations`);
    #: not part of the finding's identity
    line: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        where = f"{self.file}#{self.pointer or '/'}" if self.line is None else f"{self.file}:{self.line}: #{self.pointer or '/'}"
        return f"{where}: {label}[{self.rule}] {self.message}"

    def as_error(self) -> Diagnostic:
        """The same finding as an error (``--strict``)."""
        return replace(self, severity="error")


class SpecError(Exception):
    """A spec could not be loaded or is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
