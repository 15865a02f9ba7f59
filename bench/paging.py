"""Paging and import speed of the generated clients, next to the clients they replace.

The workload of issue 15: page 20,000 GRAD300 scans (1,000 a page) over an
``httpx.MockTransport`` serving pre-encoded JSON pages, so only client-side work is
measured (request building, decoding, validation, paging, records and tables). Each
measurement runs in a fresh interpreter of its own; the cases take turns, round after
round, and each figure is the median over the rounds of each child's median of its repeats
(after one warm-up run, which pays for imports and caches). Paging is timed in CPU seconds of
the child (``time.process_time``): all of it is client-side work in one thread, and CPU time
is what other processes on a shared machine disturb least. Imports are timed on the wall clock.

- the floor: a hand-written loop of raw httpx plus ``json.loads`` of every page (sync and
  async), in the project's environment;
- for information, the floor's loop making ``ScanRecord`` objects by hand with the record
  contract's conversions (no validation library): what typed records cost by themselves;
- the existing clients, installed from PyPI by the bench into throwaway virtual environments
  under ``.tools/bench-clients/`` (made once, reused; a client that cannot be installed is
  reported, not measured);
- the generated ``grad300_client``: ``query_records()``, ``query()`` (astropy ``Table``), their
  async twins and the low-level pager ``iter_list_scans``; and a second package's pager
  (cuiman's ``iter_jobs``, link paging over an envelope) against its own floor.

Import time: ``import <package>`` in a fresh interpreter (CPU time), the generated package
installed like a user would, into a clean environment of its own (``.tools/bench-clients/
_generated``, not editable, bytecode compiled), against the replaced client in its own. The
generated packages export lazily, so beside each one the bench prints, for information (no
limit), ``import <package>`` plus building a client (no request): where the import cost went.

The limits of the issue are printed beside the figures, each marked PASS or FAIL; the run
exits with status 0 either way (these are measurements, not tests). Children:
``python -m bench.paging child CASE``, and a ``python -c`` snippet for imports.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import httpx

TOTAL = 20_000
PAGE = 1_000
ROUNDS = 5  # fresh interpreters per case, interleaved
REPEATS = 5  # runs inside each interpreter, after one warm-up
IMPORT_ROUNDS = 7
BASE = "http://bench.local"
_ROOT = Path(__file__).resolve().parent.parent
CLIENTS_DIR = _ROOT / ".tools" / "bench-clients"


@dataclass(frozen=True)
class Replaced:
    """A client a generated package replaces: its PyPI distribution and what to import."""

    distribution: str
    module: str  # imported to time the import (and, for grad300, to page)
    generated_module: str
    requirements: tuple[str, ...] = ()  # what pip installs, when not just the distribution
    settings: str = ""  # a settings module both packages read on import (CLOUDCIX_SETTINGS_MODULE)
    build: str = ""  # run after the import: makes a client of the generated package (no request)


REPLACED = (
    Replaced(
        "grad300-client",
        "grad300_client",
        "grad300_client",
        build="grad300_client.Grad300Client('http://bench.local', token='t')",
    ),
    # the version the seed describes, with its models package (newer gavicore lacks gavicore.ui)
    Replaced(
        "cuiman",
        "cuiman",
        "cuiman",
        ("cuiman==0.3.1", "gavicore==0.3.0"),
        build="cuiman.Client(server_url='http://bench.local')",
    ),
    Replaced(
        "wwt-api-client",
        "wwt_api_client.constellations",
        "wwt_api_client.constellations",
        build="wwt_api_client.constellations.CxClient(token='t')",
    ),
    Replaced(
        "cloudcix",
        "cloudcix.api",
        "cloudcix.api",
        settings='CLOUDCIX_API_URL = "https://legacyapi.api.cloudcix.com/"\nCLOUDCIX_API_V2_URL = "https://api.cloudcix.com/"\n',
        build="cloudcix.api.Membership.address",
    ),
    Replaced(
        "spacestudio-constellation",
        "spacestudio",
        "spacestudio",
        build="spacestudio.Client('http://bench.local', 'm@example.test', 'pw', 'cid', user_id='u')",
    ),
)
#: the import child: no bench module, so it runs in environments without httpx; argv[2], when
#: given, runs after the import (in the same timing) with the package bound to its top name
_IMPORT_CHILD = (
    "import importlib, json, sys, time; started = time.process_time(); importlib.import_module(sys.argv[1]);"
    " sys.argv[2:] and exec(sys.argv[2], {sys.argv[1].split('.')[0]: sys.modules[sys.argv[1].split('.')[0]]});"
    " print(json.dumps({'seconds': time.process_time() - started}))"
)


# -- the workloads (run in the children) ------------------------------------------------------
def _scan(i: int) -> dict[str, object]:
    return {
        "id": i,
        "file_name": f"tpi_{i:06d}.fits",
        "file_path": f"/data/tpi/tpi_{i:06d}.fits",
        "size": 2880 * 4,
        "object": "Sun" if i % 2 else "Moon",
        "ra": 120.5 + i / 1000,
        "dec": -12.25,
        "date": f"2026-01-{1 + i % 28:02d}T12:00:00+00:00",
        "date_obs": None,
        "date_end": None,
        "gain": 3,
        "comment": None,
        "azimuth": 181.0,
        "elevation": 45.5,
    }


def transport() -> httpx.MockTransport:
    """GRAD300 scan listings: pages of ``PAGE`` scans by offset, ``TOTAL`` in all."""
    pages = {
        offset: json.dumps([_scan(i) for i in range(offset, min(offset + PAGE, TOTAL))]).encode()
        for offset in range(0, TOTAL + PAGE, PAGE)
    }

    def handler(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.url.query.decode())
        offset = int(query.get("offset", ["0"])[0])
        body = pages.get(offset, b"[]")
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


def _job(i: int) -> dict[str, object]:
    return {
        "jobID": f"job-{i:06d}",
        "processID": "gridding",
        "type": "process",
        "status": "successful" if i % 3 else "running",
        "created": "2026-01-02T12:00:00Z",
        "started": "2026-01-02T12:00:01Z",
        "progress": 100,
        "links": [{"href": f"{BASE}/jobs/job-{i:06d}", "rel": "self"}],
    }


def job_transport() -> httpx.MockTransport:
    """OGC API - Processes job lists: ``{"jobs": [...], "links": [rel=next]}`` pages."""
    count = TOTAL // PAGE
    pages: dict[int, bytes] = {}
    for n in range(count):
        links = [{"href": f"{BASE}/jobs?page={n + 1}", "rel": "next"}] if n + 1 < count else []
        jobs = [_job(i) for i in range(n * PAGE, (n + 1) * PAGE)]
        pages[n] = json.dumps({"jobs": jobs, "links": links}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(parse_qs(request.url.query.decode()).get("page", ["0"])[0])
        return httpx.Response(200, content=pages[number], headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


def floor(mock: httpx.MockTransport) -> int:
    """The floor: a hand-written offset loop with httpx and ``json``, keeping every item as a
    query returning them all must (a loop that dropped each page would not be the same work)."""
    items: list[object] = []
    with httpx.Client(base_url=f"{BASE}/api/v1", transport=mock) as client:
        offset = 0
        while True:
            response = client.get("/scans/TPI/", params={"offset": offset, "limit": PAGE})
            response.raise_for_status()
            batch = json.loads(response.content)
            items.extend(batch)
            if len(batch) < PAGE:
                break
            offset += len(batch)
    return len(items)


def async_floor(mock: httpx.MockTransport) -> int:
    """The async floor: the same loop with ``httpx.AsyncClient``."""

    async def run() -> int:
        items: list[object] = []
        async with httpx.AsyncClient(base_url=f"{BASE}/api/v1", transport=mock) as client:
            offset = 0
            while True:
                response = await client.get("/scans/TPI/", params={"offset": offset, "limit": PAGE})
                response.raise_for_status()
                batch = json.loads(response.content)
                items.extend(batch)
                if len(batch) < PAGE:
                    break
                offset += len(batch)
        return len(items)

    return asyncio.run(run())


def records_by_hand(mock: httpx.MockTransport) -> int:
    """What typed records cost without any library: the floor's loop making a ``ScanRecord``
    of every item with the conversions of the record contract (``int()``, ``float()``,
    ISO datetimes, ``object`` as ``source``, the other keys as ``metadata``). For information:
    the part of a typed record's cost no validation library can take away."""
    from grad300_client import ScanRecord, ScanType
    from grad300_client.models import parse_datetime

    known = {"id", "file_name", "file_path", "size", "object", "ra", "dec", "date", "date_obs", "date_end", "gain", "comment"}
    records: list[ScanRecord] = []
    with httpx.Client(base_url=f"{BASE}/api/v1", transport=mock) as client:
        offset = 0
        while True:
            response = client.get("/scans/TPI/", params={"offset": offset, "limit": PAGE})
            response.raise_for_status()
            batch = json.loads(response.content)
            for item in batch:
                records.append(
                    ScanRecord(
                        int(item["id"]),
                        ScanType.TPI,
                        str(item["file_name"]),
                        str(item["file_path"]),
                        int(item["size"]),
                        str(item["object"]),
                        float(item["ra"]),
                        float(item["dec"]),
                        parse_datetime(item["date"]),  # type: ignore[arg-type]  # present in every item
                        parse_datetime(item.get("date_obs")),
                        parse_datetime(item.get("date_end")),
                        item.get("gain"),
                        item.get("comment"),
                        {key: value for key, value in item.items() if key not in known},
                    )
                )
            if len(batch) < PAGE:
                break
            offset += len(batch)
    return len(records)


