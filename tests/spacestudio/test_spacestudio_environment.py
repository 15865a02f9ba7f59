"""The seed's ``.env`` recipe, in fresh processes: python-dotenv before or after ``import spacestudio``.

Each script runs in its own interpreter (module state and the environment start clean), loads
a ``.env`` naming the local stand-in (``LOG_BASE_URL``, ``LOG_MAIL``, ``LOG_PASSWORD``,
``CLIENT_ID``, and ``LOG_AUTH_URL`` for its token endpoint) and connects the way the seed's
README says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.spacestudio_server import CLIENT_ID, USER_ID, SpacestudioServer

SEED_SNIPPET = """
base_url = spacestudio.log_base_url
mail = spacestudio.log_mail
password = spacestudio.log_password
client_id = spacestudio.log_client_id
spacestudio.connect(base_url, mail, password, client_id)
print("user", spacestudio.get_user_id())
print("orbits", spacestudio.simulation.get_all_orbits())
"""


@pytest.fixture(scope="module")
def server() -> Iterator[SpacestudioServer]:
    with SpacestudioServer() as running:
        yield running


def run(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "LOG_AUTH_URL")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False,
    )


def write_env(folder: Path, server: SpacestudioServer, **extra: str) -> None:
    values = {
        "LOG_BASE_URL": server.base_url,
        "LOG_MAIL": server.service.mail,
        "LOG_PASSWORD": server.service.password,
        "CLIENT_ID": CLIENT_ID,
        "LOG_AUTH_URL": server.auth_url,
        **extra,
    }
    (folder / ".env").write_text("".join(f"{k}='{v}'\n" for k, v in values.items()), encoding="utf-8")


def test_dotenv_loaded_before_import(server: SpacestudioServer, tmp_path: Path) -> None:
    write_env(tmp_path, server)
    done = run("from dotenv import load_dotenv\nload_dotenv()\nimport spacestudio\n" + SEED_SNIPPET, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"user {USER_ID}" in done.stdout and "orbits []" in done.stdout


def test_dotenv_loaded_after_import(server: SpacestudioServer, tmp_path: Path) -> None:
    write_env(tmp_path, server)
    script = "import spacestudio\nassert spacestudio.log_mail is None\nfrom dotenv import load_dotenv\nload_dotenv()\n"
    done = run(script + SEED_SNIPPET, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"user {USER_ID}" in done.stdout


def test_client_id_defaults_to_the_environment(server: SpacestudioServer, tmp_path: Path) -> None:
    script = """
    import os, spacestudio
    spacestudio.connect(os.environ["LOG_BASE_URL"], os.environ["LOG_MAIL"], os.environ["LOG_PASSWORD"])
    print("user", spacestudio.get_user_id())
    """
    done = run(
        script, tmp_path, LOG_BASE_URL=server.base_url, LOG_MAIL=server.service.mail,
        LOG_PASSWORD=server.service.password, CLIENT_ID=CLIENT_ID, LOG_AUTH_URL=server.auth_url,
    )
    assert done.returncode == 0, done.stderr
    assert f"user {USER_ID}" in done.stdout
    missing = run(script, tmp_path, LOG_BASE_URL=server.base_url, LOG_MAIL="m", LOG_PASSWORD="p")
    assert missing.returncode == 1 and "CLIENT_ID" in missing.stderr


def test_the_production_keycloak_is_the_default_and_tls_is_always_verified(tmp_path: Path) -> None:
    script = """
    import ssl, spacestudio
    client = spacestudio.Client("https://api.example.test", "m", "p", "cli")
    print("auth", client.auth_url)
    pool = client._http._transport._pool
    print("verify", pool._ssl_context.verify_mode == ssl.CERT_REQUIRED)
    print("attribute", hasattr(spacestudio, "log_verify_ssl_certificate"))
    """
    done = run(script, tmp_path, VERIFY_SSL_CERTIFICATE="FALSE")
    assert done.returncode == 0, done.stderr
    assert "auth https://auth.exotrail.space/realms/spacestudio-users/protocol/openid-connect/token" in done.stdout
    assert "verify True" in done.stdout and "attribute False" in done.stdout


def test_submodules_import_before_connecting(tmp_path: Path) -> None:
    script = """
    from spacestudio import constellation, simulation, deployment, parametric_study, formation_flying, inspection, gridfs
    import spacestudio
    try:
        simulation.get_all_orbits()
    except spacestudio.NotConnectedError as error:
        print("error", error)
    """
    done = run(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "error no default client: call connect() first" in done.stdout
