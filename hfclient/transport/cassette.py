"""Cassettes: recorded exchanges as values, and their YAML form (``docs/cassette-format.md``).

A :class:`Cassette` holds :class:`Exchange`\\ s; each is a scrubbed
:class:`Request` and the :class:`Response` it got: status, reason, headers,
and the body as the :class:`Chunk`\\ s the transport yielded (decoded: no
content coding, no chunked framing), each with its time offset, then how the
body :class:`End`\\ ed (eof, reset, or a stall of some seconds).

:func:`dumps`/:func:`loads` (and :func:`dump`/:func:`load` for files) go
through one cattrs converter. A chunk is written as text when it alone is
valid UTF-8, else as base64; text that plain or literal YAML would not keep
byte for byte is written double-quoted, and :func:`dumps` loads what it wrote
to prove it. :func:`load` also reads vcrpy cassettes
(:func:`hfclient.transport.vcr.import_vcr`).

A recorded value may hold secret placeholders (``<secret:token>``, see
:func:`placeholder`): the recorder writes one where it scrubbed a value, and
on replay it stands for any value.
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

import attrs
import cattrs
import yaml
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.v import format_exception

from codec.http import ALWAYS_SECRET_HEADERS, RESPONSE_SECRET_HEADERS, first_header, masked_headers

__all__ = [
    "EOF",
    "FORMAT",
    "FRAMING_HEADERS",
    "PLACEHOLDER",
    "RESET",
    "Cassette",
    "Chunk",
    "End",
    "Exchange",
    "MatchRule",
    "Request",
    "Response",
    "dump",
    "dumps",
    "from_data",
    "load",
    "loads",
    "placeholder",
    "stall",
]

FORMAT: Final = "hfclient-cassette/1"
"""The ``format`` tag of this version of the cassette format."""

FRAMING_HEADERS: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""How a body was sent, not what it is: a cassette's body is decoded, and replay frames it."""

# <secret:NAME>: what the recorder writes for a scrubbed value (docs/cassette-format.md).
PLACEHOLDER: Final = re.compile(r"<secret:([a-z0-9][a-z0-9_.-]*)>")
# One entry of a match rule (spec/README.md, ``record.match``).
_RULE_ENTRY: Final = re.compile(r"(method|path|query|body)|(query|header|body)\.[^\s]+")
# Set-Cookie carries a session just as Cookie does.
_SHOWN_MASKED: Final = ALWAYS_SECRET_HEADERS | RESPONSE_SECRET_HEADERS

EndKind: TypeAlias = Literal["eof", "reset", "stall"]


def placeholder(name: str) -> str:
    """The placeholder the recorder writes for a scrubbed value named ``name`` (``token``)."""
    text = f"<secret:{name}>"
    if PLACEHOLDER.fullmatch(text) is None:
        raise ValueError(f"a placeholder name is lower-case letters, digits, _ . -: {name!r}")
    return text


def _offset(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} is a number of seconds >= 0, not {value!r}")


def _pairs(value: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    out = []
    for pair in value:
        name, text = pair
        out.append((str(name), str(text)))
    return tuple(out)


@attrs.frozen(slots=True, repr=False)
class Chunk:
    """One body chunk as one read returned it, ``at`` seconds after the request was sent."""

    data: bytes
    at: float = attrs.field(default=0.0, converter=float, validator=_offset)

    def __repr__(self) -> str:
        return f"Chunk(<{len(self.data)} bytes>, at={self.at!r})"


@attrs.frozen(slots=True)
class End:
    """How a body ended: ``eof`` (cleanly), ``reset`` (the connection broke) or ``stall``.

    A stall is ``seconds`` of silence after the last chunk, after which the
    recording client gave up (its read timeout); replay waits as long, then
    raises :class:`~hfclient.errors.TransportTimeout` as the recording did.
    """

    kind: EndKind = "eof"
    seconds: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("eof", "reset", "stall"):
            raise ValueError(f"a body ends in eof, reset or stall, not {self.kind!r}")
        if (self.kind == "stall") != (self.seconds is not None):
            raise ValueError("a stall, and only a stall, has seconds")
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"a stall lasts a positive number of seconds, not {self.seconds!r}")