def records(mock: httpx.MockTransport) -> int:
    """``Grad300Client.query_records`` (the generated or the existing client, whichever is installed)."""
    from grad300_client import Grad300Client

    with Grad300Client(BASE, transport=mock) as client:
        return len(client.query_records(scan_type="TPI", page_size=PAGE))


def table(mock: httpx.MockTransport) -> int:
    """``Grad300Client.query``: an astropy ``Table``."""
    from grad300_client import Grad300Client

    with Grad300Client(BASE, transport=mock) as client:
        return len(client.query(scan_type="TPI", page_size=PAGE))


def async_records(mock: httpx.MockTransport) -> int:
    """The generated ``AsyncGrad300Client.query_records``."""
    from grad300_client import AsyncGrad300Client

    async def run() -> int:
        async with AsyncGrad300Client(BASE, transport=mock) as client:
            return len(await client.query_records(scan_type="TPI", page_size=PAGE))

    return asyncio.run(run())


def async_table(mock: httpx.MockTransport) -> int:
    """The generated ``AsyncGrad300Client.query``."""
    from grad300_client import AsyncGrad300Client

    async def run() -> int:
        async with AsyncGrad300Client(BASE, transport=mock) as client:
            return len(await client.query(scan_type="TPI", page_size=PAGE))

    return asyncio.run(run())


