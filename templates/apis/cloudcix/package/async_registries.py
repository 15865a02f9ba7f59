"""The service registries (asynchronous): one class per application, one client per service.

The sync ``registries.py`` is derived from this module at generation time; ``cloudcix.api``
and ``cloudcix.async_api`` export them. Each class attribute is an ``AsyncClient`` of one
service, made from the generated resource group of the same name (``SERVICES``, attribute →
path, and its ``application`` variable): the services are data of the spec, never listed
here. They are made when the registry is first used (``Membership.address``), so that
``from cloudcix.api import Membership`` loads no HTTP stack; making them reads no settings
and opens no connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

if TYPE_CHECKING:
    from cloudcix.async_client import AsyncClient


class AsyncRegistryType(type):
    """Metaclass of the registries: makes a registry's service clients when one is first asked
    for, and tells type checkers that every service is an ``AsyncClient``.
    """

    def __getattr__(cls, name: str) -> AsyncClient:
        if "_pending" not in vars(cls) or name.startswith("__"):
            raise AttributeError(f"type object {cls.__name__!r} has no attribute {name!r}")
        _make_services(cast("type[AsyncRegistry]", cls))
        found: AsyncClient = getattr(cls, name)
        return found

    def __dir__(cls) -> list[str]:
        if "_pending" in vars(cls):
            _make_services(cast("type[AsyncRegistry]", cls))
        return sorted(super().__dir__())


def _make_services(cls: type[AsyncRegistry]) -> None:
    """Set one ``AsyncClient`` per service of the resource group named like ``cls``."""
    import cloudcix.async_resources as generated
    from cloudcix.async_client import AsyncClient

    group = getattr(generated, cls.__name__)
    application: str = group.VARIABLES["application"]
    for attribute, path in group.SERVICES.items():
        setattr(cls, attribute, AsyncClient(application, path))
    cls._application_name = application
    delattr(cls, "_pending")


class AsyncRegistry(metaclass=AsyncRegistryType):
    """Base of the registries: ``class Membership(Registry)`` serves ``resources.Membership``."""

    _application_name: ClassVar[str]
    _pending: ClassVar[bool]  # set until the services are made

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._pending = True  # services made on first use


class AsyncAppManager(AsyncRegistry):
    """The AppManager services."""


class AsyncAsset(AsyncRegistry):
    """The Asset services."""


class AsyncCircuit(AsyncRegistry):
    """The Circuit services."""


class AsyncCompute(AsyncRegistry):
    """The Compute services."""


class AsyncContact(AsyncRegistry):
    """The Contact services."""


class AsyncContacts(AsyncRegistry):
    """The Contacts services."""


class AsyncDCIM(AsyncRegistry):
    """The DCIM services; not exported by ``cloudcix.api`` (as in 5.0.11)."""


class AsyncDocumentation(AsyncRegistry):
    """The Documentation services."""


class AsyncFinancial(AsyncRegistry):
    """The Financial services."""


class AsyncHelpdesk(AsyncRegistry):
    """The Helpdesk services."""


class AsyncIAAS(AsyncRegistry):
    """The IAAS services."""


class AsyncMembership(AsyncRegistry):
    """The Membership services."""


class AsyncOTP(AsyncRegistry):
    """The OTP services."""


class AsyncPAT(AsyncRegistry):
    """The PAT services."""


class AsyncPlot(AsyncRegistry):
    """The Plot services."""


class AsyncReporting(AsyncRegistry):
    """The Reporting services."""


class AsyncRepository(AsyncRegistry):
    """The Repository services."""


class AsyncScheduler(AsyncRegistry):
    """The Scheduler services."""


class AsyncSCM(AsyncRegistry):
    """The SCM services."""


class AsyncSecurity(AsyncRegistry):
    """The Security services."""


class AsyncSupport(AsyncRegistry):
    """The Support services."""


class AsyncTraining(AsyncRegistry):
    """The Training services."""


class AsyncVault(AsyncRegistry):
    """The Vault services."""
