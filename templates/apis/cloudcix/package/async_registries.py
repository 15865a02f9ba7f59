"""The service registries (asynchronous): one class per application, one client per service.

The sync ``registries.py`` is derived from this module at generation time; ``cloudcix.api``
and ``cloudcix.async_api`` export them. Each class attribute is an ``AsyncClient`` of one
service, made from the generated resource group's ``SERVICES`` (attribute → path) and its
``application`` variable: the services are data of the spec, never listed here. Making them
reads no settings and opens no connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import cloudcix.async_resources as generated
from cloudcix.async_client import AsyncClient


class _Group(Protocol):
    """What a generated resource group tells about its services."""

    VARIABLES: ClassVar[dict[str, str]]
    SERVICES: ClassVar[dict[str, str]]


class AsyncRegistryType(type):
    """Metaclass of the registries: tells type checkers that every service is an ``AsyncClient``."""

    if TYPE_CHECKING:

        def __getattr__(cls, name: str) -> AsyncClient: ...


class AsyncRegistry(metaclass=AsyncRegistryType):
    """Base of the registries: ``class Membership(Registry, services=resources.Membership)``."""

    _application_name: ClassVar[str]

    def __init_subclass__(cls, *, services: type[_Group], **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._application_name = services.VARIABLES["application"]
        for attribute, path in services.SERVICES.items():
            setattr(cls, attribute, AsyncClient(cls._application_name, path))


class AsyncAppManager(AsyncRegistry, services=generated.AsyncAppManager):
    """The AppManager services."""


class AsyncAsset(AsyncRegistry, services=generated.AsyncAsset):
    """The Asset services."""


class AsyncCircuit(AsyncRegistry, services=generated.AsyncCircuit):
    """The Circuit services."""


class AsyncCompute(AsyncRegistry, services=generated.AsyncCompute):
    """The Compute services."""


class AsyncContact(AsyncRegistry, services=generated.AsyncContact):
    """The Contact services."""


class AsyncContacts(AsyncRegistry, services=generated.AsyncContacts):
    """The Contacts services."""


class AsyncDCIM(AsyncRegistry, services=generated.AsyncDCIM):
    """The DCIM services; not exported by ``cloudcix.api`` (as in 5.0.11)."""


class AsyncDocumentation(AsyncRegistry, services=generated.AsyncDocumentation):
    """The Documentation services."""


class AsyncFinancial(AsyncRegistry, services=generated.AsyncFinancial):
    """The Financial services."""


class AsyncHelpdesk(AsyncRegistry, services=generated.AsyncHelpdesk):
    """The Helpdesk services."""


class AsyncIAAS(AsyncRegistry, services=generated.AsyncIAAS):
    """The IAAS services."""


class AsyncMembership(AsyncRegistry, services=generated.AsyncMembership):
    """The Membership services."""


class AsyncOTP(AsyncRegistry, services=generated.AsyncOTP):
    """The OTP services."""


class AsyncPAT(AsyncRegistry, services=generated.AsyncPAT):
    """The PAT services."""


class AsyncPlot(AsyncRegistry, services=generated.AsyncPlot):
    """The Plot services."""


class AsyncReporting(AsyncRegistry, services=generated.AsyncReporting):
    """The Reporting services."""


class AsyncRepository(AsyncRegistry, services=generated.AsyncRepository):
    """The Repository services."""


class AsyncScheduler(AsyncRegistry, services=generated.AsyncScheduler):
    """The Scheduler services."""


class AsyncSCM(AsyncRegistry, services=generated.AsyncSCM):
    """The SCM services."""


class AsyncSecurity(AsyncRegistry, services=generated.AsyncSecurity):
    """The Security services."""


class AsyncSupport(AsyncRegistry, services=generated.AsyncSupport):
    """The Support services."""


class AsyncTraining(AsyncRegistry, services=generated.AsyncTraining):
    """The Training services."""


class AsyncVault(AsyncRegistry, services=generated.AsyncVault):
    """The Vault services."""
