"""One HTTP/1.1 connection: a byte stream driven by an h11 client state machine.

All the HTTP lives in h11; this loop only moves bytes between it and the
stream, under a timeout, with backend errors translated on the way out.
"""

from __future__ import annotations

import select
from collections.abc import Sequence

import anyio
import h11
from anyio.abc import ByteStream, SocketAttribute

from hfclient.errors import LocalProtocolError

from ._errors import Phase, translated
from ._origin import Origin, described

__all__ = ["H11Connection"]

_READ_SIZE = 64 * 1024


class Wire(bytes):
    """Bytes about to go on the wire: their ``repr`` says how many, never what."""

    def __repr__(self) -> str:
        return f"<{len(self)} request bytes>"


class Headers(list[tuple[str, str]]):
    """A request's headers as sent, credentials included: the ``repr`` names them only."""

    def __repr__(self) -> str:
        return f"<headers {', '.join(name for name, _ in self)}: values not shown>"


class H11Connection:
    """Sends one request at a time and reads its response; reusable when h11 says so.

    ``phases`` name what a failure is (write, read): a proxy handshake passes
    ``(Phase.PROXY, Phase.PROXY)`` so its failures become ``ProxyError``.
    ``url`` is the URL of the exchange in progress (as ``shown_url`` shows it),
    named by its errors; the transport sets it for each request it sends.
    """

    def __init__(
        self,
        stream: ByteStream,
        peer: Origin,
        *,
        phases: tuple[Phase, Phase] = (Phase.WRITE, Phase.READ),
        url: str | None = None,
    ) -> None:
        self.stream = stream
        self.peer = peer
        self.url = url
        #: Whether any byte of the current response arrived: a reused connection that fails
        #: before that was most likely closed by the server while idle, and is safe to retry.
        self.received_any = False
        self._h11 = h11.Connection(h11.CLIENT)
        self._eof = False
        # Framed (or failed) already, while gathering data: what the next read_body answers.
        self._pending: h11.Event | Exception | None = None
        self._write_phase, self._read_phase = phases

    async def send(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes,
        timeout: float | None,
    ) -> None:
        """Send a whole request; ``headers`` must already say how long ``body`` is."""
        self.received_any = False
        with translated(self._write_phase, self.peer, self.url):
            data = self._wire(method, target, headers, body)
            with anyio.fail_after(timeout):
                await self.stream.send(data)

    def _wire(
        self, method: str, target: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Wire:
        # The request's bytes, credentials included, kept in a value whose repr hides them:
        # error trackers that capture locals print the frames this passes through.
        request = _request(method, target, headers)
        if request is None:
            raise LocalProtocolError(
                f"the request for {described(self.peer, self.url)} is not valid HTTP/1.1 "
                "(an illegal header name or value?)"
            )
        parts = [self._h11.send(request)]
        del request  # its repr shows every header
        if body:
            parts.append(self._h11.send(h11.Data(data=body)))
        parts.append(self._h11.send(h11.EndOfMessage()))
        return Wire(b"".join(p for p in parts if p is not None))

    async def read_response(self, timeout: float | None) -> h11.Response:
        """Read up to the final status line and headers (1xx responses are skipped)."""
        while True:
            event = await self._next_event(timeout)
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                with translated(self._read_phase, self.peer, self.url):
                    raise h11.RemoteProtocolError(f"unexpected {type(event).__name__}")

    async def read_body(self, timeout: float | None) -> bytes | None:
        """The body bytes that arrived, or ``None`` at the end of the body.

        Every ``Data`` event h11 can frame from what was already received goes up
        as one piece: a read of many small chunks (a fast server, a slow reader)
        costs the layers above one step, not one per chunk.
        """
        pending, self._pending = self._pending, None
        if isinstance(pending, Exception):
            with translated(self._read_phase, self.peer, self.url):
                raise pending
        event = pending or await self._next_event(timeout)
        if isinstance(event, h11.EndOfMessage):
            return None
        if not isinstance(event, h11.Data):
            with translated(self._read_phase, self.peer, self.url):
                raise h11.RemoteProtocolError(f"unexpected {type(event).__name__}")
        pieces = [event.data]
        try:
            while isinstance(following := self._parse(), h11.Data):
                pieces.append(following.data)
            if isinstance(following, h11.Event):
                self._pending = following  # the body's end: the next call's answer
        except (h11.RemoteProtocolError, anyio.EndOfStream) as exc:
            self._pending = exc  # raised by the next call, after the data that came before it
        return bytes(pieces[0]) if len(pieces) == 1 else b"".join(pieces)

    def unread(self) -> bytes:
        """Bytes that arrived after a CONNECT was answered (h11 stops reading there)."""
        return bytes(self._h11.trailing_data[0])

    def start_next_cycle(self) -> bool:
        """Ready the connection for another request; ``False`` when it must be closed instead.

        Reusable only when both sides finished the exchange cleanly and nobody
        asked to close (``Connection: close``, an HTTP/1.0 peer, a body read to EOF).
        """
        if self._h11.our_state is not h11.DONE or self._h11.their_state is not h11.DONE:
            return False
        extra, closed = self._h11.trailing_data
        if extra or closed:
            # Bytes past the body's end would be read as the next request's answer:
            # a server (or anyone on the path) could inject a response that way.
            return False
        self._h11.start_next_cycle()
        return True

    def readable_while_idle(self) -> bool:
        """Whether the peer sent something (data or EOF) while nobody asked: then it is unusable.

        An idle keep-alive connection has nothing to say; if it is readable the
        server closed it, or wrote bytes no request asked for.
        """
        raw = self.stream.extra(SocketAttribute.raw_socket, None)
        if raw is None:
            return False
        try:
            readable, _, _ = select.select([raw], [], [], 0)
        except (OSError, ValueError):
            return True  # closed underneath us
        return bool(readable)

    async def aclose(self) -> None:
        """Close at once: no TLS close_notify exchange, nothing to wait for."""
        await anyio.aclose_forcefully(self.stream)

    async def _next_event(self, timeout: float | None) -> h11.Event:
        with translated(self._read_phase, self.peer, self.url):
            while True:
                event = self._parse()
                if isinstance(event, h11.Event):
                    return event
                if event is h11.PAUSED:
                    raise h11.RemoteProtocolError("the connection switched to another protocol")
                with anyio.fail_after(timeout):
                    data = await self._receive()
                self.received_any = self.received_any or bool(data)
                self._eof = not data
                self._h11.receive_data(data)

    def _parse(self) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        try:
            return self._h11.next_event()
        except h11.RemoteProtocolError as exc:
            if not self._eof:
                raise
            # Not bad HTTP but a connection cut short: a read error, like a reset.
            raise anyio.EndOfStream(
                "the peer closed the connection before the response ended"
            ) from exc

    async def _receive(self) -> bytes:
        try:
            return await self.stream.receive(_READ_SIZE)
        except anyio.EndOfStream:
            # b"" is how h11 learns of EOF; it decides whether that ends the body or breaks it.
            return b""


def _request(method: str, target: str, headers: Sequence[tuple[str, str]]) -> h11.Request | None:
    # h11 quotes an illegal header value in its error, and that value may be a credential:
    # the error is dropped here, so that nothing raised later can chain to it.
    try:
        return h11.Request(
            method=method.encode("ascii"),
            target=target.encode("ascii"),
            headers=[(name.encode(), value.encode()) for name, value in headers],
        )
    except h11.LocalProtocolError:
        return None
