"""vcrpy cassettes (``interactions:``: vcrpy, pytest-recording, huggingface_hub) as ours.

vcrpy keeps a body as one string, and possibly still compressed
(``!!binary`` bytes with ``Content-Encoding: gzip``). :func:`import_vcr`
decodes it, drops the framing and coding headers (replay frames the body
itself), and splits a stream body the way a server writes it: one chunk per
SSE event or NDJSON line. Which it is comes from the spec's stream framing
for the recorded URL's operation, else from the Content-Type.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Mapping
from typing import Final

import yaml

from hfclient.transport.cassette import (
    FRAMING_HEADERS,
    Cassette,
    Chunk,
    Exchange,
    Request,
    Response,
)
from hfclient.transport.matching import find_operations

__all__ = ["from_vcr_data", "import_vcr", "split_stream"]

# Stream media types when the spec does not know the URL (the generic names of the two framings).
_SSE_TYPES: Final = frozenset({"text/event-stream"})
_NDJSON_TYPES: Final = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/ndjson"}
)
_Loader: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def import_vcr(src: str | os.PathLike[str] | Mapping[str, object]) -> Cassette:
    """The vcrpy cassette at path ``src`` (or already parsed) as a :class:`Cassette`."""
    if isinstance(src, Mapping):
        return from_vcr_data(src)
    with open(src, "rb") as file:
        data = yaml.load(file, Loader=_Loader)
    if not isinstance(data, Mapping):
        raise ValueError("not a vcrpy cassette: the YAML is not a mapping")
    return from_vcr_data(data)


def from_vcr_data(data: Mapping[str, object]) -> Cassette:
    """The parsed vcrpy cassette ``data`` as a :class:`Cassette`."""
    interactions = data.get("interactions")
    if not isinstance(interactions, list):
        raise ValueError("not a vcrpy cassette: no interactions list")
    try:
        return Cassette(tuple(_exchange(_mapping(item)) for item in interactions))
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise ValueError(f"not a vcrpy cassette: {exc!r}") from None


def _exchange(item: Mapping[str, object]) -> Exchange:
    request, response = _mapping(item["request"]), _mapping(item["response"])
    method, uri = str(request["method"]), str(request["uri"])
    body = request.get("body")
    if isinstance(body, Mapping):  # older vcrpy: {string: ...} on requests too
        body = body.get("string")
    recorded = Request(
        method, uri, _headers(request.get("headers")), None if body is None else _bytes(body)
    )
    status = _mapping(response["status"])
    headers = _headers(response.get("headers"))
    raw = response.get("body")
    payload = _bytes(raw.get("string") if isinstance(raw, Mapping) else raw)
    coding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    payload = _decode(payload, coding)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    chunks = split_stream(payload, _framing(method, uri, content_type))
    return Exchange(
        recorded,
        Response(
            int(str(status["code"])),
            str(status.get("message") or ""),
            tuple((k, v) for k, v in headers if k.lower() not in FRAMING_HEADERS),
            tuple(Chunk(chunk) for chunk in chunks),
        ),
    )


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping, not {type(value).__name__}")
    return value


def _headers(value: object) -> tuple[tuple[str, str], ...]:
    # vcrpy writes name -> list of values; keep each value, in order.
    if not isinstance(value, Mapping):
        return ()
    out = []
    for name, values in value.items():
        for item in values if isinstance(values, list) else [values]:
            out.append((str(name), str(item)))
    return tuple(out)


def _bytes(value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _decode(body: bytes, coding: str | None) -> bytes:
    codings = [c.strip().lower() for c in (coding or "").split(",") if c.strip()]
    for name in reversed(codings):
        if name in ("gzip", "x-gzip"):
            body = zlib.decompress(body, zlib.MAX_WBITS | 16)
        elif name == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:  # raw deflate, as some servers send
                body = zlib.decompress(body, -zlib.MAX_WBITS)
        elif name != "identity":
            raise ValueError(f"cannot decode a body with Content-Encoding {name!r}")
    return body


def _framing(method: str, uri: str, content_type: str | None) -> str | None:
    media = (content_type or "").split(";")[0].strip().lower()
    operations = find_operations(method, uri)
    # Of twin operations (a streamed and a JSON answer), the one whose answer is labelled so.
    labelled = [op for op in operations if media in op.info.content_types]
    if operations:
        stream = (labelled or operations)[0].stream
        return stream.framing if stream is not None else None
    if media in _SSE_TYPES:
        return "sse"
    if media in _NDJSON_TYPES:
        return "ndjson"
    return None


def split_stream(body: bytes, framing: str | None) -> list[bytes]:
    """``body`` as a server writes it: per SSE event (``sse``), per line (``ndjson``), or whole.

    The pieces join back to ``body``; none is empty.
    """
    if not body:
        return []
    if framing not in ("sse", "ndjson"):
        return [body]
    return list(_pieces(body.splitlines(keepends=True), sse=framing == "sse"))


def _pieces(lines: Iterable[bytes], *, sse: bool) -> Iterable[bytes]:
    pending: list[bytes] = []
    for line in lines:
        pending.append(line)
        # An SSE event ends at a blank line; an NDJSON record at its line break.
        if not sse or line in (b"\n", b"\r\n", b"\r"):
            yield b"".join(pending)
            pending = []
    if pending:
        yield b"".join(pending)
