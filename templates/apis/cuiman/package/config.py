"""Client configuration: defaults, then the config file, then ``EOZILLA_*`` variables, then arguments.

The config file is YAML (``~/.eozilla/config`` unless a path is given) with the keys
``server_url``, ``user_name`` and ``access_token``. :meth:`ClientConfig.write` leaves the
access token out and makes the file readable by its owner only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from specwright_runtime import write_private

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["ClientConfig"]

DEFAULT_SERVER_URL = "http://127.0.0.1:8008"
ENV_PREFIX = "EOZILLA_"
_FIELDS = ("server_url", "user_name", "access_token")


def default_config_path() -> Path:
    """``~/.eozilla/config`` (looked up when called, so ``HOME`` changes are seen)."""
    return Path.home() / ".eozilla" / "config"


class ClientConfig(BaseModel):
    """Client configuration.

    Args:
        user_name: name of a user of the service at ``server_url``.
        access_token: API access token of that user, sent as ``Authorization: Bearer``.
            Hidden from ``repr()`` and never written to the config file.
        server_url: URL of a server compliant with OGC API - Processes; a base path
            (``https://host/ogc/api``) is kept.
    """

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True, validate_assignment=True)

    user_name: str | None = None
    access_token: str | None = Field(default=None, repr=False)
    server_url: str | None = None

    @field_validator("server_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.username is not None or parts.password is not None:
            # never echo the URL: it holds a secret
            raise ValueError(
                "server_url must not contain credentials; give the token as access_token"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"server_url must be an http(s) URL with a host, got {value!r}")
        return value

    @classmethod
    def create(
        cls,
        *,
        config: ClientConfig | None = None,
        config_path: str | os.PathLike[str] | None = None,
        server_url: str | None = None,
        user_name: str | None = None,
        access_token: str | None = None,
    ) -> ClientConfig:
        """The effective configuration.

        A given ``config`` is used as it is. Otherwise, lowest to highest precedence: the
        default server URL, the config file (``config_path`` or ``~/.eozilla/config``, if it
        exists), the environment variables ``EOZILLA_SERVER_URL``, ``EOZILLA_USER_NAME`` and
        ``EOZILLA_ACCESS_TOKEN``, then the arguments that are not ``None``.
        """
        if config is not None:
            return config
        values: dict[str, Any] = {"server_url": DEFAULT_SERVER_URL}
        from_file = cls.from_file(config_path)
        if from_file is not None:
            values.update(from_file.model_dump(exclude_none=True))
        from_env = cls.from_env()
        if from_env is not None:
            values.update(from_env.model_dump(exclude_none=True))
        arguments = {"server_url": server_url, "user_name": user_name, "access_token": access_token}
        values.update({k: v for k, v in arguments.items() if v is not None})
        return cls(**values)

    @classmethod
    def from_file(cls, config_path: str | os.PathLike[str] | None = None) -> ClientConfig | None:
        """The configuration in a YAML file; ``None`` if the file does not exist or is empty.

        Raises:
            ValueError: the file is not YAML, not a mapping, or has invalid values.
        """
        path = cls.normalize_config_path(config_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(
                f"{path}: not a valid YAML configuration file ({_where(exc)})"
            ) from None
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError(
                f"{path}: a configuration file must be a mapping of {', '.join(_FIELDS)}"
            )
        try:
            return cls.model_validate({k: v for k, v in data.items() if k in _FIELDS})
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    @classmethod
    def from_env(cls) -> ClientConfig | None:
        """The configuration in ``EOZILLA_*`` environment variables (empty ones are ignored); ``None`` if none is set."""
        values = _Environment().model_dump(exclude_none=True)
        return cls.model_validate(values) if values else None

    @classmethod
    def normalize_config_path(cls, config_path: str | os.PathLike[str] | None = None) -> Path:
        """``config_path`` as a ``Path`` (``~`` expanded), or the default ``~/.eozilla/config``."""
        return Path(config_path).expanduser() if config_path else default_config_path()

    def to_dict(self) -> dict[str, Any]:
        """The settings that are set, as a dict (the access token included)."""
        return self.model_dump(mode="json", exclude_none=True)

    def write(self, config_path: str | os.PathLike[str] | None = None) -> Path:
        """Save to ``config_path`` (default ``~/.eozilla/config``) without the access token.

        The file is replaced atomically and readable by its owner only (mode 0600).
        """
        path = self.normalize_config_path(config_path)
        data = self.model_dump(exclude_none=True, exclude={"access_token"})
        write_private(path, yaml.safe_dump(data, sort_keys=True).encode("utf-8"))
        return path


def _where(exc: yaml.YAMLError) -> str:
    """Where and what the YAML error is, without the file's text (it may hold a token)."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "syntax error"
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


class _Environment(BaseSettings):
    """The ``EOZILLA_*`` variables, read by pydantic-settings."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="ignore")

    server_url: str | None = None
    user_name: str | None = None
    access_token: str | None = Field(default=None, repr=False)
