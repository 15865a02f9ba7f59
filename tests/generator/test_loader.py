"""loader: YAML/JSON parsing, syntax diagnostics, bundling of relative-file $refs, origins."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostic, SpecError
from generator.lint import is_lint
from generator.loader import load_spec, resolve_pointer
from generator.validate import validate

MINIMAL: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "Min", "version": "1"}, "paths": {}}


def not_lint(found: list[Diagnostic]) -> list[Diagnostic]:
    """The findings besides lint (small documents here have no error responses and the like;
    tests/generator/test_lint.py tests the lint)."""
    return [d for d in found if not is_lint(d)]


def _only(exc: pytest.ExceptionInfo[SpecError]) -> Diagnostic:
    assert len(exc.value.diagnostics) == 1, exc.value.diagnostics
    return exc.value.diagnostics[0]


# --- plain loading ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["spec.yaml", "spec.json"])
def test_yaml_and_json_load_to_the_same_document(write_spec: Callable[..., Path], name: str) -> None:
    path = write_spec(MINIMAL, name)
    spec = load_spec(path, path.parent)
    assert spec.document == MINIMAL
    assert spec.display_path == name
    assert spec.path == path.resolve()
    assert spec.origins == {}


def test_display_path_is_relative_to_root(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    path = write_spec(MINIMAL, "specs/api.yaml")
    assert load_spec(path, tmp_path).display_path == "specs/api.yaml"
    # outside the root: the absolute path
    assert load_spec(path, tmp_path / "elsewhere").display_path == path.resolve().as_posix()


def test_yaml_syntax_error_names_file_rule_and_line(write_spec: Callable[..., Path]) -> None:
    path = write_spec('openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: "1"\n', "broken.yaml")
    with pytest.raises(SpecError) as exc:
        load_spec(path, path.parent)
    diag = _only(exc)
    assert diag.file == "broken.yaml"
    assert diag.rule == "yaml-syntax"
    assert diag.pointer == ""
    match = re.match(r"line (\d+), column \d+: ", diag.message)
    assert match, diag.message
    assert int(match.group(1)) in (3, 4)  # the flow sequence opened on line 3 breaks on line 4
    assert str(diag).startswith("broken.yaml#/: [yaml-syntax] line ")


def test_json_syntax_error_names_file_rule_and_line(write_spec: Callable[..., Path]) -> None:
    path = write_spec('{"openapi": "3.0.3",\n "info": }\n', "broken.json")
    with pytest.raises(SpecError) as exc:
        load_spec(path, path.parent)
    diag = _only(exc)
    assert (diag.file, diag.rule) == ("broken.json", "json-syntax")
    assert diag.message.startswith("line 2:")


def test_missing_spec_file_is_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        load_spec(tmp_path / "nope.yaml", tmp_path)
    diag = _only(exc)
    assert (diag.file, diag.rule) == ("nope.yaml", "file-readable")


def test_non_mapping_document_is_rejected(write_spec: Callable[..., Path]) -> None:
    path = write_spec("- just\n- a list\n", "list.yaml")
    with pytest.raises(SpecError) as exc:
        load_spec(path, path.parent)
    assert _only(exc).rule == "document-object"


def test_yaml_dates_stay_strings(write_spec: Callable[..., Path]) -> None:
    text = 'openapi: 3.0.3\ninfo: {title: D, version: 2024-01-02}\npaths: {}\nx-when: 2024-01-02T03:04:05Z\n'
    spec = load_spec(write_spec(text), None)
    assert spec.document["info"]["version"] == "2024-01-02"
    assert spec.document["x-when"] == "2024-01-02T03:04:05Z"
    assert validate(spec) == []  # info.version must be a string for the validator


def test_yaml_keys_are_strings_as_in_json(write_spec: Callable[..., Path]) -> None:
    text = (
        "openapi: 3.0.3\ninfo: {title: K, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      responses:\n        200: {description: ok}\n        404: {description: gone}\n"
        "components:\n  schemas:\n    Flag:\n      type: object\n      properties:\n        yes: {type: string}\n"
    )
    spec = load_spec(write_spec(text), None)
    assert list(spec.document["paths"]["/x"]["get"]["responses"]) == ["200", "404"]
    assert list(spec.document["components"]["schemas"]["Flag"]["properties"]) == ["yes"]
    assert not_lint(validate(spec)) == []  # the validator's patterns need string keys


def test_refs_inside_extensions_are_left_alone(write_spec: Callable[..., Path]) -> None:
    text = (
        "openapi: 3.1.0\ninfo: {title: X, version: '1'}\npaths: {}\n"
        "x-topics:\n  - title: Guide\n    content: {$ref: ./docs/missing.md}\n"
        "components:\n  schemas:\n    A:\n      type: object\n      properties:\n"
        "        x-local: {$ref: '#/components/schemas/B'}\n    B: {type: string}\n"
    )
    spec = load_spec(write_spec(text), None)
    assert spec.document["x-topics"][0]["content"] == {"$ref": "./docs/missing.md"}
    assert not_lint(validate(spec)) == []


def test_resolve_pointer_unescapes() -> None:
    doc = {"paths": {"/a/{b}": {"get": {"parameters": [{"name": "x"}]}}}, "t~x": 1}
    assert resolve_pointer(doc, "/paths/~1a~1{b}/get/parameters/0/name") == "x"
    assert resolve_pointer(doc, "/t~0x") == 1
    assert resolve_pointer(doc, "") is doc
    with pytest.raises(KeyError):
        resolve_pointer(doc, "/paths/nope")


# --- bundling -------------------------------------------------------------------------


@pytest.fixture
def bundle(copy_fixture: Callable[[str], Path]) -> Path:
    """A private copy of fixtures/bundle (tests may edit it)."""
    return copy_fixture("bundle")


def _schema_at(doc: dict[str, Any], path: str) -> Any:
    return doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_component_ref_is_hoisted_and_rewritten(bundle: Path) -> None:
    spec = load_spec(bundle / "main.yaml", bundle)
    doc = spec.document
    assert _schema_at(doc, "/foo") == {"$ref": "#/components/schemas/Foo"}
    schemas = doc["components"]["schemas"]
    assert set(schemas) == {"Local", "Foo", "Bar"}
    # the local ref inside other.yaml is rewritten to the hoisted Bar
    assert schemas["Foo"]["properties"]["bar"] == {"$ref": "#/components/schemas/Bar"}
    assert schemas["Bar"]["format"] == "date"
    # the bundled document has no external refs left
    assert "other.yaml" not in repr(doc) and "whole.yaml" not in repr(doc)


def test_same_external_ref_is_hoisted_once(bundle: Path) -> None:
    doc = load_spec(bundle / "main.yaml", bundle).document
    assert _schema_at(doc, "/foo-again") == {"$ref": "#/components/schemas/Foo"}
    assert not any(name.startswith("Foo") and name != "Foo" for name in doc["components"]["schemas"])


def test_whole_file_ref_is_inlined(bundle: Path) -> None:
    spec = load_spec(bundle / "main.yaml", bundle)
    assert _schema_at(spec.document, "/whole") == {"type": "object", "properties": {"x": {"type": "integer"}}}
    assert spec.origins["/paths/~1whole/get/responses/200/content/application~1json/schema"] == ("whole.yaml", "")


def test_yaml_dates_in_external_files_stay_strings(bundle: Path) -> None:
    doc = load_spec(bundle / "main.yaml", bundle).document
    assert doc["components"]["schemas"]["Bar"]["default"] == "2024-01-02"
    assert doc["info"]["x-released"] == "2024-01-02"


def test_bundled_fixture_is_valid(bundle: Path) -> None:
    assert not_lint(validate(load_spec(bundle / "main.yaml", bundle))) == []


def test_hoisted_name_collision_gets_a_fresh_name(bundle: Path) -> None:
    spec = load_spec(bundle / "collision.yaml", bundle)
    schemas = spec.document["components"]["schemas"]
    assert schemas["Foo"] == {"type": "integer"}  # the main file's own Foo is untouched
    assert _schema_at(spec.document, "/foo") == {"$ref": "#/components/schemas/Foo2"}
    assert schemas["Foo2"]["type"] == "object"
    assert spec.locate("/components/schemas/Foo2/properties/bar") == ("other.yaml", "/components/schemas/Foo/properties/bar")
    # the main file's Foo is not mistaken for content of other.yaml ("Foo" is a prefix of "Foo2")
    assert spec.locate("/components/schemas/Foo/type") == ("collision.yaml", "/components/schemas/Foo/type")


def test_locate_maps_hoisted_and_inlined_content_back(bundle: Path) -> None:
    spec = load_spec(bundle / "main.yaml", bundle)
    assert spec.locate("/components/schemas/Foo/properties/bar") == ("other.yaml", "/components/schemas/Foo/properties/bar")
    assert spec.locate("/components/schemas/Bar") == ("other.yaml", "/components/schemas/Bar")
    whole = "/paths/~1whole/get/responses/200/content/application~1json/schema"
    assert spec.locate(whole + "/properties/x/type") == ("whole.yaml", "/properties/x/type")
    # content written in the main file maps to itself
    assert spec.locate("/components/schemas/Local") == ("main.yaml", "/components/schemas/Local")
    assert spec.locate("/paths/~1foo/get") == ("main.yaml", "/paths/~1foo/get")


def test_missing_referenced_file_is_ref_resolvable(bundle: Path) -> None:
    with pytest.raises(SpecError) as exc:
        load_spec(bundle / "missing_ref.yaml", bundle)
    diag = _only(exc)
    assert diag.rule == "ref-resolvable"
    assert diag.file == "missing_ref.yaml"
    assert diag.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema"
    assert "does-not-exist.yaml" in diag.message


def test_unresolvable_fragment_in_existing_file_is_ref_resolvable(bundle: Path) -> None:
    text = (bundle / "main.yaml").read_text(encoding="utf-8").replace(
        "other.yaml#/components/schemas/Foo", "other.yaml#/components/schemas/Nope", 1
    )
    (bundle / "main.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_spec(bundle / "main.yaml", bundle)
    diag = _only(exc)
    assert diag.rule == "ref-resolvable"
    assert diag.pointer == "/paths/~1foo/get/responses/200/content/application~1json/schema"
    assert "other.yaml#/components/schemas/Nope" in diag.message


def test_syntax_error_in_referenced_file_names_that_file(bundle: Path) -> None:
    (bundle / "whole.yaml").write_text("type: object\nproperties: [\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_spec(bundle / "main.yaml", bundle)
    diag = _only(exc)
    assert (diag.file, diag.rule) == ("whole.yaml", "yaml-syntax")


def test_sha256_covers_the_spec_and_referenced_files(bundle: Path) -> None:
    first = load_spec(bundle / "main.yaml", bundle).sha256
    assert first == load_spec(bundle / "main.yaml", bundle).sha256
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    # not just the main file's hash: referenced files are part of it
    assert first != hashlib.sha256((bundle / "main.yaml").read_bytes()).hexdigest()
    with (bundle / "other.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# a comment changes the bytes\n")
    second = load_spec(bundle / "main.yaml", bundle).sha256
    assert second != first
    with (bundle / "whole.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# again\n")
    assert load_spec(bundle / "main.yaml", bundle).sha256 not in (first, second)


def test_sha256_of_a_self_contained_spec_is_the_file_hash(root: Path) -> None:
    spec = load_spec(root / "specs" / "grad300.yaml", root)
    assert spec.sha256 == hashlib.sha256((root / "specs" / "grad300.yaml").read_bytes()).hexdigest()
    assert spec.display_path == "specs/grad300.yaml"


def test_loading_does_not_mutate_external_files(bundle: Path) -> None:
    before = {p.name: p.read_bytes() for p in bundle.iterdir()}
    load_spec(bundle / "main.yaml", bundle)
    assert {p.name: p.read_bytes() for p in bundle.iterdir()} == before


# --- known bundler bugs ---------------------------------------------------------------


@pytest.fixture
def bugs(copy_fixture: Callable[[str], Path]) -> Path:
    return copy_fixture("bundle_bugs")


def test_hoisting_works_when_components_come_before_paths(bugs: Path) -> None:
    doc = load_spec(bugs / "components_first.yaml", bugs).document
    assert _schema_at(doc, "/foo") == {"$ref": "#/components/schemas/Foo"}
    assert "Foo" in doc["components"]["schemas"]


def test_hoisting_creates_components_when_the_spec_has_none(bugs: Path) -> None:
    doc = load_spec(bugs / "no_components.yaml", bugs).document
    assert "Foo" in doc["components"]["schemas"]


def test_external_ref_inside_main_components_is_hoisted(bugs: Path) -> None:
    doc = load_spec(bugs / "ref_in_components.yaml", bugs).document
    assert doc["components"]["schemas"]["Owner"]["properties"]["foo"] == {"$ref": "#/components/schemas/Foo"}
    assert "Foo" in doc["components"]["schemas"]


def test_ref_back_into_the_main_file_reuses_its_component(bugs: Path) -> None:
    folder = bugs / "backref"
    doc = load_spec(folder / "main.yaml", folder).document
    schemas = doc["components"]["schemas"]
    assert schemas["Foo"]["properties"]["local"] == {"$ref": "#/components/schemas/Local"}
    assert set(schemas) == {"Local", "Foo"}
