"""wraptile's bundled demo service plus one process of ours, for end-to-end tests.

``service`` is the very ``LocalService`` instance that wraptile ships as
``wraptile.services.local.testing:service`` (processes ``sleep_a_while``,
``primes_between``, ``simulate_scene``, ``return_base_model``,
``process_pipeline`` and ``218``). We register one more process, ``add``, on
its procodile ``ProcessRegistry``. Registering onto the imported instance works
(the registry is a plain dict keyed by process id, so importing this module
twice simply re-registers ``add``); no separate ``LocalService`` is needed.

Side effect: importing this module adds ``add`` to the bundled service in the
importing interpreter. The test server loads it in its own subprocess via
``EOZILLA_SERVICE="tests.servers.ogc_demo_service:service"``.

``mounted_app()`` is a ``uvicorn --factory`` target serving wraptile's app
under the path prefix in ``$WRAPTILE_TEST_BASE_PATH`` (a Starlette ``Mount``),
because uvicorn's ``--root-path`` does not move wraptile's routes.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from procodile import JobContext
from wraptile.services.local import LocalService
from wraptile.services.local.testing import service as _bundled_service

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["BASE_PATH_ENV", "SERVICE_REF", "add", "mounted_app", "service"]

#: Import reference to pass as ``EOZILLA_SERVICE``.
SERVICE_REF = "tests.servers.ogc_demo_service:service"

#: Environment variable holding the path prefix for ``mounted_app()``.
BASE_PATH_ENV = "WRAPTILE_TEST_BASE_PATH"

service: LocalService = _bundled_service


# procodile types ``process()`` as returning a bare ``Callable``, hence the ignore.
@service.process_registry.process(  # type: ignore[untyped-decorator]
    id="add",
    title="Add two numbers",
    description="Returns the sum `a + b` of two numbers.",
)
def add(a: float = 1.0, b: float = 2.0) -> float:
    """Return ``a + b`` and report progress through the procodile job context."""
    ctx = JobContext.get()
    ctx.report_progress(progress=0, message="adding")
    result = a + b
    ctx.report_progress(progress=100, message="added")
    return result


def mounted_app() -> Starlette:
    """Return wraptile's app mounted under ``$WRAPTILE_TEST_BASE_PATH`` (e.g. ``/ogc``).

    The wrapper runs wraptile's own lifespan, so the service is still loaded
    (and startup errors still stop the server) before requests are served.
    """
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from wraptile.main import app

    base_path = os.environ[BASE_PATH_ENV]

    @asynccontextmanager
    async def lifespan(_outer: Starlette) -> AsyncIterator[None]:
        async with app.router.lifespan_context(app):
            yield

    return Starlette(routes=[Mount(base_path, app=app)], lifespan=lifespan)
