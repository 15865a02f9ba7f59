"""The package's ``log_*`` attributes: environment variables read when they are used.

Kept apart from ``connection`` (which imports the client) so that ``spacestudio.log_base_url``
costs no HTTP stack; a ``.env`` loaded with python-dotenv before or after ``import spacestudio``
is seen.
"""

from __future__ import annotations

import os

#: The package's ``log_*`` attributes and the environment variables they read.
ENVIRONMENT = {
    "log_base_url": "LOG_BASE_URL",
    "log_mail": "LOG_MAIL",
    "log_password": "LOG_PASSWORD",
    "log_client_id": "CLIENT_ID",
}


def package_attribute(name: str) -> str | None:
    """The package's ``__getattr__``: a ``log_*`` attribute is its environment variable now, or ``None``."""
    variable = ENVIRONMENT.get(name)
    if variable is None:
        raise AttributeError(f"module 'spacestudio' has no attribute {name!r}")
    return os.environ.get(variable)
