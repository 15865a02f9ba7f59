"""Stream a 512 MiB GRAD300 scan to disk and prove the client's peak memory stays flat.

A stdlib HTTP server in its own process (its memory does not count) serves the body at the
grad300 download path, generated from a small repeated buffer. Each download runs in a fresh
child process that reads ``VmRSS`` from ``/proc/self/status`` just before the download (after
imports and client construction) and ``VmHWM`` (the peak, which cannot be reset) just after:
growth = ``VmHWM`` after - ``VmRSS`` before. The baseline is raw httpx ``stream`` +
``iter_bytes`` into a file (flushed and fsynced like the client's temp file), so the time
ratio compares equal disk work.

Besides ``python -m bench``, the module runs its own processes:
``python -m bench.download_memory serve`` and ``... fetch {baseline,client} BASE_URL DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal, TypedDict

MiB = 1024 * 1024
SIZE = 512 * MiB  # 536870912 bytes
LIMIT = 64 * MiB  # the client's peak growth must stay below this
ROUNDS = 3
SCAN_TYPE = "TPI"
SCAN_ID = 1
API_ROOT = "/api/v1"
DOWNLOAD_PATH = f"{API_ROOT}/scans/{SCAN_TYPE}/{SCAN_ID}/download"
FILENAME = "tpi_000001.fits"
_PATTERN = bytes(range(256)) * 1024  # 256 KiB, written over and over
_ROOT = Path(__file__).resolve().parent.parent  # so ``-m bench.download_memory`` imports in children

Mode = Literal["baseline", "client"]


class Measurement(TypedDict):
    rss_before: int  # bytes, VmRSS just before the download
    hwm_before: int  # bytes, VmHWM just before (the import/setup peak, for context)
    hwm_after: int  # bytes, VmHWM just after
    seconds: float
    path: str


# -- the server (its own process) -------------------------------------------------------------
class _ScanHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != DOWNLOAD_PATH:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/fits")
        self.send_header("Content-Length", str(SIZE))
        self.send_header("Content-Disposition", f'attachment; filename="{FILENAME}"')
        self.end_headers()
        chunk = memoryview(_PATTERN)
        remaining = SIZE
        try:
            while remaining:
                n = min(remaining, len(chunk))
                self.wfile.write(chunk[:n])
                remaining -= n
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve() -> None:
    """Bind an ephemeral port on 127.0.0.1, print it, serve until terminated."""
    with ThreadingHTTPServer(("127.0.0.1", 0), _ScanHandler) as server:
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        server.serve_forever()


class _Server:
    """The server process, started and stopped by the bench."""

    def __enter__(self) -> str:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.download_memory", "serve"],
            cwd=_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.isdigit():
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"download server did not start (said {line!r})")
        return f"http://127.0.0.1:{line}{API_ROOT}"

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# -- the measured download (a fresh child process per run) ------------------------------------
def _status(field: str) -> int:
    """A ``kB`` field of ``/proc/self/status``, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status (Linux only)")


