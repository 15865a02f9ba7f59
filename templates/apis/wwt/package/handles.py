"""Calls about one handle (a public account): ``client.handle_client("myhandle")``.

The module of 0.7 with the same name; the clients themselves are generated (``api`` and
``async_api``) with the helpers of ``helpers``/``async_helpers``.
"""

from wwt_api_client.constellations._conversions import ImageNotFoundError
from wwt_api_client.constellations.api import HandleClient
from wwt_api_client.constellations.async_api import AsyncHandleClient
from wwt_api_client.constellations.data import AddImageRequest, AddSceneRequest

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = [
    "AddImageRequest",
    "AddSceneRequest",
    "AsyncHandleClient",
    "HandleClient",
    "ImageNotFoundError",
]
