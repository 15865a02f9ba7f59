"""surface: the public API surface of a generated package and the diff between two."""

from __future__ import annotations

import copy
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.config import Project
from generator.pipeline import SURFACE_FILE, GeneratedPackage, generate_package
from generator.surface import FORMAT, diff_surfaces, public_api

# --- public_api on small rendered-file dicts ---------------------------------------------------


def files(**modules: str) -> dict[str, str]:
    """``pets/<name>.py`` -> dedented text (``init`` is the package ``__init__``)."""
    return {f"pets/{'__init__' if name == 'init' else name}.py": textwrap.dedent(text) for name, text in modules.items()}


CLIENT = files(
    init="""
        from typing import TYPE_CHECKING, Any

        from .api import PetsApi, DEFAULT_URL
        from .helpers import fetch_all as fetch
        from . import models

        if TYPE_CHECKING:
            from .settings import conf

        def __getattr__(name: str) -> Any:
            if name == "conf":
                from .settings import conf
                return conf
            if name == "magic":
                return 42
            raise AttributeError(name)

        __version__ = "1.0"

        __all__ = ["PetsApi", "DEFAULT_URL", "fetch", "models", "conf", "magic", "__version__"]
    """,
    api="""
        from __future__ import annotations

        from specwright_runtime import SyncCore

        DEFAULT_URL = "https://pets.example"


        class _Base:
            def close(self) -> None: ...

            def _hidden(self) -> None: ...


        class PetsApi(_Base):
            def __init__(self, base_url: str | None = None, *, token: str | None = None) -> None:
                self._core = SyncCore()
                self.users = _UsersGroup(self._core)
                self.name = "pets"

            def __enter__(self) -> PetsApi:
                return self

            @property
            def base_url(self) -> str:
                return ""

            @base_url.setter
            def base_url(self, value: str) -> None: ...

            async def list_pets(self, *, limit: int = 10) -> list[str]:
                return []

            def owner(self, owner_id: int) -> _OwnerGroup:
                return _OwnerGroup(self._core, {"owner_id": owner_id})

            def clone(self) -> PetsApi:
                return PetsApi()

            @staticmethod
            def version() -> str:
                return "1"


        class _UsersGroup:
            def __init__(self, core: SyncCore) -> None:
                self.admins = _AdminsGroup(core)

            def list(self, *, page: int = 0) -> list[str]:
                return []


        class _AdminsGroup:
            def __init__(self, core: SyncCore) -> None:
                self.back = _UsersGroup(core)  # a cycle must not recurse forever

            def promote(self, user: str) -> None: ...


        class _OwnerGroup:
            def __init__(self, core: SyncCore, bound: dict[str, int]) -> None:
                self.stats = _StatsGroup(core)

            def get(self) -> dict[str, str]:
                return {}


        class _StatsGroup:
            def count(self) -> int:
                return 0
    """,
    helpers="""
        def fetch_all(url: str, /, *pages: int, retries: int = 3, **kwargs: object) -> list[bytes]:
            return []
    """,
    settings="""
        class Conf:
            timeout: float = 30.0

        conf = Conf()
    """,
    models="""
        class Pet: ...
    """,
)


@pytest.fixture(scope="module")
def pets() -> dict[str, dict[str, Any]]:
    return public_api(CLIENT, "pets")


def test_names_come_from_all_and_follow_imports(pets: dict[str, dict[str, Any]]) -> None:
    top = sorted(n for n in pets if "." not in n)
    assert top == ["DEFAULT_URL", "PetsApi", "__version__", "conf", "fetch", "magic", "models"]
    assert list(pets) == sorted(pets)
    assert pets["fetch"] == {
        "kind": "function",
        "signature": "(url: str, /, *pages: int, retries: int = 3, **kwargs: object) -> list[bytes]",
    }
    assert pets["DEFAULT_URL"] == {"kind": "constant", "type": "str"}
    assert pets["__version__"] == {"kind": "constant", "type": "str"}
    assert pets["models"] == {"kind": "module"}


