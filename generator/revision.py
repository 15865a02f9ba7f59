"""Specs as they were at a git revision, read without touching the working tree.

``git archive REV -- <folder>`` of the spec's folder is unpacked into a temporary folder, so a
spec that ``$ref``s other files of its folder (or below it) is loaded whole, as it was at REV.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RevisionError(RuntimeError):
    """git could not give the files (not a repository, unknown revision)."""


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True)
    except FileNotFoundError as exc:
        raise RevisionError("git is not installed") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip()
        raise RevisionError(f"git {' '.join(args[:2])}: {message}") from exc
    return done.stdout


@contextmanager
def checkout(repo: Path, rev: str, folders: list[Path]) -> Iterator[Path]:
    """A temporary folder holding ``folders`` (inside ``repo``) as they were at ``rev``, at the
    same relative places; a folder missing at ``rev`` is simply absent."""
    top = Path(_git(repo, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    with tempfile.TemporaryDirectory(prefix="specwright-rev-") as tmp:
        out = Path(tmp)
        wanted = sorted({f.resolve().relative_to(top).as_posix() for f in folders})
        listed = _git(top, "ls-tree", "-d", "--name-only", commit, "--", *wanted).decode().splitlines()
        present = [w for w in wanted if w in listed or w == "."]
        if present:
            archive = _git(top, "archive", "--format=tar", commit, "--", *present)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(out, filter="data")
        yield out / repo.resolve().relative_to(top)


__all__ = ["RevisionError", "checkout"]
