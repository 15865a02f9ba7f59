"""Black's cheapest changes made ahead of black, and a module cut where black's work differs.

``black.format_str`` formats a text once and, when that changed anything, once more (black's
guard against trailing commas that only appear in the first pass). Generated model code always
changes in the first pass -- single quotes, no blank line after a class docstring -- so black
formats every module twice. Two things let most of it through in one pass, and neither can
change black's output:

- **Changes black makes regardless of the input** (:func:`prestyled`): a plain string literal
  without quotes or backslashes inside, ``'x'``, is written ``"x"`` (what black's quote
  normalisation makes of it, with the same length, so no line-splitting decision moves), and
  a class docstring followed directly by a statement gets the one blank line black always puts
  there (any number of blank lines, none included, becomes exactly one). If ``T`` is such a
  change, black's one pass gives the same text for ``T(x)`` as for ``x``; then
  ``format_str(T(x)) == format_str(x)`` (the second pass, run or not, starts from that text).
- **Runs** (:func:`runs`): the module is cut between top-level classes (where
  :func:`split_module`'s rule allows a cut: black formats the pieces exactly as the whole) into
  runs of classes black probably leaves alone -- no line longer than black's line length --
  and runs of classes it will rewrap, so only the latter are formatted twice. The guess only
  decides how fast black is; black's output is the same whatever it guesses.
"""

from __future__ import annotations

import ast
import bisect
import gc
import itertools
import re
from collections.abc import Iterator

#: Characters besides ``\n`` that ``str.splitlines`` ends a line at (or that black treats
#: specially); a text holding one is left to black as it is.
_ODD_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: A one-token string literal black rewrites in double quotes without changing its length.
_PLAIN_SINGLE = re.compile(r"'[^'\"\\\n]*'")


def cuttable(text: str) -> bool:
    """Whether ``text`` may be changed or cut: no ``fmt:`` directive (whose region could span a
    cut), no line break but ``\\n`` (``ast`` and ``str.splitlines`` would count lines apart)."""
    return "fmt:" not in text and _ODD_BREAKS.search(text) is None


def parse(text: str) -> ast.Module | None:
    """``text``'s syntax tree (the cyclic GC paused: a big module makes a big tree), or None."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()


def cuts(body: list[ast.stmt], lines: list[str]) -> Iterator[int]:
    """0-based lines where a module may be cut: between two top-level classes (the second
    undecorated) with nothing but blank lines between them. Black puts exactly two blank lines
    there, whatever the source had, and no token, comment or bracket spans it."""
    for before, node in itertools.pairwise(body):
        if not (isinstance(before, ast.ClassDef) and isinstance(node, ast.ClassDef) and not node.decorator_list):
            continue
        end = before.end_lineno or before.lineno
        cut = node.lineno - 1
        if not any(line.strip() for line in lines[end:cut]):
            yield cut


def _column(line: str, offset: int) -> int:
    """The character index of UTF-8 byte ``offset`` in ``line`` (``ast``'s columns are bytes)."""
    return offset if line.isascii() else len(line.encode("utf-8")[:offset].decode("utf-8"))


def _strings(tree: ast.Module) -> Iterator[ast.Constant]:
    """String constants that are not statements of their own (docstrings and the like stay as
    written) nor inside an f-string (whose quotes nest)."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.JoinedStr):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
            continue
        todo.extend(ast.iter_child_nodes(node))


def _docstring_gaps(tree: ast.Module, lines: list[str]) -> Iterator[int]:
    """0-based lines after which a class docstring needs black's blank line: the docstring is
    triple-quoted, on its own lines, and the next line is an ordinary statement of the class."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or len(node.body) < 2:
            continue
        doc, nxt = node.body[0], node.body[1]
        if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str)):
            continue
        if doc.lineno == node.lineno or doc.end_lineno is None:
            continue
        if isinstance(nxt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        line = lines[doc.lineno - 1]
        if not line[_column(line, doc.col_offset):].startswith('"""') or nxt.lineno != doc.end_lineno + 1:
            continue
        yield doc.end_lineno - 1


def prestyled(text: str) -> str:
    """``text`` with black's quote and class-docstring changes already made (see the module's
    docstring); ``text`` itself if black must see it as it is (:func:`runs`)."""
    tree = parse(text) if cuttable(text) else None
    return text if tree is None else "\n".join(_prestyle(text, tree)[0])


def _prestyle(text: str, tree: ast.Module) -> tuple[list[str], list[int]]:
    """The lines of :func:`prestyled` and the 0-based lines (of ``text``) a blank line went after."""
    lines = text.split("\n")
    gaps = sorted(_docstring_gaps(tree, lines))
    _requote(lines, tree)
    after = set(gaps)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        if index in after:
            out.append("")
    return out, gaps


def _requote(lines: list[str], tree: ast.Module) -> None:
    """Write the plain single-quoted strings of ``tree`` in double quotes, in place."""
    for node in _strings(tree):
        if node.lineno != node.end_lineno or node.end_col_offset is None:
            continue
        line = lines[node.lineno - 1]
        start, end = _column(line, node.col_offset), _column(line, node.end_col_offset)
        if _PLAIN_SINGLE.fullmatch(line, start, end):
            lines[node.lineno - 1] = f'{line[:start]}"{line[start + 1:end - 1]}"{line[end:]}'


def runs(text: str, line_length: int) -> list[str]:
    """``text`` prestyled and cut into pieces black formats exactly as the whole once joined
    with two blank lines between them: runs of top-level classes with no line longer than
    ``line_length`` alternate with runs of classes with one. Text black must see as it is (an
    odd line break, a ``fmt:`` directive, a syntax error) is one piece, unchanged."""
    tree = parse(text) if cuttable(text) else None
    if tree is None:
        return [text]
    lines, gaps = _prestyle(text, tree)
    # the cut lines, moved down by the blank lines inserted above them
    shifted = [cut + bisect.bisect_left(gaps, cut) for cut in cuts(tree.body, text.split("\n"))]
    bounds = [0, *shifted, len(lines)]
    pieces: list[str] = []
    current: list[str] = []
    current_long: bool | None = None
    for start, end in itertools.pairwise(bounds):
        chunk = lines[start:end]
        long = any(len(line) > line_length for line in chunk)
        if current and long != current_long:
            pieces.append(_piece(current))
            current = []
        current.extend(chunk)
        current_long = long
    pieces.append(_piece(current))
    return pieces


def _piece(lines: list[str]) -> str:
    """One piece's text: its lines, without the blank lines between it and the next piece."""
    text = "\n".join(lines)
    return text.rstrip("\n") + "\n" if text.strip() else text
