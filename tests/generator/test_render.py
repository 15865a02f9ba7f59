"""render: template selection, the helpers templates call, and the rendered modules.

Pure rendering (no black, no writing): strings in, strings out.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import black
import pytest

from generator.config import PackageConfig, Project, package_config
from generator.escaping import docstring
from generator.ir import Api, Body, Operation, Param, Response
from generator.pipeline import BLACK_MODE, GeneratedPackage
from generator.render import (
    TemplateFile,
    call_args,
    module_all,
    package_exports,
    package_submodules,
    param_doc,
    per_api_lines,
    render_files,
    signature,
    template_files,
)


def _param(name: str, location: str = "query", type_expr: str = "str", required: bool = False, default: str | None = None) -> Param:
    return Param(name, name, location, type_expr, required, default)  # type: ignore[arg-type]


def _op(params: tuple[Param, ...] = (), body: Body | None = None) -> Operation:
    return Operation(
        operation_id="op", py_name="op", method="GET", path="/x", summary="", description="",
        params=params, body=body, success=Response("200", "json", "application/json", "models.Thing"),
        errors=(), security=(),
    )


@pytest.fixture(scope="module")
def plain_cfg() -> PackageConfig:
    """A package without a per-API template folder."""
    return package_config("petclient", Path("petstore.yaml"), {"package": "petclient"})


# --- helpers -----------------------------------------------------------------------------


def test_signature_orders_path_positional_then_required_keywords() -> None:
    op = _op(
        (
            _param("tag"),
            _param("id", "path", "int", True),
            _param("x_trace", "header", "str", True),
            _param("limit", type_expr="int", default="100"),
            _param("since", type_expr="datetime | None", default="None"),
            _param("anything", type_expr="Any"),
        )
    )
    assert signature(op) == (
        "self, id: int, *, x_trace: str, tag: str | None = None, limit: int = 100, "
        "since: datetime | None = None, anything: Any = None, request_options: RequestOptions | None = None"
    )


def test_signature_body_required_is_positional_optional_is_keyword() -> None:
    required = _op(body=Body("body", "json", "application/json", "models.Pet | Mapping[str, Any]", True))
    assert signature(required) == "self, body: models.Pet | Mapping[str, Any], *, request_options: RequestOptions | None = None"
    optional = _op((_param("id", "path", "int", True),), Body("payload", "json", "application/json", "dict[str, Any]", False))
    assert signature(optional) == (
        "self, id: int, *, payload: dict[str, Any] | None = None, request_options: RequestOptions | None = None"
    )


def test_signature_extra_and_skip() -> None:
    op = _op((_param("offset", type_expr="int", default="0"), _param("q")))
    assert signature(op, extra=("max_items: int | None = None",), skip=("q",)) == (
        "self, *, offset: int = 0, max_items: int | None = None, request_options: RequestOptions | None = None"
    )


def test_call_args_forwards_everything_with_overrides() -> None:
    op = _op((_param("id", "path", "int", True), _param("offset", type_expr="int", default="0")),
             Body("body", "json", "application/json", "Any", False))
    assert call_args(op) == "id=id, offset=offset, body=body, request_options=request_options"
    assert call_args(op, offset="position") == "id=id, offset=position, body=body, request_options=request_options"


def test_param_doc_falls_back_to_location() -> None:
    op = _op((Param("scanId", "scan_id", "path", "int", True, description="The scan."), _param("q")),
             Body("body", "form", "application/x-www-form-urlencoded", "Any", True))
    assert param_doc(op) == [
        ("scan_id", "The scan."),
        ("q", "query parameter ``q``."),
        ("body", "Request body (application/x-www-form-urlencoded)."),
    ]


def test_docstring_escapes_and_indents() -> None:
    text = 'First line with \\ and """quotes""".\n\nSecond paragraph\n  indented'
    out = docstring(text, 4)
    assert out.splitlines() == [
        'First line with \\\\ and \\"\\""quotes\\"\\"".',
        "",
        "    Second paragraph",
        "      indented",
    ]
    assert ast.literal_eval(f'"""{out}"""') == text.replace("\n  ", "\n      ").replace("\nSecond", "\n    Second")


def test_client_imports_come_from_the_model(grad300_api: Api) -> None:
    imports = grad300_api.client_imports
    assert ("datetime", ("datetime",)) in imports.names
    assert "UNSET" not in imports.runtime  # no optional JSON body
    assert {"SyncClient", "OAuth2Scheme", "PasswordLoginMethods", "paginate", "OffsetPaging"} <= set(imports.runtime)
    assert {"AsyncClient", "AsyncPasswordLoginMethods", "apaginate"} <= set(grad300_api.async_client_imports.runtime)


# --- template selection ------------------------------------------------------------------


def test_grad300_template_files(project: Project) -> None:
    files = template_files(project.templates, project.api("grad300"))
    outputs = {f.output: f for f in files}
    assert set(outputs) == {
        "README.md",
        "pyproject.toml",
        "grad300_client/__init__.py",
        "grad300_client/api.py",
        "grad300_client/async_api.py",
        "grad300_client/client.py",
        "grad300_client/async_client.py",
        "grad300_client/exceptions.py",  # errors.py renamed by errors_module
        "grad300_client/astropy_conf.py",
        "grad300_client/models.py",
        "grad300_client/scans.py",
        "grad300_client/settings.py",
        # candidates that render nothing for grad300 (no module functions, no resource groups)
        "grad300_client/default_client.py",
        "grad300_client/resources.py",
        "grad300_client/async_resources.py",
    }
    assert outputs["grad300_client/__init__.py"].template == "base/package/__init__.py.jinja"
    assert outputs["grad300_client/api.py"].template == "base/package/twin_api.py.jinja"
    assert outputs["grad300_client/async_api.py"].async_ and not outputs["grad300_client/api.py"].async_
    # per-API modules are copied; the async client also yields the sync one through unasync
    assert outputs["grad300_client/scans.py"] == TemplateFile("apis/grad300/package/scans.py", "grad300_client/scans.py", mode="copy")
    assert outputs["grad300_client/async_client.py"].mode == "copy"
    assert outputs["grad300_client/client.py"] == TemplateFile(
        "apis/grad300/package/async_client.py", "grad300_client/client.py", mode="unasync"
    )
    assert not any("_macros" in f.template for f in files)


def test_templates_that_render_nothing_write_no_file(grad300_package: GeneratedPackage) -> None:
    written = set(grad300_package.files)
    assert "grad300_client/api.py" in written
    assert not written & {"grad300_client/default_client.py", "grad300_client/resources.py", "grad300_client/async_resources.py"}


def test_missing_per_api_template_folder(project: Project) -> None:
    cfg = package_config("x", Path("x.yaml"), {"package": "x", "template": "no-such-api"})
    with pytest.raises(FileNotFoundError, match="no-such-api"):
        template_files(project.templates, cfg)


def test_per_api_lines(project: Project, plain_cfg: PackageConfig) -> None:
    assert per_api_lines(project.templates, plain_cfg) == 0
    lines = per_api_lines(project.templates, project.api("grad300"))
    assert lines > 0
    folder = project.templates / "apis" / "grad300"
    expected = sum(
        1 for p in [*folder.rglob("*.jinja"), *folder.rglob("*.py")] for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
    )
    assert lines == expected


def test_plain_package_template_files(project: Project, plain_cfg: PackageConfig) -> None:
    outputs = {f.output for f in template_files(project.templates, plain_cfg)}
    assert {"petclient/api.py", "petclient/async_api.py", "petclient/errors.py", "README.md", "pyproject.toml"} <= outputs


def test_plain_package_gets_an_init_module(project: Project, plain_cfg: PackageConfig) -> None:
    outputs = {f.output for f in template_files(project.templates, plain_cfg)}
    assert "petclient/__init__.py" in outputs


def _per_api_folder(tmp_path: Path, files: dict[str, str]) -> tuple[Path, PackageConfig]:
    templates = tmp_path / "templates"
    (templates / "base" / "package").mkdir(parents=True)
    for rel, text in files.items():
        path = templates / "apis" / "x" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return templates, package_config("x", Path("x.yaml"), {"package": "xpkg", "template": "x"})


def test_a_module_and_its_async_twin_clash(tmp_path: Path) -> None:
    templates, cfg = _per_api_folder(tmp_path, {"package/async_client.py": "", "package/client.py": ""})
    with pytest.raises(ValueError, match=r"more than one source for xpkg/client\.py"):
        template_files(templates, cfg)


def test_a_module_and_a_template_of_the_same_name_clash(tmp_path: Path) -> None:
    templates, cfg = _per_api_folder(tmp_path, {"package/helpers.py": "", "package/helpers.py.jinja": ""})
    with pytest.raises(ValueError, match=r"both package/helpers\.py and package/helpers\.py\.jinja"):
        template_files(templates, cfg)


def test_module_all() -> None:
    assert module_all('__all__ = ["b", "a"]\n') == ["b", "a"]
    assert module_all("__all__: tuple[str, ...] = ('a',)\n") == ["a"]
    assert module_all("x = 1\n") is None
    with pytest.raises(ValueError, match="literal list of strings"):
        module_all("__all__ = names()\n", "m.py")


def test_package_exports_reads_every_module_once() -> None:
    cfg = package_config(
        "x", Path("x.yaml"), {"package": "xpkg", "reexports": {"models": ["Thing"]}}
    )
    modules = {
        "xpkg/client.py": '__all__ = ["Client"]\n',
        "xpkg/async_client.py": '__all__ = ["AsyncClient"]\n',
        "xpkg/helpers.py": "def helper() -> None: ...\n",  # no __all__: internal
        "xpkg/heavy.py": '__all__ = ["conf", "Conf"]\n',
        "README.md": "not a module",
    }
    exports = package_exports(modules, cfg)
    assert [(m.module, m.names) for m in exports.modules] == [
        ("async_client", ("AsyncClient",)),
        ("client", ("Client",)),
        ("heavy", ("Conf", "conf")),
        ("models", ("Thing",)),
    ]
    assert exports.names == ["AsyncClient", "Client", "Conf", "Thing", "conf"]


def test_package_submodules_are_the_first_level_below_the_package() -> None:
    cfg = package_config("x", Path("x.yaml"), {"package": "xpkg.sub"})
    paths = [
        "xpkg/sub/__init__.py",
        "xpkg/sub/client.py",
        "xpkg/sub/api/__init__.py",
        "xpkg/sub/api/dcim.py",
        "xpkg/sub/py.typed",
        "xpkg/__init__.py",
        "README.md",
    ]
    assert package_submodules(paths, cfg, ["models"]) == ["api", "client", "models"]


@pytest.mark.parametrize(
    ("settings", "modules", "message"),
    [
        ({}, {"xpkg/a.py": '__all__ = ["A"]', "xpkg/b.py": '__all__ = ["A"]'}, "exported by both a and b"),
        ({}, {"xpkg/a.py": '__all__ = ["not a name"]'}, "not a Python name"),
    ],
)
def test_package_exports_errors(settings: dict[str, object], modules: dict[str, str], message: str) -> None:
    cfg = package_config("x", Path("x.yaml"), {"package": "xpkg", **settings})
    with pytest.raises(ValueError, match=message):
        package_exports(modules, cfg)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).resolve().parents[2] / "templates" / "apis").rglob("*.py")), ids=lambda p: p.name
)
def test_per_api_modules_are_black_clean(path: Path) -> None:
    """They are copied verbatim: the pipeline's black run must leave them as they are."""
    text = path.read_text(encoding="utf-8")
    assert black.format_str(text, mode=BLACK_MODE) == text


