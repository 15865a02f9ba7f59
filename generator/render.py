"""Render a package's files from Jinja templates (pure: strings in, strings out)."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2

from .config import PackageConfig
from .ir import Api, Operation, Param
from .naming import pascal
from .unasync import unasync

TWIN_PREFIX = "twin_"
ASYNC_PREFIX = "async_"  # a per-API module written async; its sync twin is derived


@dataclass(frozen=True)
class TemplateFile:
    """One template and where its output goes inside the distribution folder."""

    template: str  # loader name, e.g. "apis/grad300/package/conf.py.jinja", or a per-API module's path
    output: str  # e.g. "grad300_client/conf.py"
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
    )
    env.filters["docstring"] = docstring
    env.filters["pyrepr"] = repr
    kwargs = cfg.http_kwargs if cfg is not None else False
    env.globals.update(
        signature=functools.partial(signature, http_kwargs=kwargs),
        call_args=functools.partial(call_args, http_kwargs=kwargs),
        return_type=return_type,
        param_doc=param_doc,
        api_uses=api_uses,
        api_groups=api_groups,
        top_groups=top_groups,
        group_display=group_display,
        module_functions=module_functions,
    )
    return env


def docstring(text: str, indent: int = 4) -> str:
    """Text safe inside a triple-quoted docstring, continuation lines indented."""
    cleaned = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    pad = " " * indent
    return "\n".join((pad + line if line.strip() and i else line.rstrip()) for i, line in enumerate(cleaned.splitlines()))


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
    for item in items:
        if item.mode == "render":
            template = env.get_template(item.template)
            text = template.render(api=api, cfg=cfg, async_=item.async_, package_exports=exports, **context)
            if text.strip():  # a template that renders nothing (a feature turned off) writes no file
                out[item.output] = text
    return out


@dataclass(frozen=True)
class ModuleExports:
    """Names the package's ``__init__`` re-exports from one of its modules."""

    module: str  # dotted, relative to the package: "client", "astropy_conf"
    names: tuple[str, ...]
    lazy: bool = False  # imported on first use (``lazy_modules`` in apis.toml)


@dataclass(frozen=True)
class PackageExports:
    """What the package's ``__init__`` re-exports besides the low-level clients and errors."""

    modules: tuple[ModuleExports, ...] = ()

    @property
    def eager(self) -> list[ModuleExports]:
        return [m for m in self.modules if not m.lazy]

    @property
    def lazy(self) -> list[ModuleExports]:
        return [m for m in self.modules if m.lazy]

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
        module = path[len(pkg_dir) + 1 : -len(".py")].replace("/", ".")
        listed = module_all(text, path)
        if listed is not None and module != "__init__":
            names.setdefault(module, set()).update(listed)
        elif module in cfg.lazy_modules:
            raise ValueError(f"lazy module {module!r} of {cfg.key} has no __all__ to export")
    for module, wanted in cfg.reexports.items():
        names.setdefault(module, set()).update(wanted)
    missing = sorted(set(cfg.lazy_modules) - names.keys())
    if missing:
        raise ValueError(f"lazy_modules of {cfg.key} name no per-API module: {', '.join(missing)}")
    owner: dict[str, str] = {}
    for module, found in names.items():
        for name in found:
            if not name.isidentifier():
                raise ValueError(f"{cfg.key}: {module} exports {name!r}, which is not a Python name")
            if name in owner:
                raise ValueError(f"{cfg.key}: {name!r} is exported by both {owner[name]} and {module}")
            owner[name] = module
    return PackageExports(
        tuple(
            ModuleExports(module, tuple(sorted(found)), lazy=module in cfg.lazy_modules)
            for module, found in sorted(names.items())
        )
    )


def module_all(text: str, filename: str = "<module>") -> list[str] | None:
    """A module's ``__all__`` (a literal list or tuple of strings), or ``None`` without one."""
    for node in ast.parse(text, filename).body:
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


