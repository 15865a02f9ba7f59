"""The public surface of a generated client, and what changed between two of them.

The surface is read from the rendered files (never by importing the generated package): the
package's ``__all__``, each name followed to its definition, classes with their members, and
the sub-clients reached from them. Bases from ``specwright_runtime`` are imported, because the
runtime is installed beside the generator and its members are part of what users call.
"""

from __future__ import annotations

import ast
import builtins
import enum
import importlib
import inspect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client_api import client_api
from .config import PackageConfig
from .ir import Api
from .render import tree_all

FORMAT = 2
RUNTIME = "specwright_runtime"
# dunders that are part of how a client is used (``with``, ``async with``, iteration, calls)
PROTOCOL_DUNDERS = frozenset(
    {"__enter__", "__exit__", "__aenter__", "__aexit__", "__iter__", "__aiter__", "__next__", "__anext__"}
    | {"__call__", "__len__"}
)
Entry = dict[str, Any]


def api_surface(api: Api, cfg: PackageConfig, files: Mapping[str, str]) -> dict[str, Any]:
    """Public API, operations, models and errors of a rendered package (JSON-ready, sorted).

    ``files`` maps paths inside the distribution folder to the rendered text.
    """
    reached = {g.path: g.display for g in api.client_groups}
    operations = {
        (f"{reached[op.group]}." if op.group else "") + op.py_name: f"{op.method} {op.path}" for op in api.operations
    }
    return {
        "format": FORMAT,
        "package": cfg.package,
        "api": public_api(files, cfg.package),
        "operations": dict(sorted(operations.items())),
        "models": {m.class_name: list(m.fields) for m in sorted(api.models, key=lambda m: m.class_name)},
        "errors": sorted(vars(cfg.errors).values()),
        # what `generate` compares to judge a change and bump the version (generator.changelog)
        "version": cfg.version,
        "client": client_api(api),
    }


def public_api(files: Mapping[str, str], package: str) -> dict[str, Entry]:
    """Dotted name -> entry for everything the package's ``__all__`` exports, sorted by name."""
    reader = _Reader(files, package)
    init = reader.module(package)
    if init is None:
        raise ValueError(f"no {package.replace('.', '/')}/__init__.py among the rendered files")
    exported = init.all_names()
    entries: dict[str, Entry] = {}
    for name in exported:
        entries.update(reader.describe(init, name, exported))
    return dict(sorted(entries.items()))


# --- reading modules ---------------------------------------------------------------------


@dataclass
class _Module:
    name: str  # dotted module name
    is_package: bool
    tree: ast.Module
    defs: dict[str, ast.stmt] = field(default_factory=dict)  # the statement that binds each name

    def __post_init__(self) -> None:
        typing_only: dict[str, ast.stmt] = {}
        for stmt, type_checking in _statements(self.tree.body, False):
            for bound in _bound_names(stmt):
                # a real binding wins over one made for the type checker only
                (typing_only if type_checking else self.defs)[bound] = stmt
        for bound, stmt in typing_only.items():
            self.defs.setdefault(bound, stmt)

    def all_names(self) -> list[str]:
        names = tree_all(self.tree, self.name)
        if names is None:
            raise ValueError(f"{self.name}: __all__ is not a literal list")
        return names


def _statements(body: list[ast.stmt], type_checking: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Module-level statements, looking into ``if`` and ``try`` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            inner = type_checking or _is_type_checking(stmt.test)
            yield from _statements(stmt.body, inner)
            yield from _statements(stmt.orelse, type_checking)
        elif isinstance(stmt, ast.Try):
            yield from _statements(stmt.body, type_checking)
            for handler in stmt.handlers:
                yield from _statements(handler.body, type_checking)
        else:
            yield stmt, type_checking


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _bound_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, ast.ImportFrom):
        return [a.asname or a.name for a in stmt.names if a.name != "*"]
    if isinstance(stmt, ast.Import):
        return [a.asname or a.name.partition(".")[0] for a in stmt.names]
    return []


