"""Stream bodies to unified events: :class:`StreamDecoder` and ``decode_stream``.

For users who already have the bytes of a stream response (from their own
HTTP client, a proxy, a log) and want :mod:`hfclient.events` out of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from functools import partial
from typing import Any, Final, Literal, NamedTuple, Protocol, TypeAlias

from codec._generated import hailuo, huggingchat, router
from codec.errors import CodecError
from codec.framing import NDJSONDecoder, SSEDecoder
from codec.specinfo import StreamInfo
from codec.streams import decode_located
from hfclient.errors import DecodeError, IncompleteStreamError
from hfclient.events import Event
from hfclient.translate._base import ObjectHooks
from hfclient.translate.hailuo import HailuoTranslator
from hfclient.translate.huggingchat import HuggingChatTranslator
from hfclient.translate.router import RouterTranslator

__all__ = [
    "STREAM_NAMES",
    "Service",
    "StreamDecoder",
    "Translator",
    "adecode_stream",
    "decode_stream",
]

Service: TypeAlias = Literal["huggingchat", "router", "hailuo"]


class Translator(Protocol):
    """What the per-service translators of :mod:`hfclient.translate` have in common.

    A translator may also have ``object_hooks()``: ``{record class: hook}``,
    where a hook takes a frame's wire object (the JSON ``dict``) before it is
    decoded into that record and returns its events, or ``None`` to have it
    decoded and fed as usual. The router's reads its plain chunks that way.
    """

    @property
    def complete(self) -> bool:
        """Whether the service's end signal has come."""
        ...

    def feed(self, event: object) -> list[Event]:
        """Translate one wire event."""
        ...

    def finish(self) -> list[Event]:
        """End of body: the last events, or IncompleteStreamError."""
        ...


class _Framer(Protocol):
    def feed(self, data: bytes) -> list[Any]: ...

    def close(self) -> list[Any]: ...


class _Stream(NamedTuple):
    info: StreamInfo
    decode: Callable[[Any], object]
    locate: Callable[[Any], object]  # decode up to the record (see codec.streams.Located)
    translator: Callable[[], Translator]


# Each stream the specs describe: what it is, its decoders, its translator.
_STREAMS: Final[dict[str, _Stream]] = {
    "message_updates": _Stream(
        huggingchat.STREAMS["message_updates"],
        huggingchat.decode_message_updates,
        huggingchat.locate_message_updates,
        HuggingChatTranslator,
    ),
    "generation_updates": _Stream(
        huggingchat.STREAMS["generation_updates"],
        huggingchat.decode_generation_updates,
        huggingchat.locate_generation_updates,
        partial(HuggingChatTranslator, stream="generation_updates"),
    ),
    "chat_completion_chunks": _Stream(
        router.STREAMS["chat_completion_chunks"],
        router.decode_chat_completion_chunks,
        router.locate_chat_completion_chunks,
        RouterTranslator,
    ),
    "chat_events": _Stream(
        hailuo.STREAMS["chat_events"],
        hailuo.decode_chat_events,
        hailuo.locate_chat_events,
        HailuoTranslator,
    ),
}
STREAM_NAMES: Final = tuple(_STREAMS)
"""The streams :class:`StreamDecoder` can decode by name."""

# A service's answer stream is the one its chat operation answers with.
_ANSWER_STREAM: Final[dict[str, str | None]] = {
    "huggingchat": huggingchat.OPERATIONS["send_message"].stream,
    "router": router.OPERATIONS["chat_completions"].stream,
    "hailuo": hailuo.OPERATIONS["send_message"].stream,
}
_FRAMERS: Final[dict[str, Callable[[], _Framer]]] = {"ndjson": NDJSONDecoder, "sse": SSEDecoder}


def _parts(service: str | None, stream: str | None) -> _Stream:
    if stream is None:
        if service not in _ANSWER_STREAM:
            raise ValueError(
                f"unknown service {service!r}: use 'huggingchat', 'router' or 'hailuo'"
            )
        stream = _ANSWER_STREAM[service]
    elif service is not None:
        raise ValueError("give a service or a stream, not both")
    if stream not in _STREAMS:
        raise ValueError(f"unknown stream {stream!r}: use one of {', '.join(_STREAMS)}")
    return _STREAMS[stream]


