"""A transport that tees another into a cassette, scrubbed, as it runs.

Each ``open`` yields exactly what the inner transport yields (and raises
what it raises), and records the exchange: the scrubbed request
(:mod:`hfclient.transport.scrub`), the response's status, reason and
allowed headers, every ``BodyChunk`` as a :class:`~hfclient.transport.cassette.Chunk`
with its offset in seconds since the request was sent, and how the body
ended: ``eof``; a stall of the seconds waited since the last chunk when the
inner transport raised :class:`~hfclient.errors.TransportTimeout` after the
head; ``reset`` when it raised anything else after the head
(:class:`~hfclient.errors.ReadError`: the connection broke). When the caller
leaves early (it had what it wanted, or was cancelled), the recording keeps
what arrived, ending cleanly there, as that caller saw it. A request that
failed before its head (no connection) is not recorded: there is nothing
to replay.

:meth:`RecordingTransport.save` writes the cassette only after the scanner
(:mod:`hfclient.transport.scan`) found no secret value seen while recording
and nothing token-shaped in it.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Final

from codec.http import HttpRequest
from hfclient.errors import TransportTimeout
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted, Transport
from hfclient.timeouts import Timeout
from hfclient.transport.cassette import (
    EOF,
    RESET,
    Cassette,
    Chunk,
    End,
    Exchange,
    Response,
    dump,
    stall,
)
from hfclient.transport.scan import check
from hfclient.transport.scrub import Scrubber

__all__ = ["BeforeRecord", "RecordingTransport"]

BeforeRecord = Callable[[Exchange], Exchange | None]
"""A user hook: gets each scrubbed exchange; returns it (changed or not), or ``None`` to drop it."""

_DIGITS: Final = 6  # offsets kept to the microsecond: finer is noise
_SHORTEST_STALL: Final = 10.0**-_DIGITS


class RecordingTransport:
    """Sends through ``inner`` and records every exchange, scrubbed, into :attr:`cassette`.

    ``service`` (``router``, ``huggingchat``, ``hailuo``) names the spec that
    says which headers to keep (also for a server of one's own); it is the
    cassette's ``service``. ``secrets`` maps placeholder names to credentials
    the caller gave the client, replaced wherever they occur.
    ``before_record`` may redact more (prompts, personal data) or drop an
    exchange. ``clock`` gives monotonic seconds (tests pass their own).
    The inner transport stays the caller's: :meth:`aclose` closes it only
    with ``owns_inner=True``.
    """

    def __init__(
        self,
        inner: Transport,
        *,
        service: str | None = None,
        secrets: Mapping[str, str] = {},
        before_record: BeforeRecord | None = None,
        clock: Callable[[], float] = time.monotonic,
        owns_inner: bool = False,
        fault: str | None = None,
    ) -> None:
        self._inner = inner
        self._service = service
        self._scrubber = Scrubber(service=service, secrets=secrets)
        self._before_record = before_record
        self._clock = clock
        self._owns_inner = owns_inner
        self._fault = fault
        # One slot per request, in the order they were sent; None until its response ends.
        self._slots: list[Exchange | None] = []

    @property
    def exchanges(self) -> tuple[Exchange, ...]:
        """The exchanges recorded so far (those whose response has ended), in sending order."""
        return tuple(exchange for exchange in self._slots if exchange is not None)

    @property
    def cassette(self) -> Cassette:
        """What has been recorded, as a cassette (not yet scanned: :meth:`save` does)."""
        return Cassette(self.exchanges, service=self._service, fault=self._fault)

    def scan(self, cassette: Cassette | None = None) -> None:
        """Raise :class:`~hfclient.transport.scan.SecretLeakError` if a secret is recorded."""
        check(self.cassette if cassette is None else cassette, self._scrubber.seen)

    def save(self, path: str | os.PathLike[str]) -> Cassette:
        """Scan the cassette, then write it to ``path``; return it.

        Raises :class:`~hfclient.transport.scan.SecretLeakError` (naming the
        exchange and field, never the value) instead of writing a secret.
        """
        cassette = self.cassette
        check(cassette, self._scrubber.seen, source=path)
        dump(cassette, path)
        return cassette

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Send ``request`` through the inner transport, yielding and recording its events."""
        slot = len(self._slots)
        self._slots.append(None)
        sent = self._clock()
        recorded = self._scrubber.request(request)
        started: ResponseStarted | None = None
        head_at = 0.0
        chunks: list[Chunk] = []
        end: End | None = None
        events = (
            self._inner.open(request)
            if timeout is None
            else self._inner.open(request, timeout=timeout)
        )
        try:
            async for event in events:
                if isinstance(event, ResponseStarted):
                    started, head_at = event, self._since(sent)
                elif isinstance(event, BodyChunk):
                    chunks.append(Chunk(event.data, self._since(sent)))
                elif isinstance(event, BodyEnded):
                    end = EOF
                yield event
        except TransportTimeout:
            if started is not None:
                last = chunks[-1].at if chunks else head_at
                end = stall(max(self._since(sent) - last, _SHORTEST_STALL))
            raise
        except Exception:  # ReadError above all: the body broke off there
            if started is not None:
                end = RESET
            raise
        finally:
            # The caller may leave before the end (it had what it wanted): what arrived
            # ends cleanly there, as the caller saw it.
            if started is not None:
                response = Response(
                    started.status,
                    self._scrubber.text(started.reason),
                    self._scrubber.response_headers(
                        request.method, request.url, started.headers, status=started.status
                    ),
                    self._scrubber.chunks(chunks),
                    end or EOF,
                    head_at,
                )
                self._keep(slot, Exchange(recorded, response))
            await _close(events)

    def _keep(self, slot: int, exchange: Exchange) -> None:
        if self._before_record is not None:
            changed = self._before_record(exchange)
            if changed is None:
                return
            exchange = changed
        self._slots[slot] = exchange

    def _since(self, sent: float) -> float:
        return round(max(0.0, self._clock() - sent), _DIGITS)

    async def aclose(self) -> None:
        """Close the inner transport when this one owns it."""
        if self._owns_inner:
            await self._inner.aclose()


async def _close(events: AsyncIterator[ResponseEvent]) -> None:
    closer = getattr(events, "aclose", None)
    if closer is not None:
        await closer()