@dataclass(frozen=True)
class _Class:
    module: _Module
    node: ast.ClassDef


@dataclass(frozen=True)
class _External:
    path: str  # dotted, e.g. specwright_runtime.RetryPolicy or httpx.Client


Target = _Class | _External | _Module | tuple[_Module, ast.stmt] | None


class _Reader:
    """Resolves names across the rendered modules of one package."""

    def __init__(self, files: Mapping[str, str], package: str) -> None:
        self.package = package
        self.files = files
        self.modules: dict[str, _Module | None] = {}

    def module(self, dotted: str) -> _Module | None:
        if dotted not in self.modules:
            base = dotted.replace(".", "/")
            found: _Module | None = None
            for path, is_package in ((f"{base}/__init__.py", True), (f"{base}.py", False)):
                if path in self.files:
                    found = _Module(dotted, is_package, ast.parse(self.files[path], filename=path))
                    break
            self.modules[dotted] = found
        return self.modules[dotted]

    # -- resolution

    def resolve(self, mod: _Module, name: str, depth: int = 0) -> Target:
        """What ``name`` in ``mod`` finally is: a class, a module, another definition, or something outside."""
        stmt = mod.defs.get(name)
        if stmt is None or depth > 20:
            return _External(name) if stmt is None and hasattr(builtins, name) else None
        if isinstance(stmt, ast.ClassDef):
            return _Class(mod, stmt)
        if isinstance(stmt, ast.ImportFrom):
            alias = next(a for a in stmt.names if (a.asname or a.name) == name)
            source = self._absolute(mod, stmt)
            if not self._inside(source):
                return _External(f"{source}.{alias.name}")
            sub = self.module(f"{source}.{alias.name}")
            if sub is not None:  # ``from . import schemas``
                return sub
            target = self.module(source)
            return self.resolve(target, alias.name, depth + 1) if target else None
        if isinstance(stmt, ast.Import):
            alias = next(a for a in stmt.names if (a.asname or a.name.partition(".")[0]) == name)
            dotted = alias.name if alias.asname else alias.name.partition(".")[0]
            return (self.module(dotted) if self._inside(dotted) else None) or _External(dotted)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name | ast.Attribute):
            aliased = self.resolve_expr(mod, stmt.value, depth + 1)  # ``Store = PetStoreClient``
            if isinstance(aliased, _Class):
                return aliased
        return (mod, stmt)

    def resolve_expr(self, mod: _Module, expr: ast.expr, depth: int = 0) -> Target:
        """A name or dotted attribute (``api.HandleClient``, ``sr.SyncClient``) as a target."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):  # a quoted annotation
            try:
                expr = ast.parse(expr.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(expr, ast.Name):
            return self.resolve(mod, expr.id, depth)
        if isinstance(expr, ast.Attribute):
            owner = self.resolve_expr(mod, expr.value, depth)
            if isinstance(owner, _Module):
                return self.resolve(owner, expr.attr, depth + 1)
            if isinstance(owner, _External):
                return _External(f"{owner.path}.{expr.attr}")
        return None

    def _absolute(self, mod: _Module, stmt: ast.ImportFrom) -> str:
        if not stmt.level:
            return stmt.module or ""
        parts = mod.name.split(".")
        keep = len(parts) - stmt.level + (1 if mod.is_package else 0)
        base = ".".join(parts[:keep])
        return f"{base}.{stmt.module}" if stmt.module else base

    def _inside(self, dotted: str) -> bool:
        return dotted == self.package or dotted.startswith(self.package + ".")

    def base_name(self, mod: _Module, expr: ast.expr) -> str:
        """A base class as recorded: a package class by name, anything else by its dotted origin."""
        target = self.resolve_expr(mod, expr)
        if isinstance(target, _Class):
            return target.node.name
        if isinstance(target, _External):
            return target.path
        return ast.unparse(expr)

    # -- describing

    def describe(self, mod: _Module, name: str, exported: list[str]) -> dict[str, Entry]:
        """Entries for one exported name (a class brings its members)."""
        target = self.resolve(mod, name)
        if isinstance(target, _Class):
            return self.class_entries(target, name, set(exported), ())
        if isinstance(target, _External):
            runtime = _runtime_object(target.path)
            if inspect.isclass(runtime):
                return _runtime_class_entries(runtime, name, target.path)
            return {name: {"kind": "reexport", "from": target.path}}
        if isinstance(target, _Module):
            return {name: {"kind": "module"}}
        if target is None:
            # produced at run time (a module ``__getattr__``) with no import for the type checker
            return {name: {"kind": "dynamic" if "__getattr__" in mod.defs else "unresolved"}}
        where, stmt = target
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            return {name: _function_entry(stmt, "function", method=False)}
        return {name: self.constant_entry(where, stmt, set(exported))}

    def constant_entry(self, mod: _Module, stmt: ast.stmt, exported: set[str]) -> Entry:
        if isinstance(stmt, ast.AnnAssign):
            return {"kind": "constant", "type": ast.unparse(stmt.annotation)}
        value = stmt.value if isinstance(stmt, ast.Assign) else None
        if isinstance(value, ast.Call):
            made = self.resolve_expr(mod, value.func)
            if isinstance(made, _Class):  # ``conf = Conf()``: an instance of a package class
                return {"kind": "instance", "type": made.node.name}
            return {"kind": "constant", "type": ast.unparse(value.func)}
        return {"kind": "constant", "type": _literal_type(value)}

    def class_entries(self, cls: _Class, prefix: str, exported: set[str], chain: tuple[str, ...]) -> dict[str, Entry]:
        """The class itself and its members under ``prefix``."""
        entry: Entry = {"kind": "class", "bases": [self.base_name(cls.module, b) for b in cls.node.bases]}
        init = self.constructor(cls)
        if init is not None:
            entry["signature"] = init
        out = {prefix: entry}
        out.update(self.member_entries(cls, prefix, exported, chain))
        return out

    def member_entries(self, cls: _Class, prefix: str, exported: set[str], chain: tuple[str, ...]) -> dict[str, Entry]:
        """Public members (own and inherited), with the sub-clients they lead to."""
        chain = (*chain, _key(cls))
        out: dict[str, Entry] = {}
        for member, (entry, leads_to) in sorted(self.members(cls, ()).items()):
            path = f"{prefix}.{member}"
            out[path] = entry
            if leads_to is None or _key(leads_to) in chain:
                continue
            if leads_to.node.name in exported:
                continue  # recorded under its own name already
            sub = path if entry["kind"] == "attribute" else f"{path}({_call_args(entry['signature'])})"
            out.update(self.member_entries(leads_to, sub, exported, chain))
        return out

    def members(self, cls: _Class, seen: tuple[str, ...]) -> dict[str, tuple[Entry, _Class | None]]:
        """Member name -> (entry, the package class it leads to), bases first so own members win."""
        out: dict[str, tuple[Entry, _Class | None]] = {}
        if _key(cls) in seen:
            return out
        for base in reversed(cls.node.bases):
            target = self.resolve_expr(cls.module, base)
            if isinstance(target, _Class):
                out.update(self.members(target, (*seen, _key(cls))))
            elif isinstance(target, _External):
                runtime = _runtime_object(target.path)
                if inspect.isclass(runtime):
                    out.update((k, (v, None)) for k, v in _runtime_members(runtime).items())
        for stmt in cls.node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add_function(cls, stmt, out)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if _public(stmt.target.id) and "ClassVar" not in ast.unparse(stmt.annotation):
                    out[stmt.target.id] = ({"kind": "attribute", "type": ast.unparse(stmt.annotation)}, None)
            elif isinstance(stmt, ast.Assign):
                for target_name in _bound_names(stmt):
                    if _public(target_name):
                        out[target_name] = (self.constant_entry(cls.module, stmt, set()) | {"kind": "attribute"}, None)
        init = next((s for s in cls.node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init is not None:
            out.update(self._sub_clients(cls, init))
        return out

    def _add_function(
        self, cls: _Class, stmt: ast.FunctionDef | ast.AsyncFunctionDef, out: dict[str, tuple[Entry, _Class | None]]
    ) -> None:
        decorators = [ast.unparse(d) for d in stmt.decorator_list]
        if any(d.endswith(".setter") or d.endswith(".deleter") for d in decorators):
            if stmt.name in out and out[stmt.name][0]["kind"] == "property":
                out[stmt.name][0]["settable"] = True
            return
        if not (_public(stmt.name) or stmt.name in PROTOCOL_DUNDERS) or "overload" in " ".join(decorators):
            return
        if any(d in ("property", "functools.cached_property", "cached_property") for d in decorators):
            returns = ast.unparse(stmt.returns) if stmt.returns else ""
            out[stmt.name] = ({"kind": "property", "type": returns}, None)
            return
        kind = next((k for k in ("staticmethod", "classmethod") if k in decorators), "method")
        entry = _function_entry(stmt, kind, method=kind != "staticmethod")
        out[stmt.name] = (entry, self._factory_of(cls, stmt))

    def _factory_of(self, cls: _Class, stmt: ast.FunctionDef | ast.AsyncFunctionDef) -> _Class | None:
        """The package class a bound factory returns (``return HandleClient(self._core, ...)``).

        Only a method whose result is built right there counts: an operation returning a model
        sends a request, and its result is described by the models section instead.
        """
        if stmt.returns is None or stmt.name.startswith("__"):
            return None
        made = self.resolve_expr(cls.module, stmt.returns)
        if not isinstance(made, _Class) or _key(made) == _key(cls):
            return None
        for node in ast.walk(stmt):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                built = self.resolve_expr(cls.module, node.value.func)
                if isinstance(built, _Class) and _key(built) == _key(made):
                    return made
        return None

    def _sub_clients(self, cls: _Class, init: ast.FunctionDef) -> dict[str, tuple[Entry, _Class | None]]:
        """``self.users = _UsersGroup(...)`` in ``__init__``: attributes holding a package or runtime class."""
        out: dict[str, tuple[Entry, _Class | None]] = {}
        for node in ast.walk(init):
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
                continue
            made = self.resolve_expr(cls.module, node.value.func)
            if isinstance(made, _Class):
                held: tuple[Entry, _Class | None] = ({"kind": "attribute", "type": made.node.name}, made)
            elif isinstance(made, _External) and inspect.isclass(_runtime_object(made.path)):
                # a runtime client (``ResourceClient``): one contract, recorded by its type
                held = ({"kind": "attribute", "type": made.path}, None)
            else:
                continue
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                    and _public(target.attr)
                ):
                    out[target.attr] = held
        return out

    def constructor(self, cls: _Class, seen: tuple[str, ...] = ()) -> str | None:
        """The signature of ``cls(...)``: its own ``__init__``, a dataclass's fields, or a base's."""
        if _key(cls) in seen:
            return None
        init = next((s for s in cls.node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init is not None:
            return _signature(init.args, init.returns, method=True)
        if any(ast.unparse(d).split("(")[0].endswith("dataclass") for d in cls.node.decorator_list):
            return _dataclass_signature(cls.node)
        for base in cls.node.bases:
            target = self.resolve_expr(cls.module, base)
            if isinstance(target, _Class):
                found = self.constructor(target, (*seen, _key(cls)))
                if found is not None:
                    return found
            elif isinstance(target, _External):
                runtime = _runtime_object(target.path)
                if inspect.isclass(runtime) and not issubclass(runtime, enum.Enum):  # an enum is called by value
                    return _runtime_signature(runtime)
        return None


def _key(cls: _Class) -> str:
    return f"{cls.module.name}.{cls.node.name}"


def _public(name: str) -> bool:
    return not name.startswith("_")


def _literal_type(value: ast.expr | None) -> str:
    if isinstance(value, ast.Constant):
        return type(value.value).__name__
    if isinstance(value, ast.List | ast.Tuple | ast.Set | ast.Dict):
        return type(value).__name__.lower()
    return "expression"


def _call_args(signature: str) -> str:
    """``(handle: str) -> HandleClient`` -> ``handle``: how a factory's call is written in a name."""
    inner = ast.parse(f"def f{signature}: pass").body[0]
    assert isinstance(inner, ast.FunctionDef)
    args = inner.args
    return ", ".join(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])


