"""The codec's own small error tree (it imports nothing of ``hfclient``)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CodecError", "RemoteDataError"]

# How much of an offending line an error keeps: enough to see the problem,
# never a whole megabyte of stream.
_LINE_PREVIEW_BYTES = 200


def _shorten(line: bytes) -> bytes:
    if len(line) <= _LINE_PREVIEW_BYTES:
        return line
    half = _LINE_PREVIEW_BYTES // 2
    return line[:half] + b"..." + line[-half:]


class CodecError(Exception):
    """Input that cannot be decoded.

    ``offset`` counts bytes from the start of the stream (or body) to the
    offending byte when it is known, else to the start of the offending line.
    ``line`` holds the offending bytes, shortened. ``events`` holds what the
    failing call decoded before the error, so nothing is lost.
    """

    def __init__(
        self,
        message: str,
        *,
        offset: int | None = None,
        line: bytes = b"",
        events: Sequence[object] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.line = _shorten(line)
        self.events: list[object] = list(events)

    def __str__(self) -> str:
        if self.offset is None:
            return self.message
        return f"{self.message} (at byte {self.offset})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, offset={self.offset!r}, line={self.line!r})"
        )


class RemoteDataError(CodecError):
    """The service sent a well-formed body that reports an error of its own.

    Used where an error travels inside a 200 body rather than as an HTTP
    status, e.g. a SvelteKit ``__data.json`` error node. ``status`` is the
    status the service gave, when it gave one.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"
