"""A spec full of hostile text generates a package whose code is exactly what we wrote.

Titles, descriptions, summaries, names, URLs and defaults that try to end a docstring or
a literal stay text: every module parses, importing it runs no injected code, and the
values reach the client unchanged.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx

SPEC = Path(__file__).with_name("hostile.yaml")


def test_every_module_parses_and_calls_nothing_injected(
    tmp_path: Path, import_generated: Callable[..., contextlib.AbstractContextManager[ModuleType]]
) -> None:
    with import_generated(SPEC, "hostile", tmp_path) as pkg:
        folder = Path(pkg.__file__ or "").parent
        for path in folder.glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
            assert not any("system" in c or "SystemExit" in c or "__import__" in c for c in calls), path
        # the text is still there, as text
        assert "echo pwned" in (pkg.__doc__ or "") + (pkg.api.__doc__ or "") + (pkg.api.HostileApi.get_thing.__doc__ or "")


def test_hostile_values_reach_the_wire_unchanged(
    tmp_path: Path, import_generated: Callable[..., contextlib.AbstractContextManager[ModuleType]]
) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"name": 'x"', "kind": 'a"""b'})

    with import_generated(SPEC, "hostile", tmp_path) as pkg:
        client = pkg.HostileApi(api_key="k", transport=httpx.MockTransport(answer))
        thing = client.get_thing("1")
        assert thing.kind.value == 'a"""b'
        request = seen[0]
        assert request.headers["X-Key\"\"\"'"] == "k"
        assert request.url.host == "example.test"
        assert request.url.params["q'\"\"\""] == "d\"\"\"'"
        readme = (Path(pkg.__file__ or "").parents[1] / "README.md").read_text(encoding="utf-8")
        assert "<script>" not in readme