# --- signatures ----------------------------------------------------------------------------


def _function_entry(stmt: ast.FunctionDef | ast.AsyncFunctionDef, kind: str, *, method: bool) -> Entry:
    entry: Entry = {"kind": kind, "signature": _signature(stmt.args, stmt.returns, method=method)}
    if isinstance(stmt, ast.AsyncFunctionDef):
        entry["async"] = True
    return entry


def _signature(args: ast.arguments, returns: ast.expr | None, *, method: bool) -> str:
    """``(a: int, *, b: str = 'x') -> None``, as ``inspect.Signature`` writes it; a method drops ``self``."""

    def one(arg: ast.arg, default: ast.expr | None, star: str = "") -> str:
        text = star + arg.arg
        if arg.annotation is not None:
            text += f": {ast.unparse(arg.annotation)}"
        if default is not None:
            text += f" = {ast.unparse(default)}" if arg.annotation is not None else f"={ast.unparse(default)}"
        return text

    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    parts = [one(a, d) for a, d in zip(positional, defaults, strict=True)]
    if args.posonlyargs:
        parts.insert(len(args.posonlyargs), "/")
    if method and parts:
        parts.pop(0)
    if args.vararg is not None:
        parts.append(one(args.vararg, None, "*"))
    elif args.kwonlyargs:
        parts.append("*")
    parts += [one(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg is not None:
        parts.append(one(args.kwarg, None, "**"))
    text = f"({', '.join(parts)})"
    return f"{text} -> {ast.unparse(returns)}" if returns is not None else text


def _dataclass_signature(node: ast.ClassDef) -> str:
    fields = [
        s
        for s in node.body
        if isinstance(s, ast.AnnAssign)
        and isinstance(s.target, ast.Name)
        and "ClassVar" not in ast.unparse(s.annotation)
    ]
    args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg="self")]
        + [ast.arg(arg=s.target.id, annotation=s.annotation) for s in fields if isinstance(s.target, ast.Name)],
        kwonlyargs=[],
        kw_defaults=[],
        # fields with defaults come last in a valid dataclass; field(default_factory=...) is written as it stands
        defaults=[s.value for s in fields if s.value is not None],
    )
    return _signature(args, None, method=True)


