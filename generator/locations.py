"""Line numbers for diagnostics, found only when there are diagnostics.

Loading never keeps positions (a huge spec loads faster without them). When findings are to be
shown, each file they name is parsed once more into YAML nodes (libyaml's composer when
available; JSON is YAML for this purpose), and each finding's pointer is followed through the
nodes to the line where it is written: a mapping entry's key, a list item's first line. A
pointer into content bundled from another file was already mapped to that file and its own
pointer by the loader (``LoadedSpec.locate``), so the line is the one in that file.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, pointer_parts
from .loader import LoadedSpec

_Composer: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def with_lines(spec: LoadedSpec, found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` with the ``line`` of every finding in a file ``spec`` (or a companion) read."""
    if not found:
        return found
    files = _files(spec)
    trees: dict[str, yaml.Node | None] = {}
    out = []
    for diag in found:
        path = files.get(diag.file)
        if diag.line is not None or path is None:
            out.append(diag)
            continue
        if diag.file not in trees:
            trees[diag.file] = _compose(path)
        tree = trees[diag.file]
        out.append(diag if tree is None else replace(diag, line=line_of(tree, diag.pointer)))
    return out


def _files(spec: LoadedSpec) -> dict[str, Path]:
    files = dict(spec.files)
    for part in spec.parts.values():
        files.update(_files(part))
    return files


def _compose(path: Path) -> yaml.Node | None:
    try:
        with path.open("rb") as stream:
            node: yaml.Node | None = yaml.compose(stream, Loader=_Composer)
    except (OSError, yaml.YAMLError):
        return None  # (a JSON document YAML cannot read): no lines, the pointer still says where
    return node


def line_of(tree: yaml.Node, ptr: str) -> int:
    """1-based line where ``ptr`` is written; the closest enclosing one if it is not (a missing
    key is reported where its object is)."""
    node, line = tree, tree.start_mark.line + 1
    for part in pointer_parts(ptr):
        if isinstance(node, yaml.MappingNode):
            entry = next((pair for pair in node.value if isinstance(pair[0], yaml.ScalarNode) and pair[0].value == part), None)
            if entry is None:
                break
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line
