"""Incremental framers: stream bytes in, NDJSON values or server-sent events out.

Both decoders split raw bytes into lines *before* decoding UTF-8, so a
character cut between two reads is safe, and both keep a byte count from the
start of the stream so every error says where it happened. Once a decoder has
raised, it refuses further input: a half-decoded stream is never resumed.
"""

from __future__ import annotations

import json
import re
from typing import Final

import attrs

from codec._json import parse_json
from codec.errors import CodecError

__all__ = ["NDJSONDecoder", "SSEDecoder", "ServerSentEvent"]

_BOM: Final = b"\xef\xbb\xbf"
_SSE_LINE_END: Final = re.compile(rb"\r\n|\r|\n")


@attrs.frozen(slots=True)
class ServerSentEvent:
    """One dispatched event of a ``text/event-stream`` body.

    ``id`` is the last event id seen so far in the stream (it carries over
    between events, as WHATWG says); ``retry`` is the value given in this
    event's own block, else ``None``.
    """

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


# Fill the slots directly: a frozen attrs __init__ costs several times as much,
# and this runs once per event.
_set_event_data = ServerSentEvent.__dict__["data"].__set__
_set_event_event = ServerSentEvent.__dict__["event"].__set__
_set_event_id = ServerSentEvent.__dict__["id"].__set__
_set_event_retry = ServerSentEvent.__dict__["retry"].__set__


class _Poisoned:
    """Shared guard: after one error, every later call raises."""

    _error: CodecError | None = None

    def _check_usable(self) -> None:
        if self._error is not None:
            raise CodecError(
                "decoder already failed; it accepts no more input",
                offset=self._error.offset,
            )


class NDJSONDecoder(_Poisoned):
    """Newline-delimited JSON, split on byte ``\\n`` only.

    A raw U+2028 or U+0085 inside a string is not a line end (``str.splitlines``
    would break such lines: protocols/huggingchat.md §3.6). Surrounding ASCII
    whitespace is stripped and lines that are then empty are skipped, which
    absorbs HuggingChat's 4096 trailing spaces even when the next line follows
    them directly (§3.1) and tolerates ``\\r\\n``.
    """

    def __init__(self, *, max_line_bytes: int = 1 << 20) -> None:
        self._max_line_bytes = max_line_bytes
        self._tail = b""  # bytes of the line not yet ended
        self._tail_offset = 0  # stream offset of the first byte of _tail
        self._closed = False

    def feed(self, data: bytes) -> list[object]:
        """Take the next bytes of the body; return the values of the lines it completed."""
        if self._error is not None or self._closed:
            self._refuse()
        if b"\n" not in data:
            self._tail += data
            if len(self._tail) > self._max_line_bytes:
                raise self._too_long(self._tail_offset, self._tail, [])
            return []
        lines = (self._tail + data).split(b"\n")
        self._tail = lines.pop()
        out: list[object] = []
        offset = self._tail_offset
        limit = self._max_line_bytes
        parse = parse_json
        for line in lines:
            if len(line) > limit:
                raise self._too_long(offset, line, out)
            stripped = line.strip()
            if stripped:
                try:
                    out.append(parse(stripped.decode("utf-8")))
                except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
                    raise self._bad_line(line, offset, out, at_end=False) from None
            offset += len(line) + 1
        self._tail_offset = offset
        if len(self._tail) > limit:
            raise self._too_long(offset, self._tail, out)
        return out

    def close(self) -> list[object]:
        """End of body: a whitespace-only tail is fine, a partial JSON tail raises."""
        if self._error is not None:
            self._refuse()
        if self._closed:
            return []
        self._closed = True
        tail, self._tail = self._tail, b""
        stripped = tail.strip()
        if not stripped:
            return []
        try:
            return [json.loads(stripped.decode("utf-8"))]
        except ValueError:
            raise self._bad_line(tail, self._tail_offset, [], at_end=True) from None

    def _refuse(self) -> None:
        if self._error is not None:
            self._check_usable()
        raise CodecError("decoder is closed", offset=self._tail_offset)

    def _too_long(self, offset: int, line: bytes, out: list[object]) -> CodecError:
        self._error = CodecError(
            f"line longer than max_line_bytes={self._max_line_bytes}",
            offset=offset,
            line=line,
            events=out,
        )
        return self._error

    def _bad_line(self, line: bytes, offset: int, out: list[object], *, at_end: bool) -> CodecError:
        # The slow path: decode again to say exactly what is wrong, and where.
        stripped = line.strip()
        start = offset + len(line) - len(line.lstrip())
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            message, error_at = "invalid UTF-8", exc.start
        else:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                message = (
                    "stream ended inside a JSON line" if at_end else f"invalid JSON: {exc.msg}"
                )
                error_at = len(text[: exc.pos].encode("utf-8"))
            else:  # pragma: no cover - the caller saw this line fail
                raise AssertionError("line decodes after all")
        self._error = CodecError(message, offset=start + error_at, line=stripped, events=out)
        return self._error


