"""Open enums: unknown values become pseudo-members that keep the value; known ones are members."""

from __future__ import annotations

import pickle

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError
from specwright_runtime import OpenIntEnum, OpenStrEnum, is_known


class Status(OpenStrEnum):
    running = "running"
    done = "done"


class Level(OpenIntEnum):
    low = 1
    high = 2


class Job(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: Status
    levels: list[Level] = []


def test_known_values_are_the_members() -> None:
    assert Status("running") is Status.running
    assert is_known(Status.running)
    assert Level(2) is Level.high


def test_an_unknown_string_is_a_pseudo_member_with_its_value() -> None:
    paused = Status("paused")
    assert isinstance(paused, Status)
    assert paused.value == "paused"
    assert paused == "paused"
    assert str(paused) == "paused"
    assert not is_known(paused)
    assert "UNKNOWN" in repr(paused)


def test_pseudo_members_are_not_listed_nor_kept_by_the_class() -> None:
    Status("paused")
    assert list(Status) == [Status.running, Status.done]
    assert len(Status) == 2
    assert "paused" not in Status._value2member_map_
    assert Status("paused") == Status("paused")


def test_an_unknown_integer_is_a_pseudo_member() -> None:
    assert Level(7).value == 7
    assert Level(7) == 7
    assert not is_known(Level(7))


@pytest.mark.parametrize(("cls", "value"), [(Status, 3), (Level, "2"), (Level, False), (Level, 2.5)])
def test_a_value_of_the_wrong_type_is_still_refused(cls: type, value: object) -> None:
    with pytest.raises(ValueError):
        cls(value)


def test_pydantic_keeps_unknown_values_and_fields_and_sends_them_back() -> None:
    wire = '{"status":"paused","levels":[1,9],"progress":0.5}'
    job = Job.model_validate_json(wire)
    assert job.status == "paused" and not is_known(job.status)
    assert job.levels == [Level.low, 9]
    assert job.model_extra == {"progress": 0.5}
    assert job.model_dump_json() == wire
    assert Job.model_validate(job.model_dump()).model_dump(mode="json") == {"status": "paused", "levels": [1, 9], "progress": 0.5}


def test_pydantic_still_refuses_a_wrong_type() -> None:
    with pytest.raises(ValidationError):
        Job.model_validate({"status": 5})


def test_a_pseudo_member_pickles_back() -> None:
    assert pickle.loads(pickle.dumps(Status("paused"))) == "paused"
