"""Hostile text in every place a spec can put a string, generated, formatted and run.

Each string carries a tag (where it came from) and a payload that tries to end a docstring,
a literal or a comment of either quote kind, to start Jinja, Markdown or TOML syntax, and to
break lines (``\\r``, ``\\u2028``), plus NUL and a trailing backslash. The generated package
must parse, be black's own output, import and answer a call in a fresh process (cwd in a
temporary folder) without creating the marker file, and show the text where it is shown.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import black
import pytest

from generator.config import package_config
from generator.escaping import clean
from generator.pipeline import BLACK_MODE, generate_package, write_package

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = (
    " \"\"\"; import os; open('MARKER','w'); \"\"\" '''; open('MARKER','w'); ''' "
    "{{ 7*7 }} {% if 1 %}J{% endif %} {# c #} \\N{x} \\ \r\n# comment start\rcr\u2028ls\x00nul"
    "\n```\n> quote\n- item\n<!-- --> [l](javascript:x) | pipe end\\"
)
# what must survive wherever the text is shown (prose loses only controls and line breaks)
SHOWN = ["\"\"\"; import os; open('MARKER','w'); \"\"\"", "'''; open('MARKER','w'); '''", "{{ 7*7 }}", "{% if 1 %}J{% endif %}", "end\\"]


def hostile(tag: str) -> str:
    return f"T{tag}{PAYLOAD}"


def spec() -> dict[str, Any]:
    h = hostile
    thing = {
        "type": "object",
        "title": h("schematitle"),
        "description": h("schemadesc"),
        "example": {"name": h("schemaexample")},
        "properties": {
            "name": {"type": "string", "description": h("propdesc"), "default": h("propdefault"), "example": h("propexample"), "title": h("proptitle")},
            h("propname"): {"type": "string", "description": h("prop2desc")},
            "kind": {"$ref": "#/components/schemas/Kind"},
            "pattern": {"type": "string", "pattern": "^a\"\"\"b\\\\$"},
            "obj": {"type": "object", "additionalProperties": {"type": "string"}, "default": {h("dkey"): h("dval")}},
            "arr": {"type": "array", "items": {"type": "string"}, "default": [h("aval")]},
            "inner": {"type": "object", "title": h("innertitle"), "description": h("innerdesc"), "properties": {"z": {"type": "string", "description": h("zdesc")}}},
            "renamed": {"type": "string", "x-speakeasy-name-override": "renamed_field"},
            "named": {"type": "integer", "enum": [1, 2], "x-enum-varnames": [h("varname"), "two"], "x-enum-descriptions": [h("enumdescs"), "d"]},
        },
    }
    return {
        "openapi": "3.0.3",
        # hostile text everywhere, not a complete API: the lint rules about what APIs document are off
        "x-specwright-lint": {"rules": {"no-unused-components": "off", "operation-error-response": "off"}},
        "info": {"title": h("title"), "version": "1.0", "description": h("infodesc"), "contact": {"name": h("contact")}, "license": {"name": h("license")}},
        "servers": [
            {
                "url": "https://{region}.example.test/base",
                "description": h("serverdesc"),
                "variables": {"region": {"default": "eu", "enum": ["eu", h("region")], "description": h("vardesc")}},
            }
        ],
        "externalDocs": {"url": "https://example.test/docs", "description": h("extdocs")},
        "tags": [{"name": "things", "description": h("tagdesc")}],
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key'\"\"\"", "description": h("schemedesc")}},
            "schemas": {
                "Thing": thing,
                h("schemaname"): {"type": "object", "description": h("s2desc"), "properties": {"v": {"type": "integer", "default": 3}}},
                "Kind": {"type": "string", "description": h("enumdesc"), "enum": [h("enum1"), "plain", "a\"\"\"b", "e\\", "x\x00y"], "default": "plain"},
            },
        },
        "security": [{"key": []}],
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "tags": ["things"],
                    "summary": h("summary"),
                    "description": h("opdesc"),
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "description": h("pathparam"), "schema": {"type": "string"}},
                        {"name": h("qname"), "in": "query", "description": h("qdesc"), "example": h("qexample"), "schema": {"type": "string", "default": h("qdefault")}},
                        {"name": "mode", "in": "query", "schema": {"type": "string", "enum": [h("qenum"), "plain"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": h("respdesc"),
                            "headers": {"X-Rate": {"description": h("hdrdesc"), "schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}, "example": {"name": h("mtexample")}}},
                        }
                    },
                }
            },
            "/things": {
                "post": {
                    "operationId": "makeThing",
                    "summary": h("summary2"),
                    "requestBody": {"description": h("bodydesc"), "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {"201": {"description": h("resp2"), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}},
                }
            },
        },
    }


SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import httpx
    import hostile_all
    from hostile_all import models
    modules = sorted(m.name for m in pkgutil.iter_modules(hostile_all.__path__))
    for name in modules:
        importlib.import_module("hostile_all." + name)
    seen = []
    def answer(request):
        seen.append({"url": str(request.url), "key": request.headers.get("X-Key'\\"\\"\\""), "params": dict(request.url.params)})
        return httpx.Response(200, json={"name": "n", "kind": 'a\\"\\"\\"b'})
    client = hostile_all.HostileAllApi(api_key="k", transport=httpx.MockTransport(answer))
    thing = client.get_thing("1")
    docs = {
        "package": hostile_all.__doc__, "api": hostile_all.api.__doc__,
        "method": hostile_all.HostileAllApi.get_thing.__doc__, "make": hostile_all.HostileAllApi.make_thing.__doc__,
        "model": models.Thing.__doc__, "enum": models.Kind.__doc__,
    }
    field = models.Thing.model_fields["name"]
    print(json.dumps({
        "modules": modules, "seen": seen, "kind": thing.kind.value, "docs": docs,
        "default": field.default, "title": field.title, "examples": field.examples,
        "enum": [m.value for m in models.Kind], "obj": models.Thing.model_fields["obj"].default,
        "aliases": sorted(f.alias for f in models.Thing.model_fields.values() if f.alias),
        "title_const": hostile_all.api.TITLE,
    }))
    """
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hostile_all")
    spec_path = folder / "spec.json"
    spec_path.write_text(json.dumps(spec()), encoding="utf-8")
    cfg = package_config("hostile_all", spec_path, {"package": "hostile_all"})
    out = folder / "out"
    write_package(generate_package(cfg, ROOT / "templates", folder), out)
    cwd = folder / "cwd"
    cwd.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=cwd, env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not (cwd / "MARKER").exists() and not (out / "MARKER").exists()
    return out, json.loads(result.stdout)


