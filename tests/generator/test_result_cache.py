"""The result cache: a valid document skips the OpenAPI validator the next time, nothing else does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.loader import LoadedSpec, load_spec
from generator.validate import validate

ROOT = Path(__file__).resolve().parents[2]


def _refuse(self: Any) -> Any:
    raise AssertionError("the validator ran")


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LoadedSpec:
    monkeypatch.setenv("SPECWRIGHT_CACHE_DIR", str(tmp_path))
    return load_spec(ROOT / "specs" / "grad300.yaml", ROOT)


def test_a_valid_document_is_validated_once(spec: LoadedSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    assert validate(spec) == []
    for cls in (OpenAPIV30SpecValidator, OpenAPIV31SpecValidator):
        monkeypatch.setattr(cls, "iter_errors", _refuse)
    assert validate(spec) == []
    changed = copy.deepcopy(spec.document)
    changed["info"]["title"] += " (changed)"
    with pytest.raises(AssertionError, match="the validator ran"):
        validate(LoadedSpec(**{**vars(spec), "document": changed}))


def test_findings_are_never_cached(spec: LoadedSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = copy.deepcopy(spec.document)
    broken["info"].pop("title")
    bad = LoadedSpec(**{**vars(spec), "document": broken})
    first = validate(bad)
    assert first and validate(bad) == first


def test_cache_off(spec: LoadedSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECWRIGHT_CACHE", "0")
    assert validate(spec) == []
    for cls in (OpenAPIV30SpecValidator, OpenAPIV31SpecValidator):
        monkeypatch.setattr(cls, "iter_errors", _refuse)
    with pytest.raises(AssertionError, match="the validator ran"):
        validate(spec)
