"""Making many objects at once without the cyclic GC walking them again and again.

A page of a thousand validated models is a few thousand new container objects; every 700
of them start a young-generation collection, and as the results pile up the full
collections walk them (and everything else the program holds, e.g. astropy's modules) over
and over. None of that finds garbage: decoded JSON has no reference cycles.
:func:`gc_paused` turns automatic collection off for a bulk step and back on after it. It
is reentrant and shared between threads: collection resumes when the last step ends, and
only if it was on when the first one began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic garbage collection off inside the block (never across an ``await``)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
