"""Derive a synchronous module from its asynchronous twin, token by token (pure: text in, text out).

Per-API code is written once, async, as real Python that ruff and mypy check at source; the
sync module is derived from it at generation time. The rules are few and fixed (see
:func:`unasync`); a construct they cannot translate raises :class:`UnasyncError` instead of
producing a sync module that silently means something else.

Why the stdlib ``tokenize`` rather than ``unasync`` from PyPI: that package is a setuptools
build step that rewrites files between folders on disk, and its rules are a name table. The
pipeline is pure (strings in, strings out), and it needs rules a name table cannot say: module
prefixes only inside imports, ``asyncio.sleep`` with its import, docstring wording, and errors
for what has no sync twin. Working on tokens keeps the source's layout, comments and strings
exactly; the text changes only where a rule applies (black formats the result afterwards).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

__all__ = ["UnasyncError", "unasync"]

#: Names with a sync twin that the ``Async`` prefix rule does not cover.
RENAMES = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "aclose": "close",
    "aiter": "iter",
    "aiter_bytes": "iter_bytes",
    "aiter_lines": "iter_lines",
    "aiter_raw": "iter_raw",
    "aiter_text": "iter_text",
    "anext": "next",
    "apages_of": "pages_of",
    "aread": "read",
    "StopAsyncIteration": "StopIteration",
}

#: Async names whose sync counterpart is not a rename.
UNTRANSLATABLE = {
    "AsyncGenerator": "its sync twin Generator takes three type arguments; use AsyncIterator",
    "Awaitable": "a sync module has nothing to await",
    "Coroutine": "a sync module has no coroutines",
}

_ASYNC_NAME = re.compile(r"^Async(?=[A-Z])")
_ASYNC_WORD = re.compile(r"\bAsync(?=[A-Z]\w*)")
_MODE_WORD = re.compile(r"\b([Aa])synchronous\b")
_SKIP = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE})
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", None)  # Python 3.12+ splits f-strings


class UnasyncError(ValueError):
    """The async source uses a construct that has no mechanical sync translation."""


@dataclass(frozen=True)
class _Edit:
    start: int  # offsets into the source text
    end: int
    text: str


def unasync(source: str, filename: str = "<async source>") -> str:
    """The sync twin of an async module.

    Rules: ``async`` before ``def``/``with``/``for`` and ``await`` are dropped; a name
    ``Async<Upper>…`` loses its prefix (``AsyncClient`` → ``Client``, ``AsyncIterator`` →
    ``Iterator``); inside imports a module ``async_<m>`` becomes ``<m>``; the names in
    :data:`RENAMES` become their sync twins; ``asyncio.sleep`` becomes ``time.sleep`` and
    ``import asyncio`` becomes ``import time`` (or goes, when ``time`` is imported already).
    In strings and comments, ``Async<Upper>…`` names lose the prefix and "asynchronous" becomes
    "synchronous". Anything else from asyncio, an ``async`` comprehension and the names in
    :data:`UNTRANSLATABLE` raise :class:`UnasyncError`.
    """
    offsets = _line_offsets(source)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = _logical_lines(tokens)
    imports_time = any(_words(line) == ["import", "time"] for line in lines)
    edits: list[_Edit] = []

    def at(pos: tuple[int, int]) -> int:
        return offsets[pos[0] - 1] + pos[1]

    def fail(tok: tokenize.TokenInfo, message: str) -> UnasyncError:
        return UnasyncError(f"{filename}:{tok.start[0]}:{tok.start[1] + 1}: {message}")

    def replace(tok: tokenize.TokenInfo, text: str) -> None:
        if text != tok.string:
            edits.append(_Edit(at(tok.start), at(tok.end), text))

    for line in lines:
        words = _words(line)
        if words == ["import", "asyncio"]:
            first = next(t for t in line if t.type not in _SKIP)
            if imports_time:  # drop the whole statement, its line included
                edits.append(_Edit(offsets[first.start[0] - 1], at(line[-1].end), ""))
            else:
                replace(next(t for t in line if t.string == "asyncio"), "time")
            continue
        significant = [t for t in line if t.type not in _SKIP]
        in_import = bool(words) and words[0] in ("import", "from")
        module_part = in_import  # in ``from m import x`` only ``m`` is a module path
        depth = 0
        for i, tok in enumerate(significant):
            after = significant[i + 1] if i + 1 < len(significant) else None
            if tok.type == tokenize.OP:
                depth += tok.string in "([{"
                depth -= tok.string in ")]}"
                continue
            if tok.type == tokenize.STRING or (_FSTRING_MIDDLE is not None and tok.type == _FSTRING_MIDDLE):
                replace(tok, _sync_text(tok.string))
                continue
            if tok.type != tokenize.NAME:
                continue
            name = tok.string
            if in_import and name == "import":
                module_part = words[0] == "import"
                continue
            if in_import and name == "as":
                module_part = False
                continue
            if name == "async":
                if after is None or after.string not in ("def", "with", "for"):
                    raise fail(tok, "'async' is only translated before def, with and for")
                if after.string == "for" and depth > 0:
                    raise fail(tok, "an async comprehension has no sync translation; write a loop")
                edits.append(_Edit(at(tok.start), at(after.start), ""))
            elif name == "await":
                if after is None:
                    raise fail(tok, "'await' without an operand")
                edits.append(_Edit(at(tok.start), at(after.start), ""))
            elif name == "asyncio":
                ahead = significant[i + 1 : i + 3]
                if [t.string for t in ahead] != [".", "sleep"] or in_import:
                    raise fail(tok, "only asyncio.sleep (and 'import asyncio') has a sync translation")
                replace(tok, "time")
            elif name in UNTRANSLATABLE:
                raise fail(tok, f"{name} has no sync translation: {UNTRANSLATABLE[name]}")
            elif in_import and module_part and name.startswith("async_"):
                replace(tok, name.removeprefix("async_"))
            else:
                replace(tok, RENAMES.get(name) or _ASYNC_NAME.sub("", name))
    for tok in tokens:  # comments are not part of any statement's words
        if tok.type == tokenize.COMMENT:
            replace(tok, _sync_text(tok.string))
    result = _apply(source, edits)
    try:
        ast.parse(result, filename)
    except SyntaxError as exc:  # a rule produced broken code: a bug here, not in the source
        raise UnasyncError(f"{filename}: the derived sync module does not parse: {exc}") from None
    return result


def _sync_text(text: str) -> str:
    """A string or comment with the mode's names and wording made sync."""
    return _MODE_WORD.sub(lambda m: "Synchronous" if m.group(1) == "A" else "synchronous", _ASYNC_WORD.sub("", text))


def _line_offsets(source: str) -> list[int]:
    """Offset of the first character of each line (tokenize counts lines at ``\\n``)."""
    offsets = [0]
    for line in io.StringIO(source):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _logical_lines(tokens: list[tokenize.TokenInfo]) -> list[list[tokenize.TokenInfo]]:
    """Tokens grouped into statements, each ending with its NEWLINE token."""
    lines: list[list[tokenize.TokenInfo]] = []
    current: list[tokenize.TokenInfo] = []
    for tok in tokens:
        if tok.type == tokenize.ENDMARKER:
            break
        current.append(tok)
        if tok.type == tokenize.NEWLINE:
            lines.append(current)
            current = []
    if current:
        lines.append(current)
    return lines


def _words(line: list[tokenize.TokenInfo]) -> list[str]:
    return [t.string for t in line if t.type not in _SKIP]


def _apply(source: str, edits: list[_Edit]) -> str:
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < position:
            raise UnasyncError(f"overlapping edits at offset {edit.start}")  # a bug in the rules
        parts.append(source[position : edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(source[position:])
    return "".join(parts)
