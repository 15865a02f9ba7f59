"""A package's next version and its ``CHANGELOG.md``, from what changed in its client API.

Deterministic: the inputs are the committed package (its ``api-surface.json``, which records the
client API and the version it was written with, and its ``CHANGELOG.md``) and the fresh
generation; no clock, no git. ``generate`` applies a :class:`Release` (new version in
``apis.toml``, the package regenerated with it, the section prepended); ``check`` computes the
same one and so finds drift when a spec changed without a regeneration, and nothing otherwise.

Versions follow semver; below 1.0.0 everything moves one place down, as usual for 0.x
packages: a breaking change bumps the minor number, anything else the patch number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from .diff import Bump, Change, bump_of, diff_client_apis
from .escaping import code_span, markdown_inline

CHANGELOG = "CHANGELOG.md"
GROUPS = (("breaking", "Breaking"), ("added", "Added"), ("changed", "Changed"))


@dataclass(frozen=True)
class Release:
    """What one regeneration means for a package's version and changelog."""

    version: str  # the version to generate with
    changes: tuple[Change, ...]
    bump: Bump
    changelog: str  # the whole new CHANGELOG.md
    bumped: bool  # ``version`` was computed here (not given in apis.toml)


def next_version(version: str, bump: Bump) -> str:
    """``version`` moved by ``bump``; below 1.0.0 a major bump moves the minor number and a
    minor or patch bump the patch number. Pre-release and local parts are dropped."""
    try:
        parsed = Version(version)
    except InvalidVersion as exc:
        raise ValueError(f"version {version!r} is not a PEP 440 version: set the next one by hand") from exc
    major, minor, patch = (*parsed.release, 0, 0)[:3]
    if bump == "none":
        return version
    if major == 0:
        bump = "minor" if bump == "major" else "patch"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def plan_release(
    distribution: str,
    version: str,
    old_surface: dict[str, Any] | None,
    new_client: dict[str, Any],
    old_changelog: str | None,
    *,
    record_only: bool = False,
) -> Release:
    """The version and changelog for a package whose client API is now ``new_client``.

    ``version`` is the one in ``apis.toml``; ``old_surface`` and ``old_changelog`` are what the
    package folder holds (``None``: missing). Without a recorded client API (or one recorded
    in another format) the changelog starts (its first section is ``version``) and nothing is
    bumped. When the client API changed, a version differing from the one the package was
    written with is the user's choice and is kept; otherwise it is bumped by the verdict.
    ``record_only`` (``generate --no-bump``) records the new client API as it is: no new
    version, no section.
    """
    old_client = (old_surface or {}).get("client")
    if old_client is None or old_client.get("format") != new_client.get("format"):  # nothing to compare with
        text = old_changelog if old_changelog is not None else start_changelog(distribution, version, new_client)
        return Release(version, (), "none", text, bumped=False)
    changes = tuple(diff_client_apis(old_client, new_client))
    bump = bump_of(changes)
    written_with = (old_surface or {}).get("version")
    if old_changelog is not None:
        base = old_changelog
    else:  # started now: its first section is the version the package folder holds
        base = start_changelog(distribution, str(written_with or version) if changes else version, old_client)
    if not changes or record_only:
        return Release(version, changes, bump, base, bumped=False)
    chosen = version != written_with
    new_version = version if chosen else next_version(version, bump)
    return Release(new_version, changes, bump, prepend(base, section(new_version, changes, bump)), bumped=not chosen)


def start_changelog(distribution: str, version: str | None, client: dict[str, Any]) -> str:
    """A new ``CHANGELOG.md``, with a first section for ``version`` when given."""
    head = (
        f"# Changelog of {code_span(distribution)}\n\n"
        "Kept by specwright: when a regeneration changes the client API, `generate` adds a section\n"
        "for the next version (semver, judged from the user's side; see `python -m generator diff`).\n"
        "Earlier sections are carried over as they stand and may be edited.\n"
    )
    if version is None:
        return head
    counts = [f"{len(client.get('methods', {}))} methods", f"{len(client.get('models', {}))} models and enums"]
    if client.get("resources"):
        counts.append(f"{len(client['resources'])} resource services")
    return head + f"\n## {version}\n\nFirst recorded client API: {', '.join(counts)}.\n"


def section(version: str, changes: tuple[Change, ...] | list[Change], bump: Bump) -> str:
    """One version's section: its changes grouped as breaking, added and changed."""
    lines = [f"## {version}", "", f"Semver verdict: {bump} ({_why(bump)})."]
    for group, title in GROUPS:
        members = [c for c in changes if c.group == group]
        if members:
            lines += ["", f"### {title}", ""]
            lines += [f"- {_md(c.subject)}: {_md(c.detail)}" for c in members]
    return "\n".join(lines) + "\n"


def _why(bump: Bump) -> str:
    return {
        "major": "breaking changes",
        "minor": "compatible additions or changes",
        "patch": "documentation only",
        "none": "no change",
    }[bump]


def _md(text: str) -> str:
    """Markdown for a change's text: backquoted parts as code spans, the rest escaped."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backquotes: no code spans at all
        return markdown_inline(text.replace("`", "'"))
    return "".join(f"`{code_span(p)}`" if i % 2 else _spaced(p) for i, p in enumerate(parts))


def _spaced(text: str) -> str:
    """``markdown_inline`` keeping one space where ``text`` starts or ends with one (beside a code span)."""
    inner = markdown_inline(text)
    if not inner:
        return " " if text[:1].isspace() else ""
    return (" " if text[:1].isspace() else "") + inner + (" " if text[-1:].isspace() else "")


def prepend(changelog: str, new_section: str) -> str:
    """``new_section`` above the first version section (after the title and introduction)."""
    match = re.search(r"^## ", changelog, flags=re.MULTILINE)
    if match is None:
        return changelog.rstrip("\n") + "\n\n" + new_section
    return changelog[: match.start()] + new_section + "\n" + changelog[match.start():]


_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_VERSION = re.compile(r'^(\s*version\s*=\s*)"[^"\n]*"')


def set_version(apis_toml: str, key: str, version: str) -> str:
    """``apis.toml`` with ``version`` of ``[apis.<key>]`` replaced, everything else (comments,
    order, spacing) as it stands. A table without the key gets one after its header."""
    lines = apis_toml.splitlines(keepends=True)
    inside, header = False, None
    for i, line in enumerate(lines):
        table = _TABLE.match(line)
        if table:
            if inside:
                break
            inside = table.group(1).strip() == f"apis.{key}"
            header = i if inside else header
            continue
        if inside and _VERSION.match(line):
            lines[i] = _VERSION.sub(lambda m: f'{m.group(1)}"{version}"', line, count=1)
            return "".join(lines)
    if header is None:
        raise KeyError(f"no [apis.{key}] table in apis.toml")
    lines.insert(header + 1, f'version = "{version}"\n')
    return "".join(lines)


__all__ = ["CHANGELOG", "Release", "next_version", "plan_release", "prepend", "section", "set_version", "start_changelog"]
