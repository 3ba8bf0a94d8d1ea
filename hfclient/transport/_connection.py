"""One HTTP/1.1 connection: a byte stream driven by an h11 client state machine.

h11 writes the requests and parses each response's head; the body is framed
by :mod:`._body` (h11's cost per chunk was most of a stream's). This loop
only moves bytes between them and the stream, under a timeout, with backend
errors translated on the way out.
"""

from __future__ import annotations

import select
from collections.abc import Sequence

import anyio
import h11
from anyio.abc import ByteStream, SocketAttribute

from hfclient.errors import LocalProtocolError

from ._body import BodyFramer, FramingError, body_framer
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
    """Sends one request at a time and reads its response; reusable when it ended cleanly.

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
        self._method = b""
        self._eof = False
        # The current response's body: its framer, and the bytes read with the head.
        self._body: BodyFramer | None = None
        self._early = b""
        # An error found after data that went up first: what the next read_body raises.
        self._pending: Exception | None = None
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
        self._method = method.encode("ascii", "replace")
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
                # h11 stops here: the bytes it read past the head are the body's first.
                self._body = body_framer(self._method, event)
                self._early = bytes(self._h11.trailing_data[0])
                return event
            if not isinstance(event, h11.InformationalResponse):
                with translated(self._read_phase, self.peer, self.url):
                    raise h11.RemoteProtocolError(f"unexpected {type(event).__name__}")

    async def read_body(self, timeout: float | None) -> bytes | None:
        """The body bytes that arrived, or ``None`` at the end of the body.

        All the payload framed from one read goes up as one piece: a read of
        many small chunks (a fast server, a slow reader) costs the layers
        above one step, not one per chunk. A framing error found after some
        payload comes with the next call, after that payload.
        """
        body = self._body
        assert body is not None, "read_body before read_response"
        with translated(self._read_phase, self.peer, self.url):
            if self._pending is not None:
                pending, self._pending = self._pending, None
                raise pending
            while not body.done:
                if self._early:
                    data, self._early = self._early, b""
                else:
                    data = await self._receive(timeout)
                    self.received_any = self.received_any or bool(data)
                if not data:
                    self._eof = True
                    try:
                        body.eof()
                    except FramingError as exc:
                        # Not bad HTTP but a connection cut short: a read error, like a reset.
                        raise anyio.EndOfStream(
                            "the peer closed the connection before the response ended"
                        ) from exc
                    return None
                try:
                    framed = body.receive(data)
                except FramingError as exc:
                    framed, exc.framed = exc.framed, b""
                    if not framed:
                        raise
                    self._pending = exc
                if framed:
                    return framed
            return None

    def unread(self) -> bytes:
        """Bytes that arrived after a CONNECT was answered (h11 stops reading there)."""
        return bytes(self._h11.trailing_data[0])

    def start_next_cycle(self) -> bool:
        """Ready the connection for another request; ``False`` when it must be closed instead.

        Reusable only when the request went out whole, its response's body
        ended cleanly with nothing after it, and nobody asked to close: h11
        moves our side from DONE to MUST_CLOSE for ``Connection: close`` in
        the request or the response and for an HTTP/1.0 response.
        """
        body = self._body
        if (
            self._h11.our_state is not h11.DONE
            or body is None
            or not body.done
            or self._eof
            or self._pending is not None
        ):
            return False
        if body.unread or self._early:
            # Bytes past the body's end would be read as the next request's answer:
            # a server (or anyone on the path) could inject a response that way.
            return False
        # h11 never saw the body, so its cycle cannot move on: a fresh machine for the next.
        self._h11 = h11.Connection(h11.CLIENT)
        self._body = None
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
                data = await self._receive(timeout)
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

    async def _receive(self, timeout: float | None) -> bytes:
        # One read under the read timeout (TimeoutError past it); b"" at EOF. A bare cancel
        # scope, not anyio.fail_after (two generator context managers): this runs once per
        # read, and without a timeout there is no scope at all.
        try:
            if timeout is None:
                return await self.stream.receive(_READ_SIZE)
            with anyio.CancelScope(deadline=anyio.current_time() + timeout):
                return await self.stream.receive(_READ_SIZE)
        except anyio.EndOfStream:
            return b""  # the framer (or h11, in the head) decides whether that ends or breaks it
        raise TimeoutError  # only reached when the scope's own deadline cancelled the read


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
