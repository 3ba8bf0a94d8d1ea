"""superjson envelopes (``{"json": ..., "meta": ...}``) decoded into Python values.

HuggingChat's ``/chat/api/v2/*`` bodies are ``superjson.stringify`` output
(protocols/huggingchat.md §5, §12): ``json`` holds the value with every
non-JSON value replaced by a JSON stand-in (a Date by its ISO text,
``undefined`` by ``null``), ``meta.values`` says which paths to turn back and
into what, and ``meta.referentialEqualities`` which paths hold one shared
object. superjson 2.2.3 and later also write ``meta.v = 1``, which changes
how backslashes in paths are escaped (flightcontrolhq/superjson ``4054f3f``).

Types map as in :mod:`codec.jsvalues`: ``undefined`` is
:data:`~codec.jsvalues.UNDEFINED`, a ``Date`` an aware datetime, ``set`` a
set, ``map`` a dict, ``bigint`` an int, ``regexp`` a
:class:`~codec.jsvalues.JSRegExp`, ``URL`` a
:class:`~codec.jsvalues.TaggedString`. Values of registered classes, custom
types, symbols, typed arrays and Errors keep their JSON form.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Final

from codec.errors import CodecError
from codec.jsvalues import UNDEFINED, JSRegExp, TaggedString, check_new_key, date_from_iso

__all__ = ["deserialize", "parse"]

# Annotations whose value keeps its JSON form: Python has nothing to rebuild it as.
_KEPT_AS_JSON: Final = frozenset({"class", "symbol", "custom", "typed-array"})
_SIMPLE: Final = frozenset(
    {"undefined", "Error", "Date", "bigint", "number", "regexp", "URL", "set", "map"}
)
_NUMBERS: Final = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}

_Path = list[str]


def parse(text: str | bytes) -> object:
    """Decode the text of a superjson envelope (a JSON object) into a Python value."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        offset = len(exc.doc[: exc.pos].encode("utf-8", "surrogatepass"))
        raise CodecError(f"superjson body is not JSON: {exc.msg}", offset=offset) from None
    except UnicodeDecodeError as exc:
        raise CodecError(f"superjson body is not UTF-8: {exc.reason}", offset=exc.start) from None
    except RecursionError:
        raise CodecError("superjson body is nested too deeply") from None
    return _deserialize(payload, in_place=True)


def deserialize(payload: object) -> object:
    """Decode an already parsed superjson envelope; ``payload`` itself is left unchanged."""
    return _deserialize(payload, in_place=False)


def _deserialize(payload: object, *, in_place: bool) -> object:
    try:
        return _apply_meta(payload, in_place=in_place)
    except RecursionError:
        raise CodecError("superjson value is nested too deeply") from None


