"""Committed golden output of the feature specs: one generated package per feature.

``golden/<feature>/`` holds every file the generator writes for ``specs/<spec>`` with the
settings below, so a template or build change shows up as a readable diff in review.
Regenerate with ``make golden`` (``python -m tests.features.golden``).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import package_config
from generator.pipeline import generate_package

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPECS = HERE / "specs"
GOLDEN = HERE / "golden"
TEMPLATES = ROOT / "templates"
REGENERATE = "make golden"


@dataclass(frozen=True)
class Feature:
    """One feature spec, the package it becomes and its ``apis.toml`` settings."""

    spec: str
    package: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def spec_path(self) -> Path:
        return SPECS / self.spec


FEATURES: dict[str, Feature] = {
    "oidc": Feature("oidc.yaml", "sso"),
    "api_key": Feature("api_key.yaml", "keyed"),
    "basic": Feature("basic.yaml", "basic"),
    "resource_groups": Feature("resource_groups.yaml", "rhosts"),
    "bound_groups": Feature("bound_groups.yaml", "bclient"),
    "server_variables": Feature("server_variables.yaml", "regions"),
    "module_functions": Feature("module_functions.yaml", "g3fn", {"module_functions": True}),
    "signatures": Feature("signatures.yaml", "sig"),
    "named_resources": Feature("named_resources.yaml", "labs", {"module_functions": True}),
}


def generate(name: str) -> dict[str, str]:
    """Every file of the feature's package (path inside the distribution folder -> text), in memory."""
    feature = FEATURES[name]
    cfg = package_config(feature.package, feature.spec_path, {"package": feature.package, **feature.settings})
    return generate_package(cfg, TEMPLATES, SPECS).files


def committed(name: str) -> dict[str, str]:
    """The committed golden files of a feature (same shape as :func:`generate`)."""
    folder = GOLDEN / name
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def write(name: str) -> int:
    """Replace ``golden/<name>/`` with a fresh generation; returns the number of files."""
    files = generate(name)
    folder = GOLDEN / name
    shutil.rmtree(folder, ignore_errors=True)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return len(files)


def main(argv: list[str]) -> int:
    """Regenerate the named features (all without arguments)."""
    names = argv or list(FEATURES)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        print(f"unknown feature(s): {', '.join(unknown)}; known: {', '.join(FEATURES)}", file=sys.stderr)
        return 2
    for name in names:
        print(f"golden/{name}: {write(name)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
