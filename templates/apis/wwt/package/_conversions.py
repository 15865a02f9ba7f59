"""WWT image sets and places (``wwt_data_formats``) to the API's requests, and WTML back.

Pure functions shared by the sync and async helpers (``helpers``/``async_helpers``), so both
raise the same :class:`ImageNotFoundError` class. ``wwt_data_formats`` (traitlets, XML) is
imported when first needed, not with the package.
"""

# wwt_data_formats ships no type information
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from wwt_api_client.constellations.data import (
    AddImageRequest,
    AddSceneRequest,
    ImageContentPermissions,
    ImageStorage,
    ImageWwt,
    SceneContent,
    SceneImageLayer,
    ScenePlace,
)

if TYPE_CHECKING:
    from wwt_data_formats.folder import Folder
    from wwt_data_formats.imageset import ImageSet
    from wwt_data_formats.place import Place

_C = TypeVar("_C")

H2R = math.pi / 12  # hours of right ascension to radians
D2R = math.pi / 180  # degrees to radians


class ImageNotFoundError(LookupError):
    """No Constellations image has the legacy URL of an image set of the place (``url``)."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unable to find Constellations record for image URL `{url}`")
        self.url = url


def image_request(
    imageset: ImageSet,
    copyright: str,
    license_spdx_id: str,
    note: str | None,
    credits: str | None,
    alt_text: str | None,
) -> AddImageRequest:
    """The request that adds ``imageset`` (a sky image set with base tile level 0)."""
    from wwt_data_formats.enums import DataSetType

    if imageset.data_set_type != DataSetType.SKY:
        raise ValueError(
            f"Constellations images must be sky image sets; this one is {imageset.data_set_type}"
        )
    if imageset.base_tile_level != 0:
        raise ValueError(
            f"Constellations images must have base tile level 0; this one has {imageset.base_tile_level}"
        )
    if credits is None:
        # the image set's credits are plain text; the API's are HTML
        credits = html.escape(imageset.credits)
    if note is None:
        note = imageset.name + (f" — {imageset.credits_url}" if imageset.credits_url else "")
    wwt = ImageWwt(
        base_degrees_per_tile=imageset.base_degrees_per_tile,
        bottoms_up=imageset.bottoms_up,
        center_x=imageset.center_x,
        center_y=imageset.center_y,
        file_type=imageset.file_type,
        offset_x=imageset.offset_x,
        offset_y=imageset.offset_y,
        projection=imageset.projection.value,
        quad_tree_map=imageset.quad_tree_map or "",
        rotation=imageset.rotation_deg,
        tile_levels=imageset.tile_levels,
        width_factor=imageset.width_factor,
        thumbnail_url=imageset.thumbnail_url,
    )
    # built here, so the license is checked and the credits sanitised before anything is sent
    permissions = ImageContentPermissions(
        copyright=copyright, license=license_spdx_id, credits=credits
    )
    return AddImageRequest(
        wwt=wwt,
        permissions=permissions,
        storage=ImageStorage(legacy_url_template=imageset.url),
        note=note,
        alt_text=alt_text,
    )


def image_sets(place: Place) -> list[ImageSet]:
    """The place's background, main and foreground image sets, those it has, in that order."""
    layers = (place.background_image_set, place.image_set, place.foreground_image_set)
    return [iset for iset in layers if iset is not None]


def scene_request(place: Place, image_ids: Sequence[str], publish: bool) -> AddSceneRequest:
    """The request that adds ``place`` as a scene over the images ``image_ids`` (one per image set)."""
    isets = image_sets(place)
    # the last image set with a description or credits URL wins (the foreground, if it has one)
    described = [iset.description for iset in isets if iset.description]
    credited = [iset.credits_url for iset in isets if iset.credits_url]
    text = place.description or (described[-1] if described else place.name)
    return AddSceneRequest(
        place=ScenePlace(
            ra_rad=place.ra_hr * H2R,
            dec_rad=place.dec_deg * D2R,
            roll_rad=place.rotation_deg * D2R,
            roi_height_deg=place.zoom_level / 6,
            roi_aspect_ratio=1.0,
        ),
        content=SceneContent(
            image_layers=[SceneImageLayer(image_id=i, opacity=1.0) for i in image_ids]
        ),
        text=text,
        published=publish,
        outgoing_url=credited[-1] if credited else None,
    )


def folder_from_wtml(text: str) -> Folder:
    """Parse a WTML document (a ``Folder``)."""
    from wwt_data_formats.folder import Folder

    return Folder.from_text(text)


def first_imageset(folder: Folder, what: str) -> ImageSet:
    """The image set a WTML folder holds first (``what`` names the document in errors)."""
    from wwt_data_formats.imageset import ImageSet

    return _first_child(folder, ImageSet, what)


def first_place(folder: Folder, what: str) -> Place:
    """The place a WTML folder holds first (``what`` names the document in errors)."""
    from wwt_data_formats.place import Place

    return _first_child(folder, Place, what)


def _first_child(folder: Folder, kind: type[_C], what: str) -> _C:
    children = list(folder.children)
    if not children or not isinstance(children[0], kind):
        found = type(children[0]).__name__ if children else "nothing"
        raise ValueError(f"{what} holds {found}, not a {kind.__name__}")
    return children[0]
