"""A Constellations API stand-in: canned answers shaped like the real service (reference sheet,
section 6), for ``httpx.MockTransport`` and for a real server on 127.0.0.1.

``answer(method, path, query, body)`` gives ``(status, payload)``: a dict (JSON) or a str
(WTML XML). Every JSON answer carries the top-level ``error`` flag, as the service's do.
:class:`ConstellationsServer` serves the same answers over HTTP and checks bearer tokens
with ``token_ok`` where the service needs a login (dashboard reads and every write).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

IMAGE_ID = "6426ed2448ae71323babb17a"
SCENE_ID = "6426ed2448ae71323babb17b"
LEGACY_URL = "http://data.example.org/wise/{1}/{3}/{3}_{2}.png"


def image_summary(image_id: str = IMAGE_ID) -> dict[str, Any]:
    return {
        "_id": image_id,
        "handle_id": "h1",
        "creation_date": "2023-03-31T14:00:00Z",
        "note": "WISE all-sky",
        "storage": {"legacy_url_template": LEGACY_URL},
    }


def image_wwt() -> dict[str, Any]:
    return {
        "base_degrees_per_tile": 180.0, "bottoms_up": False, "center_x": 0.0, "center_y": 0.0,
        "file_type": ".png", "offset_x": 0.0, "offset_y": 0.0, "projection": "toast",
        "quad_tree_map": "", "rotation": 0.0, "tile_levels": 7, "width_factor": 2,
        "thumbnail_url": "http://data.example.org/wise/thumb.jpg",
    }


def permissions() -> dict[str, Any]:
    # as stored: the service is the judge of its own data (no SPDX or HTML check on reading)
    return {"copyright": "NASA/JPL", "license": "LicenseRef-Custom", "credits": "<script>x</script><b>WISE</b>"}


def handle_info(handle: str) -> dict[str, Any]:
    return {"handle": handle, "display_name": handle.upper()}


def scene_hydrated(scene_id: str = SCENE_ID, clicks: int | None = None) -> dict[str, Any]:
    return {
        "id": scene_id,
        "handle_id": "h1",
        "handle": handle_info("eso"),
        "creation_date": "2023-04-01T10:00:00Z",
        "likes": 3,
        "liked": False,
        "impressions": 40,
        "clicks": clicks,
        "shares": None,
        "place": {"ra_rad": 1.0, "dec_rad": -0.5, "roll_rad": 0.0, "roi_height_deg": 2.0, "roi_aspect_ratio": 1.0},
        "content": {
            "background": {"id": IMAGE_ID, "wwt": image_wwt(), "permissions": permissions(), "storage": {}},
            "image_layers": [{"image": {"id": IMAGE_ID, "wwt": image_wwt(), "permissions": permissions(), "storage": {}}, "opacity": 0.5}],
        },
        "text": "A nebula",
        "previews": {"video": None, "thumbnail": "http://previews.example.org/t.jpg"},
        "published": True,
        "outgoing_url": "https://example.org/more",
    }


def scene_info(n: int) -> dict[str, Any]:
    return {
        "_id": f"{n:024x}", "creation_date": "2023-04-01T10:00:00Z", "impressions": n, "likes": 0,
        "clicks": None, "shares": 2, "text": f"scene {n}", "published": n % 2 == 0,
    }


#: the scenes and images of the handle the dashboard pages show (total_count of each)
TOTAL_SCENES = 23
TOTAL_IMAGES = 5

WTML_IMAGE = f"""<?xml version='1.0' encoding='UTF-8'?>
<Folder Browseable="True" Group="Explorer" Searchable="True">
  <ImageSet BandPass="Visible" BaseDegreesPerTile="180" BaseTileLevel="0" BottomsUp="False"
    CenterX="0" CenterY="0" DataSetType="Sky" FileType=".png" Name="WISE" Projection="Toast"
    Rotation="0" Sparse="True" TileLevels="7" Url="{LEGACY_URL}" WidthFactor="2">
    <Credits>NASA/JPL</Credits>
    <CreditsUrl>https://example.org/wise</CreditsUrl>
    <ThumbnailUrl>http://data.example.org/wise/thumb.jpg</ThumbnailUrl>
  </ImageSet>
</Folder>
"""

WTML_PLACE = f"""<?xml version='1.0' encoding='UTF-8'?>
<Folder Browseable="True" Group="Explorer" Searchable="True">
  <Place Angle="0" AngularSize="0" DataSetType="Sky" Dec="-28.9" Magnitude="0" Name="A nebula"
    Opacity="100" RA="17.76" Rotation="0" ZoomLevel="12">
    <ForegroundImageSet>
      <ImageSet BaseDegreesPerTile="180" BaseTileLevel="0" DataSetType="Sky" FileType=".png"
        Name="WISE" Projection="Toast" TileLevels="7" Url="{LEGACY_URL}" WidthFactor="2">
        <Description>From WISE</Description>
        <CreditsUrl>https://example.org/wise</CreditsUrl>
      </ImageSet>
    </ForegroundImageSet>
  </Place>
