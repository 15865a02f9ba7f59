"""Methods of the asynchronous handle, image and scene clients that no spec can express.

Mixins of the generated ``AsyncHandleClient``, ``AsyncImageClient`` and ``AsyncSceneClient``:
they build requests from ``wwt_data_formats`` objects and read the WTML documents back. The
sync ``helpers.py`` is derived from this module at generation time (generator/unasync.py).
"""

# wwt_data_formats ships no type information
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wwt_api_client.constellations._conversions import (
    ImageNotFoundError,
    first_imageset,
    first_place,
    folder_from_wtml,
    image_request,
    image_sets,
    scene_request,
)

if TYPE_CHECKING:
    from wwt_data_formats.folder import Folder
    from wwt_data_formats.imageset import ImageSet
    from wwt_data_formats.place import Place

    # the generated client module imports these mixins: importing it here at runtime is a cycle
    from wwt_api_client.constellations.async_api import AsyncConstellationsApi
    from wwt_api_client.constellations.data import AddImageRequest, AddSceneRequest


def _document_url(base_url: str, kind: str, ident: Any, name: str) -> str:
    # the ID is one path segment, as the generated calls send it: "/" and the other reserved
    # characters are encoded, and "." or ".." too (URL normalisation would drop or climb them)
    segment = quote(str(ident), safe="")
    if segment in (".", ".."):
        segment = segment.replace(".", "%2E")
    return f"{base_url}/{kind}/{segment}/{name}"


class AsyncHandleHelpers:
    """Adding an image from a WWT image set and a scene from a WWT place."""

    if TYPE_CHECKING:
        _root: AsyncConstellationsApi
        _bound: dict[str, Any]

        async def add_image(self, image: AddImageRequest, /) -> str: ...
        async def add_scene(self, scene: AddSceneRequest, /) -> str: ...

    async def add_image_from_set(
        self,
        imageset: ImageSet,
        copyright: str,
        license_spdx_id: str,
        note: str | None = None,
        credits: str | None = None,
        alt_text: str | None = None,
    ) -> str:
        """Add a sky image set with base tile level 0 as a new image of this handle; its ID.

        ``copyright`` is a statement such as "Copyright 2020 Henrietta Swan Leavitt" or "Public
        domain"; ``license_spdx_id`` an SPDX license expression (``CC-PDDC`` for the public
        domain, ``LicenseRef-WWT``...), checked before sending. ``credits`` is restricted HTML
        (default: the image set's credits, escaped); ``note`` a private note (default: the
        name and the credits URL); ``alt_text`` a description for visually impaired users.
        Raises ``ValueError`` for other image sets, ``ExpressionError`` for an unknown license.
        """
        request = image_request(imageset, copyright, license_spdx_id, note, credits, alt_text)
        return await self.add_image(request)

    async def add_scene_from_place(self, place: Place, publish: bool = True) -> str:
        """Add a WWT place as a new scene of this handle; its ID.

        Each image set of the place must already be a Constellations image (found by its URL,
        else :class:`ImageNotFoundError`). The scene's text is the place's description, else
        the last image set description, else the place's name; its outgoing URL is the last
        image set credits URL.
        """
        image_ids: list[str] = []
        for iset in image_sets(place):
            hits = await self._root.find_images_by_wwt_url(iset.url)
            if not hits:
                raise ImageNotFoundError(iset.url)
            image_ids.append(hits[0].id)
        return await self.add_scene(scene_request(place, image_ids, publish))


class AsyncImageHelpers:
    """The image's WTML document (one image set), as a URL, a ``Folder`` or an ``ImageSet``."""

    if TYPE_CHECKING:
        _root: AsyncConstellationsApi
        _bound: dict[str, Any]

        async def imageset_wtml(self) -> str: ...

    def imageset_wtml_url(self) -> str:
        """The URL of the image's WTML document (no request is sent)."""
        return _document_url(self._root.base_url, "image", self._bound["id"], "img.wtml")

    async def imageset_folder(self) -> Folder:
        """The image's WTML document as a ``wwt_data_formats`` ``Folder``."""
        return folder_from_wtml(await self.imageset_wtml())

    async def imageset_object(self) -> ImageSet:
        """The image set of the image's WTML document."""
        return first_imageset(
            await self.imageset_folder(), f"the WTML document of image {self._bound['id']}"
        )


class AsyncSceneHelpers:
    """The scene's WTML document (one place), as a URL, a ``Folder`` or a ``Place``."""

    if TYPE_CHECKING:
        _root: AsyncConstellationsApi
        _bound: dict[str, Any]

        async def place_wtml(self) -> str: ...

    def place_wtml_url(self) -> str:
        """The URL of the scene's WTML document (no request is sent)."""
        return _document_url(self._root.base_url, "scene", self._bound["id"], "place.wtml")

    async def place_folder(self) -> Folder:
        """The scene's WTML document as a ``wwt_data_formats`` ``Folder``."""
        return folder_from_wtml(await self.place_wtml())

    async def place_object(self) -> Place:
        """The place of the scene's WTML document."""
        return first_place(
            await self.place_folder(), f"the WTML document of scene {self._bound['id']}"
        )
