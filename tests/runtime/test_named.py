"""Named-resource helpers: lookups by display name, status waits with backoff and a timeout."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from specwright_runtime import (
    Backoff,
    ErrorInfo,
    FailureKind,
    SpecwrightError,
    await_status,
    children_of,
    field_of,
    find_named,
    held_value,
    name_of,
    require_named,
    wait_for_status,
)


class Thing(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str | None = None
    displayed_name: str | None = Field(None, alias="displayedName")


class Raised(SpecwrightError):
    pass


def factory(info: ErrorInfo) -> Exception:
    return Raised(info.message, info=info)


class TestLookups:
    def test_fields_are_read_by_wire_name_from_models_extras_and_mappings(self) -> None:
        thing = Thing.model_validate({"id": "1", "displayedName": "LEO", "pausedParentMissionId": "p"})
        assert field_of(thing, "displayedName") == "LEO"
        assert field_of(thing, "id") == "1"
        assert field_of(thing, "pausedParentMissionId") == "p"  # not in the schema: an extra
        assert field_of(thing, "missing") is None
        assert field_of({"displayedName": "x"}, "displayedName") == "x"

    def test_the_first_match_wins_and_none_when_absent(self) -> None:
        items = [{"id": 1, "displayedName": "a"}, {"id": 2, "displayedName": "b"}, {"id": 3, "displayedName": "b"}]
        assert find_named(items, "displayedName", "b") == {"id": 2, "displayedName": "b"}
        assert find_named(items, "displayedName", "c") is None
        assert find_named([{"id": 4}], "displayedName", "None") is None  # a missing field never matches

    def test_require_raises_the_package_error_naming_the_collection(self) -> None:
        with pytest.raises(Raised, match="no orbit with displayedName 'LEO' in /orbits") as caught:
            require_named([], "displayedName", "LEO", what="orbit", where="/orbits", error_factory=factory)
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.NOT_FOUND

    def test_name_of_takes_a_string_or_an_object(self) -> None:
        assert name_of("LEO", "name") == "LEO"
        assert name_of({"name": "LEO"}, "name") == "LEO"
        with pytest.raises(ValueError, match="'name'"):
            name_of({"displayedName": "LEO"}, "name")

    def test_children_are_the_ids_naming_the_parent(self) -> None:
        items = [
            {"id": "a", "pausedParentMissionId": "m1"},
            {"id": "b", "pausedParentMissionId": None},
            {"id": "c", "pausedParentMissionId": "m2"},
            {"id": "d"},
        ]
        assert children_of(items, "pausedParentMissionId", "m1", "id") == ["a"]
        assert children_of(items, "pausedParentMissionId", None, "id") == []

    def test_held_value(self) -> None:
        assert held_value("user_id", "u1") == "u1"
        with pytest.raises(ValueError, match="user_id is not set"):
            held_value("user_id", None)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class TestWaits:
    def test_polls_until_done_with_growing_waits(self) -> None:
        clock = Clock()
        statuses = iter([0, 0, 12, 50, 80, -1])
        seen: list[Any] = []
        status = wait_for_status(
            lambda: next(statuses), (-1,), timeout=600, backoff=Backoff(2, 2, 5), what="m", where="/s",
            error_factory=factory, on_status=seen.append, sleep=clock.sleep, clock=clock.time,
        )
        assert status == -1
        assert seen == [0, 0, 12, 50, 80, -1]
        assert clock.slept == [2, 4, 5, 5, 5]  # first wait at most a few seconds, then longer, capped

    def test_times_out_with_the_package_timeout_error(self) -> None:
        clock = Clock()
        with pytest.raises(Raised, match=r"mission 'm' did not finish within 10 s \(last status 0\)") as caught:
            wait_for_status(
                lambda: 0, (-1,), timeout=10, what="mission 'm'", where="/status/1",
                error_factory=factory, sleep=clock.sleep, clock=clock.time,
            )
        assert caught.value.info is not None and caught.value.info.kind is FailureKind.TIMEOUT
        assert sum(clock.slept) == pytest.approx(10)  # the last wait is cut to the time left

    def test_errors_of_the_poll_propagate(self) -> None:
        def poll() -> int:
            raise Raised("HTTP 500")

        with pytest.raises(Raised, match="500"):
            wait_for_status(poll, (-1,), timeout=None, what="m", where="/s", error_factory=factory, sleep=lambda s: None)

    def test_bad_settings_are_refused(self) -> None:
        with pytest.raises(ValueError):
            Backoff(first=0)
        with pytest.raises(ValueError):
            wait_for_status(lambda: -1, (-1,), timeout=-1, what="m", where="/s", error_factory=factory)

    def test_async_twin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        slept: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            slept.append(seconds)

        monkeypatch.setattr("specwright_runtime.named.asyncio.sleep", fake_sleep)
        statuses = iter([0, 3, -1.0])

        async def poll() -> float:
            return float(next(statuses))

        status = asyncio.run(
            await_status(poll, (-1,), timeout=None, backoff=Backoff(1, 3, 30), what="m", where="/s", error_factory=factory)
        )
        assert status == -1.0 and slept == [1, 3]
