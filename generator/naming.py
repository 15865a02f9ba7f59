"""Python names from OpenAPI names."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# names generated methods use themselves; parameters must not shadow them
RESERVED = frozenset({"self", "request_options", "models", "cls"})


def words(text: str) -> list[str]:
    """Split camelCase, PascalCase, snake_case, kebab-case and spaced text into words."""
    return _WORD.findall(re.sub(r"[^A-Za-z0-9]+", " ", text))


def snake(text: str) -> str:
    """``listScans`` / ``list-scans`` / ``List Scans`` → ``list_scans``; always a valid name."""
    name = "_".join(w.lower() for w in words(text)) or "value"
    if name[0].isdigit():
        name = "n_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED:
        name += "_"
    return name


def pascal(text: str) -> str:
    """``pet_store_client`` → ``PetStoreClient``."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "Model"
    return "N" + name if name[0].isdigit() else name


def operation_method_name(op: dict[str, Any], method: str, path: str) -> str:
    """Method name: ``x-speakeasy-name-override``, else operationId, else method + path."""
    override = op.get("x-speakeasy-name-override")
    if isinstance(override, str) and override:
        return override
    op_id = op.get("operationId")
    if isinstance(op_id, str) and op_id:
        return snake(op_id)
    parts = [p for p in path.split("/") if p and not p.startswith("{")]
    return snake(f"{method} {' '.join(parts)}")


#: What a models module imports or defines itself: no schema's class may take these names.
MODULE_NAMES = frozenset(
    {"AwareDatetime", "BaseModel", "ConfigDict", "Enum", "Field", "RootModel", "Literal", "Annotated",
     "date", "datetime", "time", "timedelta", "UUID", "Decimal", "EmailStr", "AnyUrl", "IntEnum", "StrEnum",
     "OpenIntEnum", "OpenStrEnum"}
)
_CLASS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Python's builtins (``Warning``, ``Exception``, ``list``...): a model class of that name would
#: shadow it, and a field annotated with it before the class is defined resolves to the builtin
BUILTIN_NAMES = frozenset(name for name in vars(builtins) if not name.startswith("_"))


def _key(name: str) -> str:
    """What two class names must differ in (datamodel-code-generator matches loosely)."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def ascii_text(text: str) -> str:
    """``Ünïcode`` → ``Unicode``: accents dropped, other non-ASCII letters left out."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def schema_class_names(names: Iterable[str]) -> dict[str, str]:
    """A unique, valid Python class name for each component schema name, in document order.

    A name that is already a valid identifier (no keyword), unique once case and ``_`` are
    ignored, stays as it is. Any other (dotted ``Thing.Sub``, leading digit, spaces, unicode, a
    keyword, a Python builtin, or ``asc`` after ``ASC``) becomes the PascalCase of its words
    (``ThingSub``, ``N1Thing``, ``list`` -> ``List``; ``Model`` added where that is still a name
    the module uses or a builtin, ``Warning`` -> ``WarningModel``), and a number from 2 up if
    that is taken. Deterministic: the same names in the same order give the same classes.
    """
    names = list(names)
    kept = {
        name
        for name in names
        if _CLASS_NAME.fullmatch(name)
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and name not in BUILTIN_NAMES
        and name[:1].upper() + name[1:] not in BUILTIN_NAMES  # the model generator capitalises
    }
    out: dict[str, str] = {}
    module_keys = {_key(name) for name in MODULE_NAMES}
    taken: set[str] = set(module_keys)
    for name in names:  # the first of a clean name's collisions keeps it
        if name in kept and _key(name) not in taken:
            out[name] = name
            taken.add(_key(name))
    for name in names:
        if name in out:
            continue
        text = re.sub(r"^\+", "plus ", re.sub(r"^-", "minus ", ascii_text(name)))  # +1 / -1
        base = pascal(text) if _key(text) else "Model"
        if _key(base) in module_keys or base in BUILTIN_NAMES:
            base += "Model"  # ``Field`` -> ``FieldModel``, ``Warning`` -> ``WarningModel``
        candidate, n = base, 2
        while _key(candidate) in taken:
            candidate, n = f"{base}{n}", n + 1
        out[name] = candidate
        taken.add(_key(candidate))
    return {name: out[name] for name in names}


def unique_method_names(ops: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[tuple[str, str], str]:
    """(path, method) → method name, unique within each ``x-speakeasy-group``, in document order.

    The first operation keeps :func:`operation_method_name`; a later one that would take a name
    already used (a duplicate ``operationId``, or two that differ only in case or punctuation)
    gets ``_2``, ``_3``, ... — the next free one.
    """
    out: dict[tuple[str, str], str] = {}
    used: set[tuple[str, str]] = set()
    for path, method, op in ops:
        group = str(op.get("x-speakeasy-group", ""))
        base = operation_method_name(op, method, path)
        name, n = base, 2
        while (group, name) in used:
            name, n = f"{base}_{n}", n + 1
        used.add((group, name))
        out[(path, method)] = name
    return out
