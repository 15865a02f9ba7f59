"""``AsyncClient``: the generic client of one CloudCIX service (asynchronous).

The sync ``client.py`` (``cloudcix.client.Client``, the class of cloudcix 5.0.11) is derived
from this module at generation time (generator/unasync.py). Every method makes one request
(plus the runtime's retries of idempotent ones) and returns the ``httpx.Response`` whatever
its status, so that scripts checking ``status_code`` work as before; only ``get_all`` raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

# FULLY_DEPLOYED and parse_parameters: seed names, importable from here as in 5.0.11
from cloudcix._wire import FULLY_DEPLOYED as FULLY_DEPLOYED
from cloudcix._wire import PAGE_SIZE, ClientBase, Records, page_signature, read_page
from cloudcix._wire import parse_parameters as parse_parameters
from cloudcix.transport import AsyncHttpPool

__all__ = ["AsyncClient"]


class AsyncClient(ClientBase):
    """The generic client of one service: ``AsyncClient('membership', 'address/{address_id}/link')``.

    ``application`` picks the host or path (see ``base_url``), ``service_uri`` is the path
    under it; ``version`` is ignored. Every method takes ``token=`` (sent as ``X-Auth-Token``),
    path placeholders as keywords (``address_id=7``), ``headers=``, ``timeout=`` and ``span=``.
    """

    async def request(
        self,
        method: str,
        token: str | None = None,
        pk: Any = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        files: Any = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request (``method``: get, head, post, put, patch or delete) and return the answer.

        Only POST, PUT and PATCH send a body (``data`` as JSON). Error statuses are returned;
        a failed connection or a timeout raises ``CloudCIXConnectionError``/``CloudCIXTimeoutError``.
        """
        call = self._call(method, token, pk, data, params, files, kwargs)
        return await AsyncHttpPool.core(call.path).send(call, raise_for_status=False)

    async def head(
        self,
        token: str | None = None,
        pk: Any = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """HEAD the collection, or item ``pk``."""
        return await self.request("head", token=token, pk=pk, params=params, **kwargs)

    async def list(
        self, token: str | None = None, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """GET one page of the collection (``params`` filter it, and may name ``page`` and ``limit``)."""
        return await self.request("get", token=token, params=params, **kwargs)

    async def get_all(
        self, token: str | None = None, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Records:
        """Every item of the collection: pages ``page=0, 1, ...`` of ``limit=100`` items.

        Stops on an empty or short page, a page that repeats the one before, or once the
        total the server reports (``_metadata.total_records`` or ``totalRecords``) is reached.
        ``params`` is not changed. An error status raises ``CloudCIXAPIError``.
        """
        records: Records = []
        seen: set[tuple[int, str, str]] = set()
        page = 0
        while True:
            query = {**(params or {}), "page": page, "limit": PAGE_SIZE}  # a fresh dict per page
            call = self._call("get", token, None, None, query, None, kwargs)
            core = AsyncHttpPool.core(call.path)
            items, total = read_page(core, await core.send(call))
            if not items or page_signature(items) in seen:
                return records
            seen.add(page_signature(items))
            records.extend(items)
            if len(items) < PAGE_SIZE or (total is not None and len(records) >= total):
                return records
            page += 1

    async def create(
        self,
        token: str | None = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """POST ``data`` to the collection (never retried)."""
        return await self.request("post", token=token, data=data, params=params, **kwargs)

    async def read(
        self,
        pk: Any,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """GET item ``pk``."""
        return await self.request("get", token=token, pk=pk, params=params, **kwargs)

    async def update(
        self,
        pk: Any,
        token: str | None = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """PUT ``data`` to item ``pk``."""
        return await self.request("put", token=token, pk=pk, data=data, params=params, **kwargs)

    async def partial_update(
        self,
        pk: Any,
        token: str | None = None,
        data: Any = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """PATCH item ``pk`` with ``data`` (never retried)."""
        return await self.request("patch", token=token, pk=pk, data=data, params=params, **kwargs)

    async def delete(
        self,
        pk: Any,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """DELETE item ``pk``."""
        return await self.request("delete", token=token, pk=pk, params=params, **kwargs)
