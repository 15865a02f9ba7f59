"""``handle_client(h).add_scene_from_place``: a WWT place becomes the body of ``POST /handle/{h}/scene``."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from wwt_api_client.constellations.handles import ImageNotFoundError
from wwt_fakes import FakeConstellations, Mode, make_image_set, make_place

BACKGROUND = "https://data.test/dss/{1}/{3}/{3}_{2}.png"
MAIN = "https://data.test/westerlund2/{1}/{3}/{3}_{2}.png"
FOREGROUND = "https://data.test/labels/{1}/{3}/{3}_{2}.png"


def summary(image_id: str, url: str) -> dict[str, Any]:
    """An image summary as ``find-by-legacy-url`` answers it."""
    return {
        "_id": image_id,
        "handle_id": "65a000000000000000000001",
        "creation_date": "2024-07-10T12:00:00Z",
        "note": "",
        "storage": {"legacy_url_template": url},
    }


@pytest.fixture
def known_images(fake: FakeConstellations) -> FakeConstellations:
    """The fake knows one image per URL above (and a second, ignored hit for the main one)."""
    fake.images = {
        BACKGROUND: [summary("b" * 24, BACKGROUND)],
        MAIN: [summary("a" * 24, MAIN), summary("f" * 24, MAIN)],
        FOREGROUND: [summary("c" * 24, FOREGROUND)],
    }
    return fake


def test_the_place_mapping(mode: Mode, client: Any, known_images: FakeConstellations) -> None:
    place = make_place(
        description="A young cluster",
        background_image_set=make_image_set(url=BACKGROUND, credits_url="https://dss.test/", description="DSS"),
        image_set=make_image_set(url=MAIN, credits_url="https://hubble.test/w2", description="Westerlund 2"),
        foreground_image_set=make_image_set(url=FOREGROUND, credits_url="", description=""),
    )
    scene_id = mode.run(client.handle_client("@jwst").add_scene_from_place(place))

    lookups = [json.loads(r.content) for r in known_images.api_requests() if r.url.path == "/images/find-by-legacy-url"]
    assert lookups == [{"wwt_legacy_url": BACKGROUND}, {"wwt_legacy_url": MAIN}, {"wwt_legacy_url": FOREGROUND}]
    [(path, body)] = known_images.created
    assert path in {"/handle/%40jwst/scene", "/handle/@jwst/scene"}  # "@" may stay in a path segment
    assert scene_id == f"{1:024x}"
    assert body["place"] == pytest.approx(
        {
            "ra_rad": 10.4 * math.pi / 12,
            "dec_rad": -57.76 * math.pi / 180,
            "roll_rad": 30.0 * math.pi / 180,
            "roi_height_deg": 1.2 / 6,
            "roi_aspect_ratio": 1.0,
        }
    )
    assert body["content"] == {
        "image_layers": [
            {"image_id": "b" * 24, "opacity": 1.0},
            {"image_id": "a" * 24, "opacity": 1.0},  # the first hit
            {"image_id": "c" * 24, "opacity": 1.0},
        ]
    }
    assert body["text"] == "A young cluster"
    assert body["outgoing_url"] == "https://hubble.test/w2"  # the last image set that has one
    assert body["published"] is True
    assert "astropix" not in body


@pytest.mark.parametrize(
    ("place_description", "descriptions", "expected"),
    [
        ("", ["DSS", "Westerlund 2"], "Westerlund 2"),  # the last image set description
        ("", ["DSS", ""], "DSS"),
        ("", ["", ""], "Westerlund 2 place"),  # the place's name
    ],
)
def test_the_text_falls_back(
    mode: Mode,
    client: Any,
    known_images: FakeConstellations,
    place_description: str,
    descriptions: list[str],
    expected: str,
) -> None:
    place = make_place(
        description=place_description,
        background_image_set=make_image_set(url=BACKGROUND, description=descriptions[0]),
        image_set=make_image_set(url=MAIN, description=descriptions[1]),
    )
    mode.run(client.handle_client("h").add_scene_from_place(place))
    assert known_images.created[0][1]["text"] == expected


def test_unpublished_and_without_image_sets(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    mode.run(client.handle_client("h").add_scene_from_place(make_place(), publish=False))
    [(_, body)] = fake.created
    assert body["published"] is False
    assert body["content"] == {"image_layers": []}
    assert "outgoing_url" not in body  # None: left out
    assert [r.url.path for r in fake.api_requests()] == ["/handle/h/scene"]


def test_an_unknown_image_set_raises_before_the_scene_is_sent(
    mode: Mode, client: Any, known_images: FakeConstellations
) -> None:
    unknown = "https://data.test/unknown/{1}/{3}/{3}_{2}.png"
    place = make_place(background_image_set=make_image_set(url=BACKGROUND), image_set=make_image_set(url=unknown))
    with pytest.raises(ImageNotFoundError, match="unknown") as caught:
        mode.run(client.handle_client("h").add_scene_from_place(place))
    assert caught.value.url == unknown
    assert isinstance(caught.value, LookupError)
    assert known_images.created == []
