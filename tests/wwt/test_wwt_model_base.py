"""``DataModel``: construction like the 0.7 data classes, the user-only hook, dataclass_json methods, request bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

import pydantic
import pytest
from pydantic import ConfigDict, Field
from wwt_api_client.constellations._model_base import DataModel
from wwt_api_client.constellations.data import ImageSummary, ScenePlace

# models like the generated ones (datamodel-code-generator: populate_by_name, extra allowed)
_CONFIG = ConfigDict(populate_by_name=True, extra="allow")


class Layer(DataModel):
    model_config = _CONFIG
    image_id: str
    opacity: float
    caption: str | None = None


class Item(DataModel):
    model_config = _CONFIG
    id: str = Field(alias="_id")
    note: str | None = None
    layers: list[Layer] | None = None
    when: datetime | None = None


class Checked(DataModel):
    """Records every instance its hook ran for."""

    model_config = _CONFIG
    hooked: ClassVar[list[Checked]] = []
    name: str
    child: Checked | None = None

    def _built_by_user(self) -> None:
        Checked.hooked.append(self)


@pytest.fixture(autouse=True)
def no_hooks_yet() -> None:
    Checked.hooked.clear()


# -- construction -------------------------------------------------------------------------
def test_positional_in_field_order() -> None:
    assert Layer("abc", 0.5) == Layer(image_id="abc", opacity=0.5)
    assert ScenePlace(1.0, 2.0, 0.0, 3.0, 1.0) == ScenePlace(
        ra_rad=1.0, dec_rad=2.0, roll_rad=0.0, roi_height_deg=3.0, roi_aspect_ratio=1.0
    )


def test_keywords_by_field_name_or_wire_name() -> None:
    assert Item("x1").id == Item(id="x1").id == Item(_id="x1").id == "x1"
    assert Item("x1", note="n").note == "n"
    assert ImageSummary(_id="65", handle_id="h", creation_date="2024-01-01T00:00:00Z", note="", storage={}).id == "65"


def test_too_many_positionals() -> None:
    with pytest.raises(TypeError, match=r"Layer\(\) takes 3 positional arguments but 4 were given"):
        Layer("abc", 0.5, None, 1)


@pytest.mark.parametrize("keyword", ["id", "_id"])
def test_positional_and_keyword_for_one_field(keyword: str) -> None:
    with pytest.raises(TypeError, match="multiple values for argument 'id'"):
        Item("x1", **{keyword: "x2"})


def test_invalid_values_still_fail_validation() -> None:
    with pytest.raises(pydantic.ValidationError):
        Layer("abc", "not a number")


# -- the hook: only a user's own construction runs it ---------------------------------------
def test_construction_runs_the_hook_once() -> None:
    made = Checked("a")
    assert Checked.hooked == [made]


@pytest.mark.parametrize(
    "parse",
    [
        lambda data: Checked.model_validate(data),
        lambda data: Checked.model_validate_json(json.dumps(data)),
        lambda data: Checked.from_dict(data),
        lambda data: Checked.from_json(json.dumps(data)),
        lambda data: Checked.schema().load(data),
        lambda data: pydantic.TypeAdapter(list[Checked]).validate_python([data])[0],
    ],
    ids=["model_validate", "model_validate_json", "from_dict", "from_json", "schema_load", "nested_in_list"],
)
def test_validated_data_never_runs_the_hook(parse: Any) -> None:
    parsed = parse({"name": "outer", "child": {"name": "inner"}})
    assert isinstance(parsed.child, Checked) and parsed.child.name == "inner"
    assert Checked.hooked == []


def test_nested_models_built_by_the_user_run_their_own_hook() -> None:
    inner = Checked("inner")
    outer = Checked("outer", inner)
    assert Checked.hooked == [inner, outer]
    assert outer.child is inner  # not re-validated, so not rebuilt


# -- dataclass_json methods ------------------------------------------------------------------
@pytest.fixture
def item() -> Item:
    return Item("x1", layers=[Layer("abc", 0.5)], when=datetime(2024, 7, 10, 12, 0, tzinfo=UTC))


def test_to_dict_by_wire_name_with_none_values(item: Item) -> None:
    assert item.to_dict() == {
        "_id": "x1",
        "note": None,
        "layers": [{"image_id": "abc", "opacity": 0.5, "caption": None}],
        "when": datetime(2024, 7, 10, 12, 0, tzinfo=UTC),
    }
    assert item.to_dict(encode_json=True)["when"] == "2024-07-10T12:00:00Z"


def test_to_json_and_from_json_round_trip(item: Item) -> None:
    text = item.to_json(sort_keys=True)
    assert json.loads(text)["_id"] == "x1" and json.loads(text)["note"] is None
    assert Item.from_json(text) == item


def test_from_dict_by_either_name_tolerating_unknown_keys(item: Item) -> None:
    assert Item.from_dict(item.to_dict()) == item
    assert Item.from_dict({"id": "x2"}).id == "x2"
    assert Layer.from_dict({"image_id": "a", "opacity": 1, "unknown": True}).opacity == 1.0


def test_from_dict_infer_missing() -> None:
    with pytest.raises(pydantic.ValidationError):
        Item.from_dict({})
    assert Item.from_dict({"_id": "x3"}, infer_missing=True).model_fields_set == {"id", "note", "layers", "when"}
    with pytest.raises(pydantic.ValidationError):  # a field that cannot be None stays an error
        Layer.from_dict({"image_id": "a"}, infer_missing=True)


def test_schema_load_dump_and_many(item: Item) -> None:
    schema = Item.schema()
    dumped = schema.dump(item)
    assert dumped == item.to_dict(encode_json=True)
    assert schema.load(dumped) == item
    assert schema.loads(schema.dumps(item)) == item
    assert schema.dump([item, item], many=True) == [dumped, dumped]
    assert schema.load([dumped], many=True) == [item]
    assert schema.loads(schema.dumps([item], many=True), many=True) == [item]
    assert "Item" in repr(schema)


# -- request bodies: None is absent ----------------------------------------------------------
def test_request_body_drops_none_at_every_level() -> None:
    outer = Checked("outer", Checked("inner"))
    body = outer.model_dump(by_alias=True, exclude_unset=True)
    assert body == {"name": "outer", "child": {"name": "inner"}}
    explicit_none = Item("x1", note=None, layers=[Layer("a", 1.0, caption=None)])
    expected = {"_id": "x1", "layers": [{"image_id": "a", "opacity": 1.0}]}
    assert explicit_none.model_dump(by_alias=True, exclude_unset=True) == expected
    assert json.loads(explicit_none.model_dump_json(by_alias=True)) == expected


def test_a_context_of_the_caller_still_drops_none() -> None:
    assert Item("x1").model_dump(by_alias=True, context={"mine": True}) == {"_id": "x1"}


def test_to_dict_keeps_none_at_every_level() -> None:
    outer = Checked("outer", Checked("inner"))
    assert outer.to_dict() == {"name": "outer", "child": {"name": "inner", "child": None}}


def test_extra_fields_are_kept_and_none_ones_dropped_in_bodies() -> None:
    item = Item.model_validate({"_id": "x1", "future": "yes", "gone": None})
    assert item.model_dump(by_alias=True) == {"_id": "x1", "future": "yes"}
    assert item.to_dict()["gone"] is None


def test_json_schemas_stay_the_models() -> None:
    for mode in ("validation", "serialization"):
        schema = Item.model_json_schema(mode=mode)
        assert set(schema["properties"]) == {"_id", "note", "layers", "when"}, mode


def test_underscore_wire_names_read_as_attributes() -> None:
    from wwt_api_client.constellations.data import SceneInfo

    info = SceneInfo.model_validate(
        {"_id": "a" * 24, "creation_date": "x", "impressions": 1, "likes": 0, "clicks": None, "shares": 3, "text": "t", "published": True}
    )
    assert info._id == info.id == "a" * 24  # 0.7's attribute name, and the typed one
    with pytest.raises(AttributeError):
        info._nothing  # noqa: B018 - the lookup is the test