def test_every_file_parses_and_is_blacks_own_output(generated: tuple[Path, dict[str, Any]]) -> None:
    out, _ = generated
    python = sorted(out.rglob("*.py"))
    assert len(python) >= 5
    for path in python:
        source = path.read_text(encoding="utf-8")
        assert "\x00" not in source and "\r" not in source and "\u2028" not in source, path
        tree = ast.parse(source)
        header, body = source.split("\n", 1)
        assert header.startswith("# Generated by specwright from ")
        assert black.format_str(body, mode=BLACK_MODE) == body, path
        calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not any("open" in c or "os." in c for c in calls), (path, calls)
        imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "os" not in imports or path.name not in ("models.py", "api.py", "async_api.py"), path


def test_pyproject_and_readme_keep_the_text_as_text(generated: tuple[Path, dict[str, Any]]) -> None:
    out, _ = generated
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "hostile-all"
    for shown in SHOWN:
        assert shown in project["description"]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "<!-- -->" not in readme and "<script" not in readme and "[l](javascript" not in readme
    # no line of spec text opens a code fence, a quote or a list that would swallow what follows
    opened = [line for line in readme.splitlines() if line.startswith(("```", ">", "- item"))]
    assert opened.count("```python") == len([x for x in opened if x.startswith("```")]) // 2, opened
    assert not any(line.startswith((">", "- item")) for line in opened)
    assert "{{ 7\\*7 }}" in readme  # Jinja syntax stays text (Markdown-escaped)


def test_the_package_runs_and_values_reach_the_wire_exactly(generated: tuple[Path, dict[str, Any]]) -> None:
    _, run = generated
    assert {"api", "async_api", "errors", "models"} <= set(run["modules"])
    (request,) = run["seen"]
    assert request["key"] == "k"
    assert request["url"].startswith("https://eu.example.test/base/things/1?")
    assert request["params"] == {hostile("qname"): hostile("qdefault")}
    assert run["kind"] == 'a"""b'
    assert run["default"] == hostile("propdefault")
    assert run["title"] == clean(hostile("proptitle"))  # a title is prose: only controls and line ends differ
    assert run["examples"] == [hostile("propexample")]
    assert run["obj"] == {hostile("dkey"): hostile("dval")}
    assert run["enum"] == [hostile("enum1"), "plain", 'a"""b', "e\\", "x\x00y"]
    assert hostile("propname") in run["aliases"]
    assert run["title_const"] == hostile("title")


@pytest.mark.parametrize(("doc", "tag"), [
    ("package", "title"), ("api", "title"), ("method", "summary"), ("method", "opdesc"), ("method", "pathparam"),
    ("method", "qdesc"), ("method", "respdesc"), ("make", "bodydesc"), ("model", "schemadesc"), ("enum", "enumdesc"),
])  # fmt: skip
def test_docstrings_show_the_text(generated: tuple[Path, dict[str, Any]], doc: str, tag: str) -> None:
    _, run = generated
    text = " ".join(run["docs"][doc].split())
    start = text.index(f"T{tag} ")
    rest = text[start:]
    for shown in SHOWN:
        assert " ".join(shown.split()) in rest, (doc, tag, shown)