def test_getattr_names_resolve_through_their_type_checking_import(pets: dict[str, dict[str, Any]]) -> None:
    assert pets["conf"] == {"kind": "instance", "type": "Conf"}
    assert pets["magic"] == {"kind": "dynamic"}  # only ``__getattr__`` makes it: nothing to read


def test_class_constructor_methods_and_properties(pets: dict[str, dict[str, Any]]) -> None:
    assert pets["PetsApi"] == {
        "kind": "class",
        "bases": ["_Base"],
        "signature": "(base_url: str | None = None, *, token: str | None = None) -> None",
    }
    assert pets["PetsApi.list_pets"] == {"kind": "method", "signature": "(*, limit: int = 10) -> list[str]", "async": True}
    assert pets["PetsApi.base_url"] == {"kind": "property", "type": "str", "settable": True}
    assert pets["PetsApi.version"] == {"kind": "staticmethod", "signature": "() -> str"}
    assert pets["PetsApi.__enter__"]["signature"] == "() -> PetsApi"
    assert pets["PetsApi.close"] == {"kind": "method", "signature": "() -> None"}  # inherited from _Base
    assert not any(n.endswith(("._hidden", ".__init__", "._core")) for n in pets)
    assert "PetsApi.name" not in pets  # a plain value, not a sub-client


def test_sub_clients_and_bound_factories_are_walked(pets: dict[str, dict[str, Any]]) -> None:
    assert pets["PetsApi.users"] == {"kind": "attribute", "type": "_UsersGroup"}
    assert pets["PetsApi.users.list"] == {"kind": "method", "signature": "(*, page: int = 0) -> list[str]"}
    assert pets["PetsApi.users.admins.promote"] == {"kind": "method", "signature": "(user: str) -> None"}
    assert pets["PetsApi.users.admins.back"] == {"kind": "attribute", "type": "_UsersGroup"}
    assert "PetsApi.users.admins.back.list" not in pets  # the cycle stops there
    assert pets["PetsApi.owner"]["signature"] == "(owner_id: int) -> _OwnerGroup"
    assert pets["PetsApi.owner(owner_id).get"] == {"kind": "method", "signature": "() -> dict[str, str]"}
    assert pets["PetsApi.owner(owner_id).stats.count"] == {"kind": "method", "signature": "() -> int"}
    # ``clone`` returns an exported class: recorded under its own name, not again
    assert not any(n.startswith("PetsApi.clone(") for n in pets)


RUNTIME_BASES = files(
    init="""
        from .policy import Policy, Odd, Local
        from specwright_runtime import RetryPolicy

        __all__ = ["Policy", "Odd", "Local", "RetryPolicy"]
    """,
    policy="""
        import httpx
        import specwright_runtime as sr
        from specwright_runtime.errors import SpecwrightError


        class Policy(sr.RetryPolicy):
            def extra(self) -> int:
                return 1


        class Odd(sr.NoSuchBase, SpecwrightError):
            pass


        class Local(httpx.Client):
            def get_it(self) -> None: ...
    """,
)


def test_runtime_bases_are_recorded_with_their_members() -> None:
    surface = public_api(RUNTIME_BASES, "pets")
    assert surface["Policy"]["bases"] == ["specwright_runtime.RetryPolicy"]
    assert surface["Policy"]["signature"].startswith("(max_attempts: int = 3, initial_backoff: float = 0.5,")
    assert surface["Policy.extra"] == {"kind": "method", "signature": "() -> int"}
    assert surface["Policy.allows"] == {"kind": "method", "signature": "(method: str, idempotent: bool | None) -> bool"}
    assert surface["Policy.disabled"] == {"kind": "classmethod", "signature": "() -> RetryPolicy"}
    assert surface["Policy.max_attempts"] == {"kind": "attribute", "type": "int"}
    # a re-exported runtime class is described like a package class
    assert surface["RetryPolicy"]["from"] == "specwright_runtime.RetryPolicy"
    assert surface["RetryPolicy.backoff"] == {"kind": "method", "signature": "(attempt: int) -> float"}