def pager(mock: httpx.MockTransport) -> int:
    """The generated low-level pager ``Grad300Api.iter_list_scans`` (pydantic models)."""
    from grad300_client import Grad300Client

    with Grad300Client(BASE, transport=mock) as client:
        return sum(1 for _ in client.api.iter_list_scans("TPI", limit=PAGE))


def job_floor(mock: httpx.MockTransport) -> int:
    """Raw httpx + ``json`` following ``rel=next`` links."""
    count = 0
    with httpx.Client(transport=mock) as client:
        url: str | None = f"{BASE}/jobs"
        while url:
            response = client.get(url)
            response.raise_for_status()
            page = json.loads(response.content)
            count += len(page["jobs"])
            url = next((link["href"] for link in page["links"] if link.get("rel") == "next"), None)
    return count


def job_pager(mock: httpx.MockTransport) -> int:
    """The generated cuiman pager ``ProcessesApi.iter_jobs`` (``JobInfo`` models)."""
    from cuiman.api import ProcessesApi

    with ProcessesApi(BASE, transport=mock) as api:
        return sum(1 for _ in api.iter_jobs())


CASES: dict[str, tuple[Callable[[httpx.MockTransport], int], Callable[[], httpx.MockTransport]]] = {
    "floor": (floor, transport),
    "async_floor": (async_floor, transport),
    "records_by_hand": (records_by_hand, transport),
    "records": (records, transport),
    "table": (table, transport),
    "async_records": (async_records, transport),
    "async_table": (async_table, transport),
    "pager": (pager, transport),
    "job_floor": (job_floor, job_transport),
    "job_pager": (job_pager, job_transport),
}


