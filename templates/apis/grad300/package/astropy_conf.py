"""Configuration of the GRAD300 client as an astropy ``ConfigNamespace``.

``conf.base_url``, ``conf.api_prefix``, ``conf.timeout`` and ``conf.default_page_size`` can be
changed at run time (``with conf.set_temp("base_url", ...)``) or in the astropy config file
``grad300_client.cfg``, section ``[conf]``. Importing this module imports astropy.
"""

from __future__ import annotations

from astropy import config as _config

# the names the package re-exports (imported on first use, like every export: astropy is heavy)
__all__ = ["Conf", "conf"]

# the config file grad300_client.cfg keeps its settings in section [conf]
_SECTION = "grad300_client.conf"


class Conf(_config.ConfigNamespace):  # type: ignore[misc]
    """Settings of ``grad300_client``."""

    base_url = _config.ConfigItem(
        "https://grad300.lam.fr",
        "Base URL of the GRAD300 backend service.",
        cfgtype="string",
        module=_SECTION,
    )
    api_prefix = _config.ConfigItem(
        "/api/v1", "API prefix appended to base_url.", cfgtype="string", module=_SECTION
    )
    timeout = _config.ConfigItem(30.0, "HTTP timeout in seconds.", cfgtype="float", module=_SECTION)
    default_page_size = _config.ConfigItem(
        100, "Default page size for scan list/query methods.", cfgtype="integer", module=_SECTION
    )


conf = Conf()
