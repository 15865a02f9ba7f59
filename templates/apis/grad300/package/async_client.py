"""The asynchronous GRAD300 client: scan queries as astropy tables, FITS downloads.

The sync ``client.py`` is derived from ``async_client.py`` at generation time (generator/unasync.py).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
from specwright_runtime import apages_of, gc_paused, redact_url

from grad300_client.async_api import AsyncGrad300Api
from grad300_client.exceptions import Grad300ResponseError
from grad300_client.models import ScanRecord, ScanType, normalize_scan_type
from grad300_client.scans import (
    DownloadResult,
    check_positive,
    check_query,
    download_fields,
    matches,
    parse_download_content,
    records_to_table,
)
from grad300_client.settings import build_api_base_url, current_settings

if TYPE_CHECKING:
    from astropy.table import Row, Table

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["AsyncGrad300", "AsyncGrad300Client"]

_list = builtins.list  # the class defines a method named ``list``


class AsyncGrad300Client:
    """Asynchronous Python client for the GRAD300 backend API.

    Supply either ``token`` or both ``user`` and ``password`` (the sync client logs in at
    once, the async one on the first request), or neither and call :meth:`login` later. Unset
    arguments come from ``grad300_client.conf``. ``api`` gives typed access to every operation.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_prefix: str | None = None,
        timeout: float | None = None,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if token and (user is not None or password is not None):
            raise ValueError("Use either 'token' or both 'user'/'password', not both.")
        if (user is None) != (password is None):
            raise ValueError("Both 'user' and 'password' must be provided together.")
        settings = current_settings()
        self._base_api_url = build_api_base_url(
            base_url or settings.base_url, api_prefix or settings.api_prefix
        )
        self._default_page_size = int(settings.default_page_size)
        self.api = AsyncGrad300Api(
            self._base_api_url,
            token=token or None,
            username=user,
            password=password,
            timeout=float(timeout if timeout is not None else settings.timeout),
            headers={"Accept": "application/json"},
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_api_url={redact_url(self._base_api_url)!r})"

    @property
    def base_api_url(self) -> str:
        """The fully normalised API base URL."""
        return self._base_api_url

    def set_token(self, token: str) -> None:
        """Send ``Authorization: Bearer <token>`` from now on."""
        self.api.set_token(token)

    def clear_token(self) -> None:
        """Stop sending a token."""
        self.api.clear_token()

    async def login(self, email: str, password: str) -> str:
        """Log in at ``/login/access-token``; the token is stored and returned."""
        return await self.api.login(email, password)

    async def test_token(self) -> dict[str, Any]:
        """The JSON object ``/login/test-token`` returns for the current token."""
        user = await self.api.test_token()
        return user.model_dump(mode="json", by_alias=True, exclude_unset=True)

    async def list(
        self,
        scan_type: ScanType | str,
        *,
        offset: int = 0,
        limit: int | None = None,
        source: str | None = None,
        scan_name: str | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> Table:
        """One page of scans as a ``Table`` (no client-side filtering)."""
        records = await self.list_records(
            scan_type,
            offset=offset,
            limit=limit,
            source=source,
            scan_name=scan_name,
            date_from=date_from,
            date_to=date_to,
        )
        return records_to_table(records)

    async def list_records(
        self,
        scan_type: ScanType | str,
        *,
        offset: int = 0,
        limit: int | None = None,
        source: str | None = None,
        scan_name: str | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
    ) -> _list[ScanRecord]:
        """One page of scans as ``ScanRecord`` objects."""
        size = check_positive(self._default_page_size if limit is None else limit, "limit")
        kind = normalize_scan_type(scan_type)
        scans = await self.api.list_scans(
            kind,
            offset=offset,
            limit=size,
            source=source or None,
            scan_name=scan_name or None,
            date_from=date_from or None,
            date_to=date_to or None,
        )
        return ScanRecord._take_scans(kind, scans)

    async def query(
        self,
        *,
        scan_type: ScanType | str | None = None,
        source: str | None = None,
        scan_name: str | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        page_size: int | None = None,
        max_results: int | None = None,
    ) -> Table:
        """Every matching scan across all pages (and all types unless one is given), as a ``Table``."""
        with gc_paused():  # the records and then the table's cells: see query_records
            records = await self.query_records(
                scan_type=scan_type,
                source=source,
                scan_name=scan_name,
                date_from=date_from,
                date_to=date_to,
                page_size=page_size,
                max_results=max_results,
            )
            return records_to_table(records)

    async def query_records(
        self,
        *,
        scan_type: ScanType | str | None = None,
        source: str | None = None,
        scan_name: str | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        page_size: int | None = None,
        max_results: int | None = None,
    ) -> _list[ScanRecord]:
        """Like :meth:`query`, as ``ScanRecord`` objects.

        Pages stop on an empty, short or repeated page; filters are applied on the server
        and again here, because older backends ignore them.
        """
        size = self._default_page_size if page_size is None else page_size
        check_query(size, max_results, date_from, date_to)
        kinds = [normalize_scan_type(scan_type)] if scan_type else _list(ScanType)
        filtered = bool(source or scan_name or date_from is not None or date_to is not None)
        results: _list[ScanRecord] = []
        # thousands of records and no cycles among them: the cyclic GC would only walk them
        # again and again (refcounting still frees everything else meanwhile)
        with gc_paused():
            for kind in kinds:
                pages = self.api.iter_list_scans(
                    kind,
                    offset=0,
                    limit=size,
                    source=source or None,
                    scan_name=scan_name or None,
                    date_from=date_from or None,
                    date_to=date_to or None,
                )
                async for page in apages_of(pages):  # a page at a time: no per-item await
                    records = ScanRecord._take_scans(kind, page)
                    if filtered:
                        records = [
                            r for r in records if matches(r, source, scan_name, date_from, date_to)
                        ]
                    results += records
                    if max_results is not None and len(results) >= max_results:
                        del results[max_results:]
                        return results
        return results

    async def query_source(
        self,
        source: str,
        *,
        scan_type: ScanType | str | None = None,
        page_size: int | None = None,
        max_results: int | None = None,
    ) -> Table:
        """All scans of one source (case-insensitive substring)."""
        return await self.query(
            scan_type=scan_type, source=source, page_size=page_size, max_results=max_results
        )

    async def query_scan_name(
        self,
        scan_name: str,
        *,
        scan_type: ScanType | str | None = None,
        page_size: int | None = None,
        max_results: int | None = None,
    ) -> Table:
        """All scans whose file name contains ``scan_name``."""
        return await self.query(
            scan_type=scan_type, scan_name=scan_name, page_size=page_size, max_results=max_results
        )

    async def query_date_range(
        self,
        *,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        scan_type: ScanType | str | None = None,
        page_size: int | None = None,
        max_results: int | None = None,
    ) -> Table:
        """All scans observed between ``date_from`` and ``date_to`` (inclusive)."""
        return await self.query(
            scan_type=scan_type,
            date_from=date_from,
            date_to=date_to,
            page_size=page_size,
            max_results=max_results,
        )

    async def download(
        self,
        record: ScanRecord | Mapping[str, Any] | Row,
        *,
        destination_dir: str | Path | None = None,
        overwrite: bool = False,
    ) -> DownloadResult:
        """The FITS file of a record: a ``Table`` (TPI) or ``HDUList`` in memory, or a ``Path``."""
        kind, scan_id, file_name = download_fields(record)
        return await self.download_by_id(
            scan_type=kind,
            scan_id=scan_id,
            destination_dir=destination_dir,
            file_name=file_name,
            overwrite=overwrite,
        )

    async def download_by_id(
        self,
        *,
        scan_type: ScanType | str,
        scan_id: int,
        destination_dir: str | Path | None = None,
        file_name: str | None = None,
        overwrite: bool = False,
    ) -> DownloadResult:
        """Download one scan by database id.

        With ``destination_dir`` the file is streamed to disk under a safe base name
        (``file_name``, else the server's ``Content-Disposition``, else ``<Type>_<id>.fits``)
        and only renamed into place when complete; an existing file raises
        ``FileExistsError`` unless ``overwrite`` (before any request when the name is known).
        """
        kind = normalize_scan_type(scan_type)
        if destination_dir is None:
            content = await self.api.download_scan(kind, int(scan_id))
            return parse_download_content(kind, content)
        return await self.api.download_scan_to_file(
            kind,
            int(scan_id),
            directory=destination_dir,
            filename=file_name,
            overwrite=overwrite,
            default_filename=f"{kind.value}_{int(scan_id)}.fits",
        )

    async def download_by_scan_name(
        self,
        scan_name: str,
        *,
        scan_type: ScanType | str | None = None,
        destination_dir: str | Path | None = None,
        overwrite: bool = False,
    ) -> DownloadResult:
        """Download the one scan whose file name is exactly ``scan_name``."""
        found = await self.query_records(scan_type=scan_type, scan_name=scan_name)
        exact = [record for record in found if record.file_name == scan_name]
        if not exact:
            raise LookupError(f"No scan found with exact name '{scan_name}'")
        if len(exact) > 1:
            raise LookupError(
                f"Multiple scans found with name '{scan_name}'. Narrow down with scan_type/date filters."
            )
        return await self.download(exact[0], destination_dir=destination_dir, overwrite=overwrite)

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send any request under ``base_api_url``; error statuses raise like every method."""
        return await self.api.request(method, path, **kwargs)

    async def get_json(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and decode its JSON body."""
        response = await self.api.request("GET", path, params=params)
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise Grad300ResponseError(f"Response from GET {path} is not JSON: {exc}") from exc

    async def close(self) -> None:
        """Close the connection pool."""
        await self.api.close()

    async def __aenter__(self) -> AsyncGrad300Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncGrad300(AsyncGrad300Client):
    """Alias of :class:`AsyncGrad300Client` for a compact, astroquery-like import."""
