"""Black for the rendered Python modules: the same bytes black gives, sooner.

Four things make formatting a huge package affordable, none of which can change the output:

- **No cyclic GC while black runs.** Black builds a syntax tree of millions of objects whose
  parent links form cycles; with the collector on, every full collection walks all of them
  (on a 2 MB module, two thirds of black's time). The collector is paused for one
  ``format_str`` call and run once after it.
- **Worker processes, and pieces.** Modules are formatted in parallel in worker processes,
  forked while the generating process is still small; a huge module is cut between top-level
  classes or between the methods of a class into pieces black formats exactly as the whole
  (:func:`split_module`), which bounds black's memory and spreads the work. A result never
  depends on which worker ran it.
- **One black pass where one is enough.** Black's input-independent changes and its layout of
  the long lines the templates make (signatures, result calls, dictionary arguments) are made
  ahead, and each piece is cut into runs that black leaves alone and runs it rewraps, so that
  black's second pass (run whenever the first changed anything) is spent on the latter only
  (:mod:`.prestyle`).
- **A content-addressed cache.** A formatted module is stored under the SHA-256 of black's
  version, the mode and the unformatted text, in the user cache directory (:mod:`.cache`); the
  same text gives the same black output, so a hit is exactly what black would
  return (``check`` and repeated ``generate`` runs skip black for unchanged modules).
  ``SPECWRIGHT_CACHE=0`` bypasses it.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import ParamSpec, TypeVar

import black

from . import cache, prestyle
from .bulk import gc_paused

BLACK_MODE = black.Mode(target_versions={black.mode.TargetVersion.PY311}, line_length=100)
#: Modules shorter than this are formatted in the calling process (a round trip costs more).
INLINE_BELOW = 50_000
MAX_WORKERS = 4

P = ParamSpec("P")
T = TypeVar("T")


class FormatError(RuntimeError):
    """A rendered module black cannot parse."""


def format_module(path: str, text: str, nested: bool = False) -> str:
    """``black.format_str`` of ``text`` with :data:`BLACK_MODE`, the collector paused; black's
    cheap changes made ahead and the text cut where black's work differs (:mod:`.prestyle`).
    ``nested``: ``text`` is a piece of methods under :data:`.prestyle.NESTED` (taken off again)."""
    try:
        with gc_paused():
            pieces = prestyle.runs(text, BLACK_MODE.line_length)
            formatted = join_pieces([prestyle.unnest(black.format_str(piece, mode=BLACK_MODE), inner) for piece, inner in pieces])
            return prestyle.unnest(formatted, nested)
    except black.parsing.InvalidInput as exc:
        raise FormatError(f"rendered {path} is not valid Python: {exc}") from None
    finally:
        if len(text) >= INLINE_BELOW:  # free the big tree now (a collection costs little here)
            gc.collect()


def cache_dir() -> Path | None:
    return cache.cache_dir(f"black-{version('black')}")


def cache_key(text: str) -> str:
    return cache.key(version("black"), repr(BLACK_MODE), text)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _warm() -> None:
    """Run in each worker as it starts: black's lazily built grammar tables, before real work."""
    black.format_str("x = 1\n", mode=BLACK_MODE)


class Formatter:
    """Format modules, each as soon as it is rendered: ``submit`` returns a future of the text.

    Use as a context manager, entered early (before the big document is loaded) so that the
    workers are forked from a small process. With one CPU, everything runs in the caller.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = min(MAX_WORKERS, available_cpus()) if workers is None else workers
        self.cache = cache_dir()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Formatter:
        if self.workers > 1:
            methods = multiprocessing.get_all_start_methods()
            # fork: the workers start at once, without importing the caller's ``__main__``
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm)
            self._pool.submit(_noop).result()  # start the workers now, while this process is small
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """``fn(*args, **kwargs)`` in a worker (a module-level function, picklable arguments), or
        right here without workers."""
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        done: Future[T] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except Exception as exc:  # the caller gets it from the future, as from a worker
            done.set_exception(exc)
        return done

    def submit(self, path: str, text: str) -> Formatted:
        key = cache_key(text)
        cached = cache.read(self.cache, key)
        if cached is not None:
            return Formatted(key, [_done(cached)], None)
        futures = []
        for piece, nested in split_module(text, PIECE):
            if self._pool is None or len(piece) < INLINE_BELOW:
                futures.append(self.call(format_module, path, piece, nested))
            else:
                futures.append(self._pool.submit(format_module, path, piece, nested))
        return Formatted(key, futures, self.cache)


class Formatted:
    """black's text of one module, once its pieces are formatted."""

    def __init__(self, key: str, pieces: list[Future[str]], cache: Path | None) -> None:
        self._key = key
        self._pieces = pieces
        self._cache = cache

    def result(self) -> str:
        text = join_pieces([piece.result() for piece in self._pieces])
        if self._cache is not None:
            cache.write(self._cache, self._key, text)
            self._cache = None
        return text


def _done(value: str) -> Future[str]:
    future: Future[str] = Future()
    future.set_result(value)
    return future


#: Pieces of a big module are about this long; black's memory grows with its input (a 2 MB
#: models module needs 750 MB at once, 400 kB pieces 200 MB each).
PIECE = 400_000


def split_module(text: str, size: int = PIECE) -> list[tuple[str, bool]]:
    """``text`` cut into pieces of about ``size`` characters that black formats exactly as it
    formats them together, once their formatted texts are joined by :func:`join_pieces`; each
    with whether it starts inside a class (:func:`.prestyle.cuts`: its text then starts with a
    stand-in class header that :func:`format_module` takes off).

    A cut is made only between two top-level classes or two methods of one, with nothing but
    blank lines between them. Text with ``fmt:`` directives (whose regions could span a cut) or
    line breaks other than ``\\n`` is not cut, nor text that does not parse (black reports it
    whole).
    """
    if len(text) <= size or not prestyle.cuttable(text):
        return [(text, False)]
    tree = prestyle.parse(text)
    if tree is None:
        return [(text, False)]
    lines = text.split("\n")
    offsets = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))  # line -> character
    pieces: list[tuple[str, bool]] = []
    start, nested = 0, False  # 0-based line where the current piece starts, and whether in a class
    for cut, inner in prestyle.cuts(tree.body, lines):
        if offsets[cut] - offsets[start] >= size:
            pieces.append(prestyle.piece(lines[start:cut], nested))
            start, nested = cut, inner
    pieces.append(prestyle.piece(lines[start:], nested))
    return pieces


def join_pieces(formatted: list[str]) -> str:
    """The formatted pieces of one module (stand-in headers taken off) as one text."""
    return prestyle.join(formatted)


def _noop() -> None:
    return None


def format_modules(sources: dict[str, str], workers: int | None = None) -> dict[str, str]:
    """Every module of ``sources`` (path -> text) formatted; the same keys, black's text."""
    with Formatter(workers) as formatter:
        pending = {path: formatter.submit(path, text) for path, text in sources.items()}
        return {path: formatted.result() for path, formatted in pending.items()}
