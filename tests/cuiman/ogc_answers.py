"""Canned answers for the cuiman tests' mock transports (importable: this folder is not a package,
so that it can be named after the ``cuiman`` package it tests without hiding it)."""

from __future__ import annotations

import json
from typing import Any

import httpx

BASE_URL = "http://ogc.test/api"


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    """A JSON answer for a mock transport."""
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": "application/json", **headers})
