"""Render a package's files from Jinja templates (pure: strings in, strings out)."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2

from . import escaping
from .config import PackageConfig
from .ir import Api, Operation, Param, SpecText
from .render_named import render_named_modules
from .unasync import unasync

TWIN_PREFIX = "twin_"
ASYNC_PREFIX = "async_"  # a per-API module written async; its sync twin is derived


@dataclass(frozen=True)
class TemplateFile:
    """One template and where its output goes inside the distribution folder."""

    template: str  # loader name, e.g. "apis/<api>/package/conf.py.jinja", or a per-API module's path
    output: str  # e.g. "pet_store_client/conf.py"
    async_: bool = False
    mode: Literal["render", "copy", "unasync"] = "render"  # Jinja; a module verbatim; its derived sync twin


def environment(templates: Path, cfg: PackageConfig | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_refuse_raw_spec_text,
    )
    env.filters.update(escaping.FILTERS)
    env.filters["pyrepr"] = escaping.literal
    kwargs = cfg.http_kwargs if cfg is not None else False
    env.globals.update(
        signature=functools.partial(signature, http_kwargs=kwargs),
        call_args=functools.partial(call_args, http_kwargs=kwargs),
        return_type=return_type,
        param_doc=param_doc,
    )
    return env


def _refuse_raw_spec_text(value: Any) -> Any:
    """Every ``{{ }}`` passes here: text from a spec must have gone through an escaping filter."""
    if isinstance(value, SpecText):
        raise jinja2.TemplateError(f"spec text printed without an escaping filter: {str(value)[:60]!r}")
    return value


def _param_decl(p: Param) -> str:
    if p.required:
        return f"{p.py_name}: {p.type_expr}"
    annotation = p.type_expr if p.default is not None and p.default != "None" else _optional(p.type_expr)
    return f"{p.py_name}: {annotation} = {p.default if p.default is not None else 'None'}"


def _optional(annotation: str) -> str:
    if annotation == "Any" or annotation.endswith("| None") or annotation == "None":
        return annotation
    return f"{annotation} | None"


def signature(
    op: Operation,
    *,
    extra: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    defaults: dict[str, str] | None = None,
    http_kwargs: bool = False,
    method: bool = True,
) -> str:
    """Parameter list (after ``self`` for a ``method``): path parameters and the spec's
    ``x-specwright-positional`` ones positional, the rest keyword-only.

    ``defaults`` gives required parameters a default (a pager's start). With ``http_kwargs``,
    a final ``**kwargs`` is passed on to the httpx request.
    """
    defaults = defaults or {}

    def decl(p: Param) -> str:
        if p.py_name in defaults and p.required:
            return f"{p.py_name}: {p.type_expr} = {defaults[p.py_name]}"
        return _param_decl(p)

    parts = [decl(p) for p in op.positional if p.py_name not in skip]
    keyword = [decl(p) for p in op.keyword if p.py_name not in skip]
    body = op.body
    if body is not None and not body.fields:
        required = f"{body.py_name}: {body.type_expr}"
        optional = f"{body.py_name}: {_optional(body.type_expr)} = None"
        if op.body_positional:
            at = sum(1 for n in op.positional_names[: op.positional_names.index(body.py_name)] if n not in skip)
            at += sum(1 for p in op.positional if p.py_name not in op.positional_names and p.py_name not in skip)
            parts.insert(at, required if body.required else optional)
        elif body.required:
            parts.append(required)
        else:
            keyword.append(optional)
    keyword.extend(extra)
    keyword.append("request_options: RequestOptions | None = None")
    if keyword:
        parts.append("*")
        parts.extend(keyword)
    if http_kwargs:
        parts.append("**kwargs: Any")
    return ", ".join(["self", *parts] if method else parts)


def call_args(op: Operation, http_kwargs: bool = False, skip: tuple[str, ...] = (), **override: str) -> str:
    """Arguments forwarding every parameter by name (for wrappers); ``skip`` ones are left out."""
    names = [p.py_name for p in op.positional if p.py_name not in skip] + [p.py_name for p in op.keyword]
    if op.body is not None and not op.body.fields:
        names.append(op.body.py_name)
    args = [f"{n}={override.get(n, n)}" for n in names]
    args.append(f"request_options={override.get('request_options', 'request_options')}")
    if http_kwargs:
        args.append("**kwargs")
    return ", ".join(args)


def return_type(op: Operation) -> str:
    return op.return_type


def _describe(p: Param) -> str:
    if p.description:
        return p.description
    if p.location == "body":
        return f"field ``{p.name}`` of the request body."
    return f"{p.location} parameter ``{p.name}``."


def param_doc(op: Operation, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, description) for the docstring's Args section; ``skip`` ones are left out."""
    rows = [(p.py_name, _describe(p)) for p in op.positional if p.py_name not in skip]
    rows += [(p.py_name, _describe(p)) for p in op.keyword]
    if op.body is not None and not op.body.fields:
        body_row = (op.body.py_name, op.body.description or f"Request body ({op.body.media_type}).")
        if op.body_positional:
            rows.insert(sum(1 for name, _ in rows if name in {p.py_name for p in op.positional}), body_row)
        else:
            rows.append(body_row)
    return rows


def template_files(templates: Path, cfg: PackageConfig) -> list[TemplateFile]:
    """Base templates, overridden or extended by the API's own folder when it has one.

    The API's folder holds Jinja templates (only where a file reads the API model) and real
    Python modules, copied verbatim; an ``async_<m>.py`` module also yields ``<m>.py``, its
    sync twin derived by :func:`generator.unasync.unasync`.
    """
    pkg_dir = cfg.package.replace(".", "/")
    chosen: dict[str, str] = {}  # output path (before renames) -> loader name
    base = templates / "base"
    for path in sorted(base.rglob("*.jinja")):
        if path.name.startswith("_") and not path.name.startswith("__"):
            continue  # a partial (macros), not a file of its own
        rel = path.relative_to(base).as_posix()
        chosen[rel.removesuffix(".jinja")] = "base/" + rel
    if cfg.template:
        own = templates / "apis" / cfg.template
        if not own.is_dir():
            raise FileNotFoundError(f"per-API template folder not found: {own}")
        seen: set[str] = set()
        for path in sorted([*own.rglob("*.jinja"), *own.rglob("*.py")]):
            if path.name.startswith("_") and path.suffix == ".jinja" and not path.name.startswith("__"):
                continue
            if "__pycache__" in path.parts:
                continue
            rel = path.relative_to(own).as_posix()
            key = rel.removesuffix(".jinja")
            if key in seen:
                raise ValueError(f"{own}: both {key} and {key}.jinja exist; keep one")
            seen.add(key)
            chosen[key] = f"apis/{cfg.template}/{rel}"
    files: list[TemplateFile] = []
    for rel, name in sorted(chosen.items()):
        out = rel
        if out == "package/errors.py":
            out = f"package/{cfg.errors_module}.py"
        folder, _, filename = out.rpartition("/")
        folder = folder.replace("package", pkg_dir, 1) if folder.startswith("package") else folder
        prefix = f"{folder}/" if folder else ""
        if not name.endswith(".jinja"):
            files.append(TemplateFile(name, f"{prefix}{filename}", mode="copy"))
            if filename.startswith(ASYNC_PREFIX) and filename.endswith(".py"):
                sync_name = filename[len(ASYNC_PREFIX):]
                files.append(TemplateFile(name, f"{prefix}{sync_name}", mode="unasync"))
        elif filename.startswith(TWIN_PREFIX):
            plain = filename[len(TWIN_PREFIX):]
            if plain == "api.py":
                plain = f"{cfg.api_module}.py"
            files.append(TemplateFile(name, f"{prefix}{plain}"))
            files.append(TemplateFile(name, f"{prefix}async_{plain}", async_=True))
        else:
            files.append(TemplateFile(name, f"{prefix}{filename}"))
    outputs = [f.output for f in files]
    clashes = sorted({o for o in outputs if outputs.count(o) > 1})
    if clashes:
        raise ValueError(f"more than one source for {', '.join(clashes)} (a module and an async_ twin of it?)")
    return files


def render_files(templates: Path, api: Api, cfg: PackageConfig, context: dict[str, Any]) -> dict[str, str]:
    """Every rendered file, keyed by its path inside the distribution folder.

    Per-API modules come first (copied, or derived by unasync), so the templates can see what
    they export (``package_exports``).
    """
    env = environment(templates, cfg)
    items = template_files(templates, cfg)
    out: dict[str, str] = {}
    for item in items:
        if item.mode != "render":
            source = (templates / item.template).read_text(encoding="utf-8")
            out[item.output] = unasync(source, item.template) if item.mode == "unasync" else source
    exports = package_exports(out, cfg)
    named = [cfg.models_module, *(m.module for m in api.named_modules)]
    submodules = package_submodules([f.output for f in items], cfg, named)
    for item in items:
        if item.mode == "render":
            template = env.get_template(item.template)
            text = template.render(
                api=api, cfg=cfg, async_=item.async_, package_exports=exports, package_submodules=submodules, **context
            )
            if text.strip():  # a template that renders nothing (a feature turned off) writes no file
                out[item.output] = text
    render_named_modules(env, api, cfg, out, {"package_exports": exports, **context})
    return out


@dataclass(frozen=True)
class ModuleExports:
    """Names the package's ``__init__`` re-exports from one of its modules."""

    module: str  # dotted, relative to the package: "client", "astropy_conf"
    names: tuple[str, ...]


@dataclass(frozen=True)
class PackageExports:
    """What the package's ``__init__`` re-exports besides the low-level clients and errors."""

    modules: tuple[ModuleExports, ...] = ()

    @property
    def names(self) -> list[str]:
        return sorted(name for m in self.modules for name in m.names)


def package_exports(modules: dict[str, str], cfg: PackageConfig) -> PackageExports:
    """The ``__all__`` of every per-API module (read with ``ast``, nothing imported), plus
    ``reexports`` from generated modules; a module without ``__all__`` is internal.
    """
    pkg_dir = cfg.package.replace(".", "/")
    names: dict[str, set[str]] = {}
    for path, text in sorted(modules.items()):
        if not (path.startswith(pkg_dir + "/") and path.endswith(".py")):
            continue
        module = path[len(pkg_dir) + 1 : -len(".py")].replace("/", ".").removesuffix(".__init__")
        listed = module_all(text, path)
        if listed is not None and module != "__init__":
            names.setdefault(module, set()).update(listed)
    for module, wanted in cfg.reexports.items():
        names.setdefault(module, set()).update(wanted)
    owner: dict[str, str] = {}
    for module, found in names.items():
        for name in found:
            if not name.isidentifier():
                raise ValueError(f"{cfg.key}: {module} exports {name!r}, which is not a Python name")
            if name in owner:
                raise ValueError(f"{cfg.key}: {name!r} is exported by both {owner[name]} and {module}")
            owner[name] = module
    return PackageExports(tuple(ModuleExports(module, tuple(sorted(found))) for module, found in sorted(names.items())))


def package_submodules(paths: list[str], cfg: PackageConfig, extra: list[str]) -> list[str]:
    """The package's own modules and subpackages (one level down), which its ``__init__``
    imports when they are first used as attributes (``pkg.group``).
    """
    pkg_dir = cfg.package.replace(".", "/") + "/"
    found = set(extra)
    for path in paths:
        if path.startswith(pkg_dir) and path.endswith(".py"):
            first = path[len(pkg_dir) :].split("/")[0].removesuffix(".py")
            if first.isidentifier() and not first.startswith("__"):
                found.add(first)
    return sorted(found)


def module_all(text: str, filename: str = "<module>") -> list[str] | None:
    """A module's ``__all__`` (a literal list or tuple of strings), or ``None`` without one."""
    return tree_all(ast.parse(text, filename), filename)


def tree_all(tree: ast.Module, filename: str = "<module>") -> list[str] | None:
    """:func:`module_all` of an already parsed module."""
    for node in tree.body:
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        items = value.elts if isinstance(value, ast.List | ast.Tuple) else None
        names = [e.value for e in items or () if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if items is None or len(names) != len(items):
            raise ValueError(f"{filename}: __all__ must be a literal list of strings")
        return names
    return None


def per_api_lines(templates: Path, cfg: PackageConfig) -> int:
    """Non-blank lines of hand-written per-API code (Python modules and Jinja templates)."""
    if not cfg.template:
        return 0
    folder = templates / "apis" / cfg.template
    return sum(
        1
        for path in sorted([*folder.rglob("*.jinja"), *folder.rglob("*.py")])
        if "__pycache__" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
