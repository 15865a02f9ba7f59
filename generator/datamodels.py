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
from .naming import BUILTIN_NAMES, schema_class_names
from .prestyle import statements

_HEADER = re.compile(r"\A(#[^\n]*\n)+\n*")


def generate_models(
    document: dict[str, Any], *, base_class: str | None = None, base_class_map: dict[str, str] | None = None
) -> str:
    """Model module source for the document's ``components.schemas`` (unformatted).

    ``base_class`` (a dotted import path) is the base of every model, ``base_class_map`` the
    base of the named schemas' models; property names come from ``x-speakeasy-name-override``.
    """
    schemas = (document.get("components") or {}).get("schemas") or {}
    if not schemas:
        return "from __future__ import annotations\n"
    document = with_class_names(document)
    schemas = document["components"]["schemas"]
    extra: dict[str, Any] = {}
    if base_class:
        extra["base_class"] = base_class
    if base_class_map:
        extra["base_class_map"] = dict(base_class_map)
    aliases = property_names(schemas)
    if aliases:
        extra["aliases"] = aliases
    config = GenerateConfig(
        **extra,
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
        set_default_enum_member=True,  # an enum field defaults to a member, not its raw value
        extra_fields="allow",  # forward compatible: fields a server adds are kept (docs/architecture.md)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = generate(document, config=config)
    if not isinstance(code, str):
        raise TypeError("datamodel-code-generator returned several modules; expected one")
    return hoist_enums(open_enums(unshadow_builtins(parametrize_bare_containers(_HEADER.sub("", code)))))


_SCHEMA_REF = "#/components/schemas/"


def with_class_names(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each component schema under its class name (:func:`schema_class_names`)
    and every ``$ref`` and discriminator mapping to it rewritten; itself if no name changes.

    (datamodel-code-generator reads ``Thing.Sub`` as class ``Sub`` of a module ``Thing``, and
    matches names loosely: ``ASC`` and ``asc`` would be one class.)
    """
    schemas = document["components"]["schemas"]
    names = schema_class_names(schemas)
    renamed = {old: new for old, new in names.items() if old != new}
    if not renamed:
        return document
    refs = {_SCHEMA_REF + _escape(old): _SCHEMA_REF + new for old, new in renamed.items()}

    def rewrite(node: Any, parent: str | None) -> Any:
        if isinstance(node, dict):
            out: dict[Any, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    out[key] = _rewrite_ref(value, refs)
                elif parent == "discriminator" and key == "mapping" and isinstance(value, dict):
                    out[key] = {k: _rewrite_ref(v, refs) if isinstance(v, str) else v for k, v in value.items()}
                else:
                    out[key] = rewrite(value, str(key))
            return out
        if isinstance(node, list):
            return [rewrite(item, None) for item in node]
        return node

    doc: dict[str, Any] = rewrite(document, None)
    doc["components"]["schemas"] = {names[old]: schema for old, schema in doc["components"]["schemas"].items()}
    return doc


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite_ref(ref: str, refs: dict[str, str]) -> str:
    if not ref.startswith(_SCHEMA_REF):
        return ref
    name, sep, rest = ref[len(_SCHEMA_REF):].partition("/")  # a ref may go on into the schema
    head = _SCHEMA_REF + name
    return refs[head] + sep + rest if head in refs else ref


#: The runtime's open enum for each enum base datamodel-code-generator uses.
OPEN_ENUMS = {"StrEnum": "OpenStrEnum", "IntEnum": "OpenIntEnum"}
_ENUM_IMPORT = re.compile(r"^from enum import (?P<names>[^\n(]+)\n", re.MULTILINE)


def open_enums(code: str) -> str:
    """String and integer enums derive from the runtime's open enums: a value a server added
    later becomes a pseudo-member instead of a validation error (``specwright_runtime.enums``).
    (Enums of other values stay closed.)"""
    used = sorted(
        {base for base in OPEN_ENUMS if re.search(rf"^class \w+\({base}\):", code, re.MULTILINE)}
    )
    if not used:
        return code
    for base in used:
        code = re.sub(rf"^(class \w+)\({base}\):", rf"\1({OPEN_ENUMS[base]}):", code, flags=re.MULTILINE)

    def imports(match: re.Match[str]) -> str:
        names = [n.strip() for n in match.group("names").split(",") if n.strip() not in used]
        runtime = f"from specwright_runtime import {', '.join(sorted(OPEN_ENUMS[b] for b in used))}\n"
        return (f"from enum import {', '.join(names)}\n" if names else "") + runtime

    return _ENUM_IMPORT.sub(imports, code, count=1)


def unshadow_builtins(code: str) -> str:
    """Rename each class datamodel-code-generator named like a Python builtin (``Warning``,
    made up for the items of a ``warnings`` array) to ``<Name>Model``, and every use of it.

    Annotations are lazy, so a field typed ``list[Warning]`` above ``class Warning`` resolved to
    the builtin exception and the module failed to import. (Component schemas are renamed
    before, by :func:`~generator.naming.schema_class_names`.)
    """
    tree = ast.parse(code)
    top = {stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    renamed: dict[str, str] = {}
    for name in sorted(top & BUILTIN_NAMES):
        new, n = f"{name}Model", 2
        while new in top or new in renamed.values():
            new, n = f"{name}Model{n}", n + 1
        renamed[name] = new
    if not renamed:
        return code
    lines = code.splitlines(keepends=True)
    edits: list[tuple[int, int, str, str]] = []  # (line, column, old, new)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in renamed:
            edits.append((node.lineno, node.col_offset, node.id, renamed[node.id]))
        elif isinstance(node, ast.ClassDef) and node.name in renamed and node in tree.body:
            found = re.compile(rf"class\s+({node.name})\b").search(lines[node.lineno - 1], node.col_offset)
            if found is not None:
                edits.append((node.lineno, found.start(1), node.name, renamed[node.name]))
    for line, column, old, new in sorted(edits, reverse=True):  # right to left: columns stay true
        text = lines[line - 1]
        lines[line - 1] = text[:column] + new + text[column + len(old):]
    return "".join(lines)


def hoist_enums(code: str) -> str:
    """Move each enum class above the first statement that uses it outside an annotation.

    A field's default may be a member of an enum defined further down (``= Method.dot``);
    annotations are lazy (``from __future__ import annotations``), defaults are not, so such a
    module raised ``NameError`` on import. An enum's body is literals only, so it can move up.
    """
    tree = ast.parse(code)
    body = tree.body
    enums = {
        stmt.name: i
        for i, stmt in enumerate(body)
        if isinstance(stmt, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id.endswith("Enum") for b in stmt.bases)
    }
    if not enums:
        return code
    move: dict[int, int] = {}  # enum statement -> statement it goes above
    for i, stmt in enumerate(body):
        for name in _eager_names(stmt):
            j = enums.get(name)
            if j is not None and j > i and (j not in move or move[j] > i):
                move[j] = i
    if not move:
        return code
    lines = code.splitlines(keepends=True)
    starts = [min([s.lineno] + [d.lineno for d in getattr(s, "decorator_list", [])]) - 1 for s in body]
    ends = [*starts[1:], len(lines)]
    chunks = ["".join(lines[starts[i]:ends[i]]) for i in range(len(body))]
    head = "".join(lines[: starts[0]]) if starts else ""
    out: list[str] = []
    for i, chunk in enumerate(chunks):
        out.extend(chunks[j] if chunks[j].endswith("\n\n\n") else chunks[j] + "\n\n" for j in sorted(k for k, v in move.items() if v == i))
        if i not in move:
            out.append(chunk)
    return head + "".join(out)


def _eager_names(stmt: ast.stmt) -> set[str]:
    """Names a statement evaluates when the module runs (not those only in annotations)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                visit(node.value)
            return
        if isinstance(node, ast.Name):
            found.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(stmt)
    return found


def property_names(schemas: dict[str, Any]) -> dict[str, str]:
    """``x-speakeasy-name-override`` of component schema properties, as scoped aliases
    (``Schema.wire_name`` → Python name) for datamodel-code-generator."""
    out: dict[str, str] = {}
    for schema_name, schema in schemas.items():
        for prop, sub in ((schema or {}).get("properties") or {}).items() if isinstance(schema, dict) else ():
            if isinstance(sub, dict) and isinstance(sub.get("x-speakeasy-name-override"), str):
                out[f"{schema_name}.{prop}"] = sub["x-speakeasy-name-override"]
    return out


def parametrize_bare_containers(code: str) -> str:
    """``list``/``dict`` used bare in annotations or bases become ``list[Any]``/``dict[str, Any]``.

    (An array schema without ``items`` gives a bare ``list``, which mypy --strict rejects.)
    """
    tree = ast.parse(code)
    spots: list[tuple[int, int, str]] = []

    def visit(node: ast.AST) -> None:
        nodes = list(ast.walk(node))
        subscripted = {id(n.value) for n in nodes if isinstance(n, ast.Subscript)}
        for sub in nodes:
            if isinstance(sub, ast.Name) and sub.id in _BARE and id(sub) not in subscripted:
                spots.append((sub.lineno, sub.col_offset, sub.id))

    for stmt in statements(tree):  # annotated assignments and classes are statements
        if isinstance(stmt, ast.AnnAssign):
            visit(stmt.annotation)
        elif isinstance(stmt, ast.ClassDef):
            for base in stmt.bases:
                visit(base)
    if not spots:
        return code
    any_name = next(
        (
            alias.asname or alias.name
            for stmt in tree.body
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "typing"
            for alias in stmt.names
            if alias.name == "Any"
        ),
        None,
    )
    lines = code.splitlines(keepends=True)
    for lineno, col, name in sorted(spots, reverse=True):
        line = lines[lineno - 1]
        lines[lineno - 1] = line[:col] + _BARE[name].format(any=any_name or "_TypingAny") + line[col + len(name):]
    fixed = "".join(lines)
    if any_name is None:  # a model may itself be called Any: import typing's under a private name
        fixed = fixed.replace(
            "from __future__ import annotations\n", "from __future__ import annotations\nfrom typing import Any as _TypingAny\n", 1
        )
    return fixed


_BARE = {"list": "list[{any}]", "dict": "dict[str, {any}]"}


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
    class_names = schema_class_names(schema_names)
    for schema in schema_names:
        name = resolve_class(class_names[schema], classes)
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
    renamed = _key(schema + "Model")  # a builtin's name, made unique by unshadow_builtins
    return next((name for name in classes if _key(name) == renamed), None)
