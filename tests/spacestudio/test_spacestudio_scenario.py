"""A script's session against a stand-in of spacestudio served on 127.0.0.1 (real HTTP).

The server (``tests/servers/spacestudio_server.py``) is the API root and, on the same port,
the Keycloak token endpoint (``auth_url=``): login, user id, CRUD by display name, compute,
status, results, GridFS downloads, expired tokens, refused refresh tokens, error statuses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import spacestudio
from servers.spacestudio_server import CLIENT_ID, FILES, USER_ID, SpacestudioServer
from specwright_runtime import Backoff, RetryPolicy

FAST = Backoff(first=0.01, factor=2, maximum=0.05)


@pytest.fixture
def server() -> Iterator[SpacestudioServer]:
    with SpacestudioServer() as running:
        yield running


@pytest.fixture
def session(server: SpacestudioServer) -> Iterator[spacestudio.Client]:
    service = server.service
    client = spacestudio.connect(server.base_url + "/", service.mail, service.password, CLIENT_ID, auth_url=server.auth_url)
    yield client
    spacestudio.disconnect()


def test_a_simulation_script(server: SpacestudioServer, session: spacestudio.Client, tmp_path: Path) -> None:
    service = server.service
    assert session.user_id == USER_ID and service.grants == ["password"]
    assert service.token_forms[0] == {
        "client_id": CLIENT_ID, "grant_type": "password", "username": service.mail, "password": service.password,
    }
    sim = spacestudio.simulation
    orbit = sim.create_orbit({"name": "LEO", "type": "Circular", "altitude": 500000})
    assert orbit.displayedName == "LEO" and orbit.altitude == 500000
    sim.create_antenna({"name": "LEO"})  # an antenna of the same name as ...
    sim.create_mission({"name": "LEO", "initialOrbit": orbit.model_dump(by_alias=True, exclude_none=True)})
    sim.delete_antenna("LEO")  # ... which is the one deleted (3.8.0 deleted the mission)
    assert service.names("antennadefinitions") == [] and service.names("simulationrequests") == ["LEO"]
    sim.modify_orbit({"name": "LEO"}, {"name": "LEO 2", "altitude": 550000})
    assert sim.get_orbit("LEO") is None and sim.get_orbit("LEO 2").altitude == 550000

    sim.compute_mission("LEO")
    seen: list[float] = []
    log = sim.wait_and_get_mission_results("LEO", backoff=FAST, on_status=seen.append, timeout=30)
    assert seen == [0, 25.0, 75.0, -1] and log.results.name == "LEO"
    assert sim.get_mission_results("LEO").errors == []

    sim.compute_mission_until_duration("LEO", 3600)
    continued = sim.create_mission_from_paused_results("LEO", "LEO/part #2")
    assert continued.displayedName == "LEO/part #2"
    assert sim.get_paused_mission_results_merged("LEO").model_dump() == {"errors": [], "merged": ["LEO", "LEO/part #2"]}
    assert sim.delete_intermediate_objects_from_mission("LEO") == 2  # the continuation and its orbit
    assert service.names("simulationrequests") == ["LEO"] and service.names("orbitdefinitions") == ["LEO 2"]

    progress: list[tuple[int, int | None]] = []
    path = spacestudio.gridfs.save_csv_file_to_disk("ephemerides.csv", tmp_path / "eph.csv", progress=lambda n, total: progress.append((n, total)))
    assert path.read_bytes() == FILES["ephemerides.csv"]
    assert progress[-1] == (len(FILES["ephemerides.csv"]),) * 2
    assert spacestudio.gridfs.save_json_file_to_disk("report.json", tmp_path / "r.json").read_text() == '{"ok": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eph.csv", "r.json"]  # no temporary file left
    assert spacestudio.gridfs.get_csv_as_json_object("ephemerides.csv")[0] == ["t", "x"]
    assert spacestudio.gridfs.formatted_size(1536) == "1.5 KB"


def test_names_are_one_path_segment(server: SpacestudioServer, session: spacestudio.Client) -> None:
    spacestudio.simulation.create_mission({"name": "a/b?c#d e"})
    spacestudio.simulation.compute_mission("a/b?c#d e")
    spacestudio.simulation.create_mission_from_paused_results("a/b?c#d e", "../x?y")
    assert server.service.requests[-1].endswith("/create_from_results/simu-1/..%2Fx%3Fy")
    assert "../x?y" in server.service.names("simulationrequests")


def test_an_expired_token_is_renewed_with_the_refresh_token(server: SpacestudioServer, session: spacestudio.Client) -> None:
    server.service.expire_tokens()  # the server answers 401 from now on to the old token
    assert spacestudio.simulation.get_all_orbits() == []
    assert server.service.grants == ["password", "refresh_token"]
    refresh_form = server.service.token_forms[-1]
    assert refresh_form["client_id"] == CLIENT_ID and refresh_form["refresh_token"]


def test_a_refused_refresh_token_means_a_new_password_login(server: SpacestudioServer, session: spacestudio.Client) -> None:
    server.service.expire_tokens()
    server.service.revoke_refresh_tokens()
    assert spacestudio.deployment.get_all_launches() == []
    assert server.service.grants == ["password", "refresh_token", "password"]


def test_a_token_about_to_expire_is_renewed_before_the_call(server: SpacestudioServer) -> None:
    service = server.service
    service.expires_in = 5  # within the client's leeway of 30 s
    client = spacestudio.Client.open(server.base_url, service.mail, service.password, CLIENT_ID, auth_url=server.auth_url)
    with client:
        client.simulation.get_all_orbits()
    # each call renewed first (refresh token), so none was answered 401 and sent again
    assert service.grants == ["password", "refresh_token", "refresh_token"]
    assert service.requests == ["GET /exoops/users/infos", f"GET /exoops/users/{USER_ID}/orbitdefinitions"]


def test_error_statuses_raise_typed_errors(server: SpacestudioServer, session: spacestudio.Client) -> None:
    sim = spacestudio.simulation
    sim.create_battery({"name": "B1"})
    with pytest.raises(spacestudio.SpacestudioAPIError) as conflict:
        sim.create_battery({"name": "B1"})
    assert conflict.value.status_code == 409 and conflict.value.response_body["error"] == "Conflict"
    server.service.fail[:] = [(500, {}, b'{"error": "boom"}')] * 3
    with pytest.raises(spacestudio.SpacestudioAPIError) as failed:
        sim.get_all_batteries(request_options=spacestudio_options())
    assert failed.value.status_code == 500
    with pytest.raises(spacestudio.SpacestudioError, match="no battery with displayedName 'B2'") as missing:
        sim.delete_battery("B2")
    assert missing.value.info.kind == "not_found"
    with pytest.raises(spacestudio.SpacestudioError, match="has no computationLogId"):
        sim.create_mission({"name": "never computed"})
        sim.get_mission_results("never computed")
    server.service.script = [0] * 10_000
    sim.compute_mission("never computed")
    with pytest.raises(spacestudio.SpacestudioTimeoutError, match=r"did not finish within 0\.2 s"):
        sim.wait_and_get_mission_results("never computed", timeout=0.2, backoff=FAST)


def spacestudio_options() -> object:
    from specwright_runtime import RequestOptions

    return RequestOptions(retry=RetryPolicy.disabled())


def test_a_wrong_password_raises_and_never_shows_it(server: SpacestudioServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-Passw0rd!"
    with pytest.raises(spacestudio.SpacestudioAuthenticationError) as caught:
        spacestudio.connect(server.base_url, server.service.mail, wrong, CLIENT_ID, auth_url=server.auth_url)
    error = caught.value
    assert error.status_code == 401 and "Invalid user credentials" in str(error)
    for text in (str(error), repr(error), repr(error.info), str(error.response_body), caplog.text):
        assert wrong not in text
    with pytest.raises(spacestudio.NotConnectedError, match=r"connect\(\)"):
        spacestudio.simulation.get_all_orbits()


def test_scripting_not_activated(server: SpacestudioServer) -> None:
    server.service.scripting = False
    with pytest.raises(spacestudio.SpacestudioAuthenticationError) as caught:
        spacestudio.connect(server.base_url, server.service.mail, server.service.password, CLIENT_ID, auth_url=server.auth_url)
    assert caught.value.status_code == 403


def test_another_client_id_is_refused(server: SpacestudioServer) -> None:
    with pytest.raises(spacestudio.SpacestudioAuthenticationError, match="Invalid client"):
        spacestudio.Client.open(server.base_url, server.service.mail, server.service.password, "other", auth_url=server.auth_url)


def test_the_async_client(server: SpacestudioServer) -> None:
    service = server.service

    async def scenario() -> None:
        async with spacestudio.AsyncClient(server.base_url, service.mail, service.password, CLIENT_ID, auth_url=server.auth_url) as client:
            await client.constellation.create_performance_analysis_mission({"name": "PA"})
            await client.constellation.compute_performance_analysis_mission("PA")
            log = await client.constellation.wait_and_get_performance_analysis_mission_results("PA", backoff=FAST)
            assert log.results.name == "PA"
            service.expire_tokens()
            service.revoke_refresh_tokens()
            assert [m.displayedName for m in await client.constellation.get_all_performance_analysis_missions()] == ["PA"]

    asyncio.run(scenario())
    assert service.grants == ["password", "refresh_token", "password"]
