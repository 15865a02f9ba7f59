"""A stand-in for the user's browser, run by :mod:`webbrowser` through ``$BROWSER``.

``BROWSER="python fake_browser.py %s"``: opens the URL it is given, logs in at an
oidc-provider-mock authorization form as ``$FAKE_BROWSER_USER`` (default ``alice``) and
follows the provider's redirect to the client's loopback server, as a person clicking
"Authorize" would. Each URL it was asked to open is appended to ``$FAKE_BROWSER_LOG``;
with ``--refuse`` that is all it does (a browser that fails to start).
"""

from __future__ import annotations

import os
import sys

import httpx


def main(url: str, refuse: bool = False) -> int:
    log = os.environ.get("FAKE_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(url + "\n")
    if refuse:  # a browser that cannot start: the URL is logged, nothing is opened
        return 1
    with httpx.Client(timeout=30) as browser:
        form = browser.get(url)
        if form.status_code != 200:
            return 1
        answer = browser.post(url, data={"sub": os.environ.get("FAKE_BROWSER_USER", "alice")})
        if answer.status_code != 302:
            return 1
        landing = browser.get(answer.headers["Location"])
        return 0 if landing.status_code == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[-1], refuse="--refuse" in sys.argv[1:-1]))
