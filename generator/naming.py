"""Python names from OpenAPI names."""

from __future__ import annotations

import keyword
import re
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
