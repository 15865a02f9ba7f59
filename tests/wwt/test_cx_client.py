"""Every Constellations method of the seed API and beyond, over ``httpx.MockTransport``.

The transport answers like the service (``tests/servers/constellations.py``); each test
checks what went on the wire and what the method gave back, for ``CxClient`` and, where it
differs only by ``await``, ``AsyncCxClient``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from wwt_api_client.constellations import (
    AsyncCxClient,
    ClientConfig,
    ConstellationsAPIError,
    ConstellationsError,
    CxClient,
)
from wwt_api_client.constellations.data import (
    HandleUpdate,
    ImageSummary,
    ImageUpdate,
    SceneHydrated,
    SceneInfo,
    ScenePlace,
    SceneUpdate,
)
from wwt_api_client.constellations.handles import HandleClient
from wwt_api_client.constellations.images import ImageClient
from wwt_api_client.constellations.scenes import SceneClient

from tests.servers.constellations import IMAGE_ID, LEGACY_URL, SCENE_ID, TOTAL_IMAGES, TOTAL_SCENES, Recorder

CONFIG = ClientConfig("https://id.test/realms/constellations", "automation", "https://api.test")


@pytest.fixture
def server() -> Recorder:
    return Recorder("https://api.test")


@pytest.fixture
def cx(server: Recorder) -> Iterator[CxClient]:
    # a token, so the calls that need one never start a browser login
    with CxClient(CONFIG, oidcc_cache_identifier=None, token="tok", transport=httpx.MockTransport(server)) as client:
        yield client


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_seed_constructor_sends_nothing(server: Recorder) -> None:
    client = CxClient(CONFIG, oidcc_cache_identifier=None, transport=httpx.MockTransport(server))
    assert client.base_url == "https://api.test" and client.config is CONFIG
    assert isinstance(client.handle_client("x"), HandleClient)
    assert isinstance(client.image_client(IMAGE_ID), ImageClient)
    assert isinstance(client.scene_client(SCENE_ID), SceneClient)
    assert server.requests == []
    client.close()


def test_find_images_by_wwt_url(cx: CxClient, server: Recorder) -> None:
    found = cx.find_images_by_wwt_url(LEGACY_URL)
    assert server.last.method == "POST" and server.last.url.path == "/images/find-by-legacy-url"
    assert body(server.last) == {"wwt_legacy_url": LEGACY_URL}
    assert [type(i) for i in found] == [ImageSummary] and found[0].id == IMAGE_ID
    assert found[0].storage.legacy_url_template == LEGACY_URL
    assert cx.find_images_by_wwt_url("http://nothing.example/") == []


def test_builtin_backgrounds_and_home_timeline(cx: CxClient, server: Recorder) -> None:
    backgrounds = cx.get_builtin_backgrounds()
    assert len(backgrounds) == 2 and all(isinstance(b, ImageSummary) for b in backgrounds)
    timeline = cx.get_home_timeline(1)
    assert server.last.url.path == "/scenes/home-timeline" and server.last.url.params["page"] == "1"
    assert all(isinstance(s, SceneHydrated) for s in timeline) and timeline[0].clicks is None
    assert timeline[0].content.image_layers[0].opacity == 0.5


@pytest.mark.parametrize("bad", [-1, "first", 1.5])
def test_page_numbers_are_checked(cx: CxClient, server: Recorder, bad: Any) -> None:
    with pytest.raises(ValueError, match="page_num"):
        cx.get_home_timeline(bad)
    with pytest.raises(ValueError, match="page_num"):
        cx.handle_client("eso").scene_info(bad)
    assert server.requests == []


@pytest.mark.parametrize("bad", [0, 101, "many"])
def test_page_sizes_are_checked(cx: CxClient, server: Recorder, bad: Any) -> None:
    with pytest.raises(ValueError, match="page_size"):
        cx.handle_client("eso").image_info(0, bad)
    assert server.requests == []


def test_handle_reads(cx: CxClient, server: Recorder) -> None:
    handle = cx.handle_client("eso")
    assert handle.get().display_name == "ESO"
    assert handle.permissions().view_dashboard is True
    stats = handle.stats()
    assert stats.images.count == TOTAL_IMAGES and stats.scenes.clicks is None and stats.scenes.shares is None
    assert [r.url.path for r in server.requests] == ["/handle/eso", "/handle/eso/permissions", "/handle/eso/stats"]


def test_handle_pages_and_their_defaults(cx: CxClient, server: Recorder) -> None:
    handle = cx.handle_client("eso")
    scenes = handle.scene_info(0)
    assert dict(server.last.url.params) == {"page": "0", "pagesize": "10"}
    assert len(scenes) == 10 and isinstance(scenes[0], SceneInfo) and scenes[0].id == f"{0:024x}"
    images = handle.image_info(0, 3)
    assert dict(server.last.url.params) == {"page": "0", "pagesize": "3"}
    assert [i.id for i in images] == [f"{n:024x}" for n in range(3)]
    assert [s.published for s in handle.get_timeline(0)] == [True]


def test_iterators_page_until_the_total(cx: CxClient, server: Recorder) -> None:
    handle = cx.handle_client("eso")
    scenes = list(handle.iter_scene_info())
    assert len(scenes) == TOTAL_SCENES and len({s.id for s in scenes}) == TOTAL_SCENES
    assert [r.url.params["page"] for r in server.requests] == ["0", "1", "2"]
    assert len(list(handle.iter_image_info(page_size=2))) == TOTAL_IMAGES
    assert len(list(cx.iter_get_home_timeline())) == 4  # two pages of two, then an empty one
    assert len(list(handle.iter_scene_info(max_items=12))) == 12


def test_updates_send_only_what_is_set(cx: CxClient, server: Recorder) -> None:
    handle = cx.handle_client("eso")
    handle.update(HandleUpdate(display_name="E.S.O."))
    assert server.last.method == "PATCH" and body(server.last) == {"display_name": "E.S.O."}
    handle.update(HandleUpdate())
    assert body(server.last) == {}
    cx.image_client(IMAGE_ID).update(ImageUpdate(note="new note", permissions=None))
    assert server.last.url.path == f"/image/{IMAGE_ID}" and body(server.last) == {"note": "new note"}
    place = ScenePlace(ra_rad=1.0, dec_rad=0.5, roll_rad=0.0, roi_height_deg=3.0, roi_aspect_ratio=1.5)
    ack = cx.scene_client(SCENE_ID).update(SceneUpdate(place=place, published=False, text=None))
    assert body(server.last) == {
        "place": {"ra_rad": 1.0, "dec_rad": 0.5, "roll_rad": 0.0, "roi_height_deg": 3.0, "roi_aspect_ratio": 1.5},
        "published": False,
    }
    assert ack.error is False


def test_image_and_scene_reads_keep_server_data(cx: CxClient, server: Recorder) -> None:
    image = cx.image_client(IMAGE_ID).get()
    # a license outside SPDX and script in the credits are the server's data: kept as sent
    assert image.permissions.license == "LicenseRef-Custom"
    assert image.permissions.credits == "<script>x</script><b>WISE</b>"
    assert cx.image_client(IMAGE_ID).permissions().edit is False
    scene = cx.scene_client(SCENE_ID).get()
    assert scene.id == SCENE_ID and scene.previews.thumbnail and scene.astropix is None
    assert cx.scene_client(SCENE_ID).permissions().edit is True


def test_documented_only_endpoints(cx: CxClient, server: Recorder) -> None:
    scene = cx.scene_client(SCENE_ID)
    assert scene.like().update is True and server.last.method == "POST"
    assert scene.unlike().update is True and server.last.method == "DELETE"
    assert scene.add_impression().id == SCENE_ID and server.last.url.path.endswith("/impressions")
    assert cx.init_session().error is False
    summary = cx.astropix_summary()
    assert summary.result["eso"]["eso1234a"].root == ["@eso", SCENE_ID]


def test_path_values_are_one_segment(cx: CxClient, server: Recorder) -> None:
    cx.handle_client("my h").get()
    cx.handle_client("a/b").get()
    assert [r.url.raw_path for r in server.requests] == [b"/handle/my%20h", b"/handle/a%2Fb"]


def test_http_failures_are_the_package_errors(cx: CxClient) -> None:
    with pytest.raises(ConstellationsAPIError) as caught:
        cx.handle_client("missing").get()
    assert caught.value.status_code == 404
    assert caught.value.response_body == {"error": True, "message": "no such handle"}
    assert isinstance(caught.value, ConstellationsError)


def test_async_twin(server: Recorder) -> None:
    async def run() -> None:
        async with AsyncCxClient(CONFIG, None, token="tok", transport=httpx.MockTransport(server)) as cx:
            assert (await cx.find_images_by_wwt_url(LEGACY_URL))[0].id == IMAGE_ID
            assert len(await cx.get_home_timeline(0)) == 2
            handle = cx.handle_client("eso")
            assert (await handle.stats()).scenes.count == TOTAL_SCENES
            assert len([s async for s in handle.iter_scene_info()]) == TOTAL_SCENES
            assert await handle.add_scene({"place": {}, "content": {}, "text": "t", "published": True}) == "6426ed2448ae71323babb1ff"
            assert (await cx.scene_client(SCENE_ID).get()).likes == 3
            with pytest.raises(ValueError):
                await cx.get_home_timeline(-1)

    asyncio.run(run())
    assert all(r.headers["Authorization"] == "Bearer tok" for r in server.requests if "/handle/" in r.url.path)
