"""Black's cheapest changes made ahead of black, and a module cut where black's work differs.

``black.format_str`` formats a text once and, when that changed anything, once more (black's
guard against trailing commas that only appear in the first pass). Generated code always
changes in the first pass -- single quotes, no blank line after a class docstring, one-line
signatures and calls longer than the line length, dictionaries written on one line with a
trailing comma -- so black would format every module twice. Three things let most of it
through in one pass, and none can change black's output:

- **Changes black makes regardless of the input** (:func:`prestyled`): a plain string literal
  without quotes or backslashes inside, ``'x'``, is written ``"x"`` (what black's quote
  normalisation makes of it, with the same length, so no line-splitting decision moves), and
  a class docstring followed directly by a statement gets the one blank line black always puts
  there (any number of blank lines, none included, becomes exactly one). If ``T`` is such a
  change, black's one pass gives the same text for ``T(x)`` as for ``x``; then
  ``format_str(T(x)) == format_str(x)`` (the second pass, run or not, starts from that text).
- **Black's layout of the generated shapes** (with a line length): a ``def`` header longer than
  the line (:func:`def_layout`), a statement ending in a call whose arguments fit on a line of
  their own (:func:`call_layout`), a dictionary argument with a magic trailing comma
  (:func:`dict_layout`). The last two only move line breaks inside brackets, which black does
  not read (it rebuilds every line from its tokens), so black's output is the same whether
  the guess is right or not. A ``def`` split one parameter a line gets the comma black adds
  after the last one, so that rule answers only where it knows black's (its "left-hand
  split": the parameters fit on one line or go one a line), and leaves any header it is
  unsure of as it was; a right guess is exactly black's first pass, whose text both passes
  then keep.
- **Runs** (:func:`runs`): the module is cut between top-level classes or methods (where
  :func:`split_module`'s rule allows a cut: black formats the pieces exactly as the whole) into
  runs black probably leaves alone -- no line longer than black's line length outside a
  docstring, no trailing blanks -- and runs it will rewrap, so only the latter are formatted
  twice. The guess only decides how fast black is; black's output is the same whatever it
  guesses.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize
from collections.abc import Iterator

from .bulk import gc_paused

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
    with gc_paused():
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            return None


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
    for node in statements(tree):
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


def _docstring_lines(tree: ast.Module) -> Iterator[int]:
    """0-based lines inside a string that is a statement of its own (a docstring): black
    re-indents such text and strips its trailing blanks but never rewraps it."""
    for node in statements(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            yield from range(node.lineno, (node.end_lineno or node.lineno) - 1)


def prestyled(text: str, line_length: int | None = None) -> str:
    """``text`` with black's quote and class-docstring changes already made (see the module's
    docstring), and with ``line_length`` black's layout of long ``def`` lines and of
    dictionaries with a magic trailing comma; ``text`` itself if black must see it as it is
    (:func:`runs`)."""
    tree = parse(text) if cuttable(text) else None
    return text if tree is None else "\n".join(_prestyle(text, tree, line_length)[0])


def _prestyle(text: str, tree: ast.Module, line_length: int | None) -> tuple[list[str], list[int]]:
    """The lines of :func:`prestyled`, and for each line of ``text`` (0-based) the line of
    the result it starts at (a line laid out anew starts the lines black gives for it)."""
    lines = text.split("\n")
    gaps = set(_docstring_gaps(tree, lines))
    _requote(lines, tree)
    layouts: dict[int, list[str]] = {}
    for index, layout in _layouts(tree, lines, line_length) if line_length is not None else ():
        layouts.setdefault(index, layout)
    out: list[str] = []
    starts: list[int] = []
    for index, line in enumerate(lines):
        starts.append(len(out))
        out.extend(layouts.get(index, (line,)))
        if index in gaps:
            out.append("")
    return out, starts


def _layouts(tree: ast.Module, lines: list[str], line_length: int) -> Iterator[tuple[int, list[str]]]:
    """0-based lines of ``lines`` that black lays out over several lines, each with black's lines
    (see :func:`def_layout`, :func:`call_layout` and :func:`dict_layout`); lines black would lay
    out otherwise, or that these rules are not sure of, are left out."""
    for node in statements(tree):
        if isinstance(node, _DEFS) and node.body and node.body[0].lineno > node.lineno:
            line = lines[node.lineno - 1]
            if len(line) > line_length:
                layout = def_layout(line, line_length)
                if layout is not None:
                    yield node.lineno - 1, layout
        elif isinstance(node, _CALL_STATEMENTS):
            call = _call(node.value)
            if call is None:
                continue
            if node.lineno == node.end_lineno:
                line = lines[node.lineno - 1]
                if len(line) > line_length:
                    layout = call_layout(line, call, line_length)
                    if layout is not None:
                        yield node.lineno - 1, layout
                continue
            for keyword in call.keywords:  # ``x = f(\n    a,\n    name={ "k": v,  },\n)``
                value = keyword.value
                if isinstance(value, ast.Dict) and value.lineno == value.end_lineno and value.keys:
                    index = value.lineno - 1
                    layout = dict_layout(lines[index], value, index > 0 and lines[index - 1].endswith(("(", ",")))
                    if layout is not None:
                        yield index, layout


def statements(tree: ast.Module) -> Iterator[ast.AST]:
    """Every statement of ``tree``, nested ones too (and the ``except`` and ``case`` clauses that
    hold them), without walking into expressions."""
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo.extend(getattr(node, field, ()))


#: The start of a ``def`` line: its indentation and everything up to its parameters' bracket.
_DEF_HEAD = re.compile(r"(?P<indent> *)(?P<head>(?:async )?def \w+\()")
#: Whitespace black would change inside a parameter (the layout's length would then be wrong).
_ODD_SPACE = re.compile(r"  |[([{] | [)\]},:]|,(?! )|\\")


def def_layout(line: str, line_length: int) -> list[str] | None:
    """Black's lines for a one-line ``def`` header ``line`` longer than ``line_length``, or None
    when this rule is not sure of them.

    Black splits such a header at its parameters' brackets (its "left-hand split"): the name
    and ``(`` on the first line, the parameters on the next, one indent deeper, ``)`` and the
    return annotation on the last. If the parameters do not fit on their line, they go one a
    line, each with a comma (black adds the last one); a lone parameter gets a comma either
    way. Any doubt -- a comment, a string in the return annotation, a comma already after the
    last parameter, a line of the result still too long (black would split it further),
    whitespace black would change, non-ASCII text -- and the header is left to black.
    """
    match = _DEF_HEAD.match(line)
    if match is None or not line.isascii() or not line.endswith(":") or "#" in line:
        return None
    indent, head = match.group("indent"), match.group("head")
    params, rest = _parameters(line, match.end() - 1)
    if params is None or rest is None or not re.fullmatch(r"(?: -> [^'\"]+)?:", rest):
        return None
    if re.search(r",\s*[)\]}]", rest) or any(not p or _ODD_SPACE.search(p) for p in params):
        return None
    if line != f"{indent}{head}{', '.join(params)}){rest}":
        return None  # separators black would change
    for param in params:
        name, equals, _ = param.partition("=")
        if equals and (":" in name) != name.endswith(" "):
            return None  # black writes ``x: int = 1`` but ``x=1``
    inner = indent + "    "
    body = ", ".join(params)
    if len(params) == 1:
        if "," in body:
            return None  # black's rule for a lone parameter's comma looks at what the commas belong to
        body += ","
    if len(inner) + len(body) <= line_length:
        layout = [indent + head, inner + body, f"{indent}){rest}"]
    else:
        layout = [indent + head, *(f"{inner}{p}," for p in params), f"{indent}){rest}"]
    return layout if all(len(x) <= line_length for x in layout) else None


def _parameters(line: str, opening: int) -> tuple[list[str] | None, str | None]:
    """The parameters between the bracket at column ``opening`` of ``line`` and its match (split
    at their top-level commas, stripped) and the text after the match; ``(None, None)`` if the
    line does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return None, None
    depth = 0
    start = opening + 1
    params: list[str] = []
    for token in tokens:
        if token.start[0] != 1 or token.start[1] < opening or token.type != tokenize.OP:
            continue
        if token.string in "([{":
            depth += 1
        elif token.string in ")]}":
            depth -= 1
            if depth == 0:
                params.append(line[start:token.start[1]].strip())
                return params, line[token.end[1]:]
        elif token.string == "," and depth == 1:
            params.append(line[start:token.start[1]].strip())
            start = token.end[1]
    return None, None


