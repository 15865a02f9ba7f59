"""Escaping filters: how text from a spec may land in generated files.

Each filter is for one place (a docstring, a comment, a Python literal, Markdown, a TOML
string). Whatever the text holds — quotes, backslashes, newlines, control characters — the
result stays inside that place: a hostile description cannot end a docstring and become code.
"""

from __future__ import annotations

import ast
import html
import math
import re
from collections.abc import Callable
from typing import Any

from .loader import VALUE_KEYS

# C0 controls but tab and newline, DEL, C1 controls, the Unicode line/paragraph separators and
# lone surrogates (JSON can carry them; no UTF-8 file can)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# a quote that could start or end a triple quote: followed by another quote, or last
_QUOTE_RUN = re.compile(r'"(?="|$)')
# backticks stay: a code span from a spec is only formatting, and our own docs use them
_MARKDOWN_SPECIAL = re.compile(r"([\\*_\[\]|#~])")
# what makes a line a block of its own: a quote, list item, heading underline, code fence
_MARKDOWN_LINE_START = re.compile(r"^([>+=`-]|\d+(?=[.)]))")


def clean(text: Any) -> str:
    """Plain text: line endings as ``\\n``, control characters removed."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def docstring(text: Any, indent: int = 4) -> str:
    """Text safe inside a triple-quoted docstring, continuation lines indented by ``indent``."""
    cleaned = clean(text).replace("\\", "\\\\").strip()
    cleaned = _QUOTE_RUN.sub(r'\\"', cleaned)
    pad = " " * indent
    return "\n".join((pad + line if line.strip() and i else line.rstrip()) for i, line in enumerate(cleaned.splitlines()))


def comment(text: Any) -> str:
    """Text for a ``#`` comment: one line."""
    return " ".join(clean(text).split())


def literal(value: Any) -> str:
    """A Python literal of a string, number, bool, ``None`` or a tuple/list of them."""
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no Python literal")
        return repr(value)
    if isinstance(value, str):
        return repr(str(value))  # a plain str: a subclass must not change the repr
    if isinstance(value, tuple | list):
        items = [literal(v) for v in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    raise TypeError(f"no literal for {type(value).__name__}")


def markdown(text: Any) -> str:
    """Text for a Markdown paragraph: no HTML, no emphasis, links or tables from the spec, and
    no line that starts a block (code fence, quote, list, heading) and takes over what follows."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(clean(text), quote=False))
    lines = (_MARKDOWN_LINE_START.sub(_escape_line_start, line.lstrip()) for line in escaped.split("\n"))
    return "\n".join(lines)


def _escape_line_start(match: re.Match[str]) -> str:
    start = match.group(1)
    return start + "\\" if start[0].isdigit() else "\\" + start


def markdown_inline(text: Any) -> str:
    """Markdown text on one line (a table cell or a heading)."""
    return markdown(" ".join(clean(text).split()))


def code_span(text: Any) -> str:
    """Text inside a Markdown code span (`` `...` ``): one line, no backticks, no pipes."""
    return " ".join(clean(text).split()).replace("`", "'").replace("|", "\\|")


def toml(text: Any) -> str:
    """A TOML basic string, quotes included."""
    out = ['"']
    for char in clean(text):
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_PROSE_KEYS = frozenset({"description", "title", "summary"})


def prose_cleaned(document: Any) -> Any:
    """A copy of a spec document whose descriptions and titles are :func:`clean` text.

    For tools that put that prose into docstrings themselves (datamodel-code-generator):
    line endings become newlines and control characters, line separators and lone surrogates
    go, as in our own docstrings. Values (defaults, examples, enums) and names stay exact:
    those tools write them as literals.
    """
    if isinstance(document, dict):
        return {
            key: (
                value if key in VALUE_KEYS
                else clean(value) if key in _PROSE_KEYS and isinstance(value, str)
                else [clean(v) if isinstance(v, str) else v for v in value]
                if key == "x-enum-descriptions" and isinstance(value, list)
                else prose_cleaned(value)
            )
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [prose_cleaned(item) for item in document]
    return document


def escape_line_separators(code: str) -> str:
    """Python source with the Unicode line and paragraph separators of its string literals as
    escapes (Python reads them raw, editors and diff tools start a new line); unchanged if
    that would change what the code means (one outside a plain string literal)."""
    if "\u2028" not in code and "\u2029" not in code:
        return code
    escaped = code.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        same = ast.dump(ast.parse(escaped)) == ast.dump(ast.parse(code))
    except SyntaxError:
        same = False
    return escaped if same else code


FILTERS: dict[str, Callable[..., str]] = {
    "docstring": docstring,
    "comment": comment,
    "literal": literal,
    "markdown": markdown,
    "markdown_inline": markdown_inline,
    "code": code_span,
    "toml": toml,
}
