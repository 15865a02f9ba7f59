"""Command line: ``python -m generator validate|generate|check|diff``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import jinja2

from .changelog import Release, set_version
from .client_api import client_api_of_spec
from .config import CONFIG_FILE, PackageConfig, Project, load_project, package_config
from .diagnostics import SpecError
from .diff import Change, bump_of, diff_client_apis
from .escaping import clean
from .loader import load_spec
from .locations import with_lines
from .pipeline import compare_tree, generate_package, read_surface, with_release, write_package
from .revision import RevisionError, checkout
from .surface import diff_surfaces
from .validate import validate

EXIT_OK = 0
EXIT_FAILED = 1  # invalid spec, or drift found by ``check``
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_ERROR = 3  # generation failed for another reason (template, formatter, I/O)

EXIT_CODES = """\
Exit codes: 0 success; 1 a spec is invalid, `check` found drift, or `diff` found a breaking
change; 2 bad arguments; 3 generation failed for another reason (template, formatter, file system).
"""

DESCRIPTION = "Generate typed Python client packages from OpenAPI specs.\n\n" + EXIT_CODES

EPILOG = """\
examples:
  python -m generator validate                    validate every spec in apis.toml
  python -m generator validate specs/x.yaml       validate given files
  python -m generator validate --strict           fail on warnings (lint findings) too
  python -m generator generate                    regenerate every package under generated/
  python -m generator generate petstore           regenerate one package
  python -m generator generate path/to/spec.yaml --package my_client --output out/
  python -m generator check                       fail if generated/ differs from the specs
  python -m generator diff old.yaml new.yaml      what changed in the client API, and the bump it needs
  python -m generator diff --rev HEAD             every spec of apis.toml against its last commit
  python -m generator diff --rev v1.2 petstore --json --allow-breaking
