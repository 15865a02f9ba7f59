"""surface: the public API surface of a generated package and the diff between two."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from generator.config import Project
from generator.ir import Api
from generator.surface import api_surface, diff_surfaces

OLD: dict[str, Any] = {
    "package": "pets",
    "class": "PetsApi",
    "methods": {
        "get_pet": {"http": "GET /pets/{id}", "signature": "self, id: int, *, request_options: RequestOptions | None = None", "returns": "models.Pet"},
        "delete_pet": {"http": "DELETE /pets/{id}", "signature": "self, id: int, *, request_options: RequestOptions | None = None", "returns": "None"},
    },
    "models": {"Pet": ["id", "name"], "Error": ["message"]},
    "errors": ["PetsAPIError", "PetsError"],
}


@pytest.fixture
def new() -> dict[str, Any]:
    return copy.deepcopy(OLD)


def test_no_changes(new: dict[str, Any]) -> None:
    assert diff_surfaces(OLD, new) == []


def test_new_package() -> None:
    assert diff_surfaces(None, OLD) == ["new package pets"]


def test_added_and_removed_methods(new: dict[str, Any]) -> None:
    new["methods"]["list_pets"] = {"http": "GET /pets", "signature": "self", "returns": "list[models.Pet]"}
    del new["methods"]["delete_pet"]
    assert diff_surfaces(OLD, new) == ["+ method list_pets", "- method delete_pet"]


def test_changed_method_lists_the_changed_keys(new: dict[str, Any]) -> None:
    new["methods"]["get_pet"]["signature"] += ", verbose: bool = False"
    new["methods"]["get_pet"]["returns"] = "models.Pet | None"
    new["methods"]["delete_pet"]["http"] = "DELETE /animals/{id}"
    assert diff_surfaces(OLD, new) == [
        "~ method delete_pet: http changed",
        "~ method get_pet: returns, signature changed",
    ]


def test_model_fields(new: dict[str, Any]) -> None:
    new["models"]["Pet"] = ["id", "nickname", "born"]
    new["models"]["Owner"] = ["name"]
    del new["models"]["Error"]
    assert diff_surfaces(OLD, new) == [
        "+ model Owner",
        "- model Error",
        "~ model Pet: +nickname, +born, -name",
    ]


def test_model_field_order(new: dict[str, Any]) -> None:
    new["models"]["Pet"] = ["name", "id"]
    assert diff_surfaces(OLD, new) == ["~ model Pet: field order"]


def test_errors(new: dict[str, Any]) -> None:
    new["errors"] = ["PetsError", "PetsTimeoutError"]
    assert diff_surfaces(OLD, new) == ["+ error PetsTimeoutError", "- error PetsAPIError"]


def test_grad300_surface_matches_committed(grad300_api: Api, project: Project, root: Path) -> None:
    surface = api_surface(grad300_api, project.api("grad300"))
    committed = json.loads((root / "generated" / "grad300-client" / "api-surface.json").read_text(encoding="utf-8"))
    assert surface == committed
    assert list(surface["methods"]) == sorted(surface["methods"])
    assert surface["methods"]["iter_list_scans"] == {"http": "GET /scans/{scan_type}/", "pages": "offset"}
    assert surface["methods"]["download_scan"]["returns"] == "bytes"
    assert surface["class"] == "Grad300Api" and surface["package"] == "grad300_client"
    assert "AuthenticationError" in surface["errors"]


def test_grad300_surface_diff_after_ir_change(grad300_api: Api, project: Project) -> None:
    cfg = project.api("grad300")
    before = api_surface(grad300_api, cfg)
    ops = tuple(op for op in grad300_api.operations if op.py_name != "test_token")
    list_scans = next(op for op in ops if op.py_name == "list_scans")
    changed = dataclasses.replace(list_scans, params=list_scans.params[:-1])  # drop date_to
    ops = tuple(changed if op is list_scans else op for op in ops)
    after = api_surface(dataclasses.replace(grad300_api, operations=ops), cfg)
    assert diff_surfaces(before, after) == ["- method test_token", "~ method list_scans: signature changed"]
