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


#: The stand-in class a piece of methods is formatted under (and the line taken off after).
NESTED = "class _:\n"


def cuts(body: list[ast.stmt], lines: list[str]) -> Iterator[tuple[int, bool]]:
    """0-based lines where a module may be cut, each with whether the cut is inside a class.

    - Between two top-level classes (the second undecorated) with nothing but blank lines
      between them: black puts exactly two blank lines there, whatever the source had.
    - Between two methods of a top-level class (the second undecorated) with nothing but blank
      lines, one at least, between them: black puts exactly one blank line there. The methods
      after such a cut are formatted under a stand-in class header (:data:`NESTED`), at the
      same depth, with the same blank-line rules, and the header is taken off again.

    No token, comment or bracket spans either cut.
    """
    for index, node in enumerate(body):
        if isinstance(node, ast.ClassDef):
            for first, second in itertools.pairwise(node.body):
                if isinstance(first, _DEFS) and isinstance(second, _DEFS) and not second.decorator_list:
                    cut = _blank_gap(first, second, lines, at_least=1)
                    if cut is not None:
                        yield cut, True
        if index + 1 < len(body):
            after = body[index + 1]
            if isinstance(node, ast.ClassDef) and isinstance(after, ast.ClassDef) and not after.decorator_list:
                cut = _blank_gap(node, after, lines, at_least=0)
                if cut is not None:
                    yield cut, False


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _blank_gap(first: ast.stmt, second: ast.stmt, lines: list[str], at_least: int) -> int | None:
    """The 0-based line ``second`` starts at, if only blank lines (``at_least`` of them) are
    between the end of ``first`` and it."""
    end = first.end_lineno or first.lineno
    cut = second.lineno - 1
    if cut - end < at_least or any(line.strip() for line in lines[end:cut]):
        return None
    return cut


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
    triple-quoted, on its own lines right after the class line (no comment line between), and
    the next line is an ordinary statement of the class."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or len(node.body) < 2:
            continue
        doc, nxt = node.body[0], node.body[1]
        if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str)):
            continue
        if doc.lineno == node.lineno or doc.end_lineno is None:
            continue
        if any(line.lstrip().startswith("#") for line in lines[node.lineno:doc.lineno - 1]):
            continue  # a comment line before the docstring: black's rule is for the line after the class's
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


def runs(text: str, line_length: int) -> list[tuple[str, bool]]:
    """``text`` prestyled and cut (:func:`cuts`) into pieces black formats exactly as the whole
    once joined by :func:`join`: runs of classes or methods with no line longer than
    ``line_length`` alternate with runs that have one. Each piece comes with whether it starts
    inside a class (its text then starts with :data:`NESTED`). Text black must see as it is (an
    odd line break, a ``fmt:`` directive, a syntax error) is one piece, unchanged."""
    tree = parse(text) if cuttable(text) else None
    if tree is None:
        return [(text, False)]
    lines, gaps = _prestyle(text, tree)
    # the cut lines, moved down by the blank lines inserted above them
    bounds = [(0, False)]
    bounds += [(cut + bisect.bisect_left(gaps, cut), nested) for cut, nested in cuts(tree.body, text.split("\n"))]
    bounds.append((len(lines), False))
    pieces: list[tuple[str, bool]] = []
    start, nested = bounds[0]
    current_long: bool | None = None
    for (begin, begin_nested), (end, _) in itertools.pairwise(bounds):
        long = any(len(line) > line_length for line in lines[begin:end])
        if begin > start and long != current_long:
            pieces.append(piece(lines[start:begin], nested))
            start, nested = begin, begin_nested
        current_long = long
    pieces.append(piece(lines[start:], nested))
    return pieces


def piece(lines: list[str], nested: bool) -> tuple[str, bool]:
    """One piece: its lines without the blank lines before the next piece, under the stand-in
    class header if it starts inside a class."""
    text = "\n".join(lines)
    text = text.rstrip("\n") + "\n" if text.strip() else text
    return (NESTED + text if nested else text), nested


def unnest(formatted: str, nested: bool) -> str:
    """Black's text of a piece without the stand-in class header."""
    if not nested:
        return formatted
    if not formatted.startswith(NESTED):
        raise ValueError("black changed the stand-in class header")
    return formatted[len(NESTED):]


def join(formatted: list[str]) -> str:
    """Formatted pieces (headers taken off) as one text: one blank line before a piece that
    starts inside a class (it starts indented), two before one that starts a top-level class
    (black ends each piece with one newline)."""
    out = formatted[:1]
    for text in formatted[1:]:
        out.append("\n" if text.startswith((" ", "\t")) else "\n\n")
        out.append(text)
    return "".join(out)
