"""Run every benchmark: ``python -m bench`` (``--only download`` runs one)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from . import download_memory, generation, paging

BENCHES: dict[str, Callable[[], None]] = {
    "paging": paging.run,
    "download": download_memory.run,
    "generation": generation.run,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks (all by default).")
    parser.add_argument("--only", action="append", choices=list(BENCHES), help="run just this benchmark (repeatable)")
    args = parser.parse_args(argv)
    for name in args.only or BENCHES:
        BENCHES[name]()


main()
