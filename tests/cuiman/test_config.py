"""ClientConfig: defaults < config file < EOZILLA_* variables < arguments, the file itself, secrecy."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
import yaml
from cuiman import Client, ClientConfig
from cuiman.config import DEFAULT_SERVER_URL, default_config_path

FILE_URL = "http://file.test/api"
ENV_URL = "http://env.test/api"
ARG_URL = "http://arg.test/api"


def write_yaml(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def home_config(clean_home: Path) -> Path:
    """``~/.eozilla/config`` with all three keys."""
    return write_yaml(
        clean_home / ".eozilla" / "config",
        {"server_url": FILE_URL, "user_name": "file-user", "access_token": "file-token"},
    )


# -- precedence -----------------------------------------------------------------------------


def test_defaults_without_file_env_or_arguments() -> None:
    config = ClientConfig.create()
    assert config.server_url == DEFAULT_SERVER_URL == "http://127.0.0.1:8008"
    assert config.user_name is None
    assert config.access_token is None


def test_default_config_path_follows_home(clean_home: Path) -> None:
    assert default_config_path() == clean_home / ".eozilla" / "config"


def test_home_file_overrides_defaults(home_config: Path) -> None:
    config = ClientConfig.create()
    assert (config.server_url, config.user_name, config.access_token) == (FILE_URL, "file-user", "file-token")


def test_file_sets_only_what_it_has(clean_home: Path) -> None:
    write_yaml(clean_home / ".eozilla" / "config", {"user_name": "file-user"})
    config = ClientConfig.create()
    assert config.user_name == "file-user"
    assert config.server_url == DEFAULT_SERVER_URL  # the default is kept
    assert config.access_token is None


def test_env_overrides_file(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", ENV_URL)
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    config = ClientConfig.create()
    assert (config.server_url, config.user_name, config.access_token) == (ENV_URL, "env-user", "env-token")


def test_env_overrides_only_what_it_sets(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    config = ClientConfig.create()
    assert config.access_token == "env-token"
    assert config.server_url == FILE_URL
    assert config.user_name == "file-user"


def test_env_without_file_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", ENV_URL)
    assert ClientConfig.create().server_url == ENV_URL


def test_empty_env_variables_are_ignored(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", "")
    monkeypatch.setenv("EOZILLA_USER_NAME", "")
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "")
    config = ClientConfig.create()
    assert (config.server_url, config.user_name, config.access_token) == (FILE_URL, "file-user", "file-token")


def test_empty_env_server_url_without_file_keeps_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", "")
    assert ClientConfig.create().server_url == DEFAULT_SERVER_URL


def test_from_env_reads_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    config = ClientConfig.from_env()
    assert (config.server_url, config.user_name, config.access_token) == (None, "env-user", "env-token")


def test_arguments_override_env_and_file(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", ENV_URL)
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    config = ClientConfig.create(server_url=ARG_URL, user_name="arg-user", access_token="arg-token")
    assert (config.server_url, config.user_name, config.access_token) == (ARG_URL, "arg-user", "arg-token")


def test_arguments_override_only_what_they_set(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    config = ClientConfig.create(access_token="arg-token")
    assert config.access_token == "arg-token"
    assert config.user_name == "env-user"
    assert config.server_url == FILE_URL


def test_none_arguments_are_ignored(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    config = ClientConfig.create(server_url=None, user_name=None, access_token=None)
    assert (config.server_url, config.user_name, config.access_token) == (FILE_URL, "env-user", "file-token")


def test_given_config_is_used_as_is(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    given = ClientConfig(server_url=ARG_URL)
    config = ClientConfig.create(config=given, server_url=ENV_URL, user_name="ignored", access_token="ignored")
    assert config is given
    assert (config.server_url, config.user_name, config.access_token) == (ARG_URL, None, None)


def test_client_uses_given_config_as_is(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-token")
    given = ClientConfig(server_url=ARG_URL, user_name="me")
    with Client(config=given, server_url=ENV_URL, access_token="ignored") as client:
        assert client.config is given
        assert client.config.access_token is None
        assert client.base_url == ARG_URL


# -- the config file --------------------------------------------------------------------------


def test_config_path_is_read_instead_of_home_file(home_config: Path, tmp_path: Path) -> None:
    other = write_yaml(tmp_path / "elsewhere.yaml", {"server_url": "http://other.test/x", "user_name": "other"})
    config = ClientConfig.create(config_path=other)
    assert config.server_url == "http://other.test/x"
    assert config.user_name == "other"
    assert config.access_token is None  # nothing from ~/.eozilla/config


def test_config_path_as_string(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "cfg", {"user_name": "str-path"})
    assert ClientConfig.create(config_path=str(path)).user_name == "str-path"


def test_config_path_with_tilde(clean_home: Path) -> None:
    write_yaml(clean_home / "my.yaml", {"user_name": "tilde"})
    assert ClientConfig.create(config_path="~/my.yaml").user_name == "tilde"


def test_missing_config_path_gives_defaults(tmp_path: Path) -> None:
    assert ClientConfig.from_file(tmp_path / "absent") is None
    assert ClientConfig.create(config_path=tmp_path / "absent").server_url == DEFAULT_SERVER_URL


def test_missing_home_file_gives_none() -> None:
    assert ClientConfig.from_file() is None


@pytest.mark.parametrize("text", ["", "\n  \n", "# just a comment\n"])
def test_empty_file_is_like_no_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "cfg"
    path.write_text(text, encoding="utf-8")
    assert ClientConfig.from_file(path) is None
    assert ClientConfig.create(config_path=path).server_url == DEFAULT_SERVER_URL


def test_unknown_keys_in_file_are_ignored(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "cfg", {"server_url": FILE_URL, "something_else": 1})
    config = ClientConfig.from_file(path)
    assert config is not None
    assert config.server_url == FILE_URL
    assert "something_else" not in config.model_dump()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("server_url: [unclosed\n", "YAML"),
        ("- a\n- b\n", "mapping"),
        ("just a string\n", "mapping"),
        ("server_url: ftp://file.test/api\n", "server_url"),
        ("server_url: not a url\n", "server_url"),
        ("server_url: [1, 2]\n", "server_url"),
    ],
)
def test_bad_file_raises_value_error_naming_the_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad-config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        ClientConfig.from_file(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
    with pytest.raises(ValueError, match=r"bad-config\.yaml"):
        ClientConfig.create(config_path=path)
    with pytest.raises(ValueError, match=r"bad-config\.yaml"):
        Client(config_path=path)


def test_bad_home_file_names_it(clean_home: Path) -> None:
    path = clean_home / ".eozilla" / "config"
    path.parent.mkdir()
    path.write_text("- not\n- a mapping\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        ClientConfig.create()


def test_bad_file_error_does_not_show_the_token(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "cfg", {"server_url": "nope", "access_token": "file-secret-42"})
    with pytest.raises(ValueError) as info:
        ClientConfig.from_file(path)
    assert "file-secret-42" not in str(info.value)


@pytest.mark.parametrize("url", ["not a url", "ftp://h/x", "http://", "/api"])
def test_bad_server_url_argument_raises_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="server_url"):
        ClientConfig.create(server_url=url)


def test_bad_server_url_in_env_raises_value_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_SERVER_URL", "file:///etc/passwd")
    with pytest.raises(ValueError, match="server_url"):
        ClientConfig.create()


def test_server_url_base_path_is_kept() -> None:
    assert ClientConfig(server_url="https://host.test/ogc/api").server_url == "https://host.test/ogc/api"


# -- write ------------------------------------------------------------------------------------


def test_write_leaves_out_the_access_token(tmp_path: Path) -> None:
    config = ClientConfig(server_url=FILE_URL, user_name="me", access_token="write-secret-7")
    path = config.write(tmp_path / "cfg")
    text = path.read_text(encoding="utf-8")
    assert "write-secret-7" not in text
    assert "access_token" not in text
    assert yaml.safe_load(text) == {"server_url": FILE_URL, "user_name": "me"}


def test_write_leaves_out_unset_values(tmp_path: Path) -> None:
    path = ClientConfig(server_url=FILE_URL).write(tmp_path / "cfg")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"server_url": FILE_URL}


def test_write_makes_file_private(tmp_path: Path) -> None:
    path = ClientConfig(server_url=FILE_URL).write(tmp_path / "cfg")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_replaces_a_readable_file_with_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / "cfg"
    path.write_text("user_name: old\n", encoding="utf-8")
    path.chmod(0o644)
    ClientConfig(user_name="new").write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"user_name": "new"}


def test_write_default_path_creates_private_folder(clean_home: Path) -> None:
    path = ClientConfig(server_url=FILE_URL, access_token="t").write()
    assert path == clean_home / ".eozilla" / "config"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_write_creates_nested_parents_private(tmp_path: Path) -> None:
    path = ClientConfig(user_name="me").write(tmp_path / "a" / "b" / "cfg")
    assert path.is_file()
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


def test_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    ClientConfig(user_name="me").write(folder / "cfg")
    ClientConfig(user_name="again").write(folder / "cfg")
    assert sorted(p.name for p in folder.iterdir()) == ["cfg"]


def test_round_trip_without_the_token(tmp_path: Path) -> None:
    original = ClientConfig(server_url="https://host.test/ogc/api", user_name="me", access_token="round-secret")
    path = original.write(tmp_path / "cfg")
    loaded = ClientConfig.from_file(path)
    assert loaded == ClientConfig(server_url="https://host.test/ogc/api", user_name="me")
    assert loaded is not None and loaded.access_token is None


def test_round_trip_through_home_and_create(clean_home: Path) -> None:
    ClientConfig(server_url=FILE_URL, user_name="me", access_token="tok").write()
    config = ClientConfig.create(access_token="tok")
    assert (config.server_url, config.user_name, config.access_token) == (FILE_URL, "me", "tok")


# -- the token is never shown ---------------------------------------------------------------


def test_repr_and_str_never_show_the_token() -> None:
    config = ClientConfig(server_url=FILE_URL, user_name="me", access_token="repr-secret-99")
    for text in (repr(config), str(config), f"{config}", f"{config!r}"):
        assert "repr-secret-99" not in text
    assert "me" in repr(config)
    assert FILE_URL in repr(config)


def test_repr_of_env_config_never_shows_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_ACCESS_TOKEN", "env-secret-5")
    config = ClientConfig.create()
    assert config.access_token == "env-secret-5"
    assert "env-secret-5" not in repr(config)
    assert "env-secret-5" not in str(config)


def test_client_repr_never_shows_the_token() -> None:
    with Client(server_url=ARG_URL, access_token="client-secret-3") as client:
        assert "client-secret-3" not in repr(client)
        assert "client-secret-3" not in repr(client.config)


# -- Client(...).config ------------------------------------------------------------------------


def test_client_config_reflects_arguments() -> None:
    with Client(server_url=ARG_URL, user_name="arg-user", access_token="arg-token") as client:
        assert isinstance(client.config, ClientConfig)
        assert (client.config.server_url, client.config.user_name, client.config.access_token) == (
            ARG_URL,
            "arg-user",
            "arg-token",
        )
        assert client.base_url == ARG_URL


def test_client_config_reflects_file_and_env(home_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    with Client() as client:
        assert (client.config.server_url, client.config.user_name, client.config.access_token) == (
            FILE_URL,
            "env-user",
            "file-token",
        )
        assert client.base_url == FILE_URL


def test_client_config_path(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "cfg", {"server_url": FILE_URL})
    with Client(config_path=path, user_name="arg-user") as client:
        assert client.config.server_url == FILE_URL
        assert client.config.user_name == "arg-user"


def test_client_defaults() -> None:
    with Client() as client:
        assert client.config.server_url == DEFAULT_SERVER_URL
        assert client.base_url == DEFAULT_SERVER_URL


@pytest.mark.asyncio
async def test_async_client_config_reflects_the_same_precedence(
    home_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cuiman import AsyncClient

    monkeypatch.setenv("EOZILLA_USER_NAME", "env-user")
    async with AsyncClient(access_token="arg-token") as client:
        assert (client.config.server_url, client.config.user_name, client.config.access_token) == (
            FILE_URL,
            "env-user",
            "arg-token",
        )
    given = ClientConfig(server_url=ARG_URL)
    async with AsyncClient(config=given, server_url=ENV_URL) as client:
        assert client.config is given
        assert client.base_url == ARG_URL


@pytest.mark.parametrize("url", ["http://alice:pw-9@ogc.test/api", "https://alice@ogc.test"])
def test_credentials_in_server_url_are_refused_without_echo(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        ClientConfig(server_url=url)
    assert "must not contain credentials" in str(caught.value)
    assert "pw-9" not in str(caught.value) and "alice" not in str(caught.value)


def test_yaml_error_names_the_place_not_the_text(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text('server_url: http://h\naccess_token: "tok-unclosed\n', encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        ClientConfig.from_file(path)
    assert str(path) in str(caught.value) and "line " in str(caught.value)
    assert "tok-unclosed" not in str(caught.value)


def test_from_env_is_none_without_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ClientConfig.from_env() is None
    monkeypatch.setenv("EOZILLA_USER_NAME", "bibi")
    env = ClientConfig.from_env()
    assert env is not None and env.user_name == "bibi" and env.server_url is None


def test_normalize_config_path_and_to_dict(clean_home: Path) -> None:
    assert ClientConfig.normalize_config_path(None) == clean_home / ".eozilla" / "config"
    assert ClientConfig.normalize_config_path("~/x.yaml") == clean_home / "x.yaml"
    config = ClientConfig(server_url="http://h/api", access_token="t")
    assert config.to_dict() == {"server_url": "http://h/api", "access_token": "t"}
