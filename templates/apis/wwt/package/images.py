"""Calls about one image, by its ID: ``client.image_client(id)``.

The module of 0.7 with the same name; the clients themselves are generated.
"""

from wwt_api_client.constellations.api import ImageClient
from wwt_api_client.constellations.async_api import AsyncImageClient

# the names the package re-exports (its __init__ reads this list at generation time)
__all__ = ["AsyncImageClient", "ImageClient"]
