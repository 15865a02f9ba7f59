"""Render a package's files from Jinja templates (pure: strings in, strings out)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import escaping
from .config import PackageConfig
from .ir import Api, Operation, Param, SpecText

TWIN_PREFIX = "twin_"


@dataclass(frozen=True)
class TemplateFile:
    """One template and where its output goes inside the distribution folder."""

    template: str  # loader name, e.g. "apis/grad300/package/conf.py.jinja"
    output: str  # e.g. "grad300_client/conf.py"
    async_: bool = False


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


#: Kept for callers that escape docstrings outside templates.
docstring = escaping.docstring


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
    http_kwargs: bool = False,
    method: bool = True,
) -> str:
    """Parameter list (after ``self`` for a ``method``): path parameters positional, the rest keyword-only.

    With ``http_kwargs``, a final ``**kwargs`` is passed on to the httpx request.
    """
    parts = [_param_decl(p) for p in op.positional if p.py_name not in skip]
    keyword = [_param_decl(p) for p in op.keyword if p.py_name not in skip]
    if op.body is not None:
        body = op.body
        decl = f"{body.py_name}: {body.type_expr}" if body.required else f"{body.py_name}: {_optional(body.type_expr)} = None"
        (parts if body.required else keyword).append(decl)
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
    if op.body is not None:
        names.append(op.body.py_name)
    args = [f"{n}={override.get(n, n)}" for n in names]
    args.append(f"request_options={override.get('request_options', 'request_options')}")
    if http_kwargs:
        args.append("**kwargs")
    return ", ".join(args)


def return_type(op: Operation) -> str:
    return op.success.type_expr


def param_doc(op: Operation, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, description) for the docstring's Args section; ``skip`` ones are left out."""
    rows = [(p.py_name, p.description or f"{p.location} parameter ``{p.name}``.") for p in op.positional if p.py_name not in skip]
    rows += [(p.py_name, p.description or f"{p.location} parameter ``{p.name}``.") for p in op.keyword]
    if op.body is not None:
        rows.append((op.body.py_name, op.body.description or f"Request body ({op.body.media_type})."))
    return rows


def template_files(templates: Path, cfg: PackageConfig) -> list[TemplateFile]:
    """Base templates, overridden or extended by the API's own folder when it has one."""
    pkg_dir = cfg.package.replace(".", "/")
    chosen: dict[str, str] = {}
    base = templates / "base"
    for path in sorted(base.rglob("*.jinja")):
        if path.name.startswith("_") and not path.name.startswith("__"):
            continue  # a partial (macros), not a file of its own
        chosen[path.relative_to(base).as_posix()] = "base/" + path.relative_to(base).as_posix()
    if cfg.template:
        own = templates / "apis" / cfg.template
        if not own.is_dir():
            raise FileNotFoundError(f"per-API template folder not found: {own}")
        for path in sorted(own.rglob("*.jinja")):
            if path.name.startswith("_") and not path.name.startswith("__"):
                continue
            rel = path.relative_to(own).as_posix()
            chosen[rel] = f"apis/{cfg.template}/{rel}"
    files: list[TemplateFile] = []
    for rel, name in sorted(chosen.items()):
        out = rel.removesuffix(".jinja")
        if out == "package/errors.py":
            out = f"package/{cfg.errors_module}.py"
        folder, _, filename = out.rpartition("/")
        folder = folder.replace("package", pkg_dir, 1) if folder.startswith("package") else folder
        prefix = f"{folder}/" if folder else ""
        if filename.startswith(TWIN_PREFIX):
            plain = filename[len(TWIN_PREFIX):]
            files.append(TemplateFile(name, f"{prefix}{plain}"))
            files.append(TemplateFile(name, f"{prefix}async_{plain}", async_=True))
        else:
            files.append(TemplateFile(name, f"{prefix}{filename}"))
    return files


def render_files(templates: Path, api: Api, cfg: PackageConfig, context: dict[str, Any]) -> dict[str, str]:
    """Every rendered file, keyed by its path inside the distribution folder."""
    env = environment(templates, cfg)
    out: dict[str, str] = {}
    for item in template_files(templates, cfg):
        template = env.get_template(item.template)
        text = template.render(api=api, cfg=cfg, async_=item.async_, **context)
        if text.strip():  # a template that renders nothing (a feature turned off) writes no file
            out[item.output] = text
    return out


def per_api_lines(templates: Path, cfg: PackageConfig) -> int:
    """Non-blank lines of hand-written per-API template code."""
    if not cfg.template:
        return 0
    folder = templates / "apis" / cfg.template
    return sum(
        1
        for path in folder.rglob("*.jinja")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