class SSEDecoder(_Poisoned):
    """WHATWG ``text/event-stream`` parsing, incrementally.

    CRLF, CR and LF all end a line, including a CR at the end of one chunk
    and an LF at the start of the next. One leading BOM is dropped. An event
    is dispatched at a blank line when at least one ``data`` field was seen.

    One deliberate difference from WHATWG at end of stream: :meth:`close`
    dispatches a pending event whose lines are complete (nothing is lost), and
    raises :class:`CodecError` when the body ends inside a line.
    """

    def __init__(self, *, max_line_bytes: int = 1 << 20, max_event_bytes: int = 8 << 20) -> None:
        self._max_line_bytes = max_line_bytes
        self._max_event_bytes = max_event_bytes
        self._tail = b""
        self._tail_offset = 0
        self._at_start = True  # a BOM may still be pending
        self._after_cr = False  # the previous chunk ended in CR: skip one leading LF
        self._closed = False
        # Fields of the event being assembled.
        self._event_type = ""
        self._data: list[str] = []
        self._data_bytes = 0
        self._retry: int | None = None
        self._last_id: str | None = None

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        """Take the next bytes of the body; return the events they completed."""
        self._check_usable()
        if self._closed:
            raise CodecError("decoder is closed", offset=self._tail_offset)
        out: list[ServerSentEvent] = []
        if self._after_cr and data:
            self._after_cr = False
            if data[:1] == b"\n":
                data = data[1:]
                self._tail_offset += 1
        if self._at_start:
            data = self._drop_bom(data)
            if self._at_start:  # still cannot tell whether a BOM starts the stream
                return out
        if not data:
            return out
        buffer = self._tail + data
        offset = self._tail_offset
        try:
            if b"\r" not in buffer:
                lines = buffer.split(b"\n")
                self._tail = lines.pop()
                for line in lines:
                    self._process_line(line, offset, out)
                    offset += len(line) + 1
            else:
                pos = 0
                for match in _SSE_LINE_END.finditer(buffer):
                    end = match.start()
                    if match.group() == b"\r" and end == len(buffer) - 1:
                        self._after_cr = True  # an LF may follow in the next chunk
                    self._process_line(buffer[pos:end], offset + pos, out)
                    pos = match.end()
                self._tail = buffer[pos:]
                offset += pos
        finally:
            self._tail_offset = offset
        if len(self._tail) > self._max_line_bytes:
            raise self._fail(
                f"line longer than max_line_bytes={self._max_line_bytes}",
                self._tail_offset,
                self._tail,
                out,
            )
        return out

    def close(self) -> list[ServerSentEvent]:
        """End of body: dispatch a complete pending event; raise if a line was cut off."""
        self._check_usable()
        if self._closed:
            return []
        self._closed = True
        out: list[ServerSentEvent] = []
        if self._tail:
            raise self._fail("stream ended inside a line", self._tail_offset, self._tail, out)
        self._dispatch(out)
        return out

    def _drop_bom(self, data: bytes) -> bytes:
        pending = self._tail + data
        if len(pending) < len(_BOM) and _BOM.startswith(pending):
            self._tail = pending
            return b""
        self._at_start = False
        self._tail = b""
        if pending.startswith(_BOM):
            self._tail_offset += len(_BOM)
            return pending[len(_BOM) :]
        return pending

    def _process_line(self, line: bytes, offset: int, out: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(out)
            return
        if len(line) > self._max_line_bytes:
            raise self._fail(
                f"line longer than max_line_bytes={self._max_line_bytes}", offset, line, out
            )
        if line[0] == 0x3A:  # ":" starts a comment
            return
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self._fail("invalid UTF-8", offset + exc.start, line, out) from None
        name, colon, value = text.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data_bytes += len(line)
            if self._data_bytes > self._max_event_bytes:
                raise self._fail(
                    f"event longer than max_event_bytes={self._max_event_bytes}",
                    offset,
                    line,
                    out,
                )
            self._data.append(value)
        elif name == "event":
            self._event_type = value
        elif name == "id":
            if "\x00" not in value:  # WHATWG: an id with NUL is ignored
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        # Any other field name is ignored, as WHATWG says.

    def _dispatch(self, out: list[ServerSentEvent]) -> None:
        if self._data:
            event = object.__new__(ServerSentEvent)
            _set_event_data(event, "\n".join(self._data))
            _set_event_event(event, self._event_type or "message")
            _set_event_id(event, self._last_id)
            _set_event_retry(event, self._retry)
            out.append(event)
        self._event_type = ""
        self._data = []
        self._data_bytes = 0
        self._retry = None

    def _fail(
        self, message: str, offset: int, line: bytes, out: list[ServerSentEvent]
    ) -> CodecError:
        self._error = CodecError(message, offset=offset, line=line, events=out)
        return self._error