</Folder>
"""

#: paths that need a login (a handle's dashboard and every write); the rest are public or optional
PRIVATE = ("/stats", "/sceneinfo", "/imageinfo")


def needs_login(method: str, path: str) -> bool:
    if path.endswith(".wtml") or path.startswith(("/scenes/", "/images/", "/session/")):
        return False
    if path.endswith(("/likes", "/impressions")):
        return False
    return method != "GET" or path.endswith(PRIVATE)


def answer(method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, dict[str, Any] | str]:
    """The service's answer to one request (``path`` without the API root, as sent: each
    segment is decoded on its own, so an encoded ``/`` stays inside its segment)."""
    ok: dict[str, Any] = {"error": False}
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if path == "/images/find-by-legacy-url" and method == "POST":
        url = (body or {}).get("wwt_legacy_url")
        return 200, {**ok, "results": [image_summary()] if url == LEGACY_URL else []}
    if path == "/images/builtin-backgrounds":
        return 200, {**ok, "results": [image_summary(), image_summary("6426ed2448ae71323babb17c")]}
    if path == "/scenes/home-timeline":
        page = int(query["page"])
        return 200, {**ok, "results": [scene_hydrated(f"{page:022x}{i:02x}") for i in range(2)] if page < 2 else []}
    if path == "/scenes/astropix-summary":
        return 200, {**ok, "result": {"eso": {"eso1234a": ["@eso", SCENE_ID]}}}
    if path == "/session/init":
        return 200, ok
    if parts[0] == "handle" and len(parts) >= 2:
        handle, rest = parts[1], "/".join(parts[2:])
        if method == "PATCH":
            return 200, ok
        if rest == "":
            return (404, {"error": True, "message": "no such handle"}) if handle == "missing" else (200, {**ok, **handle_info(handle)})
        if rest == "permissions":
            return 200, {**ok, "handle": handle, "view_dashboard": True}
        if rest == "stats":
            scenes = {"count": TOTAL_SCENES, "impressions": 100, "likes": 4, "clicks": None, "shares": None}
            return 200, {**ok, "handle": handle, "images": {"count": TOTAL_IMAGES}, "scenes": scenes}
        if rest in ("sceneinfo", "imageinfo"):
            page, size = int(query["page"]), int(query.get("pagesize", "10"))
            total = TOTAL_SCENES if rest == "sceneinfo" else TOTAL_IMAGES
            numbers = range(page * size, min(total, page * size + size))
            items = [scene_info(n) for n in numbers] if rest == "sceneinfo" else [image_summary(f"{n:024x}") for n in numbers]
            return 200, {**ok, "total_count": total, "results": items}
        if rest in ("image", "scene") and method == "POST":
            new_id = "6426ed2448ae71323babb1ff"
            return 200, {**ok, "id": new_id, "rel_url": f"/@{handle}/{rest}/{new_id}"}
        if rest == "timeline":
            return 200, {**ok, "results": [scene_hydrated()] if int(query["page"]) == 0 else []}
    if parts[0] == "image" and len(parts) >= 2:
        image_id, rest = parts[1], "/".join(parts[2:])
        if method == "PATCH":
            return 200, ok
        if rest == "":
            return 200, {
                **ok, "id": image_id, "handle_id": "h1", "handle": handle_info("eso"),
                "creation_date": "2023-03-31T14:00:00Z", "wwt": image_wwt(), "permissions": permissions(),
                "storage": {"legacy_url_template": LEGACY_URL}, "note": "WISE all-sky",
            }
        if rest == "permissions":
            return 200, {**ok, "id": image_id, "edit": False}
        if rest == "img.wtml":
            return 200, WTML_IMAGE
    if parts[0] == "scene" and len(parts) >= 2:
        scene_id, rest = parts[1], "/".join(parts[2:])
        if method == "PATCH":
            return 200, ok
        if rest == "":
            return 200, {**ok, **scene_hydrated(scene_id)}
        if rest == "permissions":
            return 200, {**ok, "id": scene_id, "edit": True}
        if rest == "place.wtml":
            return (404, "not representable") if scene_id == "noplace" else (200, WTML_PLACE)
        if rest in ("likes", "impressions"):
            return 200, {**ok, "id": scene_id, "update": True}
    return 404, {"error": True, "message": f"no route {method} {path}"}


def http_response(status: int, payload: dict[str, Any] | str) -> httpx.Response:
    if isinstance(payload, str):
        return httpx.Response(status, text=payload, headers={"Content-Type": "application/xml"})
    return httpx.Response(status, json=payload)


class Recorder:
    """An ``httpx.MockTransport`` handler answering like the service under ``root``, recording requests."""

    def __init__(self, root: str = "https://api.test") -> None:
        self.root = root
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.decode().split("?")[0][len(httpx.URL(self.root).raw_path.rstrip(b"/")) :]
        body = json.loads(request.content) if request.content else None
        return http_response(*answer(request.method, path, dict(request.url.params), body))

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


class ConstellationsServer:
    """The answers over real HTTP on 127.0.0.1; ``token_ok(token)`` decides who is logged in.

    A request that needs a login and carries no valid bearer token gets 401. Every request is
    kept in ``seen`` as (method, path, Authorization header or None).
    """

    def __init__(self, token_ok: Callable[[str], bool]) -> None:
        self.token_ok = token_ok
        self.seen: list[tuple[str, str, str | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                split = urlsplit(self.path)
                path = split.path
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                header = self.headers.get("Authorization")
                owner.seen.append((self.command, path, header))
                if needs_login(self.command, path):
                    token = header[7:] if header and header.startswith("Bearer ") else ""
                    if not token or not owner.token_ok(token):
                        self._send(401, {"error": True, "message": "login needed"})
                        return
                self._send(*answer(self.command, path, dict(parse_qsl(split.query)), body))

            def _send(self, status: int, payload: dict[str, Any] | str) -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml" if isinstance(payload, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