_CALL_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.Return, ast.Expr)


def _call(value: ast.expr | None) -> ast.Call | None:
    """The call a statement's value is (``f(x)``, or ``await f(x)``), if it is one."""
    if isinstance(value, ast.Await):
        value = value.value
    return value if isinstance(value, ast.Call) else None


def call_layout(line: str, call: ast.Call, line_length: int) -> list[str] | None:
    """Black's lines for ``line``, a one-line statement longer than ``line_length`` that ends
    with the call ``call`` (``result: T = f(a, b)``), when its arguments fit on one line: the
    statement up to the call's bracket, the arguments one indent deeper, the closing bracket
    (black's "right-hand split"). None when any line of that would still be too long (black
    would split the arguments and add a comma) or the line is not of that form.

    The lines hold the same tokens as ``line``; only where the line breaks differs, which black
    does not read, so black's output is the same either way.
    """
    if not line.isascii() or "#" in line or not line.endswith(")") or call.end_col_offset != len(line):
        return None
    opening = call.func.end_col_offset
    if opening is None or line[opening:opening + 1] != "(":
        return None
    indent = line[: len(line) - len(line.lstrip(" "))]
    head, body = line[: opening + 1], line[opening + 1 : -1].strip()
    if not body or body.endswith(",") or not line[len(indent):].strip() or len(head) > line_length:
        return None
    if len(indent) + 4 + len(body) > line_length:
        return None
    return [head, f"{indent}    {body}", f"{indent})"]


