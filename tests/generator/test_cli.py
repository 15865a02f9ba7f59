"""cli: `python -m generator validate|generate|check`, its output and exit codes.

Everything that writes runs on a copy of the project (the `project_copy` fixture).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import cli
from generator.config import load_project

ROOT = Path(__file__).resolve().parents[2]

Run = Callable[..., subprocess.CompletedProcess[str]]
Main = Callable[..., tuple[int, str, str]]
DIAG_LINE = re.compile(r"^(?P<file>[^#\s]+?)(?::(?P<line>\d+): )?#(?P<pointer>/\S*): \[(?P<rule>[^\]]+)\] (?P<message>.+)$")
API_PY = "grad300_client/api.py"


def _diag_lines(stderr: str) -> list[re.Match[str]]:
    lines = stderr.strip().splitlines()
    assert lines, "expected diagnostics on stderr"
    assert re.fullmatch(r"\d+ problem\(s\)", lines[-1]), lines[-1]
    matches = [DIAG_LINE.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert int(lines[-1].split()[0]) == len(matches)
    return [m for m in matches if m]


@pytest.fixture
def main(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Main:
    """``cli.main(args)`` in this process (faster than a subprocess): (exit code, stdout, stderr)."""

    def run(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- exit code constants and help ---------------------------------------------------------


def test_exit_code_constants() -> None:
    assert (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_ERROR) == (0, 1, 2, 3)


def test_help_mentions_exit_codes(run_cli: Run) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Exit codes: 0 success; 1 a spec is invalid, `check` found drift, or `diff` found a breaking change;" in text
    assert "2 bad arguments; 3 generation failed" in text
    for command in ("validate", "generate", "check", "diff"):
        assert command in result.stdout


def test_generate_help(run_cli: Run) -> None:
    result = run_cli("generate", "--help")
    assert result.returncode == 0
    assert "--package" in result.stdout and "--output" in result.stdout


def test_generate_help_mentions_exit_codes(run_cli: Run) -> None:
    result = run_cli("generate", "--help")
    assert re.search(r"[Ee]xit codes", result.stdout), result.stdout


def test_missing_command_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "required: command" in result.stderr


def test_generate_one_needs_package_and_output(main: Main, tmp_path: Path) -> None:
    code, _, err = main("generate", tmp_path / "spec.yaml", "--package", "p")
    assert code == 2
    assert "--package NAME --output DIR" in err
    assert not (tmp_path / "p").exists()


# --- validate ----------------------------------------------------------------------------


def test_validate_every_spec_of_the_project(run_cli: Run) -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    # every spec of apis.toml, shown relative to the project
    specs = sorted(f"{api.spec.relative_to(ROOT).as_posix()}: ok" for api in load_project(ROOT).apis)
    assert len(specs) >= 3 and sorted(result.stdout.splitlines()) == specs
    assert result.stderr == ""


def test_validate_given_spec(run_cli: Run) -> None:
    result = run_cli("validate", "specs/grad300.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "specs/grad300.yaml: ok"


def test_validate_broken_spec(run_cli: Run, write_spec: Callable[..., Path], grad300_doc: dict[str, Any], tmp_path: Path) -> None:
    op = grad300_doc["paths"]["/scans/{scan_type}/"]["get"]
    op["parameters"][1]["in"] = "bogus"
    write_spec(grad300_doc, "broken.yaml")
    result = run_cli("validate", "broken.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = _diag_lines(result.stderr)
    assert line["file"] == "broken.yaml"
    assert line["pointer"] == "/paths/~1scans~1{scan_type}~1/get/parameters/1/in"
    assert line["rule"] == "openapi:enum"


def test_validate_reports_project_rules(main: Main, write_spec: Callable[..., Path], grad300_doc: dict[str, Any], tmp_path: Path) -> None:
    op = grad300_doc["paths"]["/scans/{scan_type}/"]["get"]
    op["x-speakeasy-pagination"]["inputs"][0]["name"] = "start"
    grad300_doc["components"]["schemas"]["ScanType"]["x-enum-varnames"].pop()
    write_spec(grad300_doc, "broken.yaml")
    code, _, err = main("validate", "broken.yaml", cwd=tmp_path)
    assert code == 1
    lines = _diag_lines(err)
    assert sorted(m["rule"] for m in lines) == ["pagination-input-exists", "x-enum-varnames:length"]
    assert {m["file"] for m in lines} == {"broken.yaml"}


def test_validate_yaml_syntax_error(main: Main, write_spec: Callable[..., Path], tmp_path: Path) -> None:
    write_spec("openapi: 3.0.3\ninfo: {title: [x\n", "syntax.yaml")
    code, _, err = main("validate", "syntax.yaml", cwd=tmp_path)
    assert code == 1
    (line,) = _diag_lines(err)
    assert (line["file"], line["pointer"], line["rule"]) == ("syntax.yaml", "/", "yaml-syntax")
    assert line["message"].startswith("line ")


def test_validate_several_specs_reports_each(main: Main, write_spec: Callable[..., Path], grad300_doc: dict[str, Any], tmp_path: Path) -> None:
    write_spec(grad300_doc, "good.yaml")
    grad300_doc["openapi"] = "2.0"
    write_spec(grad300_doc, "old.yaml")
    code, out, err = main("validate", "good.yaml", "old.yaml", cwd=tmp_path)
    assert code == 1
    assert out.strip() == "good.yaml: ok"
    (line,) = _diag_lines(err)
    assert (line["file"], line["pointer"], line["rule"]) == ("old.yaml", "/openapi", "openapi-version")


def test_validate_dangling_ref_is_a_diagnostic_not_a_traceback(run_cli: Run, copy_fixture: Callable[[str], Path], tmp_path: Path) -> None:
    copy_fixture("bundle_bugs")
    result = run_cli("validate", "bundle_bugs/dangling_local.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert _diag_lines(result.stderr)


# --- generate and check on a copy of the project -------------------------------------


def test_check_clean_then_hand_edit(run_cli: Run, project_copy: Path) -> None:
    clean = run_cli("--root", project_copy, "check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.splitlines() == [f"{api.key}: up to date" for api in load_project(project_copy).apis]

    edited = project_copy / "generated" / "grad300-client" / API_PY
    with edited.open("a", encoding="utf-8") as fh:
        fh.write("# a hand edit\n")
    drift = run_cli("--root", project_copy, "check", "grad300")
    assert drift.returncode == 1
    lines = drift.stdout.splitlines()
    assert lines[0] == "grad300: generated/grad300-client differs from specs/grad300.yaml:"
    assert [line.strip() for line in lines[1:]] == [API_PY]  # only that file; the API surface did not change
    assert "drift found" in drift.stderr


def test_check_reports_removed_and_extra_files(main: Main, project_copy: Path) -> None:
    pkg = project_copy / "generated" / "grad300-client"
    (pkg / "README.md").unlink()
    (pkg / "grad300_client" / "stray.py").write_text("", encoding="utf-8")
    code, out, _ = main("--root", project_copy, "check", "grad300")
    assert code == 1
    listed = [line.strip() for line in out.splitlines()[1:]]
    assert listed == ["README.md", "grad300_client/stray.py"]


def test_spec_change_check_generate_check(run_cli: Run, project_copy: Path) -> None:
    spec = project_copy / "specs" / "grad300.yaml"
    doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    doc["paths"]["/scans/{scan_type}/"]["get"]["parameters"].append(
        {"name": "min_size", "in": "query", "required": False, "schema": {"type": "integer"}}
    )
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    drift = run_cli("--root", project_copy, "check", "grad300")
    assert drift.returncode == 1
    listed = [line.strip() for line in drift.stdout.splitlines()[1:] if not line.strip().startswith("API:")]
    assert API_PY in listed and "api-surface.json" in listed
    api_lines = [line.strip() for line in drift.stdout.splitlines() if line.strip().startswith("API:")]
    changed = [
        "~ method AsyncGrad300Api.iter_list_scans: signature changed",
        "~ method AsyncGrad300Api.list_scans: signature changed",
        "~ method Grad300Api.iter_list_scans: signature changed",
        "~ method Grad300Api.list_scans: signature changed",
    ]
    assert api_lines == [f"API: {line}" for line in changed]

    generated = run_cli("--root", project_copy, "generate", "grad300")
    assert generated.returncode == 0, generated.stderr
    out = generated.stdout.splitlines()
    assert out[0].startswith("grad300: 4 operations, 8 models, ")
    # a new optional parameter: a minor change, 0.2.0 -> 0.2.1 (below 1.0 everything moves one place down)
    assert [line.strip() for line in out[1:]] == [*changed, "version 0.2.1, bumped (minor); CHANGELOG.md has a section for it"]
    package = project_copy / "generated" / "grad300-client"
    api_py = (package / API_PY).read_text(encoding="utf-8")
    assert "min_size: int | None = None" in api_py
    assert 'version = "0.2.1"' in (package / "pyproject.toml").read_text(encoding="utf-8")
    assert load_project(project_copy).api("grad300").version == "0.2.1"
    changelog = (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 0.2.1\n" in changelog and changelog.index("## 0.2.1") < changelog.index("## 0.2.0")
    assert "- method `iter_list_scans`: new optional parameter `min_size`" in changelog

    again = run_cli("--root", project_copy, "check")
    assert again.returncode == 0, again.stdout
    assert "grad300: up to date" in again.stdout.splitlines()


def test_check_with_invalid_spec_exits_1(main: Main, project_copy: Path) -> None:
    spec = project_copy / "specs" / "grad300.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("type: offsetLimit", "type: sometimes"), encoding="utf-8")
    code, _, err = main("--root", project_copy, "check")
    assert code == 1
    (line,) = _diag_lines(err)
    assert line["file"] == "specs/grad300.yaml"
    assert line["rule"] == "x-speakeasy-pagination:enum"


def test_missing_template_folder_exits_3(run_cli: Run, project_copy: Path) -> None:
    toml = project_copy / "apis.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('template = "grad300"', 'template = "nope"'), encoding="utf-8")
    result = run_cli("--root", project_copy, "check")
    assert result.returncode == 3
    assert result.stderr.startswith("error: per-API template folder not found")


def test_unknown_api_key_exits_3(main: Main, project_copy: Path) -> None:
    code, _, err = main("--root", project_copy, "generate", "nosuchapi")
    assert code == 3
    assert "unknown API 'nosuchapi'" in err


def test_generate_one_with_invalid_spec_exits_1(main: Main, write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec = write_spec({"openapi": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}})
    out = tmp_path / "out"
    code, _, err = main("generate", spec, "--package", "x", "--output", out)
    assert code == 1
    (line,) = _diag_lines(err)
    assert (line["file"], line["rule"]) == ("spec.yaml", "openapi-version")
    assert not out.exists()
