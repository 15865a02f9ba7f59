"""Every generated package exports lazily (PEP 562): ``import <package>`` loads no HTTP stack,
no pydantic and no models, yet every name of ``__all__``, ``from <package> import *``, its
submodules as attributes and the type checker's view all still work.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = {  # package -> its models module
    "grad300_client": "grad300_client.schemas",
    "cuiman": "cuiman.models",
    "wwt_api_client.constellations": "wwt_api_client.constellations.data",
    "cloudcix": "cloudcix.models",
    "spacestudio": "spacestudio.models",
}
HEAVY = ("httpx", "pydantic", "specwright_runtime")
ROOT = Path(__file__).resolve().parents[2]


def _fresh(code: str, **env: str) -> object:
    """Run ``code`` in a fresh interpreter; what it prints as JSON on its last line."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("package", "models"), sorted(PACKAGES.items()))
def test_import_loads_no_http_stack_pydantic_or_models(package: str, models: str) -> None:
    code = f"import json, sys, {package}; print(json.dumps(sorted(sys.modules)))"
    loaded = set(_fresh(code))  # type: ignore[arg-type]
    assert package in loaded
    assert not [name for name in (*HEAVY, models) if name in loaded]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_export_resolves_to_its_defining_object(package: str) -> None:
    module = importlib.import_module(package)
    assert "__version__" in module.__all__
    for name in module.__all__:
        value = getattr(module, name)
        assert value is not None, name
        assert name in vars(module), name  # kept: the next lookup does not import again
    assert set(module.__all__) <= set(dir(module))


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_star_import_binds_every_export(package: str) -> None:
    code = (
        f"import json; names = {{}}; exec('from {package} import *', names);"
        f" import {package} as p; print(json.dumps([sorted(set(names) - {{'__builtins__'}}), sorted(p.__all__)]))"
    )
    bound, listed = _fresh(code)  # type: ignore[misc]
    assert bound == listed


def test_unknown_attribute_raises_attribute_error() -> None:
    import grad300_client

    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = grad300_client.no_such_name
    assert not hasattr(grad300_client, "no_such_name")


def test_named_resource_modules_import_both_ways() -> None:
    code = (
        "import json, spacestudio, spacestudio.simulation as by_import, sys; "
        "attribute = spacestudio.constellation; "
        "print(json.dumps([attribute is sys.modules['spacestudio.constellation'],"
        " by_import is spacestudio.simulation, type(spacestudio.gridfs).__name__]))"
    )
    assert _fresh(code) == [True, True, "module"]


def test_an_export_named_like_a_module_stays_the_export() -> None:
    """``spacestudio.default_client`` is the function even once its module is imported."""
    code = (
        "import json, spacestudio, spacestudio.connection, sys; "
        "assert 'spacestudio.default_client' in sys.modules; "
        "from spacestudio import default_client; "
        "print(json.dumps([callable(spacestudio.default_client), type(default_client).__name__]))"
    )
    assert _fresh(code) == [True, "function"]


def test_environment_attributes_cost_no_http_stack() -> None:
    code = "import json, spacestudio, sys; print(json.dumps([spacestudio.log_base_url, 'httpx' in sys.modules]))"
    assert _fresh(code, LOG_BASE_URL="https://api.example.test") == ["https://api.example.test", False]


def test_dotted_package_submodule_attribute() -> None:
    code = (
        "import json, wwt_api_client.constellations as cx; "
        "print(json.dumps([cx.data.__name__, cx.CxClient.__module__]))"
    )
    assert _fresh(code) == ["wwt_api_client.constellations.data", "wwt_api_client.constellations.client"]


def test_type_checker_sees_the_lazy_exports(tmp_path: Path) -> None:
    """Through ``if TYPE_CHECKING:`` imports: an export is its class, not the ``__getattr__``'s Any."""
    api = pytest.importorskip("mypy.api")
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import spacestudio\nimport grad300_client\nimport cloudcix\n"
        "reveal_type(spacestudio.Client)\nreveal_type(spacestudio.constellation)\n"
        "reveal_type(spacestudio.default_client)\nreveal_type(grad300_client.conf)\n"
        "reveal_type(cloudcix.Membership)\n"
    )
    out, _, _ = api.run(
        [str(probe), "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache" / "lazy-exports")]
    )
    revealed = [line.split("Revealed type is ", 1)[1] for line in out.splitlines() if "Revealed type" in line]
    assert len(revealed) == 5, out
    assert "spacestudio.client.Client" in revealed[0]
    assert "ModuleType" in revealed[1]  # a module, not the __getattr__'s Any
    assert revealed[2] == "\"def () -> spacestudio.api.SpacestudioApi\""  # the function, not its module
    assert "grad300_client.astropy_conf.Conf" in revealed[3]
    assert "cloudcix.registries.Membership" in revealed[4]
    assert not any(r.strip('"') == "Any" for r in revealed)


def test_cloudcix_registries_make_their_clients_on_first_use() -> None:
    """``from cloudcix.api import Membership`` (the seed's usage) loads no HTTP stack; a service does."""
    code = (
        "import json, sys\nfrom cloudcix.api import Membership\nfrom cloudcix.async_api import AsyncMembership\n"
        "before = [m for m in ('httpx', 'pydantic', 'specwright_runtime') if m in sys.modules]\n"
        "service = Membership.address_link\n"
        "print(json.dumps([before, type(service).__name__, service.service_uri, Membership._application_name,"
        " type(AsyncMembership.address_link).__name__, 'httpx' in sys.modules]))"
    )
    assert _fresh(code) == [[], "Client", "address/{address_id}/link", "membership", "AsyncClient", True]
