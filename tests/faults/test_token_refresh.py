"""Expired tokens: grad300 renews before expiry and once on a 401; cuiman's static token fails cleanly.

grad300 (``OAuth2Auth`` with the stored login) renews a token that ``expires_in`` or the JWT
``exp`` says is (about to be) expired before sending, and once when the server answers 401;
concurrent requests share one renewal. cuiman sends a static access token: a 401 is a
``ClientAuthError`` at once, never retried.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from grad300_client import AsyncGrad300Api, AuthenticationError, Grad300Api
from servers.fault_server import Fault, FaultServer

from .conftest import TIMEOUT, TOKEN, Pkg, fast_policy, scan

TOKEN_PATH = "/api/v1/login/access-token"
LIST_PATH = "/api/v1/scans/TPI/"
USER, PASSWORD = "me@example.com", "pa55-w0rd"


@pytest.fixture
def backend(server: FaultServer) -> FaultServer:
    """Scans behind a bearer token; a login endpoint for ``USER``."""
    server.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=3600)
    server.require_token("/api/v1/scans/")
    server.script(LIST_PATH, Fault.json(200, [scan(1), scan(2)]))
    return server


def trace(server: FaultServer) -> list[str]:
    """``POST token`` / ``GET list`` in arrival order."""
    names = {TOKEN_PATH: "token", LIST_PATH: "list"}
    return [f"{r.method} {names.get(r.path, r.path)}" for r in server.requests]


def login(g: Pkg) -> str:
    g.connect(token=None)
    return g.run(lambda c: c.login(USER, PASSWORD))


@pytest.mark.parametrize("expires_in", [0, 10])
def test_token_expiring_by_expires_in_is_renewed_before_the_request(
    grad300: Pkg, backend: FaultServer, expires_in: int
) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=expires_in)
    first = login(grad300)

    grad300.call_list()

    assert trace(backend) == ["POST token", "POST token", "GET list"]  # renewed first: no 401 round trip
    renewal = backend.requests[1]
    assert renewal.form == {"grant_type": "password", "username": USER, "password": PASSWORD}
    second = backend.issued_tokens[1]
    assert second != first
    assert backend.requests_to(LIST_PATH)[0].authorization == f"Bearer {second}"


def test_jwt_expiring_by_exp_is_renewed_before_the_request(grad300: Pkg, backend: FaultServer) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=None, jwt_lifetime=5)
    first = login(grad300)
    assert first.count(".") == 2

    grad300.call_list()

    assert trace(backend) == ["POST token", "POST token", "GET list"]
    assert backend.requests_to(LIST_PATH)[0].authorization == f"Bearer {backend.issued_tokens[1]}"


@pytest.mark.parametrize("kind", ["expires_in", "jwt"])
def test_long_lived_token_is_not_renewed(grad300: Pkg, backend: FaultServer, kind: str) -> None:
    if kind == "jwt":
        backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=None, jwt_lifetime=3600)
    token = login(grad300)

    grad300.call_list()
    grad300.call_list()

    assert trace(backend) == ["POST token", "GET list", "GET list"]
    assert {r.authorization for r in backend.requests_to(LIST_PATH)} == {f"Bearer {token}"}


def test_stored_credentials_log_in_on_the_first_request(grad300: Pkg, backend: FaultServer) -> None:
    grad300.connect(token=None)
    grad300.client.set_credentials(USER, PASSWORD)
    assert backend.requests == []

    grad300.call_list()

    assert trace(backend) == ["POST token", "GET list"]


def test_401_is_fixed_by_one_refresh(grad300: Pkg, backend: FaultServer) -> None:
    first = login(grad300)
    backend.expire_tokens()  # the server forgets it before the client thinks it expires

    result = grad300.call_list()

    assert [s.id for s in result] == [1, 2]
    assert trace(backend) == ["POST token", "GET list", "POST token", "GET list"]
    refused, accepted = backend.requests_to(LIST_PATH)
    assert refused.authorization == f"Bearer {first}"
    assert accepted.authorization == f"Bearer {backend.issued_tokens[1]}"
    assert accepted.query == refused.query


def test_401_that_a_refresh_does_not_fix_raises_after_one_refresh(grad300: Pkg, backend: FaultServer) -> None:
    backend.script(LIST_PATH, Fault.json(401, {"detail": "Not authenticated"}))
    login(grad300)

    with pytest.raises(AuthenticationError) as caught:
        grad300.call_list()

    assert caught.value.status_code == 401
    assert caught.value.response_body == {"detail": "Not authenticated"}
    assert trace(backend) == ["POST token", "GET list", "POST token", "GET list"]  # no loop, no retries
    assert PASSWORD not in str(caught.value)
    assert all(token not in str(caught.value) for token in backend.issued_tokens)


def test_renewal_refused_by_the_token_endpoint(grad300: Pkg, backend: FaultServer) -> None:
    grad300.connect(token=None)
    grad300.client.set_credentials(USER, "wrong")

    with pytest.raises(AuthenticationError) as caught:
        grad300.call_list()

    assert caught.value.status_code == 400
    assert caught.value.response_body == {"detail": "Incorrect email or password"}
    assert "wrong" not in str(caught.value)
    assert trace(backend) == ["POST token"]


def test_static_expired_token_is_an_auth_error_without_retry(pkg: Pkg) -> None:
    """Both packages, no stored login: the server's 401 surfaces at once."""
    server = pkg.server
    server.require_token(pkg.prefix + "/")
    server.script(pkg.list_path, Fault.json(200, pkg.ok_list))

    with pytest.raises(pkg.errors.auth) as caught:
        pkg.call_list()

    error = caught.value
    assert error.status_code == 401
    assert error.response_body == {"detail": "Could not validate credentials"}
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert TOKEN not in repr(error.info)
    (sent,) = server.requests
    assert sent.authorization == f"Bearer {TOKEN}"

    server.accept_token(TOKEN)  # the same token, valid again: the same call works
    assert len(pkg.list_ids(pkg.call_list())) == 2


