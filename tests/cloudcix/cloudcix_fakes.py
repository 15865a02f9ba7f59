"""Test helpers for the cloudcix tests: a scripted mock-transport handler and list envelopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Answer = int | dict[str, Any] | Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Records every request and plays scripted answers (the last one repeats).

    An answer is a status (empty body), a dict (200 with that JSON) or a function of the request.
    """

    def __init__(self, *answers: Answer) -> None:
        self.answers: list[Answer] = list(answers) or [200]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, int):
            return httpx.Response(answer)
        if isinstance(answer, dict):
            return httpx.Response(200, json=answer)
        return answer(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self(request)

    def play(self, *answers: Answer) -> Recorder:
        self.answers = list(answers)
        return self

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]


def page(items: list[Any], total: int | None = None, key: str = "total_records") -> dict[str, Any]:
    """A CloudCIX list envelope."""
    metadata: dict[str, Any] = {} if total is None else {key: total}
    return {"_metadata": metadata, "content": items}
