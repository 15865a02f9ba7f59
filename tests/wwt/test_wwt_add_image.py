"""``handle_client(h).add_image_from_set``: a WWT image set becomes the body of ``POST /handle/{h}/image``."""

from __future__ import annotations

from typing import Any

import pytest
from license_expression import ExpressionError
from wwt_data_formats.enums import DataSetType
from wwt_fakes import TOKEN, FakeConstellations, Mode, make_image_set


def test_the_image_set_mapping(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    image_id = mode.run(
        client.handle_client("my handle").add_image_from_set(make_image_set(), "Public domain", "CC-PDDC")
    )

    [(path, body)] = fake.created
    assert image_id == f"{1:024x}"
    assert path == "/handle/my%20handle/image"
    assert body == {
        "wwt": {
            "base_degrees_per_tile": 0.25,
            "bottoms_up": False,
            "center_x": 155.99,
            "center_y": -57.76,
            "file_type": ".png",
            "offset_x": 1024.5,
            "offset_y": 768.25,
            "projection": "Tan",
            "quad_tree_map": "0123",
            "rotation": 12.5,
            "tile_levels": 5,
            "width_factor": 2,
            "thumbnail_url": "https://data.test/westerlund2/thumb.jpg",
        },
        "permissions": {
            "copyright": "Public domain",
            "license": "CC-PDDC",
            "credits": "NASA, ESA &amp; the Hubble Heritage Team &lt;STScI/AURA&gt;",  # plain text, escaped
        },
        "storage": {"legacy_url_template": "https://data.test/westerlund2/{1}/{3}/{3}_{2}.png"},
        "note": "Westerlund 2 — https://hubblesite.test/westerlund2",
        # alt_text None: left out, as all None values of a request
    }
    assert fake.api_requests()[-1].headers["Authorization"] == f"Bearer {TOKEN}"


def test_given_note_credits_and_alt_text(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    mode.run(
        client.handle_client("h").add_image_from_set(
            make_image_set(),
            "Copyright 2020 Henrietta Swan Leavitt",
            "CC-BY-4.0 OR LicenseRef-WWT",
            note="private note",
            credits='<b>Leavitt</b><script>steal()</script> <a href="https://x.test/" onclick="e()">site</a>',
            alt_text="A cluster of young stars",
        )
    )
    [(_, body)] = fake.created
    assert body["note"] == "private note"
    assert body["alt_text"] == "A cluster of young stars"
    assert body["permissions"] == {
        "copyright": "Copyright 2020 Henrietta Swan Leavitt",
        "license": "CC-BY-4.0 OR LicenseRef-WWT",
        "credits": '<strong>Leavitt</strong> <a href="https://x.test/">site</a>',
    }


def test_without_credits_url_the_note_is_the_name(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    imageset = make_image_set(credits_url="", credits="")
    mode.run(client.handle_client("h").add_image_from_set(imageset, "c", "MIT"))
    [(_, body)] = fake.created
    assert body["note"] == "Westerlund 2"
    assert body["permissions"]["credits"] == ""


def test_an_empty_quad_tree_map_is_sent_empty(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    mode.run(client.handle_client("h").add_image_from_set(make_image_set(quad_tree_map=""), "c", "MIT"))
    assert fake.created[0][1]["wwt"]["quad_tree_map"] == ""


@pytest.mark.parametrize(
    ("traits", "message"),
    [
        ({"data_set_type": DataSetType.EARTH}, "must be sky image sets"),
        ({"data_set_type": DataSetType.PANORAMA}, "must be sky image sets"),
        ({"base_tile_level": 1}, "base tile level 0"),
    ],
)
def test_unsupported_image_sets_are_refused_before_any_request(
    mode: Mode,
    client: Any,
    fake: FakeConstellations,
    traits: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        mode.run(client.handle_client("h").add_image_from_set(make_image_set(**traits), "c", "MIT"))
    assert fake.api_requests() == []


def test_an_invalid_license_is_refused_before_any_request(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    with pytest.raises(ExpressionError, match="Invalid SPDX license"):
        mode.run(client.handle_client("h").add_image_from_set(make_image_set(), "c", "LicenseRef-Mine"))
    assert fake.api_requests() == []
