"""Per-API generator settings (``apis.toml``) and the project layout."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .naming import pascal

CONFIG_FILE = "apis.toml"


@dataclass(frozen=True)
class ErrorNames:
    """Class names of a package's exceptions."""

    base: str
    status: str
    auth: str
    connection: str
    timeout: str
    response: str


@dataclass(frozen=True)
class PackageConfig:
    """How one API becomes one package."""

    key: str
    spec: Path
    package: str  # import name, e.g. "pet_store_client"
    distribution: str
    version: str = "0.1.0"
    description: str = ""
    title: str | None = None  # short API name used in messages
    template: str | None = None  # templates/apis/<template>/
    dependencies: tuple[str, ...] = ()
    api_class: str = ""
    models_module: str = "models"
    errors_module: str = "errors"
    api_module: str = "api"  # the low-level client module (and ``async_<api_module>``)
    errors: ErrorNames = field(default_factory=lambda: default_errors("Api"))
    http_kwargs: bool = False  # every method takes ``**kwargs`` for the httpx request
    module_functions: bool = False  # ``connect()`` + one module-level function per operation
    reserved_names: tuple[str, ...] = ()  # client attributes the package's own code adds (no group may take them)
    extra: dict[str, Any] = field(default_factory=dict)  # free settings for per-API templates
    package_doc: str = ""  # the package docstring after the description
    reexports: dict[str, tuple[str, ...]] = field(default_factory=dict)  # generated module -> names
    mixins: dict[str, str] = field(default_factory=dict)  # generated class -> "module.Class" of per-API code
    model_base: str | None = None  # "module.Class": the base of every generated model
    model_bases: dict[str, str] = field(default_factory=dict)  # schema name -> "module.Class"

    @property
    def async_api_class(self) -> str:
        return f"Async{self.api_class}"

    def mixin_for(self, class_name: str, async_: bool) -> tuple[str, str] | None:
        """(module, class) of the per-API mixin of a generated class (sync name or ``Async`` twin).

        A mixin ``m.Cls`` of the sync class is ``async_m.AsyncCls`` for the async twin: per-API
        code is written async and its sync module derived.
        """
        sync_name = class_name.removeprefix("Async") if async_ and class_name.startswith("Async") else class_name
        if async_ and class_name.endswith("Async"):  # a private group's twin: ``_XGroupAsync``
            sync_name = class_name.removesuffix("Async")
        target = self.mixins.get(sync_name)
        if target is None:
            return None
        module, _, name = target.rpartition(".")
        return (f"async_{module}", f"Async{name}") if async_ else (module, name)

    def mixin_imports(self, async_: bool) -> list[tuple[str, str]]:
        """The per-API mixin imports of the (async) client module, sorted."""
        return sorted({pair for name in self.mixins if (pair := self.mixin_for(name, async_)) is not None})


def default_errors(prefix: str) -> ErrorNames:
    return ErrorNames(
        base=f"{prefix}Error",
        status=f"{prefix}APIError",
        auth=f"{prefix}AuthenticationError",
        connection=f"{prefix}ConnectionError",
        timeout=f"{prefix}TimeoutError",
        response=f"{prefix}ResponseError",
    )


def package_config(key: str, spec: Path, raw: dict[str, Any]) -> PackageConfig:
    """Settings from one ``[apis.<key>]`` table (or just a package name), with defaults."""
    package = str(raw.get("package") or key.replace("-", "_"))
    prefix = pascal(str(raw.get("prefix") or package.split(".")[-1]))
    error_raw = raw.get("errors") or {}
    defaults = default_errors(prefix)
    errors = ErrorNames(**{name: str(error_raw.get(name, getattr(defaults, name))) for name in defaults.__dataclass_fields__})
    return PackageConfig(
        key=key,
        spec=spec,
        package=package,
        distribution=str(raw.get("distribution") or package.replace("_", "-").replace(".", "-")),
        version=str(raw.get("version", "0.1.0")),
        description=str(raw.get("description", "")),
        title=raw.get("title"),
        template=raw.get("template"),
        dependencies=tuple(raw.get("dependencies") or ()),
        api_class=str(raw.get("api_class") or f"{prefix}Api"),
        models_module=str(raw.get("models_module", "models")),
        errors_module=str(raw.get("errors_module", "errors")),
        api_module=str(raw.get("api_module", "api")),
        errors=errors,
        http_kwargs=bool(raw.get("http_kwargs", False)),
        module_functions=bool(raw.get("module_functions", False)),
        reserved_names=tuple(str(n) for n in raw.get("reserved_names") or ()),
        extra=dict(raw.get("extra") or {}),
        package_doc=str(raw.get("package_doc", "")).strip(),
        reexports={str(m): tuple(str(n) for n in names) for m, names in (raw.get("reexports") or {}).items()},
        mixins={str(k): _dotted(key, "mixins", v) for k, v in (raw.get("mixins") or {}).items()},
        model_base=_dotted(key, "model_base", raw["model_base"]) if raw.get("model_base") else None,
        model_bases={str(k): _dotted(key, "model_bases", v) for k, v in (raw.get("model_bases") or {}).items()},
    )


def _dotted(key: str, setting: str, value: Any) -> str:
    """A ``module.Class`` of the API's own modules; anything else is refused."""
    text = str(value)
    module, _, name = text.rpartition(".")
    if not module or not all(part.isidentifier() for part in (*module.split("."), name)):
        raise ValueError(f"apis.toml [{key}] {setting}: {text!r} is not module.Class")
    return text


@dataclass(frozen=True)
class Project:
    """Where specs, templates and generated packages live."""

    root: Path
    apis: tuple[PackageConfig, ...]

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def generated(self) -> Path:
        return self.root / "generated"

    def api(self, key: str) -> PackageConfig:
        for api in self.apis:
            if key in (api.key, api.package, api.distribution):
                return api
        names = ", ".join(a.key for a in self.apis)
        raise KeyError(f"unknown API {key!r}; known: {names}")


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``apis.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise FileNotFoundError(f"no {CONFIG_FILE} found at or above {here}")


def load_project(root: Path | None = None) -> Project:
    """Read ``apis.toml``."""
    base = root or find_root()
    data = tomllib.loads((base / CONFIG_FILE).read_text(encoding="utf-8"))
    apis = tuple(
        package_config(key, base / str(raw["spec"]), raw) for key, raw in sorted((data.get("apis") or {}).items())
    )
    return Project(base, apis)
