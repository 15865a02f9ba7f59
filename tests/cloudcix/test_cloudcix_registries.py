"""cloudcix.api: the 22 exported registries (and DCIM), complete against the spec's resource groups.

The services are the spec's data: each registry must hold exactly the services of the generated
``cloudcix.resources.<Class>`` group. A sample of the sheet's appendix checks real URLs of both
styles with the sheet's settings (``https://api.cloudcix.com/``, version 2, legacy URL).
"""

from __future__ import annotations

import inspect
from typing import Any

import cloudcix.api
import cloudcix.async_api
import cloudcix.async_resources
import cloudcix.resources
import pytest
from cloudcix.api.dcim import DCIM
from cloudcix.async_api.dcim import AsyncDCIM
from cloudcix.async_client import AsyncClient
from cloudcix.client import Client
from cloudcix_fakes import Recorder

EXPORTED = [
    "AppManager", "Asset", "Circuit", "Compute", "Contact", "Contacts", "Documentation", "Financial",
    "Helpdesk", "IAAS", "Membership", "OTP", "PAT", "Plot", "Reporting", "Repository", "Scheduler",
    "SCM", "Security", "Support", "Training", "Vault",
]  # fmt: skip

#: ``_application_name`` of each registry in 5.0.11, exactly (``Circuit`` and ``Contact`` keep their
#: capital although their hosts are lower case: the URL is made in lower case).
APPLICATIONS = {
    "AppManager": "appmanager", "Asset": "Asset", "Circuit": "Circuit", "Compute": "compute",
    "Contact": "Contact", "Contacts": "Contacts", "DCIM": "dcim", "Documentation": "Documentation",
    "Financial": "financial", "Helpdesk": "helpdesk", "IAAS": "iaas", "Membership": "membership",
    "OTP": "otp", "PAT": "pat", "Plot": "plot", "Reporting": "Reporting", "Repository": "SupportFramework",
    "Scheduler": "scheduler", "SCM": "SCM", "Security": "Security", "Support": "support",
    "Training": "training", "Vault": "vault",
}  # fmt: skip


def registries() -> dict[str, Any]:
    found = {name: getattr(cloudcix.api, name) for name in cloudcix.api.__all__}
    found["DCIM"] = DCIM
    return found


def groups(module: Any) -> dict[str, Any]:
    return {name: getattr(module, name) for name in module.__all__ if name != "PAGING"}


def test_the_exports() -> None:
    assert sorted(cloudcix.api.__all__) == sorted(EXPORTED)
    assert "DCIM" not in cloudcix.api.__all__ and not hasattr(cloudcix.api, "DCIM")
    assert sorted(cloudcix.async_api.__all__) == sorted("Async" + name for name in EXPORTED)
    assert cloudcix.Membership is cloudcix.api.Membership  # also exported by the package


def test_every_resource_group_is_a_registry_with_every_service() -> None:
    generated = groups(cloudcix.resources)
    assert sorted(generated) == sorted([*EXPORTED, "DCIM"])
    total = 0
    for name, registry in registries().items():
        group = generated[name]
        application = group.VARIABLES["application"]
        assert registry._application_name == application
        services = {attr: value for attr, value in vars(registry).items() if isinstance(value, Client)}
        assert sorted(services) == sorted(group.SERVICES), name
        for attr, path in group.SERVICES.items():
            client = services[attr]
            assert (client.application, client.service_uri) == (application, path.rstrip("/")), f"{name}.{attr}"
        total += len(services)
    assert total == 320  # every service of the appendix


def test_the_async_registries_mirror_them() -> None:
    generated = groups(cloudcix.async_resources)
    twins = {name: getattr(cloudcix.async_api, "Async" + name) for name in EXPORTED} | {"DCIM": AsyncDCIM}
    for name, registry in twins.items():
        group = generated["Async" + name]
        # the first use makes the services (none before: from cloudcix.api import ... stays cheap)
        assert registry._application_name == group.VARIABLES["application"]
        services = {attr: value for attr, value in vars(registry).items() if isinstance(value, AsyncClient)}
        assert sorted(services) == sorted(group.SERVICES), name
        assert all(inspect.iscoroutinefunction(c.list) for c in services.values())