def test_copied_modules_are_verbatim_and_client_is_derived(grad300_rendered: dict[str, str], project: Project) -> None:
    own = project.templates / "apis" / "grad300" / "package"
    assert grad300_rendered["grad300_client/scans.py"] == (own / "scans.py").read_text(encoding="utf-8")
    client = grad300_rendered["grad300_client/client.py"]
    assert "class Grad300Client:" in client and "from grad300_client.api import Grad300Api" in client
    assert "async def" not in client and "await " not in client


def test_init_reexports_per_api_names_and_imports_astropy_lazily(grad300_rendered: dict[str, str]) -> None:
    init = grad300_rendered["grad300_client/__init__.py"]
    assert "from .client import Grad300, Grad300Client" in init
    assert "from .models import ScanRecord, ScanType" in init
    assert "from .astropy_conf import Conf, conf" in init.split("if TYPE_CHECKING:")[1]
    assert '"conf": "astropy_conf"' in init
    assert "from .scans" not in init and "from .settings" not in init  # no __all__: internal


# --- rendered output -----------------------------------------------------------------


@pytest.fixture(scope="module")
def grad300_rendered(project: Project, grad300_api: Api) -> dict[str, str]:
    return render_files(project.templates, grad300_api, project.api("grad300"), {})


def test_rendered_python_modules_compile(grad300_rendered: dict[str, str]) -> None:
    py = {k: v for k, v in grad300_rendered.items() if k.endswith(".py")}
    assert "grad300_client/api.py" in py
    for path, text in py.items():
        compile(text, path, "exec")