EOF: Final = End("eof")
"""The body ended cleanly."""
RESET: Final = End("reset")
"""The connection broke after the recorded chunks."""


def stall(seconds: float) -> End:
    """The body went silent for ``seconds`` after its chunks, and the recording gave up."""
    return End("stall", float(seconds))


@attrs.frozen(slots=True, repr=False)
class Request:
    """A recorded (scrubbed) request: what a replayed request is matched against.

    ``headers`` are ordered pairs, as kept by the recording. ``body`` is
    ``None`` when none was recorded: then no body rule applies to it.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    body: bytes | None = None

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def describe(self) -> str:
        """``METHOD url``, as error messages name it."""
        return f"{self.method} {self.url}"

    def __repr__(self) -> str:
        # A cassette is scrubbed, but a Request built in memory may not be yet.
        shown = masked_headers(self.headers, _SHOWN_MASKED)
        body = "None" if self.body is None else f"<{len(self.body)} bytes>"
        return f"Request(method={self.method!r}, url={self.url!r}, headers={shown!r}, body={body})"


def _chunks(value: Iterable[Chunk]) -> tuple[Chunk, ...]:
    return tuple(value)


@attrs.frozen(slots=True, repr=False)
class Response:
    """A recorded response: its head (``at`` seconds after the request), chunks and end."""

    status: int = 200
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    chunks: tuple[Chunk, ...] = attrs.field(default=(), converter=_chunks)
    end: End = EOF
    at: float = attrs.field(default=0.0, converter=float, validator=_offset)

    @property
    def body(self) -> bytes:
        """The chunks joined."""
        return b"".join(chunk.data for chunk in self.chunks)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def __repr__(self) -> str:
        shown = masked_headers(self.headers, _SHOWN_MASKED)
        return (
            f"Response(status={self.status!r}, reason={self.reason!r}, headers={shown!r}, "
            f"chunks=<{len(self.chunks)} chunks, {len(self.body)} bytes>, end={self.end!r}, "
            f"at={self.at!r})"
        )


@attrs.frozen(slots=True)
class Exchange:
    """One recorded request and the response it got."""

    request: Request
    response: Response

    @classmethod
    def of(
        cls,
        method: str,
        url: str,
        status: int = 200,
        headers: Iterable[tuple[str, str]] = (),
        chunks: Iterable[bytes] = (),
        end: End = EOF,
        *,
        body: bytes | None = None,
        request_headers: Iterable[tuple[str, str]] = (),
    ) -> Exchange:
        """An exchange from plain values (tests): response ``headers``, ``chunks`` at offset 0."""
        return cls(
            Request(method, url, tuple(request_headers), body),
            Response(status, "", tuple(headers), tuple(Chunk(c) for c in chunks), end),
        )

    def describe(self) -> str:
        """``METHOD url`` of the request, as error messages name it."""
        return self.request.describe()


def _rule(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    entries = tuple(value)
    for entry in entries:
        if _RULE_ENTRY.fullmatch(entry) is None:
            raise ValueError(f"not a match rule entry: {entry!r}")
    return entries


def _entries(value: Iterable[str]) -> tuple[str, ...]:
    entries = _rule(value)
    assert entries is not None
    return entries


@attrs.frozen(slots=True)
class MatchRule:
    """A cassette's change to the spec's match rule (``record.match``) for its exchanges.

    ``only`` replaces the rule; else ``add`` narrows it (more must be equal)
    and ``remove`` widens it (less must be). Entries are the spec's:
    ``method``, ``path``, ``query``, ``body``, ``query.<name>``,
    ``header.<name>``, ``body.<path>``.
    """

    only: tuple[str, ...] | None = attrs.field(default=None, converter=_rule)
    add: tuple[str, ...] = attrs.field(default=(), converter=_entries)
    remove: tuple[str, ...] = attrs.field(default=(), converter=_entries)

    def apply(self, rule: Sequence[str]) -> tuple[str, ...]:
        """``rule`` as this override changes it."""
        base = self.only if self.only is not None else tuple(rule)
        kept = [entry for entry in base if entry not in self.remove]
        return tuple(kept + [entry for entry in self.add if entry not in kept])


def _exchanges(value: Iterable[Exchange]) -> tuple[Exchange, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class Cassette:
    """Recorded exchanges, with what they are of.

    ``service`` names the spec (``router``, ``huggingchat``, ``hailuo``) whose
    operations give each exchange its match rule; ``None``: any service whose
    servers the URL is on. ``fault`` says, in words, which fault a fault
    cassette holds. ``match`` changes the rule for every exchange.
    """

    exchanges: tuple[Exchange, ...] = attrs.field(default=(), converter=_exchanges)
    service: str | None = None
    fault: str | None = None
    match: MatchRule | None = None
    format: str = FORMAT


# -- YAML --------------------------------------------------------------------------


class _Quoted(str):
    """Written double-quoted: every string survives that style byte for byte (escapes)."""


class _Literal(str):
    """Written as a literal block: readable lines (SSE events, NDJSON)."""


class _Flow(list[Any]):
    """Written on one line: a ``[name, value]`` header pair."""


class _Dumper(yaml.SafeDumper):
    """The pure-Python emitter, so output is the same with or without libyaml."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML folds U+0085 (NEL) into a space or a line break outside double quotes.
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"')
)
_Dumper.add_representer(
    _Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style="|")
)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, True))

