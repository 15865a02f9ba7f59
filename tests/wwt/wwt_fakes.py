"""The fake Constellations service and the helpers of the wwt_api_client.constellations tests.

A module of its own (not conftest): test modules import from it, and tests/wwt is not a package.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx
from wwt_data_formats.enums import DataSetType, ProjectionType
from wwt_data_formats.folder import Folder
from wwt_data_formats.imageset import ImageSet
from wwt_data_formats.place import Place

API_URL = "https://api.test"
ISSUER = "https://id.test/realms/constellations"
TOKEN = "tok-wwt-1"


class FakeConstellations:
    """A MockTransport handler: the identity provider's device login and the API routes the helpers use.

    ``images`` maps a legacy URL to the image summaries ``find-by-legacy-url`` answers;
    ``documents`` maps a WTML path (``/image/<id>/img.wtml``) to its text. Every request is
    kept in ``requests``; the JSON bodies of created images and scenes in ``created``.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.images: dict[str, list[dict[str, Any]]] = {}
        self.documents: dict[str, str] = {}
        self.created: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = str(request.url)
        if url.startswith(ISSUER):
            return self._provider(url.removeprefix(ISSUER))
        path = request.url.raw_path.decode("ascii").split("?")[0]
        if request.method == "POST" and path == "/images/find-by-legacy-url":
            wanted = json.loads(request.content)["wwt_legacy_url"]
            return httpx.Response(200, json={"error": False, "results": self.images.get(wanted, [])})
        if request.method == "POST" and path.startswith("/handle/") and path.endswith(("/image", "/scene")):
            body = json.loads(request.content)
            self.created.append((path, body))
            new_id = f"{len(self.created):024x}"
            kind = path.rsplit("/", 1)[1]
            return httpx.Response(200, json={"error": False, "id": new_id, "rel_url": f"/{kind}/{new_id}"})
        if request.method == "GET" and path in self.documents:
            return httpx.Response(200, text=self.documents[path], headers={"Content-Type": "application/xml"})
        return httpx.Response(404, json={"error": True, "message": f"no route {request.method} {unquote(path)}"})

    def _provider(self, path: str) -> httpx.Response:
        if path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
                    "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
                    "device_authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth/device",
                },
            )
        if path == "/protocol/openid-connect/auth/device":
            return httpx.Response(
                200,
                json={
                    "device_code": "device-1",
                    "user_code": "ABCD-EFGH",
                    "verification_uri": f"{ISSUER}/device",
                    "expires_in": 600,
                    "interval": 0.01,
                },
            )
        if path == "/protocol/openid-connect/token":
            return httpx.Response(
                200, json={"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r-1"}
            )
        return httpx.Response(404)

    def api_requests(self) -> list[httpx.Request]:
        """The requests to the API (not to the identity provider)."""
        return [r for r in self.requests if str(r.url).startswith(API_URL)]


class Discovery:
    """Stands in for the runtime's discovery: answered by the fake, and only once ``allowed``.

    Until then a login attempt fails at once (instead of waiting for a browser); ``asked``
    lists the URLs asked for either way.
    """

    def __init__(self, fake: FakeConstellations, real: Callable[..., Any]) -> None:
        self.fake = fake
        self.real = real
        self.allowed = False
        self.asked: list[str] = []

    def __call__(self, url: str, **kwargs: Any) -> Any:
        self.asked.append(url)
        if not self.allowed:
            raise AssertionError(f"a login started (discovery of {url})")
        with httpx.Client(transport=httpx.MockTransport(self.fake)) as http:
            return self.real(url, http=http)


class Mode:
    """One variant, sync (``CxClient``) or async (``AsyncCxClient``), of a test written once.

    ``mode.run(x)`` returns a sync result as it is and runs an awaitable to completion on the
    test's own event loop, so one body drives either client: ``mode.run(client.stats())``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_async = name == "async"
        self.loop = asyncio.new_event_loop()

    def run(self, value: Any) -> Any:
        return self.loop.run_until_complete(value) if inspect.isawaitable(value) else value

    def close(self) -> None:
        self.loop.close()


def make_image_set(**traits: Any) -> ImageSet:
    """A sky image set (Westerlund 2) with ``traits`` changed."""
    imageset = ImageSet()
    defaults: dict[str, Any] = {
        "data_set_type": DataSetType.SKY,
        "name": "Westerlund 2",
        "url": "https://data.test/westerlund2/{1}/{3}/{3}_{2}.png",
        "projection": ProjectionType.TAN,
        "base_tile_level": 0,
        "tile_levels": 5,
        "base_degrees_per_tile": 0.25,
        "file_type": ".png",
        "bottoms_up": False,
        "center_x": 155.99,
        "center_y": -57.76,
        "offset_x": 1024.5,
        "offset_y": 768.25,
        "rotation_deg": 12.5,
        "width_factor": 2,
        "quad_tree_map": "0123",
        "thumbnail_url": "https://data.test/westerlund2/thumb.jpg",
        "credits": "NASA, ESA & the Hubble Heritage Team <STScI/AURA>",
        "credits_url": "https://hubblesite.test/westerlund2",
    }
    for name, value in {**defaults, **traits}.items():
        setattr(imageset, name, value)
    return imageset


def make_place(**traits: Any) -> Place:
    """A sky place at RA 10.4 h, Dec -57.76 deg, with ``traits`` changed."""
    place = Place()
    defaults: dict[str, Any] = {
        "data_set_type": DataSetType.SKY,
        "name": "Westerlund 2 place",
        "ra_hr": 10.4,
        "dec_deg": -57.76,
        "rotation_deg": 30.0,
        "zoom_level": 1.2,
    }
    for name, value in {**defaults, **traits}.items():
        setattr(place, name, value)
    return place


def wtml_of(*children: Any) -> str:
    """The WTML text of a folder holding ``children``."""
    folder = Folder()
    folder.name = "Constellations"
    folder.children = list(children)
    text: str = folder.to_xml_string()
    return text