def _apply_meta(payload: object, *, in_place: bool) -> object:
    if not isinstance(payload, dict) or "json" not in payload:
        raise CodecError('a superjson envelope is an object with a "json" key')
    meta = payload.get("meta")
    if meta is None:
        return payload["json"]
    if not isinstance(meta, dict):
        raise CodecError("superjson meta must be an object")
    version = meta.get("v", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise CodecError(f"superjson meta.v must be an integer, not {version!r}")
    legacy_paths = version < 1
    value = payload["json"] if in_place else copy.deepcopy(payload["json"])
    annotations: list[tuple[_Path, object]] = []
    _collect(meta.get("values"), [], legacy_paths, annotations)
    for path, annotation in annotations:
        converted = _untransform(annotation, _get_deep(value, path), path)
        value = _replace(value, path, converted)
    equalities = meta.get("referentialEqualities")
    if equalities is not None:
        value = _apply_equalities(value, equalities, legacy_paths)
    return value


def _collect(tree: object, origin: _Path, legacy: bool, out: list[tuple[_Path, object]]) -> None:
    """Flatten an annotation tree into (path, annotation) pairs, children before parents.

    A tree is ``[annotation]``, ``[annotation, {path: tree}]`` or ``{path: tree}``
    (superjson ``plainer.ts``, ``MinimisedTree``); children come first so a
    parent's conversion sees them already converted, as superjson does.
    """
    if tree is None:
        return
    if isinstance(tree, dict):
        for key, subtree in tree.items():
            _collect(subtree, origin + _parse_path(key, legacy), legacy, out)
        return
    if not isinstance(tree, list) or len(tree) not in (1, 2):
        raise CodecError(f"malformed superjson annotation at {_show(origin)}: {_short(tree)}")
    if len(tree) == 2:
        children = tree[1]
        if not isinstance(children, dict):
            raise CodecError(f"malformed superjson annotation at {_show(origin)}: {_short(tree)}")
        for key, subtree in children.items():
            _collect(subtree, origin + _parse_path(key, legacy), legacy, out)
    out.append((origin, tree[0]))


def _parse_path(text: str, legacy: bool) -> _Path:
    """Split a dotted superjson path; ``\\.`` is a dot inside a key.

    Since ``meta.v`` 1, ``\\\\`` is a backslash and any other escape is an
    error; before, other backslashes stand for themselves.
    """
    segments: _Path = []
    segment: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        following = text[pos + 1 : pos + 2]
        if char == "\\" and following == ".":
            segment.append(".")
            pos += 2
            continue
        if char == "\\" and not legacy:
            if following != "\\":
                raise CodecError(f"invalid superjson path {text!r}")
            segment.append("\\")
            pos += 2
            continue
        if char == ".":
            segments.append("".join(segment))
            segment = []
        else:
            segment.append(char)
        pos += 1
    segments.append("".join(segment))
    return segments


def _untransform(annotation: object, value: object, path: _Path) -> object:
    """The Python value for one annotated JSON stand-in (superjson ``transformer.ts``)."""
    where = _show(path)
    if isinstance(annotation, list) and annotation and annotation[0] in _KEPT_AS_JSON:
        return value
    if not isinstance(annotation, str) or annotation not in _SIMPLE:
        raise CodecError(f"unknown superjson annotation {_short(annotation)} at {where}")
    if annotation == "undefined":
        return UNDEFINED
    if annotation == "Error":
        return value  # {name, message, ...}: a dict is the best Python can do
    if annotation == "Date" and isinstance(value, str):
        try:
            return date_from_iso(value)
        except CodecError as exc:
            raise CodecError(f"{exc.message} at {where}") from None
    if annotation == "bigint" and isinstance(value, str):
        digits = value.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            return int(value)
    if annotation == "number" and isinstance(value, str) and value in _NUMBERS:
        return _NUMBERS[value]
    if annotation == "regexp" and isinstance(value, str) and value.startswith("/"):
        slash = value.rindex("/")
        if slash > 0:
            return JSRegExp(value[1:slash], value[slash + 1 :])
    if annotation == "URL" and isinstance(value, str):
        return TaggedString("URL", value)
    if annotation == "set" and isinstance(value, list):
        members: set[object] = set()
        for member in value:
            check_new_key(members, member, f"Set member at {where}")
            members.add(member)
        return members
    if annotation == "map" and isinstance(value, list):
        mapping: dict[object, object] = {}
        for entry in value:
            if not isinstance(entry, list) or len(entry) != 2:
                raise CodecError(f"Map entry at {where} is not a [key, value] pair")
            check_new_key(mapping, entry[0], f"Map key at {where}")
            mapping[entry[0]] = entry[1]
        return mapping
    raise CodecError(f"superjson {annotation} at {where} has a bad value: {_short(value)}")


def _step(container: object, segment: str, path: _Path) -> tuple[object, object]:
    """The key or index ``segment`` names in ``container``, and the value there."""
    if isinstance(container, dict):
        if segment not in container:
            raise CodecError(f"superjson path {_show(path)} names a missing key")
        return segment, container[segment]
    if isinstance(container, list):
        if not (segment.isascii() and segment.isdigit()) or int(segment) >= len(container):
            raise CodecError(f"superjson path {_show(path)} names a missing index")
        return int(segment), container[int(segment)]
    raise CodecError(f"superjson path {_show(path)} runs through a {type(container).__name__}")


def _replace(root: object, path: _Path, new: object) -> object:
    """Put ``new`` at ``path`` (which must exist); return the root, which ``new`` replaces at []."""
    if not path:
        return new
    parent = _get_deep(root, path[:-1])
    key, _ = _step(parent, path[-1], path)
    if isinstance(parent, list):
        assert isinstance(key, int)  # _step gives lists int indices
        parent[key] = new
    elif isinstance(parent, dict):
        parent[key] = new
    return root


def _get_deep(root: object, path: _Path) -> object:
    value = root
    for segment in path:
        _, value = _step(value, segment, path)
    return value


def _apply_equalities(value: object, equalities: object, legacy: bool) -> object:
    """Make every path listed under a representative path hold that very object."""
    if isinstance(equalities, list) and 1 <= len(equalities) <= 2:
        # [root_paths] or [root_paths, {path: paths}]: some paths hold the root itself.
        root_paths, rest = equalities[0], equalities[1] if len(equalities) == 2 else {}
        if not isinstance(root_paths, list):
            raise CodecError("malformed superjson referentialEqualities")
        for text in root_paths:
            value = _replace(value, _parse_path(_text(text), legacy), value)
        equalities = rest
    if not isinstance(equalities, dict):
        raise CodecError("malformed superjson referentialEqualities")
    for representative, identical in equalities.items():
        shared = _get_deep(value, _parse_path(representative, legacy))
        if not isinstance(identical, list):
            raise CodecError("malformed superjson referentialEqualities")
        for text in identical:
            value = _replace(value, _parse_path(_text(text), legacy), shared)
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise CodecError(f"superjson path {value!r} is not a string")
    return value


def _show(path: _Path) -> str:
    return ".".join(path)[:100] or "the root"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