@pytest.mark.parametrize("name", sorted(APPLICATIONS))
def test_application_names(name: str) -> None:
    registry = registries()[name]
    assert registry._application_name == APPLICATIONS[name]
    service = next(attr for attr in dir(registry) if not attr.startswith("_"))
    assert getattr(registry, service).application == APPLICATIONS[name]


@pytest.mark.parametrize(
    ("service", "kwargs", "url"),
    [
        ("AppManager.app_member", {"app_id": 1}, "https://appmanager.api.cloudcix.com/app/1/member/"),
        ("Asset.asset", {}, "https://legacyapi.api.cloudcix.com/Asset/v1/Asset/"),
        (
            "Asset.asset_transaction",
            {"asset_id": 2},
            "https://legacyapi.api.cloudcix.com/Asset/v1/Asset/2/Transaction/",
        ),
        ("Circuit.property_value", {"search_term": "fibre"}, "https://circuit.api.cloudcix.com/property_value/fibre/"),
        (
            "Contacts.activity",
            {"activity_type_id": 3},
            "https://legacyapi.api.cloudcix.com/Contacts/v1/ActivityType/3/Activity/",
        ),
        ("Documentation.application", {}, "https://legacyapi.api.cloudcix.com/Documentation/v1/Application/"),
        ("Membership.token", {}, "https://membership.api.cloudcix.com/auth/login/"),
        ("Membership.address_link", {"address_id": 7}, "https://membership.api.cloudcix.com/address/7/link/"),
        (
            "Membership.franchise_logic",
            {"builder_address_id": 1, "distributor_address_id": 2},
            "https://membership.api.cloudcix.com/franchise_logic/1/2/",
        ),
        ("Membership.guiden_api_key", {"pk": 9}, "https://membership.api.cloudcix.com/guiden/api_key/9/"),
        ("Reporting.package", {}, "https://legacyapi.api.cloudcix.com/Reporting/v1/Package/"),
        (
            "Repository.method",
            {"member_id": 1, "application_id": 2, "service_id": 3},
            "https://legacyapi.api.cloudcix.com/SupportFramework/v1/Member/1/Application/2/Service/3/Method/",
        ),
        ("SCM.sku_stock", {"sku_id": "A/1"}, "https://legacyapi.api.cloudcix.com/SCM/v1/SKU/A%2F1/Stock/"),
        (
            "Support.item_history",
            {"transaction_type_id": 1, "tsn": 2, "item_id": 3},
            "https://support.api.cloudcix.com/ticket/1/2/item/3/history/",
        ),
        ("Vault.bucket", {"region_name": "eu", "path": "b1"}, "https://vault.api.cloudcix.com/eu/bucket/b1/"),
        (
            "Vault.shared_object",
            {"region_name": "eu", "path": "o1"},
            "https://vault.api.cloudcix.com/eu/share/object/o1/",
        ),
        ("DCIM.property_value", {"search_term": "x"}, "https://dcim.api.cloudcix.com/property_value/x/"),
    ],
)
def test_sample_services(mock: Recorder, service: str, kwargs: dict[str, Any], url: str) -> None:
    registry, attr = service.split(".")
    client = getattr(registries()[registry], attr)
    assert client.list(token="T", **kwargs).status_code == 200
    assert str(mock.last.url) == url
    assert mock.last.headers["X-Auth-Token"] == "T"


def test_legacy_registries_keep_the_v1_path_whatever_the_version(
    mock: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDCIX_API_VERSION", "1")
    cloudcix.conf.settings._setup()
    cloudcix.api.SCM.sku.read(5)
    cloudcix.api.IAAS.cloud.read(5)
    assert mock.urls == [
        "https://legacyapi.api.cloudcix.com/SCM/v1/SKU/5/",
        "https://iaas.api.cloudcix.com/v1/cloud/5/",
    ]
