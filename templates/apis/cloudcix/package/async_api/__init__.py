"""The service registries, asynchronous: ``await AsyncMembership.address.list(token=...)``.

The twins of ``cloudcix.api``: each attribute is a ``cloudcix.async_client.AsyncClient``.
``AsyncDCIM`` is in ``cloudcix.async_api.dcim``.
"""

from cloudcix.async_registries import (
    AsyncAppManager,
    AsyncAsset,
    AsyncCircuit,
    AsyncCompute,
    AsyncContact,
    AsyncContacts,
    AsyncDocumentation,
    AsyncFinancial,
    AsyncHelpdesk,
    AsyncIAAS,
    AsyncMembership,
    AsyncOTP,
    AsyncPAT,
    AsyncPlot,
    AsyncReporting,
    AsyncRepository,
    AsyncScheduler,
    AsyncSCM,
    AsyncSecurity,
    AsyncSupport,
    AsyncTraining,
    AsyncVault,
)

__all__ = [
    "AsyncAppManager",
    "AsyncAsset",
    "AsyncCircuit",
    "AsyncCompute",
    "AsyncContact",
    "AsyncContacts",
    "AsyncDocumentation",
    "AsyncFinancial",
    "AsyncHelpdesk",
    "AsyncIAAS",
    "AsyncMembership",
    "AsyncOTP",
    "AsyncPAT",
    "AsyncPlot",
    "AsyncReporting",
    "AsyncRepository",
    "AsyncScheduler",
    "AsyncSCM",
    "AsyncSecurity",
    "AsyncSupport",
    "AsyncTraining",
    "AsyncVault",
]