# --- the runtime, imported ----------------------------------------------------------------


class _Raw:
    """An annotation kept as the text it was written as (the runtime uses postponed annotations)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _runtime_object(path: str) -> Any:
    """The object at a dotted path in ``specwright_runtime``, or ``None`` (other packages are not imported)."""
    if path != RUNTIME and not path.startswith(RUNTIME + "."):
        return None
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _runtime_signature(obj: Any, *, drop_first: bool = False) -> str | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None

    def raw(annotation: Any) -> Any:
        if annotation is inspect.Parameter.empty:
            return annotation
        return _Raw(_annotation_text(annotation))

    params = [p.replace(annotation=raw(p.annotation)) for p in sig.parameters.values()]
    if drop_first:
        params = params[1:]
    return str(sig.replace(parameters=params, return_annotation=raw(sig.return_annotation)))


def _annotation_text(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _runtime_members(cls: type) -> dict[str, Entry]:
    """Public members a runtime class (and its runtime bases) define."""
    out: dict[str, Entry] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith(RUNTIME):
            continue  # ``object``, ``Exception``: not the runtime's contract
        annotations = inspect.get_annotations(klass)
        for name, annotation in annotations.items():
            if _public(name) and "ClassVar" not in str(annotation):
                out[name] = {"kind": "attribute", "type": _annotation_text(annotation)}
        for name, value in klass.__dict__.items():
            if not (_public(name) or name in PROTOCOL_DUNDERS) or name in annotations:
                continue
            if isinstance(value, property):
                ann = inspect.signature(value.fget).return_annotation if value.fget else inspect.Parameter.empty
                entry: Entry = {"kind": "property", "type": _annotation_text(ann)}
                if value.fset is not None:
                    entry["settable"] = True
                out[name] = entry
            elif isinstance(value, staticmethod | classmethod):
                kind = "staticmethod" if isinstance(value, staticmethod) else "classmethod"
                signature = _runtime_signature(value.__func__, drop_first=kind == "classmethod")
                out[name] = {"kind": kind, "signature": signature}
            elif inspect.isfunction(value):
                out[name] = {"kind": "method", "signature": _runtime_signature(value, drop_first=True)}
                if inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value):
                    out[name]["async"] = True
    return out


def _runtime_class_entries(cls: type, prefix: str, path: str) -> dict[str, Entry]:
    """A runtime class the package re-exports: recorded with its members."""
    entry: Entry = {"kind": "class", "bases": [], "from": path}
    signature = _runtime_signature(cls)
    if signature is not None:
        entry["signature"] = signature
    out = {prefix: entry}
    out.update({f"{prefix}.{name}": member for name, member in sorted(_runtime_members(cls).items())})
    return out


# --- differences ----------------------------------------------------------------------------


def diff_surfaces(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Human-readable changes from ``old`` to ``new`` (empty when nothing changed)."""
    if old is None:
        return [f"new package {new['package']}"]
    if old.get("format") != new.get("format"):
        return [f"surface format changed; {len(new.get('api', {}))} names now recorded"]
    lines = _diff_api(old.get("api", {}), new.get("api", {}))
    before, after = old.get("operations", {}), new.get("operations", {})
    lines += [f"+ operation {n}" for n in sorted(after.keys() - before.keys())]
    lines += [f"- operation {n}" for n in sorted(before.keys() - after.keys())]
    for name in sorted(before.keys() & after.keys()):
        if before[name] != after[name]:
            lines.append(f"~ operation {name}: {before[name]} -> {after[name]}")
    lines += _diff_models(old.get("models", {}), new.get("models", {}))
    lines += [f"+ error {n}" for n in sorted(set(new.get("errors", [])) - set(old.get("errors", [])))]
    lines += [f"- error {n}" for n in sorted(set(old.get("errors", [])) - set(new.get("errors", [])))]
    return lines


