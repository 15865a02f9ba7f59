"""`python -m generator diff`: the report, --json, exit codes, and --rev against a git revision."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.generator.test_diff import BASE, add_operation, remove_operation

Run = Callable[..., subprocess.CompletedProcess[str]]


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def specs(tmp_path: Path) -> dict[str, Path]:
    broken, added = copy.deepcopy(BASE), copy.deepcopy(BASE)
    remove_operation(broken)
    add_operation(added)
    return {
        "old": _write(tmp_path / "old.yaml", BASE),
        "broken": _write(tmp_path / "broken.yaml", broken),
        "added": _write(tmp_path / "added.yaml", added),
    }


def test_breaking_change_exits_1_and_ends_with_the_bump(run_cli: Run, specs: dict[str, Path]) -> None:
    result = run_cli("diff", specs["old"], specs["broken"])
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{specs['old']} -> {specs['broken']}"
    assert "  breaking  method `get_pet`: removed" in lines
    assert lines[-1] == "bump: major"


def test_allow_breaking_exits_0(run_cli: Run, specs: dict[str, Path]) -> None:
    result = run_cli("diff", specs["old"], specs["broken"], "--allow-breaking")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "bump: major"


def test_compatible_change_exits_0(run_cli: Run, specs: dict[str, Path]) -> None:
    result = run_cli("diff", specs["old"], specs["added"])
    assert result.returncode == 0
    assert "  added     method `delete_pet`: added" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "bump: minor"
    same = run_cli("diff", specs["old"], specs["old"])
    assert (same.returncode, same.stdout.splitlines()[1:]) == (0, ["  no change to the client API", "bump: none"])


def test_json(run_cli: Run, specs: dict[str, Path]) -> None:
    result = run_cli("diff", specs["old"], specs["broken"], "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["bump"] == "major" and data["breaking"] is True
    assert {"group": "breaking", "breaking": True, "bump": "major", "subject": "method `get_pet`", "detail": "removed"} in data["changes"]
    assert all(isinstance(c["breaking"], bool) for c in data["changes"])


def test_one_spec_is_a_usage_error(run_cli: Run, specs: dict[str, Path]) -> None:
    result = run_cli("diff", specs["old"])
    assert result.returncode == 2
    assert "give two spec files" in result.stderr


def test_unreadable_spec_exits_1(run_cli: Run, specs: dict[str, Path], tmp_path: Path) -> None:
    result = run_cli("diff", specs["old"], tmp_path / "missing.yaml")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    dangling = copy.deepcopy(BASE)
    dangling["paths"]["/pets"]["get"]["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}
    result = run_cli("diff", specs["old"], _write(tmp_path / "dangling.yaml", dangling))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "dangling.yaml#/paths/" in result.stderr


# --- --rev: each spec of apis.toml against a git revision ---------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with a project whose spec spans two files, committed once."""
    root = tmp_path / "repo"
    (root / "api").mkdir(parents=True)
    (root / "apis.toml").write_text(
        '[apis.pets]\nspec = "api/pets.yaml"\npackage = "pets"\nversion = "1.0.0"\n', encoding="utf-8"
    )
    main = copy.deepcopy(BASE)
    schemas = main.pop("components")["schemas"]
    paths = json.dumps(main["paths"]).replace('"#/components/', '"parts/schemas.yaml#/components/')
    main["paths"] = json.loads(paths)
    _write(root / "api" / "pets.yaml", main)
    _write(root / "api" / "parts" / "schemas.yaml", {"components": {"schemas": schemas}})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    return root


def test_rev_reads_every_file_of_the_spec_at_the_revision(run_cli: Run, repo: Path) -> None:
    clean = run_cli("--root", repo, "diff", "--rev", "HEAD", cwd=repo)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.splitlines() == [
        "pets (api/pets.yaml, HEAD -> working tree)",
        "  no change to the client API",
        "bump: none",
    ]
    # an edit in the $ref'd file only, in the working tree
    part = repo / "api" / "parts" / "schemas.yaml"
    doc = yaml.safe_load(part.read_text(encoding="utf-8"))
    del doc["components"]["schemas"]["Pet"]["properties"]["tag"]
    _write(part, doc)
    edited = run_cli("--root", repo, "diff", "--rev", "HEAD", "pets", "--json", cwd=repo)
    assert edited.returncode == 1, edited.stderr
    data = json.loads(edited.stdout)
    assert data["bump"] == "major"
    assert data["apis"]["pets"]["changes"] == [
        {
            "group": "breaking",
            "breaking": True,
            "bump": "major",
            "subject": "model `Pet` (response)",
            "detail": "field `tag` removed",
        }
    ]
    assert data["changes"][0]["api"] == "pets"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout.strip() == "M api/parts/schemas.yaml"  # the working tree is untouched


def test_rev_unknown_revision_exits_3(run_cli: Run, repo: Path) -> None:
    result = run_cli("--root", repo, "diff", "--rev", "no-such-rev", cwd=repo)
    assert result.returncode == 3
    assert result.stderr.startswith("error: git rev-parse")


def test_rev_spec_missing_at_the_revision_is_a_new_client(run_cli: Run, repo: Path) -> None:
    _git(repo, "mv", "api", "spec-folder")
    toml = repo / "apis.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("api/pets.yaml", "spec-folder/pets.yaml"), encoding="utf-8")
    result = run_cli("--root", repo, "diff", "--rev", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "  added     client API: first version" in result.stdout.splitlines()
