"""escaping: spec text stays in the place it lands, whatever it holds."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.escaping import clean, code_span, comment, docstring, literal, markdown, markdown_inline, toml
from generator.ir import SpecText
from generator.render import environment

HOSTILE = [
    '"""\nimport os; os.system("echo pwned")\n"""',
    'ends with a quote"',
    'ends with two quotes""',
    "backslash at the end \\",
    "\\N{bad escape} and \\x",
    "nul \x00 and bell \x07 and carriage\rreturn",
    "line\u2028separator and paragraph\u2029separator",
    "'''single triple'''",
    "<script>alert(1)</script> [link](javascript:alert(1)) | a | table |",
]

texts = st.one_of(st.sampled_from(HOSTILE), st.text())


@given(texts)
def test_docstring_never_ends_the_string(text: str) -> None:
    source = f'def f():\n    """{docstring(text, 4)}"""\n    return 1\n'
    tree = ast.parse(source)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef) and len(func.body) == 2  # the docstring and the return, nothing else
    assert ast.get_docstring(func, clean=False) is not None


@given(texts)
def test_comment_is_one_line(text: str) -> None:
    out = comment(text)
    assert "\n" not in out and "\r" not in out
    tree = ast.parse(f"x = 1  # {out}\n")
    assert len(tree.body) == 1


@given(st.one_of(texts, st.integers(), st.booleans(), st.none(), st.tuples(texts, st.integers())))
def test_literal_round_trips(value: object) -> None:
    assert ast.literal_eval(literal(value)) == value


def test_literal_refuses_what_has_no_literal() -> None:
    with pytest.raises(ValueError):
        literal(float("inf"))
    with pytest.raises(TypeError):
        literal(object())


@given(texts)
def test_toml_round_trips_clean_text(text: str) -> None:
    assert tomllib.loads(f"x = {toml(text)}\n")["x"] == clean(text)


@given(texts)
def test_markdown_has_no_html_or_links(text: str) -> None:
    out = markdown(text)
    assert "<" not in out and ">" not in out
    assert "[" not in out.replace("\\[", "")  # every bracket escaped: no link can open
    assert "\n" not in markdown_inline(text)


@given(texts)
def test_code_span_stays_one_span(text: str) -> None:
    out = code_span(text)
    assert "`" not in out and "\n" not in out and "|" not in out.replace("\\|", "")


def test_unfiltered_spec_text_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.jinja").write_text('"""{{ title }}"""\n', encoding="utf-8")
    env = environment(tmp_path)
    with pytest.raises(jinja2.TemplateError, match="without an escaping filter"):
        env.get_template("t.jinja").render(title=SpecText('"""; import os'))
    (tmp_path / "ok.jinja").write_text('"""{{ title | docstring }}"""\n', encoding="utf-8")
    rendered = env.get_template("ok.jinja").render(title=SpecText('"""; import os'))
    assert len(ast.parse(rendered).body) == 1
