"""The generator is generic: no module, comment or example in ``generator/`` names one of
the project's own APIs (their specifics live in ``apis.toml``, ``templates/apis/`` and specs)."""

from __future__ import annotations

import re
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "generator"

# the five APIs, their vendors, products and the servers behind them
NAMES = re.compile(
    r"grad\s*-?300|cuiman|\bogc\b|ogc\s*api|eozilla|wraptile|\bwwt\b|constellations?|"
    r"cloud\s*-?cix|space\s*-?studio|exotrail",
    re.IGNORECASE,
)


def _hits(text: str) -> list[str]:
    return [m.group(0) for m in NAMES.finditer(text)]


def test_the_pattern_catches_every_name() -> None:
    sample = "GRAD300 grad300_client cuiman OGC API - Processes Eozilla wraptile WWT Constellations CloudCIX spacestudio Exotrail"
    assert len(_hits(sample)) == 11
    assert _hits("subprocess processes catalog wwtx") == []


def test_generator_names_none_of_the_apis() -> None:
    files = [p for p in sorted(GENERATOR.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "build.py" for p in files)
    found = {
        f"{p.relative_to(GENERATOR)}:{n}: {hit}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        for hit in _hits(line)
    }
    assert not found, sorted(found)