def _diff_api(before: dict[str, Entry], after: dict[str, Entry]) -> list[str]:
    added, removed = after.keys() - before.keys(), before.keys() - after.keys()
    lines = []
    # a new or removed class brings its members along: name the class only
    lines += [f"+ {after[n]['kind']} {n}" for n in sorted(added) if _owner(n) not in added]
    lines += [f"- {before[n]['kind']} {n}" for n in sorted(removed) if _owner(n) not in removed]
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        if old == new:
            continue
        if old.get("kind") != new.get("kind"):
            lines.append(f"~ {name}: {old.get('kind')} -> {new.get('kind')}")
        else:
            keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            lines.append(f"~ {new['kind']} {name}: {', '.join(keys)} changed")
    return lines


def _owner(name: str) -> str:
    """``A.handle(h).stats`` -> ``A.handle``; ``A.b`` -> ``A``; ``A`` -> ``""``."""
    owner = name.rpartition(".")[0]
    return owner.rpartition("(")[0] if owner.endswith(")") else owner


def _diff_models(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    lines = [f"+ model {n}" for n in sorted(after.keys() - before.keys())]
    lines += [f"- model {n}" for n in sorted(before.keys() - after.keys())]
    for name in sorted(before.keys() & after.keys()):
        if before[name] != after[name]:
            added = [f for f in after[name] if f not in before[name]]
            removed = [f for f in before[name] if f not in after[name]]
            detail = ", ".join([f"+{f}" for f in added] + [f"-{f}" for f in removed]) or "field order"
            lines.append(f"~ model {name}: {detail}")
    return lines


__all__ = ["api_surface", "diff_surfaces", "public_api"]
