"""spacestudio against Prism serving specs/spacestudio.yaml: its requests valid for the
contract, the answers the contract describes parsed (CRUD, mission actions, downloads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from spacestudio import models
from spacestudio.api import SpacestudioApi

from .conftest import PrismServer


@pytest.fixture(scope="module")
def server(prism: Callable[[str], PrismServer]) -> PrismServer:
    return prism("spacestudio.yaml")


@pytest.fixture
def api(server: PrismServer) -> Iterator[SpacestudioApi]:
    # the token endpoint is Keycloak's, not part of this contract: a token is given instead
    with SpacestudioApi(server.url, user_id="u1", token="contract-token") as client:
        yield client


def test_user_and_collections(api: SpacestudioApi) -> None:
    assert isinstance(api.get_user_infos(), models.UserInfos)
    orbits = api.simulation.list_orbits()
    assert all(isinstance(o, models.Orbit) for o in orbits)
    created = api.simulation.add_orbit({"displayedName": "LEO", "semiMajorAxis": 7000.0})
    assert isinstance(created, models.Orbit)
    api.simulation.replace_orbit_by_id("o1", {"displayedName": "LEO 2"})
    api.simulation.delete_orbit_by_id("o1")
    assert all(isinstance(s, models.Spacecraft) for s in api.simulation.list_spacecrafts())


def test_mission_actions(api: SpacestudioApi) -> None:
    api.simulation.compute_mission_by_id("m1")
    api.simulation.compute_mission_until_duration_by_id("m1", 3600)
    status = api.simulation.get_mission_status_by_id("m1")
    assert isinstance(status, (int, float))
    api.simulation.get_mission_merged_results_by_id("m1")


def test_downloads(api: SpacestudioApi, tmp_path: Path) -> None:
    written = api.gridfs.download_csv_file_to_file("results.csv", directory=tmp_path)
    assert written.parent == tmp_path and written.exists()
