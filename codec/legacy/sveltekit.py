"""SvelteKit wire formats: ``__data.json`` bodies and the HTML page's bootstrap data.

A SvelteKit app sends a route's load data in two forms (protocols/huggingchat.md
§2.1, §2.4, §4.1, §6): a ``__data.json`` body of devalue JSON, decoded with
:mod:`codec.legacy.devalue`, and, in a server-rendered page, a bootstrap script that
holds the data as JavaScript literals, read with :mod:`codec.legacy.jsliteral`. Both
give one node per route level, root layout first; promises are
:class:`~codec.legacy.devalue.Deferred` values, settled when the body or page carries
their results. Malformed input raises :class:`~codec.errors.CodecError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, TypeGuard

import attrs

from codec._json import body_text, load_json
from codec.errors import CodecError
from codec.jsvalues import UNDEFINED
from codec.legacy import devalue
from codec.legacy.devalue import Deferred
from codec.legacy.jsliteral import Decoder, LiteralReader

__all__ = [
    "KitHydration",
    "SvelteKitData",
    "UnreadLine",
    "decode_sveltekit_data",
    "read_kit_hydration",
]


# --- SvelteKit data bodies (`__data.json`, until 2025-06-05) -----------------------------------


@attrs.frozen(slots=True)
class SvelteKitData:
    """A decoded SvelteKit ``__data.json`` body (protocols/huggingchat.md §4.1).

    ``nodes`` has one entry per route node, root layout first. A data node is
    ``{"type": "data", "data": <decoded value>, "uses": {...}}``; ``skip``
    and ``error`` nodes and ``None`` are as sent. Promises are
    :class:`~codec.legacy.devalue.Deferred` values, settled by the body's ``chunk``
    lines and listed by id in ``deferreds``. A redirect body has no nodes
    and gives its target in ``redirect``. A later line that settles nothing
    (not JSON, not a chunk, a chunk for a promise no node holds or already
    settled, a chunk whose data does not decode) is kept in ``unread`` with
    the reason, so one stray line does not cost the data the reader needs.
    """

    nodes: list[object]
    deferreds: dict[int, Deferred] = attrs.field(factory=dict)
    redirect: str | None = None
    unread: list[UnreadLine] = attrs.field(factory=list)


@attrs.frozen(slots=True)
class UnreadLine:
    """A later line of a ``__data.json`` body that settled no promise, and why."""

    offset: int
    text: str
    reason: str


def decode_sveltekit_data(body: bytes) -> SvelteKitData:
    """Decode a ``__data.json`` body, in either of its forms (§2.4).

    ``x-sveltekit-invalidated=01`` gives one JSON document; ``=11`` gives
    ``text/sveltekit-data``: the nodes on the first line, then one ``chunk``
    line per promise of the data (``{"type":"chunk","id":n,"data"|"error":...}``).
    Both are read here, line by line; each node's ``data`` is decoded with
    :func:`codec.legacy.devalue.unflatten`.
    """
    text = body_text(body, "SvelteKit data")
    lines: list[tuple[int, str]] = []
    offset = 0
    for raw_line in text.split("\n"):
        if raw_line.strip():
            lines.append((offset, raw_line))
        offset += len(raw_line.encode("utf-8")) + 1
    if not lines:
        raise CodecError("empty SvelteKit data body")
    first_offset, first_line = lines[0]
    first = load_json(first_line, "SvelteKit data line", base=first_offset)
    if not isinstance(first, dict):
        raise CodecError("SvelteKit data must start with an object", offset=first_offset)
    if first.get("type") == "redirect":
        location = first.get("location")
        if not isinstance(location, str):
            raise CodecError("SvelteKit redirect without a location", offset=first_offset)
        return SvelteKitData(nodes=[], redirect=location)
    raw_nodes = first.get("nodes")
    if first.get("type") != "data" or not isinstance(raw_nodes, list):
        raise CodecError('SvelteKit data must start with {"type":"data","nodes":[...]}')
    deferreds: dict[int, Deferred] = {}
    nodes = [
        _decode_node(node, position, deferreds, first_offset)
        for position, node in enumerate(raw_nodes)
    ]
    unread: list[UnreadLine] = []
    for line_offset, line in lines[1:]:
        try:
            chunk = load_json(line, "SvelteKit data line", base=line_offset)
            _settle_chunk(chunk, deferreds, line_offset)
        except CodecError as exc:
            unread.append(UnreadLine(offset=line_offset, text=line, reason=exc.message))
    return SvelteKitData(nodes=nodes, deferreds=deferreds, unread=unread)


def _decode_node(
    node: object, position: int, deferreds: dict[int, Deferred], offset: int
) -> object:
    if node is None:
        return None  # the route has no server load at this level
    if not isinstance(node, dict) or node.get("type") not in ("data", "skip", "error"):
        raise CodecError(
            f"SvelteKit node {position} is not a data, skip or error node", offset=offset
        )
    if node["type"] != "data":
        return node
    if "data" not in node:
        raise CodecError(f"SvelteKit data node {position} has no data", offset=offset)
    try:
        data = devalue.unflatten(node["data"], deferreds=deferreds)
    except CodecError as exc:
        raise CodecError(f"SvelteKit node {position}: {exc.message}", offset=offset) from None
    return {**node, "data": data}


def _settle_chunk(chunk: object, deferreds: dict[int, Deferred], offset: int) -> None:
    if not isinstance(chunk, dict) or chunk.get("type") != "chunk":
        raise CodecError('a later SvelteKit data line must be a "chunk"', offset=offset)
    promise_id = chunk.get("id")
    deferred = deferreds.get(promise_id) if isinstance(promise_id, int) else None
    if deferred is None:
        raise CodecError(f"SvelteKit chunk for unknown promise {promise_id!r}", offset=offset)
    if deferred.settled:
        raise CodecError(f"SvelteKit chunk {promise_id} settles a promise again", offset=offset)
    key = "error" if "error" in chunk else "data"
    if key not in chunk:
        raise CodecError(f"SvelteKit chunk {promise_id} has neither data nor error", offset=offset)
    try:
        # A chunk is devalue data of its own, which may hold further promises.
        value = devalue.unflatten(chunk[key], deferreds=deferreds)
        if key == "error":
            deferred.reject(value)
        else:
            deferred.resolve(value)
    except CodecError as exc:
        raise CodecError(f"SvelteKit chunk {promise_id}: {exc.message}", offset=offset) from None


# --- SvelteKit page bootstrap ------------------------------------------------------------------


@attrs.frozen(slots=True)
class KitHydration:
    """What a server-rendered SvelteKit page hands to ``kit.start(app, element, {...})``.

    ``data`` has one entry per node of ``node_ids`` (root layout first): a
    dict ``{"type": "data", "data": ..., "uses": ...}`` or None. Promises in
    it are :class:`~codec.legacy.devalue.Deferred` values, settled from the page's
    ``__sveltekit_x.resolve(...)`` scripts when the page carries them;
    ``deferreds`` holds them all by id.
    """

    node_ids: list[int]
    data: list[object]
    form: object = None
    error: object = None
    status: int | None = None
    deferreds: dict[int, Deferred] = attrs.field(factory=dict)


_HYDRATE_KEYS: Final = frozenset({"node_ids", "data", "form", "error", "status"})
_START_CALL: Final = re.compile(r"\.start\(\s*((?:[\w$]+(?:\.[\w$]+)*\s*,\s*)+)\{")
# The page's `__sveltekit_<hash>` global: the name as far as JavaScript reads it.
_RESOLVE_CALL: Final = re.compile(r"__sveltekit_[\w$]*\.resolve\(")
# Later kits: `resolve(1, () => [data])`, or `(app) => ...` when the data holds `app.decode`.
_RESOLVE_ARROW: Final = re.compile(r"\s*(\d+)\s*,\s*\(\s*(?:app)?\s*\)\s*=>")
_ENTRY_KEY: Final = re.compile(r"\s*([\w$]+)\s*(:?)")
_CONST_DATA: Final = "const data = "


def read_kit_hydration(html: str, *, decoders: Mapping[str, Decoder] | None = None) -> KitHydration:
    """Find and read the hydration object of a SvelteKit 2 page's inline bootstrap script.

    The bootstrap calls ``kit.start(app, element, {node_ids, data, form,
    error, ...})`` (``app.start(element, {...})`` in single-bundle builds),
    after defining ``__sveltekit_<hash>``; streamed promises are resolved by
    later ``__sveltekit_<hash>.resolve(...)`` scripts (sveltejs/kit
    ``runtime/server/page/render.js``, ``data_serializer.js``). Only the
    entries we report are read, as devalue ``uneval`` output
    (:mod:`codec.legacy.jsliteral`); the others (``params``, ``route``,
    ``server_route``: client imports) are skipped unread. Raises
    :class:`CodecError` when the page has no such call or its data is not
    what uneval writes.
    """
    first_error: CodecError | None = None
    for call in _START_CALL.finditer(html):
        reader = LiteralReader(html, deferreds={}, decoders=decoders)
        try:
            value = _hydrate_object(reader, call.end() - 1)
        except CodecError as exc:
            first_error = first_error or exc
            continue
        if value is not None:
            for resolve in _RESOLVE_CALL.finditer(html):
                _settle(reader, resolve.end())
            return _hydration(reader, value, call.end() - 1)
    if first_error is not None:
        raise CodecError(
            f"no SvelteKit bootstrap (kit.start) this reader understands: {first_error.message}",
            offset=first_error.offset,
            line=first_error.line,
        )
    raise CodecError("no SvelteKit bootstrap (kit.start(...)) in the page")


def _hydrate_object(reader: LiteralReader, brace: int) -> dict[str, object] | None:
    """The entries of the object literal at ``brace`` we report; None if it is not kit's."""
    html, pos, value = reader.text, brace + 1, {}
    while True:
        entry = _ENTRY_KEY.match(html, pos)
        if entry is None:
            break
        key, colon = entry.groups()
        pos = entry.end()
        if key in _HYDRATE_KEYS and colon:
            value[key], pos = reader.read(pos)
        elif key == "data":
            # `data` shorthand: some kits declare `const data = [...]` before the call.
            declared = html.rfind(_CONST_DATA, 0, brace)
            if declared < 0:
                raise reader.error(pos, "the hydration data is not declared")
            value[key] = reader.read(declared + len(_CONST_DATA))[0]
        elif colon:
            pos = _skip_code(reader, pos)
        else:
            return None
        pos = reader.skip_space(pos)
        if not html.startswith(",", pos):
            break
        pos += 1
    reader.expect(pos, "}")
    return value if {"node_ids", "data"} <= set(value) else None


