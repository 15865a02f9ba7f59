"""Calls about one scene, by its ID: ``client.scene_client(id)``.

The module of 0.7 with the same name; the clients themselves are generated.
"""

from wwt_api_client.constellations.api import SceneClient
from wwt_api_client.constellations.async_api import AsyncSceneClient

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["AsyncSceneClient", "SceneClient"]
