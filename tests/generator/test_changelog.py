"""changelog: next versions, CHANGELOG.md sections, the apis.toml edit, and generate/check over them.

The end-to-end part runs `generate` and `check` on a copy of the project: the same bytes on
every regeneration, one bump per client-API change, a hand-set version kept, `check` never bumping.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.changelog import next_version, plan_release, prepend, section, set_version, start_changelog
from generator.config import load_project
from generator.diff import Change

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.parametrize(
    ("version", "bump", "expected"),
    [
        ("1.4.2", "major", "2.0.0"),
        ("1.4.2", "minor", "1.5.0"),
        ("1.4.2", "patch", "1.4.3"),
        ("1.4.2", "none", "1.4.2"),
        ("0.2.0", "major", "0.3.0"),  # below 1.0 a breaking change moves the minor number
        ("0.2.0", "minor", "0.2.1"),
        ("0.2.0", "patch", "0.2.1"),
        ("5", "minor", "5.1.0"),
        ("2.0.0rc1", "patch", "2.0.1"),
    ],
)
def test_next_version(version: str, bump: Any, expected: str) -> None:
    assert next_version(version, bump) == expected


def test_next_version_refuses_what_is_not_a_version() -> None:
    with pytest.raises(ValueError, match="not a PEP 440 version"):
        next_version("banana", "minor")


TOML = """\
# a comment that stays
[apis.one]
spec = "one.yaml"
version = "0.1.0"  # why this version

[apis.one.errors]
version = "not this one"

