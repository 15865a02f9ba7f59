"""The formatting path gives black's bytes: pieces, workers and the cache change nothing."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator.formatting import BLACK_MODE, Formatter, format_modules, join_pieces, split_module
from generator.prestyle import NESTED, unnest

MODELS = '''"""Models."""

from __future__ import annotations
from enum import Enum
from pydantic import BaseModel, Field


class A(BaseModel):
    x: int = Field(..., description='a "quoted" value')
    y: list[str] | None = None
class B(Enum):
    one = 'one'



class C(BaseModel):
    """Doc.

    class NotAClass(BaseModel):
    """
    z: str | None = None
    # a trailing comment in the body

class D(BaseModel):
    a: A


@decorated
class E(BaseModel):
    pass
# a comment between classes
class F(BaseModel):
    value: dict[str, int] = {'a': 1, 'b': 2}
class G(BaseModel):
    s: str = """
class H:
"""
class Client:
    """A client."""
    def a(self) -> int:
        return 1

    def b(self) -> int: ...
    def c(self) -> int: ...

    @property
    def d(self) -> int:
        return 4



    async def e(self, x: int = 1, y: list[str] = ['a', 'b', 'c'], z: dict[str, int] = {'a': 1, 'b': 2}) -> int:
        return 5
    # a comment between methods

    def f(self) -> int:
        class Inner:
            def g(self) -> int:
                return 6

            def h(self) -> int:
                return 7
        return Inner().g()

    def i(self) -> str:
        return 'i'
D.model_rebuild()
'''


def formatted(pieces: list[tuple[str, bool]]) -> str:
    return join_pieces([unnest(black.format_str(text, mode=BLACK_MODE), nested) for text, nested in pieces])


@pytest.mark.parametrize("size", [1, 40, 200, 10_000])
def test_pieces_format_like_the_whole(size: int) -> None:
    pieces = split_module(MODELS, size)
    kept = [line for text, nested in pieces for line in text.removeprefix(NESTED if nested else "").splitlines() if line.strip()]
    assert kept == [line for line in MODELS.splitlines() if line.strip()]
    assert formatted(pieces) == black.format_str(MODELS, mode=BLACK_MODE)


def test_cuts_only_between_plain_classes_and_their_methods() -> None:
    pieces = split_module(MODELS, 1)
    starts = [(text.removeprefix(NESTED if nested else "").split("\n", 1)[0], nested) for text, nested in pieces]
    assert starts == [
        ('"""Models."""', False),
        ("class B(Enum):", False),
        ("class C(BaseModel):", False),
        ("class G(BaseModel):", False),
        ("class Client:", False),
        ("    def b(self) -> int: ...", True),
        ("    async def e(self, x: int = 1, y: list[str] = ['a', 'b', 'c'], z: dict[str, int] = {'a': 1, 'b': 2}) -> int:", True),
        ("    def i(self) -> str:", True),
    ]
    assert all(text.startswith(NESTED) for text, nested in pieces if nested)


def test_unparsable_or_fmt_text_is_not_cut() -> None:
    assert split_module("class A:\n    x = (\n" * 50, 1) == [("class A:\n    x = (\n" * 50, False)]
    fmt = MODELS.replace("class D(BaseModel):", "# fmt: off\nclass D(BaseModel):")
    assert split_module(fmt, 1) == [(fmt, False)]


@pytest.mark.parametrize("workers", [1, 2])
def test_formatter_matches_black_and_fills_the_cache(
    workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.formatting.cache_dir", lambda: tmp_path)
    monkeypatch.setattr("generator.formatting.PIECE", 50)
    monkeypatch.setattr("generator.formatting.INLINE_BELOW", 0)
    sources = {"m.py": MODELS, "small.py": "x=1\n"}
    expected = {path: black.format_str(text, mode=BLACK_MODE) for path, text in sources.items()}
    assert format_modules(sources, workers) == expected
    assert len(list(tmp_path.rglob("*"))) >= 2  # stored
    assert format_modules(sources, workers) == expected  # and read back


def test_invalid_module_is_reported_with_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECWRIGHT_CACHE", "0")
    with Formatter(1) as formatter, pytest.raises(RuntimeError, match=r"rendered pkg/x\.py is not valid Python"):
        formatter.submit("pkg/x.py", "def (:\n").result()
