"""naming: Python identifiers from OpenAPI names."""

from __future__ import annotations

import keyword

import pytest

from generator.naming import RESERVED, operation_method_name, pascal, snake, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("listScans", "list_scans"),
        ("list-scans", "list_scans"),
        ("List Scans", "list_scans"),
        ("list_scans", "list_scans"),
        ("scan_id", "scan_id"),
        ("HTTPResponse", "http_response"),
        ("getHTTPResponseCode", "get_http_response_code"),
        ("userID", "user_id"),
        ("IOError", "io_error"),
        ("X-Request-ID", "x_request_id"),
        ("v2Api", "v2_api"),
        ("getV2Users", "get_v2_users"),
        ("ABC", "abc"),
        ("_private", "private"),
        ("__dunder__", "dunder"),
        ("a.b.c", "a_b_c"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert snake(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("class", "class_"),
        ("import", "import_"),
        ("async", "async_"),
        ("None", "none"),  # lower-cased first, so no longer a keyword
        ("match", "match_"),  # soft keyword
        ("type", "type_"),  # soft keyword since 3.12
    ],
)
def test_snake_avoids_keywords(text: str, expected: str) -> None:
    if text == "type" and not keyword.issoftkeyword("type"):
        expected = "type"
    assert snake(text) == expected


@pytest.mark.parametrize("name", sorted(RESERVED))
def test_snake_avoids_names_generated_methods_use(name: str) -> None:
    assert snake(name) == name + "_"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2fa", "n_2fa"), ("3d-model", "n_3d_model"), ("", "value"), ("___", "value"), ("!!", "value")],
)
def test_snake_digits_and_empty(text: str, expected: str) -> None:
    assert snake(text) == expected


@pytest.mark.parametrize(
    "text", ["listScans", "2fa", "class", "X-Request-ID", "", "déjà vu", "request_options", "a b-c.d", "Ünïcode"]
)
def test_snake_is_always_an_identifier(text: str) -> None:
    name = snake(text)
    assert name.isidentifier()
    assert not keyword.iskeyword(name)
    assert name == name.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("grad300_client", "Grad300Client"),
        ("list-scans", "ListScans"),
        ("listScans", "ListScans"),
        ("HTTPError", "HTTPError"),
        ("userID", "UserID"),
        ("petclient", "Petclient"),
        ("3d", "N3d"),
        ("", "Model"),
    ],
)
def test_pascal(text: str, expected: str) -> None:
    assert pascal(text) == expected


def test_words_splits_acronyms_and_digits() -> None:
    assert words("getHTTPResponseCode") == ["get", "HTTP", "Response", "Code"]
    assert words("scan_type-ID 2") == ["scan", "type", "ID", "2"]
    assert words("") == []


class TestOperationMethodName:
    def test_operation_id_is_snake_cased(self) -> None:
        assert operation_method_name({"operationId": "listScans"}, "get", "/x") == "list_scans"

    def test_name_override_wins(self) -> None:
        op = {"operationId": "listScans", "x-speakeasy-name-override": "all_scans"}
        assert operation_method_name(op, "get", "/x") == "all_scans"

    def test_empty_override_and_id_fall_back_to_method_and_path(self) -> None:
        op = {"operationId": "", "x-speakeasy-name-override": ""}
        assert operation_method_name(op, "get", "/scans/{scan_type}/") == "get_scans"

    @pytest.mark.parametrize(
        ("method", "path", "expected"),
        [
            ("get", "/scans/{scan_type}/", "get_scans"),
            ("delete", "/users/{id}/tokens", "delete_users_tokens"),
            ("post", "/login/access-token", "post_login_access_token"),
            ("get", "/", "get"),
        ],
    )
    def test_without_operation_id(self, method: str, path: str, expected: str) -> None:
        assert operation_method_name({}, method, path) == expected


