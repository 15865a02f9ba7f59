"""cloudcix against Prism serving each application's document of specs/cloudcix/, reached
the way the SDK is configured in production: CloudCIX host names, through ``HTTP_PROXY``.

A forward proxy on 127.0.0.1 routes each host (``membership.api.cloudcix.test``,
``legacyapi.api.cloudcix.test``) to the Prism mock of that application, so every request the
seed-style ``Client`` forms (subdomain and legacy URL styles, placeholders, ``pk``, paging)
must satisfy the application's contract, and every answer Prism builds from it must parse.
Each test runs the client in a fresh interpreter with the proxy and ``CLOUDCIX_*`` settings in
its environment, as a user's script would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from tests.servers.forward_proxy import ForwardProxy

from .conftest import PrismServer

V2_HOST = "api.cloudcix.test"
LEGACY_HOST = "legacyapi.api.cloudcix.test"
#: legacy applications (in the URL path) and their documents
LEGACY_DOCUMENTS = {"Asset": "asset", "SCM": "scm", "SupportFramework": "repository", "Contacts": "contacts"}


@pytest.fixture(scope="module")
def proxy(prism: Callable[[str], PrismServer]) -> Iterator[ForwardProxy]:
    """Routes ``<application>.api.cloudcix.test`` and ``legacyapi.api.cloudcix.test/<Application>/v1``
    to the Prism mock of that application's document (paths relative to its server)."""

    def route(url: str) -> str:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
        if host == LEGACY_HOST:
            application, _, rest = path.lstrip("/").partition("/v1/")
            document, path = LEGACY_DOCUMENTS[application], "/" + rest
        else:
            document = host.removesuffix("." + V2_HOST)
        return prism(f"cloudcix/{document}.yaml").url + path + (f"?{parts.query}" if parts.query else "")

    with ForwardProxy(route) as running:
        yield running


def run(code: str, proxy: ForwardProxy) -> dict[str, object]:
    env = {
        **os.environ,
        "HTTP_PROXY": proxy.url,
        "http_proxy": proxy.url,
        "NO_PROXY": "",
        "no_proxy": "",
        "CLOUDCIX_API_URL": f"http://{LEGACY_HOST}/",
        "CLOUDCIX_API_V2_URL": f"http://{V2_HOST}/",
        "CLOUDCIX_API_VERSION": "2",
    }
    env.pop("CLOUDCIX_SETTINGS_MODULE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_subdomain_services_follow_their_contracts(proxy: ForwardProxy) -> None:
    out = run(
        """
        import json
        from cloudcix.api import IAAS, Compute, Membership
        from cloudcix.auth import get_token
        token = get_token("ann@example.com", "pw", "key")
        listed = Membership.address.list(token=token, params={"page": 0, "limit": 10})
        link = Membership.address_link.read(pk=3, token=token, address_id=7)
        created = Compute.compute_instances.create(token=token, data={"name": "vm"})
        changed = IAAS.project.partial_update(pk=5, token=token, data={"name": "p"})
        gone = Membership.address.delete(pk=9, token=token)
        every = Membership.address.get_all(token=token)
        print(json.dumps({
            "token": isinstance(token, str),
            "statuses": [r.status_code for r in (listed, link, created, changed, gone)],
            "listed": isinstance(listed.json()["content"], list),
            "all": isinstance(every, list),
        }))
        """,
        proxy,
    )
    assert out == {"token": True, "statuses": [200, 200, 201, 200, 204], "listed": True, "all": True}
    urls = [url for _, url, _ in proxy.seen]
    assert "http://membership.api.cloudcix.test/address/7/link/3/" in urls
    assert any(url.startswith("http://compute.api.cloudcix.test/compute/instances/") for url in urls)
    assert all(headers.get("X-Auth-Token") or headers.get("x-auth-token") for _, url, headers in proxy.seen if "auth/login" not in url)


def test_legacy_services_follow_their_contracts(proxy: ForwardProxy) -> None:
    out = run(
        """
        import json
        from cloudcix.api import SCM, Asset, Repository
        responses = [
            Asset.asset.list(token="t"),
            Asset.asset_transaction.read(pk=2, token="t", asset_id=4),
            SCM.bin.list(token="t", params={"page": 1}),
            Repository.dto.list(token="t"),
        ]
        print(json.dumps({"statuses": [r.status_code for r in responses]}))
        """,
        proxy,
    )
    assert out == {"statuses": [200, 200, 200, 200]}
    urls = [url for _, url, _ in proxy.seen]
    assert "http://legacyapi.api.cloudcix.test/Asset/v1/Asset/4/Transaction/2/" in urls


def test_a_request_outside_the_contract_is_refused(proxy: ForwardProxy) -> None:
    out = run(
        """
        import json
        from cloudcix.api import Membership
        no_token = Membership.address.list()
        print(json.dumps({"status": no_token.status_code}))
        """,
        proxy,
    )
    assert out == {"status": 401}  # the contract requires X-Auth-Token