"""

DIFF_HELP = """\
Compares the client APIs two specs give (methods, parameters, return types, model fields,
enum values), not their text. Each change is judged from the user's side: breaking, added or
changed; the report ends with the semver bump it needs (bump: major, minor, patch or none).
Exit codes: 0 nothing breaks (or --allow-breaking); 1 a breaking change, or a spec that cannot
be read; 2 bad arguments; 3 another failure (git, file system).
"""

DIFF_EPILOG = """\
examples:
  python -m generator diff old.yaml new.yaml              two spec files
  python -m generator diff --rev HEAD                     every spec of apis.toml against its last commit
  python -m generator diff --rev origin/main petstore     in CI: exit 1 if the branch breaks users
  python -m generator diff --rev v1.2 --json --allow-breaking   the changes and the bump, as JSON
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", type=Path, default=None, help="project folder holding apis.toml (default: search upwards)")
    sub = parser.add_subparsers(dest="command", required=True)
    raw = argparse.RawDescriptionHelpFormatter
    p_val = sub.add_parser("validate", help="check specs: OpenAPI rules, x- extensions, project rules, lint", epilog=EXIT_CODES, formatter_class=raw)
    p_val.add_argument("specs", nargs="*", type=Path, help="spec files (default: every spec in apis.toml)")
    p_val.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1 on any finding)")
    p_gen = sub.add_parser("generate", help="regenerate packages; print one line per API and what changed", epilog=EXIT_CODES, formatter_class=raw)
    p_gen.add_argument("targets", nargs="*", help="API keys from apis.toml, or one spec path with --package")
    p_gen.add_argument("--package", help="import name, for a spec outside apis.toml")
    p_gen.add_argument("--output", type=Path, help="output folder, for a spec outside apis.toml")
    p_gen.add_argument(
        "--strict", action="store_true",
        help="with --package: refuse on any finding, as for the specs of apis.toml (which are always strict)",
    )
    p_gen.add_argument(
        "--no-bump", action="store_true",
        help="record a changed client API without a new version or CHANGELOG.md section (e.g. after a generator upgrade)",
    )
    p_check = sub.add_parser("check", help="regenerate into a temporary folder and fail if generated/ differs", epilog=EXIT_CODES, formatter_class=raw)
    p_check.add_argument("apis", nargs="*", help="API keys from apis.toml (default: all)")
    p_diff = sub.add_parser(
        "diff", help="what changed in the client API between two specs, breaking or not, and the bump it needs",
        description=DIFF_HELP, epilog=DIFF_EPILOG, formatter_class=raw,
    )
    p_diff.add_argument("targets", nargs="*", help="OLD NEW spec files; with --rev: API keys from apis.toml (default: all)")
    p_diff.add_argument("--rev", help="compare each spec of apis.toml with its content at this git revision")
    p_diff.add_argument("--json", action="store_true", help="print JSON: changes (each with a breaking flag) and bump")
    p_diff.add_argument("--allow-breaking", action="store_true", help="exit 0 even when a change breaks users")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.root, args.specs, strict=args.strict)
        if args.command == "generate":
            if args.package or args.output:
                return _generate_one(
                    args.root, args.targets, args.package, args.output, strict=args.strict, no_bump=args.no_bump
                )
            return _generate(load_project(args.root), args.targets, bump=not args.no_bump)
        if args.command == "diff":
            return _diff(args)
        return _check(load_project(args.root), args.apis)
    except SpecError as exc:
        _report(exc)
        return EXIT_FAILED
    except RevisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (OSError, RuntimeError, KeyError, ValueError, jinja2.TemplateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _report(exc: SpecError) -> None:
    for diag in exc.diagnostics:
        print(str(diag), file=sys.stderr)
    warnings = sum(d.severity == "warning" for d in exc.diagnostics)
    print(f"{len(exc.diagnostics)} problem(s)" + (f", {warnings} of them warnings" if warnings else ""), file=sys.stderr)


def _validate(root: Path | None, specs: list[Path], *, strict: bool = False) -> int:
    reserved: dict[Path, tuple[str, ...]] = {}
    try:
        project: Project | None = load_project(root)
    except FileNotFoundError:  # a spec outside any project: only the generic rules
        project = None
    if project is not None:
        reserved = {api.spec.resolve(): api.reserved_names for api in project.apis}
        if not specs:
            specs = [api.spec for api in project.apis]
            root = project.root
    failed = False
    for path in specs:
        try:
            spec = load_spec(path, root or Path.cwd())
            problems, name = with_lines(spec, validate(spec, reserved.get(path.resolve(), ()))), spec.display_path
        except SpecError as exc:
            problems, name = exc.diagnostics, str(path)
        if strict:
            problems = [d.as_error() for d in problems]
        if problems:
            failed = failed or any(d.severity == "error" for d in problems)
            _report(SpecError(problems))
        else:
            print(f"{name}: ok")
    return EXIT_FAILED if failed else EXIT_OK


def _generate(project: Project, keys: list[str], *, bump: bool = True) -> int:
    apis = [project.api(k) for k in keys] if keys else list(project.apis)
    for cfg in apis:
        package = generate_package(cfg, project.templates, project.root)
        out_dir = project.generated / cfg.distribution
        old_surface = read_surface(out_dir)
        package, release = with_release(package, out_dir, project.templates, project.root, bump=bump)
        changes = diff_surfaces(old_surface, package.surface)
        if release.bumped:  # the version goes into apis.toml before the package is written
            config = project.root / CONFIG_FILE
            config.write_text(set_version(config.read_text(encoding="utf-8"), cfg.key, release.version), encoding="utf-8")
        write_package(package, out_dir)
        print(package.summary())
        for line in changes:
            print(f"    {line}")
        if release.changes:
            print(f"    {_version_line(cfg, release) if bump else f'version {release.version} kept (--no-bump; verdict: {release.bump})'}")
    return EXIT_OK


def _version_line(cfg: PackageConfig, release: Release) -> str:
    how = f"bumped ({release.bump})" if release.bumped else f"as set in {CONFIG_FILE} (verdict: {release.bump})"
    return f"version {release.version}, {how}; CHANGELOG.md has a section for it"


def _generate_one(
    root: Path | None,
    targets: list[str],
    package: str | None,
    output: Path | None,
    *,
    strict: bool = False,
    no_bump: bool = False,
) -> int:
    if len(targets) != 1 or not package or output is None:
        print("error: give exactly one spec path with --package NAME --output DIR", file=sys.stderr)
        return EXIT_USAGE
    spec = Path(targets[0])
    try:
        project_root: Path | None = load_project(root).root
    except FileNotFoundError:
        project_root = None
    templates = (project_root or Path(__file__).resolve().parent.parent) / "templates"
    # a folder this spec was generated into before: its version goes on, bumped by the verdict
    written_with = (read_surface(output) or {}).get("version")
    raw = {"package": package, **({"version": written_with} if isinstance(written_with, str) else {})}
    cfg = package_config(package, spec, raw)
    generated = generate_package(cfg, templates, spec.resolve().parent, strict=strict)
    generated, release = with_release(generated, output, templates, spec.resolve().parent, bump=not no_bump, strict=strict)
    for diag in generated.warnings:  # generated despite: the affected parts degraded
        print(f"{diag}" if diag.severity == "warning" else f"{diag} (generated anyway)", file=sys.stderr)
    write_package(generated, output)
    if release.changes and not no_bump:
        how = f"bumped ({release.bump})" if release.bumped else f"verdict: {release.bump}"
        print(f"{package}: version {release.version}, {how}; CHANGELOG.md has a section for it")
    if generated.lint:  # many on most documents nobody here wrote: counted, `validate` lists them
        print(f"{len(generated.lint)} lint finding(s): `python -m generator validate {spec}` lists them", file=sys.stderr)
    print(generated.summary() + (f", {len(generated.warnings)} warning(s)" if generated.warnings else ""))
    return EXIT_OK


def _check(project: Project, keys: list[str]) -> int:
    drift = False
    for cfg in [project.api(k) for k in keys] if keys else project.apis:
        package = generate_package(cfg, project.templates, project.root)
        out_dir = project.generated / cfg.distribution
        package, release = with_release(package, out_dir, project.templates, project.root)
        differ = compare_tree(package, out_dir)
        if differ:
            drift = True
            print(f"{cfg.key}: generated/{cfg.distribution} differs from {package.api.spec_path}:")
            for rel in differ:
                print(f"    {rel}")
            for line in diff_surfaces(read_surface(out_dir), package.surface):
                print(f"    API: {line}")
            if release.changes:
                print(f"    {_version_line(cfg, release)} (after `make generate`)")
        else:
            print(f"{cfg.key}: up to date")
    if drift:
        print("drift found: run `make generate` and commit the result", file=sys.stderr)
    return EXIT_FAILED if drift else EXIT_OK


# --- diff -----------------------------------------------------------------------------------


def _diff(args: argparse.Namespace) -> int:
    """``diff OLD NEW`` or ``diff --rev REV [API...]``: report, and exit 1 on a breaking change."""
    reports: list[tuple[str, str, list[Change]]] = []  # (API key or "", title, changes)
    if args.rev is None:
        if len(args.targets) != 2:
            print("error: give two spec files (OLD NEW), or --rev REV [API...]", file=sys.stderr)
            return EXIT_USAGE
        old, new = (Path(t) for t in args.targets)
        reports.append(("", f"{old} -> {new}", diff_client_apis(client_api_of_spec(old), client_api_of_spec(new))))
    else:
        project = load_project(args.root)
        apis = [project.api(k) for k in args.targets] if args.targets else list(project.apis)
        with checkout(project.root, args.rev, sorted({cfg.spec.parent for cfg in apis})) as then:
            for cfg in apis:
                rel = cfg.spec.resolve().relative_to(project.root.resolve())
                old_spec = then / rel
                before = client_api_of_spec(old_spec, then, cfg) if old_spec.is_file() else None
                after = client_api_of_spec(cfg.spec, project.root, cfg)
                reports.append((cfg.key, f"{cfg.key} ({rel}, {args.rev} -> working tree)", diff_client_apis(before, after)))
    everything = [c for _, _, changes in reports for c in changes]
    if args.json:
        print(json.dumps(_diff_json(reports, several=args.rev is not None), indent=2))
    else:
        for _, title, changes in reports:
            print(title)
            for change in changes:
                print(f"  {change.group:<9} {clean(str(change))}")  # no control characters from a spec
            if not changes:
                print("  no change to the client API")
            print(f"{'  ' if len(reports) > 1 else ''}bump: {bump_of(changes)}")
        if len(reports) > 1:
            print(f"bump: {bump_of(everything)}")
    breaking = any(c.breaking for c in everything)
    return EXIT_FAILED if breaking and not args.allow_breaking else EXIT_OK


def _diff_json(reports: list[tuple[str, str, list[Change]]], *, several: bool) -> dict[str, Any]:
    """``changes`` (each with its ``breaking`` flag) and ``bump``; with --rev also per API."""
    out: dict[str, Any] = {
        "changes": [c.as_json() | ({"api": key} if several else {}) for key, _, cs in reports for c in cs],
        "bump": bump_of(c for _, _, cs in reports for c in cs),
    }
    out["breaking"] = any(c["breaking"] for c in out["changes"])
    if several:
        out["apis"] = {key: {"changes": [c.as_json() for c in cs], "bump": bump_of(cs)} for key, _, cs in reports}
    return out
