"""Command line: ``python -m generator validate|generate|check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from .config import Project, load_project, package_config
from .diagnostics import SpecError
from .loader import load_spec
from .locations import with_lines
from .pipeline import compare_tree, generate_package, read_surface, write_package
from .surface import diff_surfaces
from .validate import validate

EXIT_OK = 0
EXIT_FAILED = 1  # invalid spec, or drift found by ``check``
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_ERROR = 3  # generation failed for another reason (template, formatter, I/O)

EXIT_CODES = """\
Exit codes: 0 success; 1 a spec is invalid, or `check` found drift; 2 bad arguments;
3 generation failed for another reason (template, formatter, file system).
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
    p_check = sub.add_parser("check", help="regenerate into a temporary folder and fail if generated/ differs", epilog=EXIT_CODES, formatter_class=raw)
    p_check.add_argument("apis", nargs="*", help="API keys from apis.toml (default: all)")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.root, args.specs, strict=args.strict)
        if args.command == "generate":
            if args.package or args.output:
                return _generate_one(args.root, args.targets, args.package, args.output, strict=args.strict)
            return _generate(load_project(args.root), args.targets)
        return _check(load_project(args.root), args.apis)
    except SpecError as exc:
        _report(exc)
        return EXIT_FAILED
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


def _generate(project: Project, keys: list[str]) -> int:
    apis = [project.api(k) for k in keys] if keys else list(project.apis)
    for cfg in apis:
        package = generate_package(cfg, project.templates, project.root)
        out_dir = project.generated / cfg.distribution
        changes = diff_surfaces(read_surface(out_dir), package.surface)
        write_package(package, out_dir)
        print(package.summary())
        for line in changes:
            print(f"    {line}")
    return EXIT_OK


def _generate_one(
    root: Path | None, targets: list[str], package: str | None, output: Path | None, *, strict: bool = False
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
    cfg = package_config(package, spec, {"package": package})
    generated = generate_package(cfg, templates, spec.resolve().parent, strict=strict)
    for diag in generated.warnings:  # generated despite: the affected parts degraded
        print(f"{diag}" if diag.severity == "warning" else f"{diag} (generated anyway)", file=sys.stderr)
    write_package(generated, output)
    if generated.lint:  # many on most documents nobody here wrote: counted, `validate` lists them
        print(f"{len(generated.lint)} lint finding(s): `python -m generator validate {spec}` lists them", file=sys.stderr)
    print(generated.summary() + (f", {len(generated.warnings)} warning(s)" if generated.warnings else ""))
    return EXIT_OK


def _check(project: Project, keys: list[str]) -> int:
    drift = False
    for cfg in [project.api(k) for k in keys] if keys else project.apis:
        package = generate_package(cfg, project.templates, project.root)
        out_dir = project.generated / cfg.distribution
        differ = compare_tree(package, out_dir)
        if differ:
            drift = True
            print(f"{cfg.key}: generated/{cfg.distribution} differs from {package.api.spec_path}:")
            for rel in differ:
                print(f"    {rel}")
            for line in diff_surfaces(read_surface(out_dir), package.surface):
                print(f"    API: {line}")
        else:
            print(f"{cfg.key}: up to date")
    if drift:
        print("drift found: run `make generate` and commit the result", file=sys.stderr)
    return EXIT_FAILED if drift else EXIT_OK
