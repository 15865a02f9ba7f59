"""The usage example of the generated cuiman README runs, as written, against a local wraptile."""

from __future__ import annotations

import contextlib
import io
import re
import socket
from pathlib import Path

from servers.wraptile_server import WraptileServer

README = Path(__file__).resolve().parents[2] / "generated" / "cuiman" / "README.md"
EXAMPLE_URL = "http://127.0.0.1:8008"


def readme_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no python example"
    return str(blocks[0])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_readme_example_runs_against_wraptile() -> None:
    code = readme_example()
    assert EXAMPLE_URL in code
    # the example names wraptile's default port; use it when it is free, as a user would
    port = 8008 if port_is_free(8008) else None
    with WraptileServer(port=port) as server:
        if port is None:
            code = code.replace(EXAMPLE_URL, server.base_url)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), {"__name__": "readme_example"})
    lines = out.getvalue().splitlines()
    assert "primes_between" in lines[0] and "add" in lines[0]
    assert lines[1] == "successful [11, 13, 17, 19, 23, 29, 31, 37]"
    assert lines[2] == "404 http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process"
