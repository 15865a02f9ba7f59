"""The client-side checks of image permissions: an SPDX license, credits in restricted HTML.

``CheckedPermissions`` is the base of the generated ``data.ImageContentPermissions``. As in
0.7, building one yourself validates ``license`` and sanitises ``credits``; unlike 0.7, data
from the server is taken as it is (validation never runs the check). license-expression and
html-sanitizer are imported when first needed, not with the package.
"""

# license-expression and html-sanitizer ship no type information
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from wwt_api_client.constellations._model_base import DataModel

if TYPE_CHECKING:
    from html_sanitizer import Sanitizer
    from license_expression import Licensing

_T = TypeVar("_T")

#: License keys the service accepts beyond the SPDX list (scancode's index).
EXTRA_LICENSE_KEYS = ("LicenseRef-None", "LicenseRef-WWT")
#: The only tags credits may hold (``b``/``i`` become ``strong``/``em``).
CREDITS_TAGS = frozenset({"b", "strong", "i", "em", "a", "br"})


def _built_once(factory: Callable[[], _T]) -> Callable[[], _T]:
    """``factory()`` on the first call only, under a lock; its result on every call."""
    lock = threading.Lock()
    made: list[_T] = []

    @functools.wraps(factory)
    def get() -> _T:
        if not made:
            with lock:
                if not made:
                    made.append(factory())
        return made[0]

    return get


@_built_once
def licensing() -> Licensing:
    """The SPDX licensing of license-expression's vendored index, plus :data:`EXTRA_LICENSE_KEYS`.

    Built on first use: reading the index takes a while, so importing the package never does.
    """
    from license_expression import build_spdx_licensing, get_license_index

    extra = [{"spdx_license_key": key} for key in EXTRA_LICENSE_KEYS]
    return build_spdx_licensing([*get_license_index(), *extra])


@_built_once
def _sanitizer() -> Sanitizer:
    from html_sanitizer import Sanitizer

    # the library's defaults except the tags, and no tag is kept empty or kept apart
    return Sanitizer({"tags": set(CREDITS_TAGS), "empty": set(), "separate": set()})


def check_license(expression: str) -> None:
    """Raise ``license_expression.ExpressionError`` unless ``expression`` is a valid license expression."""
    from license_expression import ExpressionError

    known = licensing()
    errors: list[str]
    try:
        # parsed first: validate() itself fails (AttributeError) on some syntax errors, e.g. "MIT OR"
        parsed = known.parse(expression, strict=True)
    except ExpressionError as exc:
        errors = [str(exc)]
    else:
        errors = [str(error) for error in known.validate(expression, strict=True).errors]
        if (
            parsed is None
        ):  # an empty expression parses (to None) and validates, but names no license
            errors = ["empty license expression"]
    if errors:
        raise ExpressionError("Invalid SPDX license:\n" + "\n".join(errors))


def sanitize_credits(html: str) -> str:
    """``html`` reduced to the tags credits may hold (scripts go with their content, attributes like ``onclick`` go)."""
    cleaned: str = _sanitizer().sanitize(html)
    return cleaned


class CheckedPermissions(DataModel):
    """Base of ``ImageContentPermissions``: the license is checked and credits sanitised when you build one."""

    if TYPE_CHECKING:
        # fields of the generated subclass (declared here for the type checker only)
        license: str
        credits: str | None

    def _built_by_user(self) -> None:
        super()._built_by_user()
        check_license(self.license)
        if self.credits is not None:
            self.credits = sanitize_credits(self.credits)
