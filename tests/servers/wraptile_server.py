"""Start and stop a real wraptile (OGC API - Processes) server for end-to-end tests.

The server is ``uvicorn wraptile.main:app`` in a subprocess on 127.0.0.1,
serving ``tests.servers.ogc_demo_service:service`` (wraptile's bundled demo
processes plus ``add``)::

    with WraptileServer() as server:
        httpx.get(server.base_url + "/processes")

``WraptileServer(base_path="/ogc")`` serves the same API under a path prefix
(``base_url`` then ends in ``/ogc``): uvicorn runs the factory
``tests.servers.ogc_demo_service:mounted_app``, a Starlette ``Mount`` around
``wraptile.main:app``. uvicorn's ``--root-path`` is no substitute: with it the
routes stay at ``/processes`` (``/api/processes`` gives 404) while the self
links claim ``/api/...``.

Server output goes to a temporary log file (see ``log_text()``), so a chatty
server can never block on a full pipe. Standard library and httpx only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

__all__ = [
    "DEFAULT_SERVICE",
    "REPO_ROOT",
    "WraptileServer",
    "closed_port_url",
    "free_port",
]

#: The repository root (``tests/servers/`` is two levels below it).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]

#: Service import reference served by default.
DEFAULT_SERVICE = "tests.servers.ogc_demo_service:service"

_MOUNTED_APP = "tests.servers.ogc_demo_service:mounted_app"
_BASE_PATH_ENV = "WRAPTILE_TEST_BASE_PATH"  # == ogc_demo_service.BASE_PATH_ENV

_HOST = "127.0.0.1"
_STOP_TIMEOUT = 10.0
_PORT_ATTEMPTS = 3


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def closed_port_url() -> str:
    """Return ``http://127.0.0.1:PORT`` where nothing listens (connection refused)."""
    return f"http://{_HOST}:{free_port()}"


class WraptileServer:
    """A wraptile server subprocess; use as a context manager.

    ``service`` is an ``EOZILLA_SERVICE`` value (``module:attr`` plus optional
    ``--key=value`` service options). ``port=None`` picks a free port (and
    retries with another one if it was taken in between). ``base_path`` (``""``
    or like ``/ogc``, no trailing slash) mounts the API under that prefix.
    """

    def __init__(
        self,
        service: str = DEFAULT_SERVICE,
        *,
        port: int | None = None,
        base_path: str = "",
        startup_timeout: float = 30.0,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if base_path and (not base_path.startswith("/") or base_path.endswith("/")):
            raise ValueError(f"base_path must be '' or start with '/' and not end with '/', got {base_path!r}")
        self.service = service
        self.base_path = base_path
        self.startup_timeout = startup_timeout
        self._fixed_port = port
        self._extra_env = dict(env or {})
        self._port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._log_path: Path | None = None
        self._final_log: str | None = None
        #: Seconds the last ``start()`` took until ``/conformance`` answered 200.
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------------ API

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._port is None:
            raise RuntimeError("WraptileServer is not started")
        return self._port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (no path, no trailing slash)."""
        return f"http://{_HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """API root: ``http://127.0.0.1:PORT`` plus ``base_path`` (no trailing slash)."""
        return self.origin + self.base_path

    @property
    def pid(self) -> int | None:
        """Process id of the server subprocess, if one was started."""
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        """Whether the server subprocess is alive."""
        return self._process is not None and self._process.poll() is None

    def log_text(self) -> str:
        """Everything the server wrote to stdout/stderr so far."""
        if self._log_path is None:
            return self._final_log or ""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> Self:
        """Start the server and wait until ``GET /conformance`` answers 200.

        Raises ``RuntimeError`` (with the server log) if the process exits early
        or does not answer within ``startup_timeout`` seconds.
        """
        if self._process is not None:
            raise RuntimeError("WraptileServer is already started")
        attempts = 1 if self._fixed_port is not None else _PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(self._fixed_port or free_port())
                return self
            except _PortInUseError:
                if attempt == attempts:
                    raise RuntimeError(f"no free port after {attempts} attempts:\n{self.log_text()}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 10 s) and close the log."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._close_log()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ internals

    def _command(self, port: int) -> list[str]:
        app = [_MOUNTED_APP, "--factory"] if self.base_path else ["wraptile.main:app"]
        return [
            sys.executable,
            "-m",
            "uvicorn",
            *app,
            "--host",
            _HOST,
            "--port",
            str(port),
            "--lifespan",
            "on",
            "--timeout-graceful-shutdown",
            "5",
        ]

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self._extra_env)
        env["EOZILLA_SERVICE"] = self.service
        if self.base_path:
            env[_BASE_PATH_ENV] = self.base_path
        python_path = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + python_path if python_path else "")
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _start_once(self, port: int) -> None:
        self._close_log()
        fd, log_name = tempfile.mkstemp(prefix=f"wraptile-{port}-", suffix=".log")
        self._log_path = Path(log_name)
        self._log_file = os.fdopen(fd, "wb")
        self._final_log = None
        self._port = port
        started = time.monotonic()
        self._process = subprocess.Popen(
            self._command(port),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
            env=self._environment(),
        )
        try:
            self._wait_until_ready(started + self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def _wait_until_ready(self, deadline: float) -> None:
        assert self._process is not None
        url = self.base_url + "/conformance"
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while True:
                code = self._process.poll()
                if code is not None:
                    log = self.log_text()
                    if "address already in use" in log.lower():
                        raise _PortInUseError(log)
                    raise RuntimeError(f"wraptile server exited early with code {code}; log:\n{log}")
                try:
                    if client.get(url).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"wraptile server did not answer 200 on {url} within "
                        f"{self.startup_timeout:g} s; log:\n{self.log_text()}"
                    )
                time.sleep(0.05)

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._log_path is not None:
            self._final_log = self.log_text()
            self._log_path.unlink(missing_ok=True)
            self._log_path = None


class _PortInUseError(RuntimeError):
    """The chosen port was taken before uvicorn could bind it."""
