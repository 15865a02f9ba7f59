"""Contract tests: each spec served by the Prism mock server, driven by its generated client.

Prism validates every request against the spec (an invalid one gets 422) and answers with data
generated from the response schemas, so these tests prove that what a client sends and what it
parses are what the spec says. Prism is installed by ``make setup`` into ``.tools/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PRISM = Path(os.environ.get("PRISM", ROOT / ".tools" / "node_modules" / ".bin" / "prism"))


class PrismServer:
    """``prism mock`` on 127.0.0.1 for one spec, started and stopped by the tests."""

    def __init__(self, spec: Path) -> None:
        if not PRISM.exists():
            raise RuntimeError(f"Prism is not installed at {PRISM}: run `make setup` (npm install @stoplight/prism-cli)")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the server; closed in stop()
        self._process = subprocess.Popen(
            [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(self.port), str(spec)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Prism exited early:\n{self.log()}")
            try:
                httpx.get(self.url + "/", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Prism did not start within 60 s:\n{self.log()}")

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


@pytest.fixture(scope="session")
def prism() -> Iterator[Callable[[str], PrismServer]]:
    """``prism("grad300.yaml")``: a mock server for a spec of ``specs/`` (one per spec, reused)."""
    servers: dict[str, PrismServer] = {}

    def serve(name: str) -> PrismServer:
        if name not in servers:
            servers[name] = PrismServer(ROOT / "specs" / name)
        return servers[name]

    yield serve
    for server in servers.values():
        server.stop()
