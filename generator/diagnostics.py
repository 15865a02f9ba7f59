"""Spec problems as values: file, JSON pointer, rule, message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def pointer(parts: Sequence[object]) -> str:
    """RFC 6901 JSON pointer of a path."""
    if not parts:
        return ""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a spec."""

    file: str
    pointer: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer or '/'}: [{self.rule}] {self.message}"


class SpecError(Exception):
    """A spec could not be loaded or is invalid; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