# -- concurrency -------------------------------------------------------------------------------
BURST = 12


@pytest.mark.asyncio
async def test_async_burst_shares_one_login(backend: FaultServer) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, delay=0.1)
    async with AsyncGrad300Api(backend.url + "/api/v1", timeout=1.0, retry=fast_policy()) as api:
        api.set_credentials(USER, PASSWORD)

        pages = await asyncio.gather(*(api.list_scans("TPI") for _ in range(BURST)))

    assert all(len(page) == 2 for page in pages)
    assert len(backend.requests_to(TOKEN_PATH)) == 1
    assert {r.authorization for r in backend.requests_to(LIST_PATH)} == {f"Bearer {backend.issued_tokens[0]}"}
    assert len(backend.requests_to(LIST_PATH)) == BURST


@pytest.mark.asyncio
async def test_async_burst_of_401s_shares_one_refresh(backend: FaultServer) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, delay=0.1)
    async with AsyncGrad300Api(backend.url + "/api/v1", timeout=1.0, retry=fast_policy()) as api:
        await api.login(USER, PASSWORD)
        backend.expire_tokens()

        pages = await asyncio.gather(*(api.list_scans("TPI") for _ in range(BURST)))

    assert all(len(page) == 2 for page in pages)
    assert len(backend.requests_to(TOKEN_PATH)) == 2  # the login and ONE refresh
    fresh = f"Bearer {backend.issued_tokens[1]}"
    assert sum(r.authorization == fresh for r in backend.requests_to(LIST_PATH)) == BURST


@pytest.mark.asyncio
async def test_async_burst_with_an_expiring_token_shares_one_renewal(backend: FaultServer) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=5, delay=0.1)
    async with AsyncGrad300Api(backend.url + "/api/v1", timeout=1.0, retry=fast_policy()) as api:
        await api.login(USER, PASSWORD)
        backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, expires_in=3600, delay=0.1)

        await asyncio.gather(*(api.list_scans("TPI") for _ in range(BURST)))

    assert len(backend.requests_to(TOKEN_PATH)) == 2
    assert {r.authorization for r in backend.requests_to(LIST_PATH)} == {f"Bearer {backend.issued_tokens[1]}"}


def test_threaded_burst_of_401s_shares_one_refresh(backend: FaultServer) -> None:
    backend.token_endpoint(TOKEN_PATH, users={USER: PASSWORD}, delay=0.1)
    with Grad300Api(backend.url + "/api/v1", timeout=TIMEOUT * 3, retry=fast_policy()) as api:
        api.login(USER, PASSWORD)
        backend.expire_tokens()

        with ThreadPoolExecutor(max_workers=8) as pool:
            pages = list(pool.map(lambda _: api.list_scans("TPI"), range(BURST)))

    assert all(len(page) == 2 for page in pages)
    assert len(backend.requests_to(TOKEN_PATH)) == 2