def test_unresolvable_and_foreign_bases_are_recorded_by_name_only() -> None:
    surface = public_api(RUNTIME_BASES, "pets")
    assert surface["Odd"]["bases"] == ["specwright_runtime.NoSuchBase", "specwright_runtime.errors.SpecwrightError"]
    assert surface["Odd.url"] == {"kind": "property", "type": "str | None"}  # the base that resolves still counts
    assert surface["Local"] == {"kind": "class", "bases": ["httpx.Client"]}  # httpx is never imported for this
    assert sorted(n for n in surface if n.startswith("Local.")) == ["Local.get_it"]


def test_missing_init_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"pets/__init__\.py"):
        public_api({"pets/api.py": ""}, "pets")


# --- the real packages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def cuiman_package(project: Project) -> GeneratedPackage:
    return generate_package(project.api("cuiman"), project.templates, project.root)


@pytest.mark.parametrize("key", ["grad300", "cuiman"])
def test_surface_matches_committed(
    key: str, grad300_package: GeneratedPackage, cuiman_package: GeneratedPackage, project: Project, root: Path
) -> None:
    package = grad300_package if key == "grad300" else cuiman_package
    committed = root / "generated" / project.api(key).distribution / SURFACE_FILE
    assert package.surface == json.loads(committed.read_text(encoding="utf-8"))
    assert package.surface["format"] == FORMAT


def test_grad300_surface_has_the_facade(grad300_package: GeneratedPackage) -> None:
    surface = grad300_package.surface
    api = surface["api"]
    assert api["Grad300Client.query_records"]["signature"].startswith("(*, scan_type: ScanType | str | None = None,")
    assert api["AsyncGrad300Client.query_records"]["async"] is True
    assert api["Grad300"]["bases"] == ["Grad300Client"]
    assert "Grad300.query_records" in api  # inherited from the facade
    assert api["Grad300Client.api"] == {"kind": "attribute", "type": "Grad300Api"}
    assert api["conf"] == {"kind": "instance", "type": "Conf"}
    assert api["Conf.base_url"]["kind"] == "attribute"
    assert api["Grad300Api.list_scans"]["signature"].endswith("-> list[models.Scan]")
    for error in surface["errors"]:
        assert api[error]["kind"] == "class"
    assert api["AuthenticationError"]["bases"] == ["Grad300APIError"]
    assert surface["operations"]["list_scans"] == "GET /scans/{scan_type}/"
    assert surface["models"]["Scan"][:2] == ["id", "file_name"]


def test_cuiman_surface_has_the_facade(cuiman_package: GeneratedPackage) -> None:
    api = cuiman_package.surface["api"]
    assert api["Client.wait_for_job"]["signature"].startswith("(job_id: str, *, timeout: float | None = 1800.0,")
    assert api["AsyncClient.wait_for_job"]["async"] is True
    assert api["Client.get_job"]["signature"].endswith("-> models.JobInfo")  # inherited from ProcessesApi
    assert api["ClientConfig.create"]["kind"] == "classmethod"
    assert api["JobTimeoutError"]["signature"] == "(job_id: str, seconds: float, last_status: str) -> None"
    assert api["ClientError"]["bases"] == ["specwright_runtime.SpecwrightError"]
    assert api["ClientError.url"] == {"kind": "property", "type": "str | None"}  # from the runtime base


def test_facade_change_shows_in_the_diff(grad300_package: GeneratedPackage, project: Project) -> None:
    changed = dict(grad300_package.files)
    path = "grad300_client/client.py"
    text = changed[path]
    assert text.count("        max_results: int | None = None,\n    ) -> _list[ScanRecord]:") == 1
    changed[path] = text.replace(
        "        max_results: int | None = None,\n    ) -> _list[ScanRecord]:", "    ) -> _list[ScanRecord]:"
    )
    after = copy.deepcopy(grad300_package.surface)
    after["api"] = public_api(changed, "grad300_client")
    assert diff_surfaces(grad300_package.surface, after) == [
        "~ method Grad300.query_records: signature changed",
        "~ method Grad300Client.query_records: signature changed",
    ]


# --- diff_surfaces -----------------------------------------------------------------------------