class StreamDecoder:
    """Sans-IO: body bytes of one stream in, unified events out.

    ``service`` decodes that service's answer stream; ``stream`` instead names
    any stream the specs describe (:data:`STREAM_NAMES`), each with its own
    framing, decoder and translator. ``feed`` takes the next bytes, cut
    anywhere; ``close`` ends the body. A
    broken body raises :class:`DecodeError`, and a body that ends before the
    service's end signal raises :class:`IncompleteStreamError`; both carry in
    ``events`` what the failing call decoded before the error. After an error
    the decoder accepts nothing more.
    """

    def __init__(
        self,
        service: Service | None = None,
        *,
        stream: str | None = None,
        translator: Translator | None = None,
    ) -> None:
        parts = _parts(service, stream)
        self._framer: _Framer = _FRAMERS[parts.info.framing]()
        self._translator = translator if translator is not None else parts.translator()
        self._error: Exception | None = None
        # A translator may read some records' wire objects itself, before they are decoded
        # (``object_hooks``): those frames are only located, and decoded if it declines.
        hooks = getattr(self._translator, "object_hooks", None)
        self._hooks: ObjectHooks = hooks() if hooks is not None else {}
        self._decode = parts.locate if self._hooks else parts.decode
        self._events_of = self._hooked if self._hooks else self._translator.feed

    @property
    def complete(self) -> bool:
        """Whether the service's end signal has come."""
        return self._translator.complete

    def feed(self, data: bytes) -> list[Event]:
        """Take the next body bytes; return the events they complete."""
        if self._error is not None:
            self._refuse()
        try:
            frames = self._framer.feed(data)
        except CodecError as exc:
            raise self._fail(exc, self._translate(exc.events)) from exc
        return self._translate(frames)

    def close(self) -> list[Event]:
        """The body ended: return the last events, or raise if it ended too early."""
        if self._error is not None:
            self._refuse()
        try:
            frames = self._framer.close()
        except CodecError as exc:
            raise self._fail(exc, self._translate(exc.events)) from exc
        events = self._translate(frames)
        try:
            return events + self._translator.finish()
        except IncompleteStreamError as exc:
            self._error = exc
            exc.events = [*events, *exc.events]
            raise

    def _translate(self, frames: list[object]) -> list[Event]:
        decode, events_of = self._decode, self._events_of
        if len(frames) == 1:  # one event per read, as a token stream comes: no list to build
            try:
                wire_event = decode(frames[0])
            except CodecError as exc:
                raise self._fail(exc, []) from exc
            return events_of(wire_event)
        out: list[Event] = []
        for frame in frames:
            try:
                wire_event = decode(frame)
            except CodecError as exc:
                raise self._fail(exc, out) from exc
            out += events_of(wire_event)
        return out

    def _hooked(self, wire_event: object) -> list[Event]:
        # A located record goes to its object hook; declined, or without one, it is decoded.
        if type(wire_event) is tuple:
            record, obj, raw = wire_event
            hook = self._hooks.get(record)
            if hook is not None:
                events = hook(obj)
                if events is not None:
                    return events
            wire_event = decode_located(record, obj, raw)
        return self._translator.feed(wire_event)

    def _fail(self, error: CodecError, events: list[Event]) -> DecodeError:
        translated = DecodeError(error.message, offset=error.offset, line=error.line, events=events)
        self._error = translated
        return translated

    def _refuse(self) -> None:
        raise DecodeError(f"the stream already failed: {self._error}")


def decode_stream(service: Service, chunks: Iterable[bytes]) -> Iterator[Event]:
    """Decode the body of a stream response into unified events.

    ``service`` is ``"huggingchat"``, ``"router"`` or ``"hailuo"``; ``chunks``
    the body bytes, cut anywhere. In-band service errors are
    :class:`~hfclient.events.ServiceError` events. A body that ends before the
    service's end signal (router: a finish_reason or ``[DONE]``; HuggingChat:
    ``finalAnswer`` or an error status; Hailuo: ``close_chunk`` or the final
    message) raises :class:`~hfclient.errors.IncompleteStreamError` after
    everything decoded has been yielded.
    """
    decoder = StreamDecoder(service)
    feed = decoder.feed
    for chunk in chunks:
        try:
            events = feed(chunk)
        except (DecodeError, IncompleteStreamError) as exc:
            yield from exc.events  # type: ignore[misc]  # what the chunk decoded before failing
            raise
        yield from events
    yield from _deliver(decoder.close)


async def adecode_stream(service: Service, chunks: AsyncIterable[bytes]) -> AsyncIterator[Event]:
    """:func:`decode_stream` for an async iterable of body chunks."""
    decoder = StreamDecoder(service)
    async for chunk in chunks:
        for event in _deliver(decoder.feed, chunk):
            yield event
    for event in _deliver(decoder.close):
        yield event


def _deliver(step: Callable[..., list[Event]], *args: bytes) -> Iterator[Event]:
    # Yield what the failing step decoded before its error, then raise it.
    try:
        events = step(*args)
    except (DecodeError, IncompleteStreamError) as exc:
        yield from exc.events  # type: ignore[misc]
        raise
    yield from events
