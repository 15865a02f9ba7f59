"""``ImageContentPermissions``: the SPDX license check and the credits sanitiser run for your own objects only."""

from __future__ import annotations

import subprocess
import sys

import pytest
from license_expression import ExpressionError
from wwt_api_client.constellations._permissions import licensing, sanitize_credits
from wwt_api_client.constellations.data import ImageContentPermissions, ImageUpdate


def permissions(license: str = "CC-BY-4.0", credits: str | None = None) -> ImageContentPermissions:
    return ImageContentPermissions(copyright="Copyright 2020 Henrietta Swan Leavitt", license=license, credits=credits)


@pytest.mark.parametrize(
    "expression",
    ["CC-BY-4.0", "CC-PDDC", "LicenseRef-WWT", "LicenseRef-None", "CC-BY-4.0 OR MIT", "MIT AND Apache-2.0"],
)
def test_valid_licenses(expression: str) -> None:
    assert permissions(expression).license == expression


@pytest.mark.parametrize(
    "expression",
    ["not-a-license", "LicenseRef-Other", "MIT OR", "(MIT", "MIT WITH Apache-2.0", "", "  "],
)
def test_invalid_licenses_raise_expression_error(expression: str) -> None:
    with pytest.raises(ExpressionError, match=r"^Invalid SPDX license:\n"):
        permissions(expression)


def test_positional_construction_is_checked_too() -> None:
    with pytest.raises(ExpressionError):
        ImageContentPermissions("Public domain", "nonsense")


@pytest.mark.parametrize(
    ("credits", "expected"),
    [
        ("<b>NASA</b>, <i>ESA</i>", "<strong>NASA</strong>, <em>ESA</em>"),
        ("<script>alert('x')</script>Hubble", "Hubble"),
        (
            '<a href="https://hubblesite.test/" onclick="steal()">STScI</a>',
            '<a href="https://hubblesite.test/">STScI</a>',
        ),
        ("<p>Image: <span>J. Doe</span></p>", "Image: J. Doe"),
        ("NASA &amp; ESA", "NASA &amp; ESA"),
    ],
)
def test_credits_are_sanitised(credits: str, expected: str) -> None:
    assert permissions(credits=credits).credits == expected
    assert sanitize_credits(credits) == expected


def test_no_credits_stay_none() -> None:
    assert permissions().credits is None


def test_server_data_is_taken_as_it_is() -> None:
    served = {"copyright": "c", "license": "Some-Unknown-License", "credits": "<script>x()</script><b>y</b>"}
    assert ImageContentPermissions.model_validate(served).model_dump() == served
    nested = ImageUpdate.model_validate({"note": "n", "permissions": served})
    assert nested.permissions is not None and nested.permissions.credits == served["credits"]
    assert ImageContentPermissions.from_dict(served).license == "Some-Unknown-License"


def test_licensing_is_built_once() -> None:
    assert licensing() is licensing()


def test_nothing_heavy_is_imported_with_the_package() -> None:
    code = (
        "import sys, wwt_api_client.constellations\n"
        "heavy = ['license_expression', 'html_sanitizer', 'wwt_data_formats', 'lxml']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
