"""Black's cheap changes made ahead, and runs of classes: black's output never changes."""

from __future__ import annotations

import ast
import itertools

import black
import pytest

from generator.formatting import BLACK_MODE, format_module, join_pieces
from generator.prestyle import prestyled, runs, statements, unnest

SOURCE = '''"""Models."""

from __future__ import annotations
from enum import Enum
from pydantic import BaseModel, Field


class A(BaseModel):
    """
    A's doc with 'quotes' inside.
    """
    x: int = Field(..., description='plain', examples=['a', "b", 'it\\'s', r'raw', b'bytes'])
    """
    A field's doc.
    """
    y: str = f'{x} and {"nested"}'
    z: str = 'caf\u00e9' + '\u00e9t\u00e9'
class B(Enum):
    """One-line doc."""

    one = 'one'
    two = 'two' 'three'



class C(BaseModel):
    """Doc followed by a method."""
    def f(self) -> str:
        return 'f'


class D(BaseModel):
    """Doc followed by a comment."""
    # a comment
    a: A


class E(BaseModel):
    """Doc followed by a nested class."""
    class Config:
        extra = 'forbid'


class F(BaseModel):
    """Only a doc."""


class FF(BaseModel):
    # a comment before the docstring
    """Doc after a comment."""
    x: int


class G(BaseModel):
    model_config = ConfigDict(extra='forbid', populate_by_name=True, arbitrary_types_allowed=True, frozen=True)
    value: dict[str, int] = {'a': 1, 'b': 2}


class H(BaseModel):
    """Doc on a class with a long line."""
    value: Annotated[str, Field(description='a description long enough to be wrapped by black, surely')]


class I(BaseModel):
    s: str = 'x'


class Client:
    def short(self) -> str:
        return 'short'

    def long(self, first: int = 1, second: list[str] = ['a', 'b', 'c'], third: dict[str, int] = {'a': 1}) -> int:
        return 2

    def also_short(self) -> str:
        return 'also'
'''


def black_of(text: str) -> str:
    return black.format_str(text, mode=BLACK_MODE)


def test_prestyled_text_formats_like_the_original() -> None:
    assert prestyled(SOURCE) != SOURCE
    assert black_of(prestyled(SOURCE)) == black_of(SOURCE)


def test_plain_strings_take_double_quotes_others_stay() -> None:
    text = prestyled(SOURCE)
    assert "description=\"plain\", examples=[\"a\", \"b\", 'it\\'s', r'raw', b'bytes']" in text
    assert "f'{x} and {\"nested\"}'" in text  # inside an f-string quotes nest: left alone
    assert "A's doc with 'quotes' inside." in text  # a docstring is not touched
    assert "\"caf\u00e9\" + \"\u00e9t\u00e9\"" in text  # columns are bytes in ast: non-ASCII lines too
    assert "two = 'two' 'three'" in text  # two tokens: black's job


def test_a_blank_line_follows_a_class_docstring_before_a_statement() -> None:
    text = prestyled(SOURCE)
    assert '    A\'s doc with \'quotes\' inside.\n    """\n\n    x: int' in text
    assert '"""One-line doc."""\n\n    one' in text  # already there: not doubled
    assert '"""Doc followed by a method."""\n    def f' in text
    assert '"""Doc followed by a comment."""\n    # a comment' in text
    assert '"""Doc followed by a nested class."""\n    class Config' in text
    assert '"""Only a doc."""\n\n\nclass FF' in text
    assert '"""Doc after a comment."""\n    x: int' in text  # black keeps what the user had here


def formatted(pieces: list[tuple[str, bool]]) -> str:
    return join_pieces([unnest(black_of(text), nested) for text, nested in pieces])


def test_runs_format_like_the_whole() -> None:
    pieces = runs(SOURCE, 100)
    assert len(pieces) > 2
    assert formatted(pieces) == black_of(SOURCE)
    assert format_module("m.py", SOURCE) == black_of(SOURCE)


def test_runs_separate_classes_and_methods_black_rewraps() -> None:
    pieces = runs(SOURCE, 100)
    long = [any(len(line) > 100 for line in text.splitlines()) for text, _ in pieces]
    assert all(a != b for a, b in itertools.pairwise(long))  # runs alternate
    # G's long call and the long def are laid out as black would (test_prestyle_layout.py): only
    # H's annotation is left for black to rewrap
    assert [text.split("\n", 1)[0] for text, _ in pieces] == ['"""Models."""', "class H(BaseModel):", "class I(BaseModel):"]
    assert "    def long(\n        self, first: int = 1," in pieces[-1][0]


@pytest.mark.parametrize(
    "text",
    [
        "class A:\n    x = 'a'\n\n\nclass B:\n    y = 'b'  # fmt: skip\n",
        "class A:\n    x = 'a\x0c'\n\n\nclass B:\n    y = 'b'\n",
        "class A:\n    x = 'a'\r\n\r\n\r\nclass B:\r\n    y = 'b'\r\n",
        "class A:\n    x = (\n",
    ],
    ids=["fmt-directive", "form-feed", "crlf", "syntax-error"],
)
def test_text_black_must_see_as_it_is_stays_whole(text: str) -> None:
    assert runs(text, 100) == [(text, False)]
    assert prestyled(text) == text


def test_statements_reach_every_nested_statement_and_no_expression() -> None:
    tree = ast.parse(
        "class A:\n    x: int\n    def f(self):\n        if x:\n            y = 1\n        else:\n            z = 2\n"
        "try:\n    pass\nexcept E:\n    w = 3\nfinally:\n    v = 4\nmatch q:\n    case 1:\n        u = 5\n"
    )
    found = list(statements(tree))
    assert {type(s).__name__ for s in found} >= {"ClassDef", "AnnAssign", "FunctionDef", "If", "Try", "Match"}
    names = {t.id for s in found if isinstance(s, ast.Assign) for t in s.targets if isinstance(t, ast.Name)}
    assert names == {"y", "z", "w", "v", "u"}
    assert not any(isinstance(s, ast.expr) for s in found)
