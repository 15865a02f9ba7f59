"""The service registries of cloudcix 5.0.11: ``cloudcix.api.<Registry>.<service>.<method>(...)``.

Each registry is a class whose attributes are ``cloudcix.client.Client`` instances, one per
service (``Membership.address_link``); the async twins are in ``cloudcix.async_api``. DCIM is
not exported here, as in 5.0.11: ``from cloudcix.api.dcim import DCIM``.
"""

from cloudcix.registries import (
    IAAS,
    OTP,
    PAT,
    SCM,
    AppManager,
    Asset,
    Circuit,
    Compute,
    Contact,
    Contacts,
    Documentation,
    Financial,
    Helpdesk,
    Membership,
    Plot,
    Reporting,
    Repository,
    Scheduler,
    Security,
    Support,
    Training,
    Vault,
)

__all__ = [
    "AppManager",
    "Asset",
    "Circuit",
    "Compute",
    "Contact",
    "Contacts",
    "Documentation",
    "Financial",
    "Helpdesk",
    "IAAS",
    "Membership",
    "OTP",
    "PAT",
    "Plot",
    "Reporting",
    "Repository",
    "Scheduler",
    "SCM",
    "Security",
    "Support",
    "Training",
    "Vault",
]