_Loader: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters a literal block keeps as they are: printable, no line break but "\n", no tab.
_LITERAL_UNSAFE: Final = re.compile(
    "[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff"
)


def _text(data: bytes) -> str | None:
    """``data`` as a string YAML will keep byte for byte, or ``None`` (write base64)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # A literal block when it reads better and nothing in it is at risk; else double quotes.
    lines = text.split("\n")
    if (
        len(lines) > 1
        and _LITERAL_UNSAFE.search(text) is None
        and not any(line.endswith(" ") for line in lines)
    ):
        return _Literal(text)
    if len(lines) > 1:
        return _Quoted(text)
    return text  # one line: PyYAML picks a style that keeps it (_represent_str)


def _dump_data(data: bytes) -> object:
    text = _text(data)
    return text if text is not None else {"base64": base64.b64encode(data).decode("ascii")}


def _load_data(value: object) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, Mapping) and set(value) == {"base64"}:
        try:
            return base64.b64decode(str(value["base64"]), validate=True)
        except binascii.Error as exc:
            raise ValueError(f"not base64: {exc}") from None
    raise ValueError("body data is a string or {base64: ...}")


def _dump_chunk(chunk: Chunk) -> dict[str, object]:
    text = _text(chunk.data)
    if text is None:
        return {"at": chunk.at, "base64": base64.b64encode(chunk.data).decode("ascii")}
    return {"at": chunk.at, "text": text}


def _load_chunk(value: object, _: object) -> Chunk:
    if not isinstance(value, Mapping):
        raise ValueError("a chunk is a mapping {at, text} or {at, base64}")
    extra = set(value) - {"at", "text", "base64"}
    if extra or ("text" in value) == ("base64" in value):
        raise ValueError("a chunk has at, and one of text and base64")
    data = {k: v for k, v in value.items() if k != "at"}
    at = value.get("at", 0.0)
    if isinstance(at, bool) or not isinstance(at, int | float):
        raise ValueError(f"a chunk's at is a number of seconds, not {at!r}")
    return Chunk(_load_data(data.get("text", data)), at)


def _dump_end(end: End) -> object:
    return {"stall": end.seconds} if end.kind == "stall" else end.kind


def _load_end(value: object, _: object) -> End:
    if value in ("eof", "reset"):
        return End("eof" if value == "eof" else "reset")
    if isinstance(value, Mapping) and set(value) == {"stall"}:
        seconds = value["stall"]
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            return stall(seconds)
    raise ValueError(f"a body ends in eof, reset or {{stall: seconds}}, not {value!r}")


def _dump_headers(headers: tuple[tuple[str, str], ...]) -> list[_Flow]:
    return [_Flow([name, value]) for name, value in headers]


def _load_headers(value: object, _: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise ValueError("headers are a list of [name, value] pairs")
    out = []
    for pair in value:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise ValueError(f"a header is a [name, value] pair of strings, not {pair!r}")
        out.append((pair[0], pair[1]))
    return tuple(out)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    headers_type = tuple[tuple[str, str], ...]
    conv.register_unstructure_hook_func(lambda t: t == headers_type, _dump_headers)
    conv.register_structure_hook_func(lambda t: t == headers_type, _load_headers)
    conv.register_unstructure_hook(bytes, _dump_data)
    conv.register_structure_hook(bytes, lambda v, _: _load_data(v))
    conv.register_unstructure_hook(Chunk, _dump_chunk)
    conv.register_structure_hook(Chunk, _load_chunk)
    conv.register_unstructure_hook(End, _dump_end)
    conv.register_structure_hook(End, _load_end)
    # A response always says its status and how it ended, even the usual 200 and eof.
    always = override(omit_if_default=False)
    conv.register_unstructure_hook(
        Response,
        make_dict_unstructure_fn(
            Response, conv, _cattrs_omit_if_default=True, status=always, end=always
        ),
    )
    conv.register_unstructure_hook(Cassette, _dump_cassette_fields(conv))
    return conv


def _dump_cassette_fields(conv: cattrs.Converter) -> Any:
    inner = make_dict_unstructure_fn(Cassette, conv, _cattrs_omit_if_default=True)

    def dump_cassette(cassette: Cassette) -> dict[str, object]:
        fields = inner(cassette)
        # format first, exchanges last: the header of the file says what the file is.
        ordered: dict[str, object] = {"format": cassette.format}
        ordered.update({k: v for k, v in fields.items() if k not in ("format", "exchanges")})
        ordered["exchanges"] = fields.get("exchanges", [])
        return ordered

    return dump_cassette


converter: Final = _make_converter()
"""The cattrs converter of the YAML form: ``unstructure`` gives what :func:`dumps` writes."""


def dumps(cassette: Cassette) -> str:
    """``cassette`` as YAML text (``docs/cassette-format.md``).

    Raises ``ValueError`` if the text would not load back equal (a bug: every
    chunk is written so that it does).
    """
    text = yaml.dump(
        converter.unstructure(cassette),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=2**31,  # no folding: a long SSE line stays one line
    )
    if loads(text) != cassette:
        raise ValueError("the cassette would not survive YAML byte for byte")
    return text


def loads(text: str | bytes) -> Cassette:
    """The cassette in YAML ``text``: ours, or a vcrpy cassette (``interactions:``)."""
    data = yaml.load(text, Loader=_Loader)
    if isinstance(data, Mapping) and "interactions" in data:
        # Imported here: the vcrpy reader builds on this module's model.
        from hfclient.transport.vcr import from_vcr_data

        return from_vcr_data(data)
    return from_data(data)


def from_data(data: object) -> Cassette:
    """The cassette in already-parsed YAML ``data`` (ours); a wrong shape raises ``ValueError``."""
    if not isinstance(data, Mapping):
        raise ValueError("not a cassette: the YAML is not a mapping")
    if data.get("format") != FORMAT:
        raise ValueError(f"not a cassette: format is {data.get('format')!r}, expected {FORMAT!r}")
    try:
        return converter.structure(data, Cassette)
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ExceptionGroup):
            why = "; ".join(cattrs.transform_error(exc, format_exception=_why))
        else:
            why = str(exc)
        raise ValueError(f"not a cassette: {why}") from None


def _why(exc: BaseException, type_: type | None) -> str:
    # Our own hooks' ValueErrors say what is wrong; cattrs' generic text does not.
    if type(exc) is ValueError:
        return str(exc)
    return format_exception(exc, type_)


def load(path: str | os.PathLike[str]) -> Cassette:
    """The cassette in the YAML file at ``path`` (ours or vcrpy's)."""
    with open(path, "rb") as file:
        return loads(file.read())


def dump(cassette: Cassette, path: str | os.PathLike[str]) -> None:
    """Write ``cassette`` to ``path`` as YAML (UTF-8)."""
    text = dumps(cassette)
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
