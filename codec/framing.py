"""Incremental framers: stream bytes in, NDJSON values or server-sent events out.

Both decoders split raw bytes into lines *before* decoding UTF-8, so a
character cut between two reads is safe, and both keep a byte count from the
start of the stream so every error says where it happened. Once a decoder has
raised, it refuses further input: a half-decoded stream is never resumed.

Both are linear in the size of the input however it is cut. Each keeps the
bytes of its unfinished line in a ``bytearray``, appended to in amortised
constant time per byte, and resumes the search for a line end where the last
one stopped: a feed leaves in the buffer only the bytes after the last line
end it found, all searched already, so only the bytes just appended are
searched. When a line end turns up, the buffer is copied out once, split,
and emptied. A byte is thus searched, copied and split a fixed number of
times whether its line comes in one chunk or in thousands (before, every
chunk copied and searched the whole unfinished line again: quadratic).
"""

from __future__ import annotations

import json
from typing import Final

import attrs

from codec._json import parse_json
from codec.errors import CodecError

__all__ = ["NDJSONDecoder", "SSEDecoder", "ServerSentEvent"]

_BOM: Final = b"\xef\xbb\xbf"


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
        # The line not yet ended. It has been searched already and holds no LF,
        # so the search for the next line end resumes at its end.
        self._buf = bytearray()
        self._buf_offset = 0  # stream offset of the first byte of _buf
        self._closed = False

    def feed(self, data: bytes) -> list[object]:
        """Take the next bytes of the body; return the values of the lines it completed."""
        if self._error is not None or self._closed:
            self._refuse()
        buf = self._buf
        last = len(data) - 1
        if not buf and 0 <= last <= self._max_line_bytes and data.find(b"\n") == last:
            # One whole line and nothing held: what a stream sends per chunk, in one scan.
            stripped = data.strip()
            try:
                value = [parse_json(stripped.decode("utf-8"))] if stripped else []
            except ValueError:
                raise self._bad_line(data[:last], self._buf_offset, [], at_end=False) from None
            self._buf_offset += last + 1
            return value
        if buf:  # searched already: resume after it
            search = len(buf)
            buf += data
            end = buf.rfind(b"\n", search)
        else:  # as after most chunks: search the chunk as it is
            search = 0
            end = data.rfind(b"\n")
        if end < 0:
            if not search:
                buf += data
            if len(buf) > self._max_line_bytes:
                raise self._too_long(self._buf_offset, buf, [])
            return []
        if search:
            data = bytes(buf)  # lines split from bytes are cheaper than from a bytearray
            buf.clear()
        lines = data.split(b"\n")
        tail = lines.pop()  # the bytes after the last LF
        if tail:
            buf += tail
        out: list[object] = []
        offset = self._buf_offset
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
        self._buf_offset = offset
        if len(buf) > limit:
            raise self._too_long(offset, buf, out)
        return out

    def close(self) -> list[object]:
        """End of body: a whitespace-only tail is fine, a partial JSON tail raises."""
        if self._error is not None:
            self._refuse()
        if self._closed:
            return []
        self._closed = True
        tail = bytes(self._buf)
        self._buf.clear()
        stripped = tail.strip()
        if not stripped:
            return []
        try:
            return [json.loads(stripped.decode("utf-8"))]
        except ValueError:
            raise self._bad_line(tail, self._buf_offset, [], at_end=True) from None

    def _refuse(self) -> None:
        if self._error is not None:
            self._check_usable()
        raise CodecError("decoder is closed", offset=self._buf_offset)

    def _too_long(self, offset: int, line: bytes | bytearray, out: list[object]) -> CodecError:
        self._error = CodecError(
            f"line longer than max_line_bytes={self._max_line_bytes}",
            offset=offset,
            line=bytes(line),
            events=out,
        )
        return self._error

    def _bad_line(
        self, line: bytes | bytearray, offset: int, out: list[object], *, at_end: bool
    ) -> CodecError:
        # The slow path: decode again to say exactly what is wrong, and where.
        stripped = bytes(line.strip())
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
        # The line not yet ended. It has been searched already and holds no CR
        # or LF (only, at the very start, up to two bytes of a possible BOM).
        self._buf = bytearray()
        self._buf_offset = 0  # stream offset of the first byte of _buf
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
            raise CodecError("decoder is closed", offset=self._buf_offset)
        out: list[ServerSentEvent] = []
        if not data:
            return out
        if self._after_cr:  # then the buffer is empty: the CR ended all it held
            self._after_cr = False
            if data[:1] == b"\n":
                data = data[1:]
                self._buf_offset += 1
        buf = self._buf
        if self._at_start:
            buf += data
            if len(buf) < len(_BOM) and _BOM.startswith(buf):
                return out  # still cannot tell whether a BOM starts the stream
            self._at_start = False
            if buf.startswith(_BOM):
                del buf[: len(_BOM)]
                self._buf_offset += len(_BOM)
            data = bytes(buf)  # none of it searched yet
            buf.clear()
        if buf:  # searched already: resume after it
            search = len(buf)
            buf += data
            cr = buf.rfind(b"\r", search)
            lf = buf.rfind(b"\n", search)
        else:  # as after most chunks: search the chunk as it is
            search = 0
            cr = data.rfind(b"\r")
            lf = data.rfind(b"\n")
        end = cr if cr > lf else lf
        if end < 0:
            if not search:
                buf += data
        else:
            if search:
                data = bytes(buf)  # lines split from bytes are cheaper than from a bytearray
                buf.clear()
            offset = self._buf_offset
            try:
                if cr < 0:
                    lines = data.split(b"\n")
                    tail = lines.pop()  # the bytes after the last LF
                    if tail:
                        buf += tail
                    for line in lines:
                        self._process_line(line, offset, out)
                        offset += len(line) + 1
                else:
                    # bytes.splitlines ends lines at CRLF, CR and LF only, as WHATWG.
                    pieces = data.splitlines(keepends=True)
                    if end + 1 < len(data):
                        buf += pieces.pop()  # the bytes after the last line end
                    else:  # the last byte is a line end; if a CR, an LF may follow
                        self._after_cr = cr == end
                    for piece in pieces:
                        self._process_line(piece.rstrip(b"\r\n"), offset, out)
                        offset += len(piece)
            finally:
                self._buf_offset = offset
        if len(buf) > self._max_line_bytes:
            raise self._fail(
                f"line longer than max_line_bytes={self._max_line_bytes}",
                self._buf_offset,
                buf,
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
        if self._buf:
            raise self._fail("stream ended inside a line", self._buf_offset, self._buf, out)
        self._dispatch(out)
        return out

    def _process_line(
        self, line: bytes | bytearray, offset: int, out: list[ServerSentEvent]
    ) -> None:
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
        self, message: str, offset: int, line: bytes | bytearray, out: list[ServerSentEvent]
    ) -> CodecError:
        self._error = CodecError(message, offset=offset, line=bytes(line), events=out)
        return self._error
