"""Black for the rendered Python modules: the same bytes black gives, sooner.

Three things make formatting a huge package affordable, none of which can change the output:

- **No cyclic GC while black runs.** Black builds a syntax tree of millions of objects whose
  parent links form cycles; with the collector on, every full collection walks all of them
  (on a 2 MB module, two thirds of black's time). The collector is paused for one
  ``format_str`` call and run once after it.
- **Worker processes.** Modules are formatted in parallel, one per worker (the package's
  biggest modules -- models, sync and async client -- are of similar size). The workers are
  forked while the generating process is still small, and each result is the text black
  returned for that module, whichever worker ran it.
- **A content-addressed cache.** A formatted module is stored under the SHA-256 of black's
  version, the mode and the unformatted text, in the user cache directory next to black's own
  cache; the same text gives the same black output, so a hit is exactly what black would
  return (``check`` and repeated ``generate`` runs skip black for unchanged modules). Set
  ``SPECWRIGHT_FORMAT_CACHE=0`` to bypass it.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import ParamSpec, TypeVar

import black
import black.cache

BLACK_MODE = black.Mode(target_versions={black.mode.TargetVersion.PY311}, line_length=100)
#: Modules shorter than this are formatted in the calling process (a round trip costs more).
INLINE_BELOW = 50_000
MAX_WORKERS = 4

P = ParamSpec("P")
T = TypeVar("T")


class FormatError(RuntimeError):
    """A rendered module black cannot parse."""


def format_module(path: str, text: str) -> str:
    """``black.format_str`` of ``text`` with :data:`BLACK_MODE`, the collector paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return black.format_str(text, mode=BLACK_MODE)
    except black.parsing.InvalidInput as exc:
        raise FormatError(f"rendered {path} is not valid Python: {exc}") from None
    finally:
        if enabled:
            gc.enable()
        if len(text) >= INLINE_BELOW:  # free the big tree now (a collection costs little here)
            gc.collect()


def cache_dir() -> Path | None:
    """Where formatted modules are kept, or None when the cache is off."""
    if os.environ.get("SPECWRIGHT_FORMAT_CACHE", "1").strip().lower() in {"0", "off", "no", "false"}:
        return None
    return Path(black.cache.get_cache_dir()) / "specwright"


def cache_key(text: str) -> str:
    digest = hashlib.sha256()
    for part in (version("black"), repr(BLACK_MODE), text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _read_cached(directory: Path | None, key: str) -> str | None:
    if directory is None:
        return None
    try:
        return (directory / key[:2] / key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write_cached(directory: Path | None, key: str, formatted: str) -> None:
    """Store atomically (a temp file renamed into place); a cache that cannot be written is skipped."""
    if directory is None:
        return
    folder = directory / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(formatted)
        os.replace(tmp, folder / key)
    except OSError:
        pass


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

    def submit(self, path: str, text: str) -> Future[str]:
        key = cache_key(text)
        cached = _read_cached(self.cache, key)
        done: Future[str] = Future()
        if cached is not None:
            done.set_result(cached)
            return done
        if self._pool is None or len(text) < INLINE_BELOW:
            try:
                done.set_result(self._store(key, format_module(path, text)))
            except FormatError as exc:
                done.set_exception(exc)
            return done
        future = self._pool.submit(format_module, path, text)
        future.add_done_callback(self._storer(key))
        return future

    def _store(self, key: str, formatted: str) -> str:
        _write_cached(self.cache, key, formatted)
        return formatted

    def _storer(self, key: str) -> Callable[[Future[str]], None]:
        def store(future: Future[str]) -> None:
            if not future.cancelled() and future.exception() is None:
                self._store(key, future.result())

        return store


def _noop() -> None:
    return None


def format_modules(sources: dict[str, str], workers: int | None = None) -> dict[str, str]:
    """Every module of ``sources`` (path -> text) formatted; the same keys, black's text."""
    with Formatter(workers) as formatter:
        futures = {path: formatter.submit(path, text) for path, text in sources.items()}
        return {path: future.result() for path, future in futures.items()}
