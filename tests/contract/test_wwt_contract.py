"""wwt_api_client.constellations against Prism serving specs/wwt-constellations.yaml: every
method, its request valid for the contract, the answer the contract describes parsed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from wwt_api_client.constellations import ClientConfig, CxClient
from wwt_api_client.constellations.data import (
    AddImageRequest,
    AddSceneRequest,
    HandleUpdate,
    ImageContentPermissions,
    ImageStorage,
    ImageSummary,
    ImageUpdate,
    ImageWwt,
    SceneContent,
    SceneHydrated,
    SceneInfo,
    ScenePlace,
    SceneUpdate,
)

from .conftest import PrismServer

IMAGE = "6426ed2448ae71323babb17a"


@pytest.fixture(scope="module")
def server(prism: Callable[[str], PrismServer]) -> PrismServer:
    return prism("wwt-constellations.yaml")


@pytest.fixture
def cx(server: PrismServer) -> Iterator[CxClient]:
    config = ClientConfig("http://127.0.0.1:9/realms/constellations", "automation", server.url)
    with CxClient(config, oidcc_cache_identifier=None, token="contract-token") as client:
        yield client


def test_top_level_methods(cx: CxClient) -> None:
    assert all(isinstance(i, ImageSummary) for i in cx.find_images_by_wwt_url("http://example.org/x.png"))
    assert all(isinstance(i, ImageSummary) for i in cx.get_builtin_backgrounds())
    assert all(isinstance(s, SceneHydrated) for s in cx.get_home_timeline(0))
    assert cx.astropix_summary().error is False
    assert cx.init_session().error is False


def test_handle_methods(cx: CxClient) -> None:
    handle = cx.handle_client("eso")
    assert handle.get().handle
    assert isinstance(handle.permissions().view_dashboard, bool)
    assert handle.stats().images.count >= 0
    assert all(isinstance(s, SceneInfo) for s in handle.scene_info(0, 20))
    assert all(isinstance(i, ImageSummary) for i in handle.image_info(1))
    assert handle.update(HandleUpdate(display_name="ESO")).error is False
    wwt = ImageWwt(
        base_degrees_per_tile=180.0, bottoms_up=False, center_x=0.0, center_y=0.0, file_type=".png",
        offset_x=0.0, offset_y=0.0, projection="toast", quad_tree_map="", rotation=0.0, tile_levels=7,
        width_factor=2, thumbnail_url="http://example.org/t.jpg",
    )
    permissions = ImageContentPermissions(copyright="ESO", license="CC-BY-4.0", credits="<b>ESO</b>")
    image = AddImageRequest(wwt=wwt, permissions=permissions, storage=ImageStorage(legacy_url_template="http://example.org/{1}"), note="n")
    assert isinstance(handle.add_image(image), str)
    place = ScenePlace(ra_rad=1.0, dec_rad=0.5, roll_rad=0.0, roi_height_deg=2.0, roi_aspect_ratio=1.0)
    assert isinstance(handle.add_scene(AddSceneRequest(place=place, content=SceneContent(), text="t", published=True)), str)
    assert all(isinstance(s, SceneHydrated) for s in handle.get_timeline(0))


def test_image_and_scene_methods(cx: CxClient) -> None:
    image = cx.image_client(IMAGE)
    assert image.get().id
    assert isinstance(image.permissions().edit, bool)
    assert image.update(ImageUpdate(note="new")).error is False
    assert isinstance(image.imageset_wtml(), str)
    scene = cx.scene_client(IMAGE)
    assert scene.get().id
    assert isinstance(scene.permissions().edit, bool)
    assert scene.update(SceneUpdate(text="t", published=True)).error is False
    assert isinstance(scene.place_wtml(), str)
    assert scene.like().error is False
    assert scene.unlike().error is False
    assert scene.add_impression().error is False