@dataclass(frozen=True)
class Group:
    """A sub-client: the operations of one ``x-speakeasy-group`` (dotted paths nest).

    A group bound to a path parameter (``x-specwright-groups``) is made by a factory method
    of its parent taking that parameter; every method under it then takes it from there.
    """

    path: str  # "users" or "admin.users"
    name: str  # attribute (or factory method) name on its parent
    class_name: str
    async_class_name: str
    operations: tuple[Operation, ...]
    children: tuple[Group, ...]
    bind: Param | None = None  # the parameter this group holds
    bound: tuple[Param, ...] = ()  # every held parameter, outermost first
    description: str = ""

    @property
    def bound_names(self) -> tuple[str, ...]:
        return tuple(p.py_name for p in self.bound)

    @property
    def display(self) -> str:
        """How the group is reached from its parent: ``users`` or ``handle_client(handle)``."""
        return self.name + (f"({self.bind.py_name})" if self.bind else "")


def api_groups(api: Api) -> list[Group]:
    """Every group, parents before children, with the operations directly in it."""
    paths: set[str] = set()
    for op in api.operations:
        if op.group:
            parts = op.group.split(".")
            paths.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    settings = {g.path: g for g in api.groups}
    made: dict[str, Group] = {}

    def bound_param(path: str, wire: str) -> Param:
        members = [op for op in api.operations if op.group == path or (op.group or "").startswith(path + ".")]
        return next(p for op in members for p in op.path_params if p.name == wire)

    def make(path: str, outer: tuple[Param, ...]) -> Group:
        own = settings.get(path)
        bind = bound_param(path, own.bind) if own and own.bind else None
        bound = (*outer, bind) if bind else outer
        kids = sorted(p for p in paths if p.rpartition(".")[0] == path and "." in p)
        private = "_" + "".join(pascal(part) for part in path.split(".")) + "Group"
        public = own.class_name if own and own.class_name else None
        group = Group(
            path=path,
            name=(own.factory if bind and own and own.factory else path.rpartition(".")[2]),
            class_name=public or private,
            async_class_name=f"Async{public}" if public else private + "Async",
            operations=tuple(op for op in api.operations if op.group == path),
            children=tuple(make(k, bound) for k in kids),
            bind=bind,
            bound=bound,
            description=own.description if own else "",
        )
        made[path] = group
        return group

    for path in sorted(p for p in paths if "." not in p):
        make(path, ())
    return [made[path] for path in sorted(paths)]


#: Names of the default-client module itself; operations of these names get no function there.
DEFAULT_CLIENT_NAMES = frozenset({"connect", "default_client", "disconnect", "NotConnectedError"})


def module_functions(api: Api) -> list[str]:
    """Functions of the default-client module: one per ungrouped operation, its download and pager."""
    names: list[str] = []
    for op in api.operations:
        if op.group or op.py_name in DEFAULT_CLIENT_NAMES:
            continue
        names.append(op.py_name)
        if op.success.kind == "binary":
            names.append(f"{op.py_name}_to_file")
        if op.paging:
            names.append(op.paging.method_name)
    return names


def top_groups(api: Api) -> list[Group]:
    """The groups directly on the client."""
    return [g for g in api_groups(api) if "." not in g.path]


def group_display(api: Api) -> dict[str, str]:
    """Group path → how a user reaches it (``admin.users``, ``handle_client(handle).images``)."""
    groups = {g.path: g for g in api_groups(api)}
    out: dict[str, str] = {}
    for path in groups:
        parts = path.split(".")
        out[path] = ".".join(groups[".".join(parts[: i + 1])].display for i in range(len(parts)))
    return out


@dataclass(frozen=True)
class Uses:
    """Which optional names a client module needs to import."""

    datetime: bool
    date: bool
    unset: bool
    comma_joined: bool = False
    mapping: bool = False  # a type mentions ``Mapping``

    @property
    def datetime_names(self) -> list[str]:
        return [n for n in ("date", "datetime") if getattr(self, n)]


def api_uses(api: Api) -> Uses:
    exprs = [p.type_expr for op in api.operations for p in op.params]
    exprs += [op.body.type_expr for op in api.operations if op.body]
    exprs += [op.success.type_expr for op in api.operations]
    words = {w for e in exprs for w in e.replace("[", " ").replace("]", " ").replace("|", " ").replace(",", " ").split()}
    unset = any(op.body and op.body.kind == "json" and not op.body.required for op in api.operations)
    joined = any(not p.explode for op in api.operations for p in op.params)
    return Uses(
        datetime="datetime" in words, date="date" in words, unset=unset, comma_joined=joined, mapping="Mapping" in words
    )
