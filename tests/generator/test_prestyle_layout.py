"""Black's layout of long ``def`` headers, long statements ending in a call, and dictionaries
with a magic trailing comma, made ahead of black: the text black leaves alone, or, where the
rules are unsure, the line as it was."""

from __future__ import annotations

import ast

import black
import pytest

from generator.formatting import BLACK_MODE
from generator.prestyle import call_layout, def_layout, dict_layout, prestyled

LENGTH = BLACK_MODE.line_length


def black_of(text: str) -> str:
    return black.format_str(text, mode=BLACK_MODE)


def once(text: str) -> str:
    """One pass of black: a text it leaves alone needs no second pass."""
    return black._format_str_once(text, mode=BLACK_MODE)


def wrapped(body: str) -> str:
    return f"class Client:\n{body}\n        return None\n"


HUGGED = "    def get_item(self, item_id: str, *, request_options: RequestOptions | None = None) -> models.SomeLongModelName:"
EXPLODED = (
    "    def list_items(self, owner: str, repo: str, *, per_page: int = 30, page: int = 1, sort: str = \"updated\", "
    "direction: str = \"desc\", since: datetime | None = None, request_options: RequestOptions | None = None) -> list[models.Item]:"
)
LONE = "    def a_rather_long_method_name_that_goes_on(self) -> models.AModelNameLongEnoughToPushThePastTheLimit | None:"


@pytest.mark.parametrize("line", [HUGGED, EXPLODED, LONE], ids=["hugged", "one-a-line", "lone-parameter"])
def test_def_layout_is_what_black_gives(line: str) -> None:
    assert len(line) > LENGTH
    layout = def_layout(line, LENGTH)
    assert layout is not None
    text = wrapped("\n".join(layout))
    assert once(text) == text
    assert text == black_of(wrapped(line))


def test_def_layout_shapes() -> None:
    hugged = def_layout(HUGGED, LENGTH)
    assert hugged is not None and len(hugged) == 3 and not hugged[1].endswith(",")
    exploded = def_layout(EXPLODED, LENGTH)
    assert exploded is not None and exploded[2:4] == ["        owner: str,", "        repo: str,"] and exploded[-1] == "    ) -> list[models.Item]:"
    lone = def_layout(LONE, LENGTH)
    assert lone is not None and lone[1] == "        self,"


@pytest.mark.parametrize(
    "line",
    [
        "    def f(self, x: int, *, a_long_parameter_name: str = 'one', another_long_parameter: str = 'two') -> None:  # c",
        "    def f(self, x: int, *, a_long_parameter_name: str = \"a,b\", another_long_parameter: str = \"two\") -> None:",
        "    def f(self, x: int, *, a_long_parameter_name: str = \"one\", another_long_parameter: str = \"two\",) -> None:",
        "    def f(self, x: int, *, a_long_parameter_name: str=\"one\", another_long_parameter: str = \"two\") -> None:",
        "    def f(self, x: int, *, a_long_parameter_name: str = \"one\", another_long_parameter: str = \"two\") -> \"T\":",
        "    def f(self, x: int, *, a_long_parameter_name: str = \"caf\u00e9\", another_long_parameter: str = \"t\") -> None:",
        "    def f(self, x: int, *, a_long_parameter_name: dict[str,int] = {}, another_long_parameter: str = \"t\") -> None:",
        "    def f(self, x: int = 1, *, " + ", ".join(f"p{i}: Annotated[str, Field(description='{'x' * 90}')]" for i in range(2)) + ") -> None:",
    ],
    ids=["comment", "comma-in-string", "magic-comma", "odd-spacing", "string-annotation", "non-ascii", "no-space-after-comma", "param-too-long"],
)
def test_def_layout_leaves_what_it_is_unsure_of(line: str) -> None:
    assert len(line) > LENGTH
    assert def_layout(line, LENGTH) is None


def _call_of(line: str) -> ast.Call:
    """The call ``line`` (a statement of a method) ends with, with the columns of ``line``."""
    tree = ast.parse("class C:\n    def f(self):\n" + line + "\n")
    value = next(node.value for node in ast.walk(tree) if isinstance(node, (ast.AnnAssign, ast.Assign)))
    call = value.value if isinstance(value, ast.Await) else value
    assert isinstance(call, ast.Call)
    return call


@pytest.mark.parametrize("awaited", [False, True], ids=["call", "await"])
def test_call_layout_is_what_black_gives(awaited: bool) -> None:
    model = "list[models.IntegrationInstallationRequest]"
    line = f"        result: {model} = {'await ' if awaited else ''}self._core.call(call, {model})"
    assert len(line) > LENGTH
    layout = call_layout(line, _call_of(line), LENGTH)
    assert layout == [line[: line.index("(") + 1], f"            call, {model}", "        )"]
    head = "class C:\n    async def f(self):\n"
    text = head + "\n".join(layout) + "\n"
    assert once(text) == text == black_of(head + line + "\n")


def test_call_layout_leaves_arguments_that_do_not_fit() -> None:
    line = "        x = f(" + ", ".join(f"argument_number_{i}" for i in range(8)) + ")"
    assert len(line) > LENGTH
    assert call_layout(line, _call_of(line), LENGTH) is None


def test_dict_layout_is_what_black_gives() -> None:
    source = 'call = Call(\n    "GET",\n    path_params={ "owner": owner, "repo": repo,  },\n    accept="application/json",\n)\n'
    tree = ast.parse(source)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.Dict))
    lines = source.split("\n")
    layout = dict_layout(lines[2], node, True)
    assert layout == ["    path_params={", '        "owner": owner,', '        "repo": repo,', "    },"]
    assert dict_layout(lines[2], node, False) is None  # not an argument line of an exploded call
    laid_out = "\n".join([*lines[:2], *layout, *lines[3:]])
    assert once(laid_out) == laid_out == black_of(source)


def test_dict_without_magic_trailing_comma_is_left_alone() -> None:
    source = 'call = Call(\n    "GET",\n    path_params={"owner": owner, "repo": repo},\n)\n'
    node = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Dict))
    assert dict_layout(source.split("\n")[2], node, True) is None


def test_prestyled_module_is_black_stable_and_formats_the_same() -> None:
    source = (
        "class Client:\n"
        f"{EXPLODED}\n"
        '        """Doc."""\n'
        "        call = Call(\n"
        '            "GET",\n'
        '            path_params={ "owner": owner, "repo": repo,  },\n'
        "            options=request_options,\n"
        "        )\n"
        "        result: list[models.IntegrationInstallationRequest] = self._core.call(call, list[models.IntegrationInstallationRequest])\n"
        "        return result\n"
    )
    laid_out = prestyled(source, LENGTH)
    assert laid_out != source
    assert once(laid_out) == laid_out
    assert black_of(laid_out) == black_of(source)
    assert prestyled(source) == source  # without a line length: quotes and docstring gaps only
