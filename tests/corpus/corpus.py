"""Generating the real-world documents of the shared corpus (``../shared/corpus``, or
``$SPECWRIGHT_CORPUS``), shared by the corpus tests and the README table (``python -m tests.corpus.table``)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.config import package_config
from generator.loader import HTTP_METHODS, load_spec
from generator.pipeline import GeneratedPackage, generate_package, write_package

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("SPECWRIGHT_CORPUS") or ROOT.parent / "shared" / "corpus")
SUFFIXES = (".yaml", ".yml", ".json")


def documents() -> list[Path]:
    """Every document of the corpus, by name; fails loudly (never an empty list) without one."""
    found = sorted(p for p in CORPUS.glob("*") if p.suffix in SUFFIXES)
    if not found:
        raise FileNotFoundError(f"no corpus documents in {CORPUS}: set SPECWRIGHT_CORPUS")
    return found


def package_name(doc: Path) -> str:
    return "corpus_" + re.sub(r"[^a-z0-9]+", "_", doc.stem.lower()).strip("_")


@dataclass(frozen=True)
class Result:
    doc: Path
    package: GeneratedPackage
    out_dir: Path
    seconds: float


def generate(doc: Path, out_root: Path) -> Result:
    """Generate ``doc`` leniently (as ``generate SPEC --package``) and write it under ``out_root``."""
    name = package_name(doc)
    cfg = package_config(name, doc, {"package": name})
    started = time.perf_counter()
    package = generate_package(cfg, ROOT / "templates", doc.parent, strict=False)
    out_dir = out_root / name
    write_package(package, out_dir)
    return Result(doc, package, out_dir, time.perf_counter() - started)


def spec_inventory(doc: Path) -> tuple[list[tuple[str, str]], list[str], dict[str, Any]]:
    """What the document declares, read directly: (METHOD, path) of each operation, schema names,
    and the (bundled) document itself."""
    document: dict[str, Any] = load_spec(doc, doc.parent).document
    ops = [
        (method.upper(), str(path))
        for path, item in (document.get("paths") or {}).items()
        if isinstance(item, dict)
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
    ]
    schemas = [str(n) for n in ((document.get("components") or {}).get("schemas") or {})]
    return ops, schemas, document
