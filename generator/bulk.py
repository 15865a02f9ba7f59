"""The cyclic GC paused for bulk work on syntax trees.

Parsing, formatting and reading a big module makes trees of millions of nodes with no cycles
among them; reference counting frees them, and the collector would only walk them again and
again along with everything else alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic collection off inside the block, back on after it if it was on before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
