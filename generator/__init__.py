"""specwright's generator: OpenAPI specs in, typed Python client packages out.

Stages (one module each): :mod:`loader` → :mod:`validate` → :mod:`datamodels` +
:mod:`build` (the IR in :mod:`ir`) → :mod:`render` → :mod:`pipeline` (format, write).
"""

__version__ = "0.1.0"
