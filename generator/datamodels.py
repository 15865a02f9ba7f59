"""Pydantic v2 models from the spec's schemas, by datamodel-code-generator (pinned)."""

from __future__ import annotations

import ast
import re
import warnings
from typing import Any

from datamodel_code_generator import generate
from datamodel_code_generator.config import GenerateConfig
from datamodel_code_generator.enums import DataModelType, InputFileType
from datamodel_code_generator.format import DatetimeClassType, PythonVersion

from .ir import Model

_HEADER = re.compile(r"\A(#[^\n]*\n)+\n*")


def generate_models(document: dict[str, Any]) -> str:
    """Model module source for the document's ``components.schemas`` (unformatted)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    if not schemas:
        return "from __future__ import annotations\n"
    config = GenerateConfig(
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        disable_timestamp=True,
        formatters=[],  # black runs once over the whole package later
        strict_nullable=True,
        use_standard_collections=True,
        use_union_operator=True,
        field_constraints=True,
        use_schema_description=True,
        use_field_description=True,
        use_double_quotes=True,
        allow_population_by_field_name=True,
        output_datetime_class=DatetimeClassType.Datetime,
        keep_model_order=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = generate(document, config=config)
    if not isinstance(code, str):
        raise TypeError("datamodel-code-generator returned several modules; expected one")
    return _HEADER.sub("", code)


def model_index(code: str, schema_names: list[str]) -> tuple[Model, ...]:
    """Which class each component schema became, with its field names."""
    classes: dict[str, tuple[str, ...]] = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.ClassDef):
            fields = tuple(
                stmt.target.id
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                and stmt.target.id != "model_config"
            )
            members = tuple(
                t.id
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                for t in stmt.targets
                if isinstance(t, ast.Name) and t.id != "model_config"
            )
            classes[node.name] = fields or members
    models = []
    for schema in schema_names:
        name = resolve_class(schema, classes)
        if name is not None:
            models.append(Model(schema, name, classes[name]))
    return tuple(models)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def resolve_class(schema: str, classes: dict[str, Any]) -> str | None:
    """The class datamodel-code-generator made for ``schema``, matched by normalised name."""
    if schema in classes:
        return schema
    wanted = _key(schema)
    for name in classes:
        if _key(name) == wanted:
            return name
    return None