OLD: dict[str, Any] = {
    "format": FORMAT,
    "package": "pets",
    "api": {
        "PetsApi": {"kind": "class", "bases": [], "signature": "(base_url: str | None = None) -> None"},
        "PetsApi.get_pet": {"kind": "method", "signature": "(id: int) -> models.Pet"},
        "PetsApi.list": {"kind": "method", "signature": "() -> list[models.Pet]"},
        "PetsApi.users": {"kind": "attribute", "type": "_UsersGroup"},
        "PetsApi.users.list": {"kind": "method", "signature": "() -> list[str]"},
        "connect": {"kind": "function", "signature": "() -> PetsApi"},
    },
    "operations": {"get_pet": "GET /pets/{id}", "list": "GET /pets", "users.list": "GET /users"},
    "models": {"Pet": ["id", "name"], "Error": ["message"]},
    "errors": ["PetsAPIError", "PetsError"],
}


@pytest.fixture
def new() -> dict[str, Any]:
    return copy.deepcopy(OLD)


def test_no_changes(new: dict[str, Any]) -> None:
    assert diff_surfaces(OLD, new) == []


def test_new_package() -> None:
    assert diff_surfaces(None, OLD) == ["new package pets"]


def test_old_format_is_reported_not_diffed() -> None:
    old_format = {"package": "pets", "class": "PetsApi", "methods": {"get_pet": {}}, "models": {}, "errors": []}
    assert diff_surfaces(old_format, OLD) == ["surface format changed; 6 names now recorded"]


def test_added_and_removed_names(new: dict[str, Any]) -> None:
    new["api"]["fetch"] = {"kind": "function", "signature": "(url: str) -> bytes"}
    del new["api"]["PetsApi.list"]
    assert diff_surfaces(OLD, new) == ["+ function fetch", "- method PetsApi.list"]


def test_a_removed_sub_client_is_one_line(new: dict[str, Any]) -> None:
    del new["api"]["PetsApi.users"], new["api"]["PetsApi.users.list"]
    new["api"]["Owner"] = {"kind": "class", "bases": []}
    new["api"]["Owner.name"] = {"kind": "attribute", "type": "str"}
    new["api"]["PetsApi.owner"] = {"kind": "method", "signature": "(owner_id: int) -> _OwnerGroup"}
    new["api"]["PetsApi.owner(owner_id).get"] = {"kind": "method", "signature": "() -> str"}
    assert diff_surfaces(OLD, new) == ["+ class Owner", "+ method PetsApi.owner", "- attribute PetsApi.users"]


def test_changed_entries_name_what_changed(new: dict[str, Any]) -> None:
    new["api"]["PetsApi.get_pet"] = {"kind": "method", "signature": "(id: str) -> models.Pet", "async": True}
    new["api"]["PetsApi"]["bases"] = ["specwright_runtime.SyncClient"]
    new["api"]["connect"] = {"kind": "constant", "type": "str"}
    assert diff_surfaces(OLD, new) == [
        "~ class PetsApi: bases changed",
        "~ method PetsApi.get_pet: async, signature changed",
        "~ connect: function -> constant",
    ]


def test_operations(new: dict[str, Any]) -> None:
    new["operations"]["list"] = "GET /animals"
    new["operations"]["delete_pet"] = "DELETE /pets/{id}"
    del new["operations"]["users.list"]
    assert diff_surfaces(OLD, new) == [
        "+ operation delete_pet",
        "- operation users.list",
        "~ operation list: GET /pets -> GET /animals",
    ]


def test_model_fields(new: dict[str, Any]) -> None:
    new["models"]["Pet"] = ["id", "nickname", "born"]
    new["models"]["Owner"] = ["name"]
    del new["models"]["Error"]
    assert diff_surfaces(OLD, new) == [
        "+ model Owner",
        "- model Error",
        "~ model Pet: +nickname, +born, -name",
    ]


def test_model_field_order(new: dict[str, Any]) -> None:
    new["models"]["Pet"] = ["name", "id"]
    assert diff_surfaces(OLD, new) == ["~ model Pet: field order"]


def test_errors(new: dict[str, Any]) -> None:
    new["errors"] = ["PetsError", "PetsTimeoutError"]
    assert diff_surfaces(OLD, new) == ["+ error PetsTimeoutError", "- error PetsAPIError"]
