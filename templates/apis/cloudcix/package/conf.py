"""The CloudCIX settings: a settings module and ``CLOUDCIX_*`` environment variables, read lazily.

``settings`` loads on first use (the first request, or reading an attribute), never at import:
the module named by ``CLOUDCIX_SETTINGS_MODULE`` (else ``DJANGO_SETTINGS_MODULE``) gives its
upper-case ``CLOUDCIX_*`` attributes, then ``CLOUDCIX_*`` environment variables override them
(so a deployment can change a URL without editing the module). Either source alone is enough.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping
from typing import Any

from cloudcix.exceptions import ImproperlyConfiguredException

__all__ = ["CLOUDCIX_ENVIRONMENT", "DJANGO_ENVIRONMENT", "LazySettings", "Settings", "settings"]

#: Environment variables naming the settings module, in the order they are tried.
CLOUDCIX_ENVIRONMENT = "CLOUDCIX_SETTINGS_MODULE"
DJANGO_ENVIRONMENT = "DJANGO_SETTINGS_MODULE"

NOT_CONFIGURED = (
    "No module file specified. Ensure that either CLOUDCIX_SETTINGS_MODULE or DJANGO_SETTINGS_MODULE "
    "are specified in the environment."
)
#: Settings that are URL prefixes: a missing slash would glue the application to the host.
SLASHED = frozenset({"CLOUDCIX_API_URL", "CLOUDCIX_AUTH_URL"})
#: Settings read from the environment as integers. Only these: a password of digits stays a string.
INTEGERS = frozenset({"CLOUDCIX_API_VERSION", "CLOUDCIX_LOCK_PORT"})

logger = logging.getLogger("cloudcix.conf")


class Settings:
    """The settings of one process: every ``CLOUDCIX_*`` value, with defaults, checked.

    Defaults: ``CLOUDCIX_API_VERSION = 1`` and ``CLOUDCIX_API_V2_URL = CLOUDCIX_API_URL``.
    ``CLOUDCIX_API_URL`` and ``CLOUDCIX_AUTH_URL`` must end with ``/``.
    """

    SETTINGS_MODULE: str | None

    def __init__(self, mod: str | None, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if mod:
            module = importlib.import_module(mod)
            values.update(
                (name, getattr(module, name)) for name in dir(module) if _is_setting(name)
            )
        from_env = {
            name: value
            for name, value in env.items()
            if _is_setting(name) and name != CLOUDCIX_ENVIRONMENT
        }
        if not mod and not from_env:
            raise ImproperlyConfiguredException(NOT_CONFIGURED)
        values.update((name, _from_env(name, value)) for name, value in from_env.items())
        values.setdefault("CLOUDCIX_API_VERSION", 1)
        if "CLOUDCIX_API_URL" in values:
            values.setdefault("CLOUDCIX_API_V2_URL", values["CLOUDCIX_API_URL"])
        object.__setattr__(self, "SETTINGS_MODULE", mod)
        for name, value in sorted(values.items()):
            setattr(self, name, value)
        # names only: values may be passwords and keys
        logger.debug("CloudCIX settings from module %s and environment %s", mod, sorted(from_env))

    def __setattr__(self, name: str, value: Any) -> None:
        if name in SLASHED and not str(value).endswith("/"):
            raise ImproperlyConfiguredException(f"{name} must end with a slash")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<Settings [{self.SETTINGS_MODULE or 'environment'}]>"


class LazySettings:
    """The process's :class:`Settings`, loaded when an attribute is first read or set.

    ``settings._setup()`` loads them again from the environment (e.g. after changing it).
    """

    _wrapped: Settings | None = None

    def _setup(self, *args: Any) -> None:
        mod = os.environ.get(CLOUDCIX_ENVIRONMENT) or os.environ.get(DJANGO_ENVIRONMENT)
        object.__setattr__(self, "_wrapped", Settings(mod))

    def _settings(self) -> Settings:
        if self._wrapped is None:
            self._setup()
        assert self._wrapped is not None
        return self._wrapped

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy, pickle and introspection probes must not load settings
            raise AttributeError(name)
        return getattr(self._settings(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_wrapped":
            object.__setattr__(self, name, value)
        else:
            setattr(self._settings(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._settings(), name)

    def __repr__(self) -> str:
        return (
            "<LazySettings [not loaded]>"
            if self._wrapped is None
            else f"<LazySettings {self._wrapped!r}>"
        )


def setting(name: str) -> Any:
    """One setting, or :class:`ImproperlyConfiguredException` naming it when it is not set."""
    try:
        return getattr(settings, name)
    except AttributeError:
        raise ImproperlyConfiguredException(f"{name} is not set in the CloudCIX settings") from None


def _is_setting(name: str) -> bool:
    return name.startswith("CLOUDCIX_") and name.isupper()


def _from_env(name: str, value: str) -> Any:
    if name not in INTEGERS:
        return value
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredException(f"{name} must be an integer") from None


settings = LazySettings()