def test_rendered_api_has_one_method_per_operation(grad300_rendered: dict[str, str]) -> None:
    for path, kind in (("grad300_client/api.py", ast.FunctionDef), ("grad300_client/async_api.py", ast.AsyncFunctionDef)):
        tree = ast.parse(grad300_rendered[path])
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        cls = classes["Grad300Api" if kind is ast.FunctionDef else "AsyncGrad300Api"]
        methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        for name in ("login_access_token", "test_token", "list_scans", "download_scan", "download_scan_to_file"):
            assert isinstance(methods[name], kind), (path, name)
        assert isinstance(methods["iter_list_scans"], ast.FunctionDef)  # returns an (async) iterator
        # construction, login and token helpers come from the runtime's client base and mixins
        bases = [ast.unparse(b) for b in cls.bases]
        prefix = "" if kind is ast.FunctionDef else "Async"
        assert bases == [f"{prefix}SyncClient".replace("AsyncSync", "Async"), "TokenMethods", f"{prefix}PasswordLoginMethods"]
        assert "__init__" in methods and "login" not in methods


def test_rendered_api_constants(grad300_rendered: dict[str, str]) -> None:
    api = grad300_rendered["grad300_client/api.py"]
    assert "DEFAULT_BASE_URL = 'https://grad300.lam.fr/api/v1'" in api
    assert "AUTH_SCHEME = OAuth2Scheme(token_url='login/access-token')" in api
    assert "USER_AGENT = 'grad300-client/0.2.0 (specwright)'" in api
    assert "from .exceptions import error_from_info" in api
    assert "from . import schemas as models" in api


def test_rendered_pyproject(grad300_rendered: dict[str, str]) -> None:
    text = grad300_rendered["pyproject.toml"]
    assert 'name = "grad300-client"' in text
    assert 'version = "0.2.0"' in text
    assert '"astropy>=5.3.4"' in text


def test_signature_and_call_args_with_http_kwargs() -> None:
    op = _op((_param("id", "path", "str", True),))
    assert signature(op, http_kwargs=True) == "self, id: str, *, request_options: RequestOptions | None = None, **kwargs: Any"
    assert call_args(op, http_kwargs=True) == "id=id, request_options=request_options, **kwargs"
    assert "**kwargs" not in signature(op) and "**kwargs" not in call_args(op)


def test_pyproject_needs_email_validator_only_for_email_models(project: Project, grad300_api: Api) -> None:
    cfg = project.api("grad300")
    assert "email-validator" not in render_files(project.templates, grad300_api, cfg, {})["pyproject.toml"]
    with_email = dataclasses.replace(grad300_api, models_code=grad300_api.models_code + "\nfrom pydantic import EmailStr\n")
    assert '"email-validator>=2"' in render_files(project.templates, with_email, cfg, {})["pyproject.toml"]