def child(case: str) -> None:
    """Run one case: a warm-up, then ``REPEATS`` timed runs; print their median as JSON."""
    fn, make = CASES[case]
    mock = make()
    fn(mock)
    times = []
    for _ in range(REPEATS):
        started = time.process_time()
        count = fn(mock)
        times.append(time.process_time() - started)
        if count != TOTAL:
            raise AssertionError(f"{case} saw {count} items, expected {TOTAL}")
    print(json.dumps({"seconds": statistics.median(times)}), flush=True)


# -- the throwaway environments of the replaced clients -------------------------------------
def replaced_python(distribution: str, requirements: tuple[str, ...] = ()) -> tuple[Path | None, str]:
    """The interpreter of a venv holding ``distribution`` from PyPI (made on first use), or why not."""
    venv = CLIENTS_DIR / distribution
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if marker.exists():
        return python, ""
    print(f"  installing {distribution} from PyPI into {venv.relative_to(_ROOT)} ...", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *(requirements or [distribution])],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        return None, str(exc)
    if done.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        return None, (errors[-1] if errors else f"pip exited {done.returncode}")[:160]
    marker.touch()
    return python, ""


def _sources_digest(folders: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                digest.update(str(path.relative_to(_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def generated_python() -> tuple[Path | None, str]:
    """A venv holding the runtime and every generated package, installed like a user would
    (not editable, bytecode compiled by pip, none of the project's dev tools beside them);
    reinstalled when their sources change."""
    venv = CLIENTS_DIR / "_generated"
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    folders = [_ROOT / "specwright-runtime", *sorted(p.parent for p in (_ROOT / "generated").glob("*/pyproject.toml"))]
    digest = _sources_digest(folders)
    if marker.exists() and marker.read_text() == digest:
        return python, ""
    fresh = not python.exists()
    print(f"  installing the generated packages into {venv.relative_to(_ROOT)} ...", flush=True)
    try:
        if fresh:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        again = [] if fresh else ["--no-deps", "--force-reinstall"]
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *again, *map(str, folders)],
            capture_output=True,
            text=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, str(exc)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        return None, (errors[-1] if errors else f"pip exited {done.returncode}")[:160]
    marker.write_text(digest)
    return python, ""


def _run_child(python: Path | str, *args: str, env: dict[str, str] | None = None) -> float:
    """``python -m bench.paging child CASE``, or the import child for ``("import", MODULE)``."""
    command = ["-c", _IMPORT_CHILD, *args[1:]] if args[0] == "import" else ["-m", "bench.paging", *args]
    done = subprocess.run(
        [str(python), *command], cwd=_ROOT, capture_output=True, text=True, timeout=600, env=env
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(args)} failed under {python}: {tail}")
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


Job = tuple[Path | str, tuple[str, ...], dict[str, str] | None]  # interpreter, arguments, environment


def _medians(jobs: dict[str, Job], rounds: int) -> dict[str, float | str]:
    """Each job run ``rounds`` times, the jobs taking turns; the median per job (or its error)."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    failed: dict[str, str] = {}
    for _ in range(rounds):
        for name, (python, args, env) in jobs.items():
            if name in failed:
                continue
            try:
                times[name].append(_run_child(python, *args, env=env))
            except (RuntimeError, subprocess.SubprocessError, ValueError, KeyError) as exc:
                failed[name] = str(exc)
    return {name: failed.get(name) or statistics.median(times[name]) for name in jobs}


# -- the report --------------------------------------------------------------------------------
def _verdict(ratio: float, limit: float) -> str:
    return "PASS" if ratio <= limit else "FAIL"


def _ratio_line(label: str, took: float | str, base: float | str, base_label: str, limit: float | None) -> str:
    if isinstance(took, str) or isinstance(base, str):
        return f"  {label:<44} unavailable: {took if isinstance(took, str) else base}"
    ratio = took / base
    tail = f"  limit {limit:.2f}x  {_verdict(ratio, limit)}" if limit is not None else ""
    return f"  {label:<44} {took * 1000:8.1f} ms  {ratio:5.2f}x {base_label:<16}{tail}"


def run() -> None:
    here = sys.executable
    seed, why = replaced_python("grad300-client")
    jobs: dict[str, Job] = {name: (here, ("child", name), None) for name in CASES}
    if seed is not None:
        jobs["seed_records"] = (seed, ("child", "records"), None)
        jobs["seed_table"] = (seed, ("child", "table"), None)
    print(
        f"paging {TOTAL:,} scans ({PAGE:,} a page) over httpx.MockTransport: median of {ROUNDS} interleaved"
        f" rounds, each a fresh interpreter's median of {REPEATS} runs after a warm-up",
        flush=True,
    )
    got = _medians(jobs, ROUNDS)
    existing = got.get("seed_records", f"grad300-client from PyPI not installed ({why})")
    existing_table = got.get("seed_table", existing)
    print(_ratio_line("raw httpx + json (the floor)", got["floor"], got["floor"], "floor", None))
    print(_ratio_line("raw httpx.AsyncClient + json (async floor)", got["async_floor"], got["async_floor"], "async floor", None))
    print(_ratio_line("existing grad300-client query_records", existing, got["floor"], "floor", None))
    print(_ratio_line("existing grad300-client query (Table)", existing_table, got["floor"], "floor", None))
    print(_ratio_line("hand-written ScanRecords from json (no limit)", got["records_by_hand"], got["floor"], "floor", None))
    print(_ratio_line("generated Grad300Api.iter_list_scans", got["pager"], got["floor"], "floor", 1.5))
    print(_ratio_line("generated query_records", got["records"], existing, "existing", 0.8))
    print(_ratio_line("generated query_records", got["records"], got["floor"], "floor", 1.5))
    print(_ratio_line("generated query (Table)", got["table"], existing_table, "existing", 0.8))
    print(_ratio_line("generated async query_records", got["async_records"], existing, "existing", 0.8))
    print(_ratio_line("generated async query_records", got["async_records"], got["async_floor"], "async floor", 1.5))
    print(_ratio_line("generated async query (Table)", got["async_table"], existing_table, "existing", 0.8))
    print(f"second package: {TOTAL:,} OGC API - Processes jobs, {PAGE:,} a page, rel=next links")
    print(_ratio_line("raw httpx + json, following links", got["job_floor"], got["job_floor"], "floor", None))
    print(_ratio_line("generated cuiman ProcessesApi.iter_jobs", got["job_pager"], got["job_floor"], "floor", 1.5))

    print(
        f"import time, fresh interpreter, CPU time, median of {IMPORT_ROUNDS} interleaved rounds: generated"
        " (its own environment) / replaced"
    )
    generated, why_not = generated_python()
    if generated is None:
        print(f"  generated packages could not be installed: {why_not}")
        return
    imports: dict[str, Job] = {}
    missing: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-settings-") as settings_dir:
        for client in REPLACED:
            python, why = replaced_python(client.distribution, client.requirements)
            if python is None:
                missing[client.distribution] = why
                continue
            env = None
            if client.settings:
                module = f"bench_{client.distribution.replace('-', '_')}_settings"
                Path(settings_dir, module + ".py").write_text(client.settings)
                env = {**os.environ, "PYTHONPATH": settings_dir, "CLOUDCIX_SETTINGS_MODULE": module}
            imports[f"replaced {client.distribution}"] = (python, ("import", client.module), env)
            imports[f"generated {client.distribution}"] = (generated, ("import", client.generated_module), env)
            if client.build:
                built = ("import", client.generated_module, client.build)
                imports[f"generated+build {client.distribution}"] = (generated, built, env)
        timed = _medians(imports, IMPORT_ROUNDS)
    for client in REPLACED:
        label = f"import {client.generated_module}"
        if client.distribution in missing:
            print(f"  {label:<44} replaced {client.distribution} unavailable: {missing[client.distribution]}")
            continue
        replaced_took = timed[f"replaced {client.distribution}"]
        print(_ratio_line(label, timed[f"generated {client.distribution}"], replaced_took, "replaced", 1.0))
        if client.build:  # where the cost moved: the first client pays for httpx, pydantic, models
            built_took = timed[f"generated+build {client.distribution}"]
            print(_ratio_line("  + build a client (no limit)", built_took, replaced_took, "replaced import", None))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paging")
    commands = parser.add_subparsers(dest="command")
    one = commands.add_parser("child", help="run one case in this interpreter; print its median as JSON")
    one.add_argument("case", choices=list(CASES))
    args = parser.parse_args(argv)
    if args.command == "child":
        child(args.case)
    else:
        run()


if __name__ == "__main__":
    main()
