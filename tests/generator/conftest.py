"""Shared fixtures for the generator tests.

Expensive things (loading, building and generating the real grad300 package) are
session-scoped; anything that writes goes to ``tmp_path``. Nothing here touches the
committed ``generated/``, ``specs/`` or ``templates/`` folders except to read them.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build_api
from generator.config import Project, load_project
from generator.datamodels import generate_models
from generator.ir import Api
from generator.loader import LoadedSpec, load_spec
from generator.pipeline import GeneratedPackage, generate_package

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GRAD300_SPEC = ROOT / "specs" / "grad300.yaml"
GRAD300_OUT = ROOT / "generated" / "grad300-client"
PYTHON = sys.executable

# The pointer of the list_scans operation in grad300.yaml.
LIST_SCANS = "/paths/~1scans~1{scan_type}~1/get"


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder (holds apis.toml)."""
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def project() -> Project:
    return load_project(ROOT)


@pytest.fixture(scope="session")
def grad300_loaded() -> LoadedSpec:
    return load_spec(GRAD300_SPEC, ROOT)


@pytest.fixture(scope="session")
def grad300_api(grad300_loaded: LoadedSpec) -> Api:
    return build_api(grad300_loaded, generate_models(grad300_loaded.document))


@pytest.fixture(scope="session")
def grad300_package(project: Project) -> GeneratedPackage:
    """A fresh generation of the grad300 package (in memory, not written)."""
    return generate_package(project.api("grad300"), project.templates, project.root)


@pytest.fixture
def grad300_doc() -> dict[str, Any]:
    """A private, mutable copy of the parsed grad300 spec."""
    return copy.deepcopy(_GRAD300_DOC)


_GRAD300_DOC: dict[str, Any] = yaml.safe_load(GRAD300_SPEC.read_text(encoding="utf-8"))


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write a spec (dict → YAML or JSON by suffix, or raw text) under ``tmp_path``."""

    def write(content: dict[str, Any] | str, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            text = content
        elif path.suffix == ".json":
            text = json.dumps(content, indent=2)
        else:
            text = yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a folder (or file) from ``fixtures/`` into ``tmp_path``; returns the copy."""

    def copy_(name: str) -> Path:
        src = FIXTURES / name
        dst = tmp_path / name
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        return dst

    return copy_


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throw-away copy of the project (apis.toml, specs, templates, generated)."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy2(ROOT / "apis.toml", dst / "apis.toml")
    for folder in ("specs", "templates", "generated"):
        shutil.copytree(ROOT / folder, dst / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return dst


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m generator ARGS`` in a subprocess (cwd defaults to the project)."""

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        return subprocess.run(
            [PYTHON, "-m", "generator", *map(str, args)],
            cwd=cwd or ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def run_python() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a Python snippet in a fresh interpreter with ``paths`` first on sys.path."""

    def run(code: str, *paths: Path) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in paths)}
        return subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=120)

    return run