def test_schema_class_names_are_valid_unique_and_stable() -> None:
    from generator.naming import schema_class_names

    names = ["Thing.Sub", "ThingSub", "ASC", "asc", "1st", "class", "Ünïcode", "+1", "-1", "Field", "ok_name", "Warning", "list", "Type", "exception"]
    mapped = schema_class_names(names)
    assert mapped == {
        "Thing.Sub": "ThingSub2",  # the clean name keeps its own spelling
        "ThingSub": "ThingSub",
        "ASC": "ASC",
        "asc": "Asc2",
        "1st": "N1st",
        "class": "Class",
        "Ünïcode": "Unicode",
        "+1": "Plus1",
        "-1": "Minus1",
        "Field": "FieldModel",  # the models module imports pydantic's Field
        "ok_name": "ok_name",
        "Warning": "WarningModel",  # would shadow the builtin exception
        "list": "List",  # would shadow the builtin ``list`` every annotation uses
        "Type": "Type",  # not a builtin: names are case-sensitive
        "exception": "ExceptionModel",  # the model generator would capitalise it into the builtin
    }
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in mapped.values())
    assert schema_class_names(names) == mapped  # deterministic


def test_unique_method_names_for_duplicate_and_missing_operation_ids() -> None:
    from generator.naming import unique_method_names

    ops = [
        ("/a", "get", {"operationId": "getThing"}),
        ("/b", "get", {"operationId": "getThing"}),
        ("/c", "get", {"operationId": "get_thing"}),
        ("/items/{id}", "delete", {}),
        ("/x", "get", {"operationId": "class"}),
    ]
    assert unique_method_names(ops) == {
        ("/a", "get"): "get_thing",
        ("/b", "get"): "get_thing_2",
        ("/c", "get"): "get_thing_3",
        ("/items/{id}", "delete"): "delete_items",
        ("/x", "get"): "class_",
    }


def test_enum_default_defined_later_is_hoisted() -> None:
    from generator.datamodels import hoist_enums

    code = (
        "from __future__ import annotations\nfrom enum import Enum\nfrom pydantic import BaseModel\n\n\n"
        "class Job(BaseModel):\n    method: Method | None = Method.dot\n\n\n"
        "class Method(Enum):\n    dot = 'dot'\n"
    )
    fixed = hoist_enums(code)
    assert fixed.index("class Method") < fixed.index("class Job")
    namespace: dict[str, object] = {}
    exec(compile(fixed, "models", "exec"), namespace)  # would raise NameError before
    with pytest.raises(NameError):
        exec(compile(code.replace("    Warning: str | None = None\n", ""), "models", "exec"), {})


def test_a_class_named_like_a_builtin_is_renamed_with_its_uses() -> None:
    """datamodel-code-generator names the items of a ``warnings`` array ``Warning``; used above
    its definition, the lazy annotation resolved to the builtin exception (seen in a public spec)."""
    from pydantic import BaseModel, PydanticSchemaGenerationError

    from generator.datamodels import unshadow_builtins

    code = (
        "from __future__ import annotations\nfrom enum import Enum\nfrom pydantic import BaseModel\n\n\n"
        "class Meta(BaseModel):\n    warnings: list[Warning] | None = None\n    Warning: str | None = None\n\n\n"
        "class Warning(Enum):\n    deprecated = 'deprecated'\n"
    )
    fixed = unshadow_builtins(code)
    assert "class WarningModel(Enum)" in fixed and "list[WarningModel]" in fixed
    assert "    Warning: str | None = None" in fixed  # a field of that name stays: it is data
    namespace: dict[str, object] = {}
    exec(compile(fixed, "models", "exec"), namespace)
    meta = namespace["Meta"]
    assert isinstance(meta, type) and issubclass(meta, BaseModel)
    meta.model_rebuild(_types_namespace=namespace)
    assert meta.model_validate({"warnings": ["deprecated"]}).warnings == [namespace["WarningModel"].deprecated]  # type: ignore[attr-defined]
    assert unshadow_builtins("class Plain:\n    pass\n") == "class Plain:\n    pass\n"
    with pytest.raises(PydanticSchemaGenerationError):  # before: the builtin exception as a field type
        exec(compile(code.replace("    Warning: str | None = None\n", ""), "models", "exec"), {})
