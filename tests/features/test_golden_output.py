"""Each feature spec, generated in memory, matches its committed package in ``golden/`` file by file.

A template or build change fails here with a unified diff of the first file that changed;
review it, then regenerate with ``make golden`` and commit the new golden output.
"""

from __future__ import annotations

import difflib

import pytest

from .golden import FEATURES, GOLDEN, REGENERATE, committed, generate


def _first_difference(name: str, fresh: dict[str, str], golden: dict[str, str]) -> str | None:
    """A readable account of the first difference, or None when the trees are equal."""
    missing, extra = sorted(golden.keys() - fresh.keys()), sorted(fresh.keys() - golden.keys())
    if missing or extra:
        return f"golden/{name}: files no longer generated {missing}, files not in golden output {extra}"
    for rel in sorted(fresh):
        if fresh[rel] != golden[rel]:
            diff = difflib.unified_diff(
                golden[rel].splitlines(keepends=True),
                fresh[rel].splitlines(keepends=True),
                fromfile=f"golden/{name}/{rel}",
                tofile=f"generated/{rel}",
            )
            return "".join(diff)
    return None


def test_every_feature_has_a_spec_and_golden_output() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) == sorted(FEATURES)
    assert all(f.spec_path.is_file() for f in FEATURES.values())


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_generated_package_matches_golden_output(name: str) -> None:
    golden = committed(name)
    assert golden, f"no golden output for {name}; run `{REGENERATE}`"
    difference = _first_difference(name, generate(name), golden)
    if difference is not None:
        pytest.fail(f"{difference}\n\nIf the change is intended, run `{REGENERATE}` and commit tests/features/golden/.", pytrace=False)


def test_a_difference_is_reported_as_a_diff() -> None:
    golden = {"pkg/api.py": "a = 1\nb = 2\n", "README.md": "x\n"}
    changed = {"pkg/api.py": "a = 1\nb = 3\n", "README.md": "x\n"}
    report = _first_difference("demo", changed, golden) or ""
    assert "--- golden/demo/pkg/api.py" in report and "-b = 2" in report and "+b = 3" in report
    assert "files no longer generated ['README.md']" in (_first_difference("demo", {"pkg/api.py": ""}, golden) or "")
    assert _first_difference("demo", dict(golden), golden) is None
