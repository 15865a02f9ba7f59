"""The WTML helpers of the image and scene clients: URLs, ``Folder``s, ``ImageSet``s and ``Place``s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wwt_api_client.constellations import AsyncCxClient, ClientConfig, ConstellationsAPIError
from wwt_data_formats.folder import Folder
from wwt_data_formats.imageset import ImageSet
from wwt_data_formats.place import Place
from wwt_fakes import API_URL, ISSUER, Discovery, FakeConstellations, Mode, make_image_set, make_place, wtml_of

IMAGE_ID = "65a1b2c3d4e5f60718293a4b"


def test_document_urls_need_no_request(anonymous: Any, fake: FakeConstellations) -> None:
    assert anonymous.image_client(IMAGE_ID).imageset_wtml_url() == f"{API_URL}/image/{IMAGE_ID}/img.wtml"
    assert anonymous.scene_client(IMAGE_ID).place_wtml_url() == f"{API_URL}/scene/{IMAGE_ID}/place.wtml"
    assert fake.requests == []


def test_an_id_is_one_path_segment(anonymous: Any) -> None:
    assert anonymous.image_client("../a b/c?").imageset_wtml_url() == f"{API_URL}/image/..%2Fa%20b%2Fc%3F/img.wtml"
    assert anonymous.scene_client("x/y").place_wtml_url() == f"{API_URL}/scene/x%2Fy/place.wtml"
    assert anonymous.scene_client("..").place_wtml_url() == f"{API_URL}/scene/%2E%2E/place.wtml"


def test_documents_are_public_no_login_starts(
    mode: Mode, anonymous: Any, fake: FakeConstellations, discovery: Discovery
) -> None:
    fake.documents[f"/image/{IMAGE_ID}/img.wtml"] = wtml_of(make_image_set())
    fake.documents[f"/scene/{IMAGE_ID}/place.wtml"] = wtml_of(make_place())
    assert mode.run(anonymous.image_client(IMAGE_ID).imageset_object()).name == "Westerlund 2"
    assert mode.run(anonymous.scene_client(IMAGE_ID).place_object()).name == "Westerlund 2 place"
    assert discovery.asked == [] and not any(str(r.url).startswith(ISSUER) for r in fake.requests)
    assert all("Authorization" not in r.headers for r in fake.requests)


@pytest.mark.asyncio
async def test_async_client_in_async_with(fake: FakeConstellations) -> None:
    fake.documents[f"/image/{IMAGE_ID}/img.wtml"] = wtml_of(make_image_set())
    config = ClientConfig(ISSUER, "automation", API_URL)
    async with AsyncCxClient(config, oidcc_cache_identifier=None, transport=httpx.MockTransport(fake)) as client:
        folder = await client.image_client(IMAGE_ID).imageset_folder()
        imageset = await client.image_client(IMAGE_ID).imageset_object()
    assert isinstance(folder, Folder) and isinstance(imageset, ImageSet)


def test_the_image_set_of_an_image(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    fake.documents[f"/image/{IMAGE_ID}/img.wtml"] = wtml_of(make_image_set())
    images = client.image_client(IMAGE_ID)

    folder = mode.run(images.imageset_folder())
    imageset = mode.run(images.imageset_object())

    assert isinstance(folder, Folder) and len(folder.children) == 1
    assert isinstance(imageset, ImageSet)
    assert (imageset.name, imageset.url, imageset.center_x) == ("Westerlund 2", make_image_set().url, 155.99)
    # public documents: sent without a token, even by a signed-in client
    assert all("Authorization" not in r.headers for r in fake.api_requests())


def test_the_place_of_a_scene(mode: Mode, client: Any, fake: FakeConstellations) -> None:
    fake.documents[f"/scene/{IMAGE_ID}/place.wtml"] = wtml_of(make_place(image_set=make_image_set()))
    place = mode.run(client.scene_client(IMAGE_ID).place_object())
    assert isinstance(place, Place)
    assert (place.name, place.ra_hr) == ("Westerlund 2 place", 10.4)
    assert place.image_set is not None and place.image_set.name == "Westerlund 2"
    assert all("Authorization" not in r.headers for r in fake.api_requests())


@pytest.mark.parametrize(
    ("children", "message"),
    [((), "holds nothing, not a ImageSet"), ((make_place(),), "holds Place, not a ImageSet")],
)
def test_a_document_without_an_image_set(
    mode: Mode, anonymous: Any, fake: FakeConstellations, children: tuple[Any, ...], message: str
) -> None:
    fake.documents[f"/image/{IMAGE_ID}/img.wtml"] = wtml_of(*children)
    with pytest.raises(ValueError, match=message):
        mode.run(anonymous.image_client(IMAGE_ID).imageset_object())


def test_a_missing_document_raises_the_package_error(mode: Mode, anonymous: Any) -> None:
    with pytest.raises(ConstellationsAPIError) as caught:
        mode.run(anonymous.scene_client("no-such-scene").place_folder())
    assert caught.value.status_code == 404