def _fetch_baseline(base_url: str, directory: Path) -> Measurement:
    import httpx

    target = directory / FILENAME
    with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer bench"}) as client:
        rss_before, hwm_before = _status("VmRSS"), _status("VmHWM")
        started = time.perf_counter()
        with client.stream("GET", f"/scans/{SCAN_TYPE}/{SCAN_ID}/download") as response:
            response.raise_for_status()
            with open(target, "wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        seconds = time.perf_counter() - started
        hwm_after = _status("VmHWM")
    return Measurement(
        rss_before=rss_before, hwm_before=hwm_before, hwm_after=hwm_after, seconds=seconds, path=str(target)
    )


def _fetch_client(base_url: str, directory: Path) -> Measurement:
    from grad300_client.api import Grad300Api

    with Grad300Api(base_url, token="bench") as api:
        rss_before, hwm_before = _status("VmRSS"), _status("VmHWM")
        started = time.perf_counter()
        path = api.download_scan_to_file(SCAN_TYPE, SCAN_ID, directory=directory)
        seconds = time.perf_counter() - started
        hwm_after = _status("VmHWM")
    return Measurement(
        rss_before=rss_before, hwm_before=hwm_before, hwm_after=hwm_after, seconds=seconds, path=str(path)
    )


def fetch(mode: Mode, base_url: str, directory: Path) -> None:
    """Child side: download once, print the measurement as one JSON line."""
    result = _fetch_baseline(base_url, directory) if mode == "baseline" else _fetch_client(base_url, directory)
    print(json.dumps(result), flush=True)


def _measure(mode: Mode, base_url: str, scratch: Path) -> Measurement:
    """Parent side: run one download in a fresh process, check the file, delete it."""
    directory = scratch / mode  # the file goes before the next run: one 512 MiB file on disk at a time
    directory.mkdir()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.download_memory", "fetch", mode, base_url, str(directory)],
            cwd=_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{mode} download failed (exit {done.returncode}):\n{done.stderr}")
        result: Measurement = json.loads(done.stdout.strip().splitlines()[-1])
        written = Path(result["path"])
        if written.name != FILENAME or written.parent != directory:
            raise AssertionError(f"{mode} wrote {written}, expected {directory / FILENAME}")
        if (size := written.stat().st_size) != SIZE:
            raise AssertionError(f"{mode} wrote {size:,} bytes, expected {SIZE:,}")
        leftovers = sorted(p.name for p in directory.iterdir() if p != written)
        if leftovers:
            raise AssertionError(f"{mode} left files behind: {leftovers}")
        return result
    finally:
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


class Summary(TypedDict):
    seconds: float  # median over the rounds
    growth: int  # bytes, the largest VmHWM-after minus VmRSS-before over the rounds
    rss_before: int  # bytes, of the round with that largest growth
    hwm_after: int


def _summary(runs: list[Measurement]) -> Summary:
    worst = max(runs, key=lambda m: m["hwm_after"] - m["rss_before"])
    return Summary(
        seconds=statistics.median(m["seconds"] for m in runs),
        growth=worst["hwm_after"] - worst["rss_before"],
        rss_before=worst["rss_before"],
        hwm_after=worst["hwm_after"],
    )


def _line(label: str, s: Summary, base: Summary) -> str:
    memory_ratio = f"{s['growth'] / base['growth']:.2f}x" if base["growth"] > 0 else "-"
    return (
        f"  {label:<44} {s['seconds'] * 1000:8.1f} ms  {SIZE / MiB / s['seconds']:6.1f} MiB/s"
        f"  {s['seconds'] / base['seconds']:5.2f}x"
        f"   peak +{s['growth'] / MiB:5.1f} MiB  {memory_ratio:>6}"
        f"   (RSS {s['rss_before'] / MiB:.1f} -> peak {s['hwm_after'] / MiB:.1f} MiB)"
    )


def run() -> None:
    runs: dict[Mode, list[Measurement]] = {"baseline": [], "client": []}
    with tempfile.TemporaryDirectory(prefix="bench-download-") as tmp, _Server() as base_url:
        for _ in range(ROUNDS):  # interleaved, so disk and page-cache drift hits both sides
            for mode in ("baseline", "client"):
                runs[mode].append(_measure(mode, base_url, Path(tmp)))
    base, client = _summary(runs["baseline"]), _summary(runs["client"])
    print(
        f"download {SIZE // MiB} MiB ({SIZE:,} bytes) to disk from a loopback server, fresh process per run,"
        f" median time / worst peak growth of {ROUNDS} rounds"
    )
    print(_line("raw httpx stream + iter_bytes (baseline)", base, base))
    print(_line("generated Grad300Api.download_scan_to_file", client, base))
    if client["growth"] >= LIMIT:
        print(
            f"FAIL: download_scan_to_file grew peak memory by {client['growth'] / MiB:.1f} MiB streaming "
            f"{SIZE // MiB} MiB; the limit is {LIMIT / MiB:g} MiB (the body is being buffered)",
            file=sys.stderr,
        )
        raise SystemExit(1)
    print(f"  ok: client peak growth {client['growth'] / MiB:.1f} MiB < {LIMIT / MiB:g} MiB limit")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.download_memory")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the download server (prints its port)")
    child = commands.add_parser("fetch", help="download once and print the measurement as JSON")
    child.add_argument("mode", choices=["baseline", "client"])
    child.add_argument("base_url")
    child.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
    elif args.command == "fetch":
        fetch(args.mode, args.base_url, args.directory)
    else:
        run()


if __name__ == "__main__":
    main()