def _skip_code(reader: LiteralReader, pos: int) -> int:
    """The end of the JavaScript expression at ``pos``: the next ``,`` or ``}`` outside brackets.

    For entries we do not read, which may hold any code: strings (with their
    escapes) are skipped whole, brackets counted; nothing is evaluated.
    """
    html, depth, start = reader.text, 0, pos
    while pos < len(html):
        char = html[pos]
        if char in "\"'`":
            close = re.compile(rf"{char}|\\.", re.DOTALL)
            pos += 1
            while (match := close.search(html, pos)) is not None and match.group() != char:
                pos = match.end()
            if match is None:
                break
            pos = match.end()
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return pos
            depth -= 1
        elif char == "," and depth == 0:
            return pos
        pos += 1
    raise reader.error(start, "unterminated hydration entry")


def _settle(reader: LiteralReader, pos: int) -> None:
    """Read one ``__sveltekit_x.resolve(...)`` call whose arguments start at ``pos``."""
    arrow = _RESOLVE_ARROW.match(reader.text, pos)
    if arrow is None:
        # Kit ≤ 2.2x: `resolve({id, data, error})`, one uneval object.
        payload, end = reader.read(pos)
        if not isinstance(payload, dict):
            raise reader.error(pos, "a resolve call needs {id, data, error}")
        promise_id = payload.get("id")
        data, error = payload.get("data", UNDEFINED), payload.get("error", UNDEFINED)
        rejected = error not in (UNDEFINED, None, False, 0, "")
    else:
        promise_id = int(arrow.group(1))
        result, end = reader.read(arrow.end())
        if not isinstance(result, list) or len(result) not in (1, 2):
            raise reader.error(arrow.end(), "a resolve callback must return [data] or [, error]")
        rejected = len(result) == 2
        data, error = result[0], result[-1]
    reader.expect(end, ")")
    deferred = reader.deferreds.get(promise_id) if _is_int(promise_id) else None
    if deferred is None:
        raise reader.error(pos, f"no deferred value has id {promise_id!r}")
    try:
        if rejected:
            deferred.reject(error)
        else:
            deferred.resolve(data)
    except CodecError as exc:
        raise reader.error(pos, exc.message) from None


def _hydration(reader: LiteralReader, value: dict[str, object], pos: int) -> KitHydration:
    node_ids = value.get("node_ids")
    data = value.get("data")
    if not (isinstance(node_ids, list) and all(_is_int(i) for i in node_ids)):
        raise reader.error(pos, "node_ids must be a list of integers")
    if not (isinstance(data, list) and all(d is None or isinstance(d, dict) for d in data)):
        raise reader.error(pos, "data must be a list of nodes")
    status = value.get("status")
    return KitHydration(
        node_ids=node_ids,
        data=data,
        form=value.get("form"),
        error=value.get("error"),
        status=status if _is_int(status) else None,
        deferreds=reader.deferreds,
    )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
