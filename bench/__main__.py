"""Run every benchmark: ``python -m bench``."""

from . import paging

paging.run()
