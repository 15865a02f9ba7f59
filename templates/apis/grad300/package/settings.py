"""The ``conf`` values a client starts with, without importing astropy needlessly.

Internal (no ``__all__``): the package re-exports none of these names.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    base_url: str = "https://grad300.lam.fr"
    api_prefix: str = "/api/v1"
    timeout: float = 30.0
    default_page_size: int = 100


def _config_file() -> Path:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg and (Path(xdg) / "astropy").is_dir():
        return Path(xdg) / "astropy" / "grad300_client.cfg"
    return Path.home() / ".astropy" / "config" / "grad300_client.cfg"


def current_settings() -> Settings:
    """``conf``'s values; astropy is imported only if ``conf`` was used or a config file exists."""
    if "grad300_client.astropy_conf" not in sys.modules and not _config_file().is_file():
        return Settings()
    from grad300_client.astropy_conf import conf

    return Settings(
        str(conf.base_url), str(conf.api_prefix), float(conf.timeout), int(conf.default_page_size)
    )


def build_api_base_url(base_url: str, api_prefix: str) -> str:
    """``base_url`` + normalised prefix, unless the base already ends with it."""
    base = base_url.rstrip("/")
    prefix = "/" + api_prefix.strip("/") if api_prefix.strip("/") else ""
    if prefix and base.endswith(prefix):
        return base
    return base + prefix
