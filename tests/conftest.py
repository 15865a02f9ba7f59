"""Fixtures for every test folder.

Its presence also puts ``tests/`` on ``sys.path``, so any test can import the local servers
(``from servers.grad300_server import Grad300Server``).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from servers.oidc_provider import Browser, OIDCProvider

from generator.config import package_config
from generator.diagnostics import Diagnostic
from generator.loader import load_spec
from generator.pipeline import generate_package, write_package
from generator.validate import validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _own_result_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The generator's result cache (black's output, valid documents) in a folder of this test
    session: a test never sees entries of the user's or of an earlier run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPECWRIGHT_CACHE_DIR", str(tmp_path_factory.mktemp("specwright-cache")))
        yield


@pytest.fixture
def validate_doc(tmp_path: Path) -> Callable[[dict[str, Any]], list[Diagnostic]]:
    """Write a spec (a dict) to ``tmp_path/spec.yaml`` and validate it."""

    def run(doc: dict[str, Any]) -> list[Diagnostic]:
        path = tmp_path / "spec.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return validate(load_spec(path, tmp_path))

    return run


@pytest.fixture(scope="session")
def import_generated() -> Callable[..., contextlib.AbstractContextManager[ModuleType]]:
    """``with import_generated(spec, package, out_root, **apis_toml_settings) as module: ...``"""
    return _imported_package


@contextlib.contextmanager
def _imported_package(spec: Path, package: str, out_root: Path, **settings: Any) -> Iterator[ModuleType]:
    """Generate ``spec`` as ``package`` under ``out_root`` and import it; forgotten afterwards.

    ``settings`` are ``apis.toml`` keys (e.g. ``module_functions=True``).
    """
    cfg = package_config(package, spec, {"package": package, **settings})
    out = out_root / package
    write_package(generate_package(cfg, ROOT / "templates", spec.parent), out)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


# -- interactive logins: a real OpenID provider and a scripted browser ----------------------
@pytest.fixture
def provider() -> Iterator[OIDCProvider]:
    """A running :class:`OIDCProvider` (client ``specwright-cli``, tokens valid 300 s)."""
    with OIDCProvider() as running:
        yield running


@pytest.fixture
def browser() -> Browser:
    """A browser that approves every login with real requests (see :class:`Browser`)."""
    return Browser()