def dict_layout(line: str, node: ast.Dict, in_brackets: bool) -> list[str] | None:
    """Black's lines for ``line``, a keyword argument ``name={ ... }`` of an exploded call (the line
    before it ends with ``(`` or ``,``; ``in_brackets``) whose dictionary ``node`` has a comma
    after its last item, a "magic trailing comma": black writes each item on its own line, one
    indent deeper, between ``name={`` and ``},``. None for any other line.

    The lines hold the same tokens as ``line``; only where the line breaks differs, which black
    does not read, so black's output is the same either way.
    """
    match = re.fullmatch(r"(?P<indent> +)(?P<name>\w+=)\{ ?(?P<items>.*?),\s*\},", line)
    if match is None or not in_brackets or "#" in line:
        return None
    indent = match.group("indent")
    if _column(line, node.col_offset) != match.end("name") or node.end_col_offset is None:
        return None
    if _column(line, node.end_col_offset) != len(line) - 1:
        return None
    last = node.values[-1].end_col_offset
    if last is None or line[_column(line, last):_column(line, node.end_col_offset) - 1].strip() != ",":
        return None
    items = []
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None or value.end_col_offset is None or key.end_col_offset is None:
            return None  # ``**mapping``
        items.append(
            f"{line[_column(line, key.col_offset):_column(line, key.end_col_offset)]}: "
            f"{line[_column(line, value.col_offset):_column(line, value.end_col_offset)]},"
        )
    return [f"{indent}{match.group('name')}{{", *(f"{indent}    {item}" for item in items), f"{indent}}},"]


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
    lines, starts = _prestyle(text, tree, line_length)
    # the cut lines, where they moved to
    bounds = [(0, False)]
    bounds += [(starts[cut], nested) for cut, nested in cuts(tree.body, text.split("\n"))]
    bounds.append((len(lines), False))
    # lines black rewraps: too long (a docstring's text is never rewrapped) or with trailing blanks
    prose = {starts[index] for index in _docstring_lines(tree)}
    rewrapped = [
        (len(line) > line_length and index not in prose) or line.endswith((" ", "\t"))
        for index, line in enumerate(lines)
    ]
    pieces: list[tuple[str, bool]] = []
    start, nested = bounds[0]
    current_long: bool | None = None
    for (begin, begin_nested), (end, _) in itertools.pairwise(bounds):
        long = any(rewrapped[begin:end])
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
