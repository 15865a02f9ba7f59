"""What the models leave out rather than fail on: patterns pydantic's regex engine refuses (a
warning, and a model that still imports) and defaults their own schema rejects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.loosen import refusal, rejected_defaults, unsupported_patterns, without

SPEC = r"""
openapi: 3.0.3
info: {title: Patterns, version: "1"}
paths:
  /files:
    get:
      operationId: listFiles
      parameters:
        - {name: q, in: query, schema: {type: string, pattern: '^(?!tmp).*$'}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
components:
  schemas:
    File:
      type: object
      example: {pattern: '(?=not a schema)'}
      properties:
        name: {type: string, pattern: '^[\w.@() -]{1,255}$'}
        owner: {type: string, pattern: '^(?!root$)[a-z]+$'}
        code: {type: string, pattern: '^[A-Z]{3}$'}
"""
#: a pattern that is not a string: an OpenAPI error, and the model generator's crash before
NOT_A_STRING = SPEC + "        frame: {type: string, pattern: 0}\n        example: {type: string, pattern: '(?!x)'}\n"


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [("^[A-Z]{3}$", False), ("^(?!root$)[a-z]+$", True), (r"(a)\1", True), (r"^[\w.@() -]{1,255}$", True)],
)
def test_refusal_is_the_models_engine(pattern: str, refused: bool) -> None:
    assert (refusal(pattern) is not None) is refused


def test_found_in_schemas_not_in_examples() -> None:
    doc = yaml.safe_load(NOT_A_STRING)
    found = {"/".join(map(str, where)) for where, _, _ in unsupported_patterns(doc)}
    assert found == {
        "paths//files/get/parameters/0/schema",
        "components/schemas/File/properties/name",
        "components/schemas/File/properties/owner",
        "components/schemas/File/properties/frame",
        "components/schemas/File/properties/example",
    }
    loosened = without(doc, "pattern", [where for where, _, _ in unsupported_patterns(doc)])
    assert "pattern" not in loosened["components"]["schemas"]["File"]["properties"]["owner"]
    assert loosened["components"]["schemas"]["File"]["properties"]["code"]["pattern"] == "^[A-Z]{3}$"
    assert doc["components"]["schemas"]["File"]["properties"]["owner"]["pattern"]  # the input is not changed


def test_validate_warns_with_pointer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "patterns.yaml"
    spec.write_text(SPEC)
    assert main(["validate", str(spec)]) == 0  # warnings only
    err = capsys.readouterr().err
    assert "patterns.yaml:21: #/components/schemas/File/properties/owner/pattern: warning: [pattern-checkable]" in err
    assert main(["validate", "--strict", str(spec)]) == 1


def test_the_client_imports_and_keeps_the_patterns_it_can_check(tmp_path: Path) -> None:
    spec = tmp_path / "patterns.yaml"
    spec.write_text(NOT_A_STRING)
    out = tmp_path / "out"
    assert main(["generate", str(spec), "--package", "patterns", "--output", str(out)]) == 0
    check = (
        "import pydantic, patterns.models as m\n"
        "f = m.File(name='a b', owner='root')\n"  # refused patterns are not checked
        "assert f.owner == 'root'\n"
        "try:\n    m.File(code='abcd')\nexcept pydantic.ValidationError:\n    pass\n"
        "else:\n    raise AssertionError('the pattern pydantic can check is checked')\n"
    )
    run = subprocess.run([sys.executable, "-c", check], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


DEFAULTS = """
openapi: 3.0.3
info: {title: Defaults, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: "ten"}}
        - {name: order, in: query, schema: {type: string, enum: [asc, desc], default: up}}
        - {name: page, in: query, schema: {type: integer, default: 2}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        default: {description: an error}
components:
  schemas:
    Thing:
      type: object
      properties:
        size: {type: integer, default: "big"}
        kind: {type: string, enum: [a, b], default: c}
        default: {type: boolean, default: true}
        count: {type: integer, default: 3}
"""


def test_defaults_their_schema_rejects_are_left_out(tmp_path: Path) -> None:
    doc = yaml.safe_load(DEFAULTS)
    found = {"/".join(map(str, where)) for where in rejected_defaults(doc)}
    assert found == {
        "paths//things/get/parameters/0/schema",
        "paths//things/get/parameters/1/schema",
        "components/schemas/Thing/properties/size",
        "components/schemas/Thing/properties/kind",
    }
    spec = tmp_path / "defaults.yaml"
    spec.write_text(DEFAULTS)
    out = tmp_path / "out"
    assert main(["generate", str(spec), "--package", "defaults", "--output", str(out)]) == 0
    api = (out / "defaults" / "api.py").read_text()
    assert "limit: int | None = None" in api and '"ten"' not in api
    assert "page: int = 2" in api
    check = (
        "import defaults.models as m\n"
        "t = m.Thing()\n"
        "assert t.size is None and t.kind is None and t.count == 3 and t.default is True, t\n"
    )
    run = subprocess.run([sys.executable, "-c", check], cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "defaults"], cwd=out, capture_output=True, text=True)
    assert mypy.returncode == 0, mypy.stdout
