"""A small stand-in of the spacestudio scripting API and its Keycloak token endpoint.

For the spacestudio tests only: :class:`SpacestudioService` answers ``httpx.Request`` objects
(``httpx.MockTransport(service)``) and :class:`SpacestudioServer` serves the same service on
127.0.0.1 over real HTTP. Behaviour follows the fact sheet
(``/work/shared/reference/spacestudio.md``, sections 2 and 3) and ``specs/spacestudio.yaml``:

* ``POST /realms/spacestudio-users/protocol/openid-connect/token``: the password grant (form
  ``client_id``, ``grant_type``, ``username``, ``password``) and the refresh grant; 401
  ``invalid_grant`` for wrong credentials, 400 ``invalid_grant`` for a refused refresh token,
  400 ``unauthorized_client`` for another client id.
* ``GET /exoops/users/infos``: ``{"id": ...}`` for the token's user (403 when scripting is off).
* ``/exoops/users/{userId}/<collection>``: ``GET`` (the whole list), ``POST`` (201; 409 when the
  ``name`` is taken; ``displayedName`` is the ``name``), ``PUT /{id}``, ``DELETE /{id}`` (204).
* mission collections (``...requests``): ``GET compute/{id}``, ``POST compute_until_duration/{id}``
  (a bare number), ``GET status/{id}`` (scripted statuses, then ``-1``), ``POST
  create_from_results/{id}/{name}`` (a new mission and an intermediate orbit naming their
  paused parent), ``GET create_merged_results/{id}``.
* ``GET computationlogs/{id}``, and GridFS ``ascsv``/``asjson``/``csvasjson`` downloads.

Every API request needs a live access token (401 otherwise); :meth:`expire_tokens` ends them
all and :meth:`revoke_refresh_tokens` makes refresh tokens fail. :attr:`fail` queues error
answers for the next API requests.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

TOKEN_PATH = "/realms/spacestudio-users/protocol/openid-connect/token"
USER_ID = "u-42"
CLIENT_ID = "scripting-client"
MISSIONS = (
    "constellationperformanceanalysisrequests",
    "constellationoptimizationrequests",
    "constellationgenerationrequests",
    "constellationsimulationrequests",
    "simulationrequests",
    "deploymentrequests",
    "parametricstudyrequests",
    "formationflyingsimulationrequests",
    "inspectionsimulationrequests",
    "opticaldatagenerationrequests",
)
DEFINITIONS = (
    "groundstationdefinitions",
    "payloaddefinitions",
    "earthmeshdefinitions",
    "subconstellationdefinitions",
    "constellationdefinitions",
    "pointofinterestdefinitions",
    "antennadefinitions",
    "batterydefinitions",
    "zoneofinterestdefinitions",
    "orbitdefinitions",
    "spacecraftdefinitions",
    "spacecraftgeometrydefinitions",
    "propulsionsystemdefinitions",
    "launchdefinitions",
    "parametricpropulsionsystemdefinitions",
    "parametricorbitdefinitions",
    "parametricspacecraftdefinitions",
    "reactionwheeldefinitions",
    "parametricmagnetictorquerdefinitions",
    "opticalgroundstationdefinitions",
)
FILES = {"ephemerides.csv": b"t,x\n0,1\n1,2\n" * 2000, "report.json": b'{"ok": true}'}

Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, value: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(value).encode()


class SpacestudioService:
    """The service's state and its answers (thread-safe)."""

    def __init__(self, *, mail: str = "me@example.com", password: str = "s3cret pass&word", expires_in: int = 300) -> None:
        self.mail, self.password, self.expires_in = mail, password, expires_in
        self.client_id = CLIENT_ID
        self.user_id = USER_ID
        self.scripting = True
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.collections: dict[str, list[dict[str, Any]]] = {name: [] for name in (*MISSIONS, *DEFINITIONS)}
        self.logs: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, list[float]] = {}
        self.script: list[float] = [0, 25.0, 75.0]  # statuses of each computation before -1
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.grants: list[str] = []  # grant_type of each token request, in order
        self.token_forms: list[dict[str, str]] = []
        self.requests: list[str] = []  # "METHOD raw-path" of each API request
        self.bodies: list[Any] = []
        self.fail: list[Answer] = []  # answers for the next API requests, first first

    # -- setup and inspection ------------------------------------------------------------
    def add(self, collection: str, name: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            return self._add(collection, {"name": name, **fields})

    def _add(self, collection: str, body: dict[str, Any]) -> dict[str, Any]:
        item = {**body, "id": f"{collection[:4]}-{next(self.ids)}", "displayedName": body.get("name")}
        if collection in MISSIONS:
            item.setdefault("pausedParentMissionId", None)
        self.collections[collection].append(item)
        return item

    def names(self, collection: str) -> list[str]:
        return [str(item["displayedName"]) for item in self.collections[collection]]

    def expire_tokens(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh.clear()

    # -- HTTP ------------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.answer(request.method, request.url.raw_path.decode(), dict(request.headers), request.content)
        return httpx.Response(status, headers=headers, content=body)

    def answer(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Answer:
        path = urlsplit(raw_path).path
        with self.lock:
            if path == TOKEN_PATH:
                return self._token(method, headers, body)
            self.requests.append(f"{method} {raw_path}")
            token = (headers.get("authorization") or headers.get("Authorization") or "").removeprefix("Bearer ")
            if token not in self.access:
                return _json(401, {"error": "invalid_token", "detail": "Not authenticated"})
            if self.fail:
                return self.fail.pop(0)
            parts = [unquote(p) for p in path.split("/")[1:]]
            if parts[:3] == ["exoops", "users", "infos"] and method == "GET":
                return _json(200, {"id": self.user_id, "email": self.mail}) if self.scripting else _json(403, {"error": "scripting"})
            if parts[:2] != ["exoops", "users"] or len(parts) < 4 or parts[2] != self.user_id:
                return _json(404, {"error": "Not Found"})
            payload = json.loads(body) if body else None
            if payload is not None:
                self.bodies.append(payload)
            return self._user(method, parts[3:], payload)

    def _token(self, method: str, headers: dict[str, str], body: bytes) -> Answer:
        form = dict(parse_qsl(body.decode()))
        self.token_forms.append(form)
        self.grants.append(form.get("grant_type", ""))
        if method != "POST" or form.get("client_id") != self.client_id:
            return _json(400, {"error": "unauthorized_client", "error_description": "Invalid client"})
        if form.get("grant_type") == "password":
            if form.get("username") != self.mail or form.get("password") != self.password:
                return _json(401, {"error": "invalid_grant", "error_description": "Invalid user credentials"})
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh:
                return _json(400, {"error": "invalid_grant", "error_description": "Token is not active"})
            self.refresh.discard(form["refresh_token"])
        else:
            return _json(400, {"error": "unsupported_grant_type"})
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.access.add(access)
        self.refresh.add(refresh)
        return _json(
            200,
            {"access_token": access, "refresh_token": refresh, "expires_in": self.expires_in, "token_type": "Bearer"},
        )

    def _user(self, method: str, parts: list[str], payload: Any) -> Answer:
        head = parts[0]
        if head == "computationlogs" and len(parts) == 2:
            log = self.logs.get(parts[1])
            return _json(200, log) if log else _json(404, {"error": "no such computation log"})
        if head == "gridfs" and len(parts) == 3 and parts[2] in FILES:
            content = FILES[parts[2]]
            if parts[1] == "csvasjson":
                rows = [line.split(",") for line in content.decode().splitlines()[:3]]
                return _json(200, rows)
            return 200, {"Content-Type": "application/octet-stream", "Content-Length": str(len(content))}, content
        collection = self.collections.get(head)
        if collection is None:
            return _json(404, {"error": "Not Found"})
        rest = parts[1:]
        if not rest:
            if method == "GET":
                return _json(200, collection)
            if method == "POST" and isinstance(payload, dict):
                if any(item.get("name") == payload.get("name") for item in collection):
                    return _json(409, {"error": "Conflict", "message": "an object with this name exists"})
                return _json(201, self._add(head, payload))
            return _json(405, {"error": "Method Not Allowed"})
        target = rest[0] if len(rest) == 1 else rest[1]  # <id>, or <action>/<id>[/<name>]
        found = next((item for item in collection if item["id"] == target), None)
        if found is None:
            return _json(404, {"error": "no such object"})
        if len(rest) == 1:
            if method == "DELETE":
                collection.remove(found)
                return 204, {}, b""
            if method == "PUT" and isinstance(payload, dict):
                found.clear()
                found.update({**payload, "id": rest[0], "displayedName": payload.get("name")})
                return _json(200, found)
            return _json(405, {"error": "Method Not Allowed"})
        return self._mission(method, head, rest, found, payload)

    def _mission(self, method: str, head: str, rest: list[str], mission: dict[str, Any], payload: Any) -> Answer:
        action = rest[0]
        if action in ("compute", "compute_until_duration"):
            log_id = f"log-{mission['id']}"
            mission["computationLogId"] = log_id
            results = {"name": mission["displayedName"], "finalOrbit": {"altitude": 700000.0}}
            if action == "compute_until_duration":
                results["pausedAt"] = payload
            self.logs[log_id] = {"results": results, "errors": []}
            self.statuses[mission["id"]] = list(self.script)
            return _json(200, {"computing": mission["id"]})
        if action == "status" and method == "GET":
            pending = self.statuses.get(mission["id"])
            return _json(200, pending.pop(0) if pending else (-1 if pending is not None else 0))
        if action == "create_from_results" and method == "POST" and len(rest) == 3:
            made = self._add(head, {"name": rest[2], "pausedParentMissionId": mission["id"], "fromResults": payload})
            self._add("orbitdefinitions", {"name": f"{rest[2]} initial orbit", "pausedParentMissionId": mission["id"]})
            return _json(200, made)
        if action == "create_merged_results" and method == "GET":
            children = [m["displayedName"] for m in self.collections[head] if m.get("pausedParentMissionId") == mission["id"]]
            return _json(200, {"merged": [mission["displayedName"], *children], "errors": []})
        return _json(404, {"error": "Not Found"})


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, answer_headers, content = self.server.service.answer(self.command, self.path, headers, body)
        self.send_response(status)
        for key, value in answer_headers.items():
            self.send_header(key, value)
        if "Content-Length" not in answer_headers:
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    service: SpacestudioService


class SpacestudioServer:
    """:class:`SpacestudioService` over HTTP on 127.0.0.1 (API root and token URL on one port)."""

    def __init__(self, service: SpacestudioService | None = None) -> None:
        self.service = service or SpacestudioService()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.service = self.service
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def auth_url(self) -> str:
        return self.base_url + TOKEN_PATH


def mock_transport(service: SpacestudioService) -> httpx.MockTransport:
    """The service as an httpx transport (API root ``https://api.test``, token URL on the same host)."""
    handler: Callable[[httpx.Request], httpx.Response] = service
    return httpx.MockTransport(handler)