[apis.two]
spec = "two.yaml"
"""


def test_set_version_edits_one_key_of_one_table() -> None:
    edited = set_version(TOML, "one", "0.2.0")
    assert edited == TOML.replace('version = "0.1.0"  # why', 'version = "0.2.0"  # why')
    added = set_version(TOML, "two", "1.0.0")
    assert added == TOML.replace('[apis.two]\n', '[apis.two]\nversion = "1.0.0"\n')
    with pytest.raises(KeyError):
        set_version(TOML, "three", "1.0.0")


CHANGES = (
    Change("breaking", "method `get_pet`", "removed", "major"),
    Change("added", "model `Pet` (response)", "new optional field `age`", "minor"),
    Change("changed", "method `list_pets`", "documentation", "patch"),
    Change("added", "model `Kind` (response)", "new value `'<b>*x*</b>'`", "minor"),
)


def test_section_groups_changes_and_escapes_spec_text() -> None:
    text = section("2.0.0", CHANGES, "major")
    assert text.startswith("## 2.0.0\n\nSemver verdict: major (breaking changes).\n")
    assert text.index("### Breaking") < text.index("### Added") < text.index("### Changed")
    assert "- method `get_pet`: removed\n" in text
    assert "- model `Pet` (response): new optional field `age`\n" in text
    assert "`'<b>*x*</b>'`" in text  # a value from the spec stays inside its code span (literal there)
    outside = "".join(text.split("`")[::2])
    assert "<b>" not in outside
    stray = section("2.0.0", [Change("added", "model `K`", "new value `'a`<i>`'`", "minor")], "minor")
    assert "<i>" not in "".join(stray.split("`")[::2])


def test_prepend_puts_the_new_section_above_the_older_ones() -> None:
    log = start_changelog("pets", "1.0.0", {"methods": {"a": {}}, "models": {}})
    assert "## 1.0.0\n\nFirst recorded client API: 1 methods, 0 models and enums.\n" in log
    new = prepend(log, section("1.1.0", CHANGES[1:2], "minor"))
    assert new.startswith(log.split("## 1.0.0")[0])
    assert new.index("## 1.1.0") < new.index("## 1.0.0")


OLD_CLIENT: dict[str, Any] = {"methods": {"get_pet": {"operation": "GET /p", "params": [], "returns": "Pet", "doc": "1"}}}
NEW_CLIENT: dict[str, Any] = {"methods": {}}


def test_plan_release_bumps_once_and_keeps_a_hand_set_version() -> None:
    surface = {"version": "1.2.0", "client": OLD_CLIENT}
    bumped = plan_release("pets", "1.2.0", surface, NEW_CLIENT, None)
    assert (bumped.version, bumped.bump, bumped.bumped) == ("2.0.0", "major", True)
    assert bumped.changelog.index("## 2.0.0") < bumped.changelog.index("## 1.2.0")  # the old version starts the log
    # the user set the next version in apis.toml: it wins, nothing is bumped on top
    chosen = plan_release("pets", "3.0.0", surface, NEW_CLIENT, None)
    assert (chosen.version, chosen.bumped) == ("3.0.0", False)
    assert "## 3.0.0" in chosen.changelog
    # once written, the same client API is no change: no second bump, the log as it stands
    again = plan_release("pets", "2.0.0", {"version": "2.0.0", "client": NEW_CLIENT}, NEW_CLIENT, bumped.changelog)
    assert (again.version, again.changes, again.changelog) == ("2.0.0", (), bumped.changelog)


def test_plan_release_without_a_recorded_client_api_starts_the_log() -> None:
    first = plan_release("pets", "0.4.0", None, NEW_CLIENT, None)
    assert (first.version, first.bumped, first.changes) == ("0.4.0", False, ())
    assert "## 0.4.0\n" in first.changelog
    kept = plan_release("pets", "0.4.0", {"version": "0.4.0"}, NEW_CLIENT, "# my own log\n")
    assert kept.changelog == "# my own log\n"


# --- generate and check on a copy of the project -----------------------------------------


def _remove_request_enum_value(project: Path) -> None:
    spec = project / "specs" / "grad300.yaml"
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    scan_type = doc["components"]["schemas"]["ScanType"]
    scan_type["enum"] = scan_type["enum"][:-1]
    scan_type["x-enum-varnames"] = scan_type["x-enum-varnames"][:-1]
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generate_twice_same_bytes_and_check_never_bumps(run_cli: Run, project_copy: Path) -> None:
    package = project_copy / "generated" / "grad300-client"
    _remove_request_enum_value(project_copy)
    check = run_cli("--root", project_copy, "check", "grad300")
    assert check.returncode == 1
    assert "version 0.3.0, bumped (major)" in check.stdout  # what generate will do...
    assert load_project(project_copy).api("grad300").version == "0.2.0"  # ...but check changes nothing
    assert not (package / "CHANGELOG.md").read_text(encoding="utf-8").count("## 0.3.0")

    first = run_cli("--root", project_copy, "generate", "grad300")
    assert first.returncode == 0, first.stderr
    toml_after, tree_after = (project_copy / "apis.toml").read_bytes(), _tree(package)
    assert load_project(project_copy).api("grad300").version == "0.3.0"
    changelog = (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.3.0\n\nSemver verdict: major (breaking changes).\n\n### Breaking\n\n" in changelog
    assert "- model `ScanType` (request): value `'OnOff'` removed" in changelog

    second = run_cli("--root", project_copy, "generate", "grad300")
    assert second.returncode == 0, second.stderr
    assert "version" not in second.stdout  # no change since the last regeneration: no second bump
    assert (project_copy / "apis.toml").read_bytes() == toml_after
    assert _tree(package) == tree_after
    assert run_cli("--root", project_copy, "check", "grad300").returncode == 0


def test_a_version_set_by_hand_wins(run_cli: Run, project_copy: Path) -> None:
    toml = project_copy / "apis.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('version = "0.2.0"', 'version = "1.0.0"'), encoding="utf-8")
    _remove_request_enum_value(project_copy)
    result = run_cli("--root", project_copy, "generate", "grad300")
    assert result.returncode == 0, result.stderr
    assert "version 1.0.0, as set in apis.toml (verdict: major)" in result.stdout
    assert load_project(project_copy).api("grad300").version == "1.0.0"
    package = project_copy / "generated" / "grad300-client"
    assert 'version = "1.0.0"' in (package / "pyproject.toml").read_text(encoding="utf-8")
    assert "## 1.0.0\n" in (package / "CHANGELOG.md").read_text(encoding="utf-8")


def test_no_bump_records_the_client_api_as_it_is(run_cli: Run, project_copy: Path) -> None:
    package = project_copy / "generated" / "grad300-client"
    changelog = (package / "CHANGELOG.md").read_bytes()
    _remove_request_enum_value(project_copy)
    result = run_cli("--root", project_copy, "generate", "grad300", "--no-bump")
    assert result.returncode == 0, result.stderr
    assert "version 0.2.0 kept (--no-bump; verdict: major)" in result.stdout
    assert load_project(project_copy).api("grad300").version == "0.2.0"
    assert (package / "CHANGELOG.md").read_bytes() == changelog
    assert "OnOff" not in (package / "api-surface.json").read_text(encoding="utf-8")
    assert run_cli("--root", project_copy, "check", "grad300").returncode == 0  # recorded: nothing to bump now


# --- a spec outside apis.toml (generate SPEC --package NAME --output DIR) -------------------

_ADHOC = {
    "openapi": "3.0.3",
    "info": {"title": "Loose", "version": "1"},
    "paths": {
        "/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}},
        "/health": {"get": {"operationId": "health", "responses": {"200": {"description": "ok"}}}},
    },
}


def _edit_spec(spec: Path, edit: Callable[[dict[str, Any]], object]) -> None:
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    edit(doc)
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")


def test_a_spec_outside_apis_toml_keeps_its_version_and_changelog_in_the_output(run_cli: Run, tmp_path: Path) -> None:
    spec, out = tmp_path / "loose.yaml", tmp_path / "out"
    spec.write_text(yaml.safe_dump(_ADHOC), encoding="utf-8")
    assert run_cli("generate", spec, "--package", "loose", "--output", out).returncode == 0
    assert "## 0.1.0\n\nFirst recorded client API: 2 methods" in (out / "CHANGELOG.md").read_text(encoding="utf-8")

    _edit_spec(spec, lambda doc: doc["paths"].pop("/health"))
    changed = run_cli("generate", spec, "--package", "loose", "--output", out)
    assert changed.returncode == 0, changed.stderr
    assert "loose: version 0.2.0, bumped (major)" in changed.stdout  # 0.x: breaking moves the minor number
    assert 'version = "0.2.0"' in (out / "pyproject.toml").read_text(encoding="utf-8")
    changelog = (out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 0.2.0") < changelog.index("## 0.1.0")
    assert "- method `health`: removed" in changelog

    tree = _tree(out)
    again = run_cli("generate", spec, "--package", "loose", "--output", out)
    assert again.returncode == 0 and "version" not in again.stdout
    assert _tree(out) == tree  # nothing changed since: the same bytes, no second bump

    _edit_spec(spec, lambda doc: doc["paths"].update({"/more": {"get": {"operationId": "more", "responses": {"200": {"description": "ok"}}}}}))
    recorded = run_cli("generate", spec, "--package", "loose", "--output", out, "--no-bump")
    assert recorded.returncode == 0 and "version" not in recorded.stdout
    assert (out / "CHANGELOG.md").read_text(encoding="utf-8") == changelog
