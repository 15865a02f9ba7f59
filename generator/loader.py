"""Load a spec (YAML or JSON) and bundle relative-file ``$ref``s into one document.

External refs into ``components/<kind>/<name>`` are hoisted into the main document's
``components`` under the same name (so generated class names stay readable); any other
external ref is inlined. ``origins`` maps pointers of bundled content back to the file
and pointer they came from, so diagnostics can name the right file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .diagnostics import Diagnostic, SpecError, pointer, pointer_parts


@dataclass
class LoadedSpec:
    """A bundled spec document and where its parts came from."""

    path: Path
    display_path: str
    document: dict[str, Any]
    sha256: str
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)  # bundled ptr -> (file, ptr)
    parts: dict[str, LoadedSpec] = field(default_factory=dict)  # companion documents, by the name the spec uses
    files: dict[str, Path] = field(default_factory=dict)  # every file read (display name -> path), the spec's own included

    def locate(self, ptr: str) -> tuple[str, str]:
        """The file and pointer where bundled pointer ``ptr`` was written."""
        best = ""
        for prefix in self.origins:
            if (ptr == prefix or ptr.startswith(prefix + "/")) and len(prefix) > len(best):
                best = prefix
        if not best:
            return self.display_path, ptr
        file, origin = self.origins[best]
        return file, origin + ptr[len(best):]


def read_document(path: Path, display: str) -> Any:
    """Parse one YAML/JSON file; syntax errors become diagnostics with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError([Diagnostic(display, "", "file-readable", str(exc))]) from None
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        raise SpecError([Diagnostic(display, "", "json-syntax", f"line {exc.lineno}: {exc.msg}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError([Diagnostic(display, "", "yaml-syntax", f"{where}{problem}")]) from None


class _Loader(yaml.SafeLoader):
    """Safe YAML loader for JSON data: dates stay strings, and mapping keys are always strings
    (``200:`` is the key ``"200"``, as in JSON, not the integer 200)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str) and isinstance(key_node, yaml.ScalarNode):
                key = key_node.value  # the key as written: 200, yes, null stay "200", "yes", "null"
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, "found a key that is not a string", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


for _first, _resolvers in list(_Loader.yaml_implicit_resolvers.items()):
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, rx) for tag, rx in _resolvers if tag != "tag:yaml.org,2002:timestamp"
    ]


#: Keys of maps whose keys are names (a property may be called ``x-foo``), not fields.
NAME_MAPS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions", "schemas", "responses", "parameters",
        "examples", "requestBodies", "headers", "securitySchemes", "links", "callbacks", "pathItems",
        "paths", "webhooks", "encoding", "variables", "mapping", "content",
    }
)


def is_extension(parent: Any, key: Any) -> bool:
    """Whether ``key`` is a specification extension (``x-...``) of the object under ``parent``."""
    return isinstance(key, str) and key.startswith("x-") and parent not in NAME_MAPS


#: schema keys whose values are data (defaults, examples, enums), not schemas or prose
VALUE_KEYS = frozenset({"default", "example", "examples", "enum", "const"})
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) in document order."""
    paths = doc.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    yield path, method, op


def resolve_pointer(document: Any, ptr: str) -> Any:
    """Follow a JSON pointer (``KeyError`` if it leads nowhere)."""
    node = document
    for part in pointer_parts(ptr, uri=True):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(ptr)
    return node


def deref(document: Any, node: Any) -> Any:
    """``node`` with its chain of local ``$ref``s followed (bounded); ``None`` if one leads nowhere."""
    for _ in range(32):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")):
            return node
        try:
            node = resolve_pointer(document, node["$ref"][1:])
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return None


def schema_property(document: Any, schema: Any, key: str) -> Any:
    """Property ``key`` of an object schema as written (a ``$ref`` stays one), looking through
    ``$ref`` and ``allOf``; ``None`` if it has none."""
    schema = deref(document, schema)
    if not isinstance(schema, dict):
        return None
    found = (schema.get("properties") or {}).get(key)
    if found is not None:
        return found
    for part in schema.get("allOf") or []:
        found = schema_property(document, part, key)
        if found is not None:
            return found
    return None


def load_spec(path: str | Path, root: Path | None = None) -> LoadedSpec:
    """Read and bundle the spec at ``path``."""
    spec_path = Path(path).resolve()
    display = _display(spec_path, root)
    raw = spec_path.read_bytes() if spec_path.exists() else b""
    document = read_document(spec_path, display)
    if not isinstance(document, dict):
        raise SpecError([Diagnostic(display, "", "document-object", "the spec must be a mapping")])
    bundler = _Bundler(spec_path, display, document, root)
    bundled = bundler.bundle()
    digest = hashlib.sha256(raw)
    for extra in sorted(bundler.files):
        digest.update(extra.read_bytes())
    parts = {name: load_spec(spec_path.parent / name, root) for name in companion_documents(bundled)}
    files = {display: spec_path, **{_display(extra, root): extra for extra in sorted(bundler.files)}}
    return LoadedSpec(spec_path, display, bundled, digest.hexdigest(), bundler.origins, parts, files)


def companion_documents(document: dict[str, Any]) -> list[str]:
    """Documents a spec names beside itself: the ``document`` of each ``x-specwright-resources``
    group (an OpenAPI document with that group's real paths), relative to the spec's folder."""
    groups = (document.get("x-specwright-resources") or {}).get("groups") if isinstance(document.get("x-specwright-resources"), dict) else None
    names = {g["document"] for g in (groups or {}).values() if isinstance(g, dict) and isinstance(g.get("document"), str)}
    return sorted(names)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


class _Bundler:
    def __init__(self, path: Path, display: str, document: dict[str, Any], root: Path | None) -> None:
        self.main_path = path
        self.root = root
        self.document = copy.deepcopy(document)
        self.cache: dict[Path, Any] = {path: document}
        self.files: set[Path] = set()
        self.origins: dict[str, tuple[str, str]] = {}
        self.hoisted: dict[tuple[Path, str], str] = {}
        self.extra: dict[str, dict[str, Any]] = {}  # hoisted components, merged after the walk
        self.diagnostics: list[Diagnostic] = []
        self.display = display

    def bundle(self) -> dict[str, Any]:
        self.document = self._walk(self.document, self.main_path, [], self.document)
        components = self.document.setdefault("components", {}) if self.extra else {}
        for kind, entries in self.extra.items():
            components.setdefault(kind, {}).update(entries)
        if self.diagnostics:
            raise SpecError(self.diagnostics)
        return self.document

    def _load(self, path: Path, ref_site: str, where: list[object]) -> Any:
        if path not in self.cache:
            if not path.exists():
                self.diagnostics.append(
                    Diagnostic(self.display, pointer(where), "ref-resolvable", f"file not found: {ref_site}")
                )
                return None
            self.cache[path] = read_document(path, _display(path, self.root))
            self.files.add(path)
        return self.cache[path]

    def _walk(self, node: Any, base: Path, where: list[Any], doc: Any) -> Any:
        if isinstance(node, list):
            return [self._walk(v, base, [*where, i], doc) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return self._external(ref, node, base, where)
        if isinstance(ref, str) and base != self.main_path:
            # a local ref inside an external file points into that file
            return self._external(f"{base.name}{ref}", node, base, where)
        # extension values are free-form (docs, vendor data): their $refs are not OpenAPI's
        parent = where[-1] if where else None
        return {
            k: v if is_extension(parent, k) else self._walk(v, base, [*where, k], doc) for k, v in node.items()
        }

    def _external(self, ref: str, node: dict[str, Any], base: Path, where: list[object]) -> Any:
        file_part, _, frag = ref.partition("#")
        target_path = (base.parent / unquote(file_part)).resolve() if file_part else base
        if target_path == self.main_path:  # a ref back into the main document stays local
            return {"$ref": f"#{frag}"}
        target_doc = self._load(target_path, ref, where)
        if target_doc is None:
            return node
        try:
            target = resolve_pointer(target_doc, frag)
        except (KeyError, IndexError, ValueError):
            self.diagnostics.append(
                Diagnostic(self.display, pointer(where), "ref-resolvable", f"cannot resolve {ref}")
            )
            return node
        parts = [p for p in frag.split("/") if p]
        if len(parts) == 3 and parts[0] == "components":
            kind, name = parts[1], unquote(parts[2])
            key = (target_path, frag)
            if key not in self.hoisted:
                taken = set((self.document.get("components") or {}).get(kind) or {})
                section = self.extra.setdefault(kind, {})
                local = name
                n = 2
                while local in taken or local in section:
                    local = f"{name}{n}"
                    n += 1
                self.hoisted[key] = local
                section[local] = {}  # placeholder stops cycles
                here = ["components", kind, local]
                self.origins[pointer(here)] = (_display(target_path, self.root), frag)
                section[local] = self._walk(copy.deepcopy(target), target_path, here, target_doc)
            return {"$ref": f"#/components/{kind}/{self.hoisted[key]}"}
        self.origins[pointer(where)] = (_display(target_path, self.root), frag)
        return self._walk(copy.deepcopy(target), target_path, where, target_doc)
