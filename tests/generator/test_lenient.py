"""Specs nobody here wrote: warnings, degraded parts, ``--strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main

SPEC = """\
openapi: 3.0.3
info: {title: Loose, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: "ten"}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing.Sub"}}}
  /other:
    get:
      operationId: getThing
      responses: {"204": {description: none}}
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {implicit: {authorizationUrl: "https://x/a", scopes: {}}}}
  schemas:
    Thing.Sub: {type: object, properties: {order: {type: string, default: asc, enum: [asc, desc]}}}
"""


def test_validate_warns_and_strict_fails(tmp_path: Path, capsys: object) -> None:
    spec = tmp_path / "loose.yaml"
    spec.write_text(SPEC)
    assert main(["validate", str(spec)]) == 1  # the duplicate operationId is an error
    lines = capsys.readouterr().err.splitlines()  # type: ignore[attr-defined]
    assert any("warning: [openapi:path-parameter-declared]" in line for line in lines)
    assert any("[openapi:operationId-unique]" in line and "warning" not in line for line in lines)


def test_generate_goes_on_and_the_client_imports(tmp_path: Path) -> None:
    spec = tmp_path / "loose.yaml"
    spec.write_text(SPEC)
    out = tmp_path / "out"
    assert main(["generate", str(spec), "--package", "loose", "--output", str(out)]) == 0
    api = (out / "loose" / "api.py").read_text()
    assert "def get_thing(" in api and "def get_thing_2(" in api
    run = subprocess.run(
        [sys.executable, "-c", "import loose.api, loose.models as m; assert m.ThingSub"],
        cwd=out, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    assert main(["generate", str(spec), "--package", "loose", "--output", str(out), "--strict"]) == 1
