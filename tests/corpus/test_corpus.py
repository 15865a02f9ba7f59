"""Every corpus document becomes a complete client that imports (see ``corpus.py``).

One test per document: generate leniently, then check that every operation of the document is a
method and every schema a model class, and that every module imports in a fresh interpreter; mypy
--strict runs on a small sample.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from generator.lint import is_lint
from generator.loader import resolve_pointer

from .corpus import Result, documents, generate, spec_inventory

MYPY_SAMPLE = ("petstore-expanded.yaml", "train-travel.yaml")
_results: dict[str, Result] = {}


def _generate_all(out_root: Path) -> None:
    """Every document, generated once in worker processes (the largest first, so the cores stay busy)."""
    docs = sorted(documents(), key=lambda d: d.stat().st_size, reverse=True)
    workers = max(1, min(len(os.sched_getaffinity(0)), 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {doc.name: pool.submit(generate, doc, out_root / doc.stem) for doc in docs}
        for name, future in futures.items():
            _results[name] = future.result()


def _generated(doc: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    if not _results:  # once for the whole corpus, shared by every test
        _generate_all(tmp_path_factory.mktemp("corpus"))
    return _results[doc.name]


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.name)
def test_complete_client(doc: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    result = _generated(doc, tmp_path_factory)
    api = result.package.api
    ops, schemas, document = spec_inventory(doc)
    # the lint ran (findings are counted, not failures) and points at what exists
    for finding in result.package.lint:
        assert is_lint(finding) and finding.severity == "warning", finding
        if finding.file == doc.name:
            resolve_pointer(document, finding.pointer)  # KeyError if it points nowhere
    assert sorted((op.method, str(op.path)) for op in api.operations) == sorted(ops)
    names = [op.py_name for op in api.operations]
    assert len(set(names)) == len(names), "method names must be unique"
    code = "\n".join(text for path, text in result.package.files.items() if path.endswith(".py"))
    missing_methods = [n for n in names if f"def {n}(" not in code]
    assert not missing_methods
    assert sorted(m.schema_name for m in api.models) == sorted(schemas)
    pkg = result.package.cfg.package
    modules = sorted(
        p.relative_to(result.out_dir).with_suffix("").as_posix().replace("/", ".")
        for p in (result.out_dir / pkg).rglob("*.py")
    )
    classes = sorted({m.class_name for m in api.models})
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        f"models = importlib.import_module('{pkg}.{result.package.cfg.models_module}')\n"
        f"missing = [c for c in {classes!r} if not isinstance(getattr(models, c, None), type)]\n"
        "assert not missing, missing\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=result.out_dir, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.mark.parametrize("name", MYPY_SAMPLE)
def test_mypy_strict_on_sample(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    doc = next(d for d in documents() if d.name == name)
    result = _generated(doc, tmp_path_factory)
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", result.package.cfg.package],
        cwd=result.out_dir, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]
