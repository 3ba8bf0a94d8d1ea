"""A transport that answers from recorded exchanges, in process, with no sockets.

Each exchange gives the response as recorded: status, reason, headers (less
``Content-Encoding``, ``Content-Length`` and ``Transfer-Encoding``: the body
is stored decoded and replay frames it), and the body as the same chunks, so a
replayed stream meets the decoder at the same boundaries it met live. Then
the recorded end: ``BodyEnded``; :class:`~hfclient.errors.ReadError` for a
reset; for a stall, silence as long as recorded, then
:class:`~hfclient.errors.TransportTimeout`, so a client's own read timeout
fires first as it did live.

A request matches a recorded one on meaning (:mod:`hfclient.transport.matching`);
a miss raises :class:`~hfclient.errors.FixtureMissError` naming the nearest
recorded requests and why each did not match.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Final

import anyio

from codec.http import HttpRequest
from hfclient.errors import FixtureMissError, ReadError, TransportTimeout
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import Timeout
from hfclient.transport._deadline import Deadline
from hfclient.transport.cassette import FRAMING_HEADERS, Cassette, Exchange, MatchRule, load
from hfclient.transport.matching import mismatches, nearest, rule_for, shown_target

__all__ = ["ReplayTransport"]

_NEAREST: Final = 3  # near misses a FixtureMissError lists

MatchFunction = Callable[[Exchange, HttpRequest], bool]


class ReplayTransport:
    """Serves recorded ``exchanges``, each once.

    With ``ordered=True`` (the default here) only the next unused exchange may
    answer; with ``ordered=False`` any unused exchange that matches does.
    Matching follows the spec's ``record.match`` of each recorded request's
    operation (``service`` limits the search to one spec), changed by
    ``rule``. ``match``, when given, decides instead (e.g. a signed URL
    matched by prefix).

    ``speed`` replays the recorded timing: 0 (the default) sends at once, 1
    waits as recorded, 2 twice as fast. A recorded stall always lasts its
    length (divided by ``speed`` when not 0). Waits respect ``open``'s
    ``timeout`` (``read`` per wait, ``total`` overall) as a live transport would.
    """

    def __init__(
        self,
        exchanges: Sequence[Exchange],
        *,
        ordered: bool = True,
        match: MatchFunction | None = None,
        service: str | None = None,
        rule: MatchRule | None = None,
        speed: float = 0.0,
    ) -> None:
        if not speed >= 0:
            raise ValueError(f"speed is a rate >= 0 (0: no waiting), not {speed!r}")
        self._left = list(exchanges)
        self._ordered = ordered
        self._match = match
        self._service = service
        self._rule = rule
        self._speed = float(speed)
        self._rules: dict[int, tuple[str, ...]] = {}  # id(exchange) -> its rule, found once
        self.requests: list[HttpRequest] = []

    @classmethod
    def from_cassette(
        cls,
        cassette: Cassette | str | os.PathLike[str],
        *,
        ordered: bool = False,
        match: MatchFunction | None = None,
        speed: float = 0.0,
    ) -> ReplayTransport:
        """A transport serving ``cassette`` (a :class:`Cassette`, or the path of ours or vcrpy's).

        A cassette's exchanges answer in any order (``ordered=False``), as
        concurrent requests may have been recorded in any order.
        """
        if not isinstance(cassette, Cassette):
            cassette = load(cassette)
        return cls(
            cassette.exchanges,
            ordered=ordered,
            match=match,
            service=cassette.service,
            rule=cassette.match,
            speed=speed,
        )

    @property
    def unused(self) -> list[Exchange]:
        """The exchanges no request has used yet."""
        return list(self._left)

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Yield the recorded response to ``request``; raise ``FixtureMissError`` if none."""
        exchange = self._take(request)
        self.requests.append(request)
        response = exchange.response
        waits = _Waits(self._speed, timeout, shown_target(exchange.request))
        await waits.gap(response.at)
        headers = tuple((k, v) for k, v in response.headers if k.lower() not in FRAMING_HEADERS)
        yield ResponseStarted(response.status, headers, response.reason)
        previous = response.at
        for chunk in response.chunks:
            await waits.gap(chunk.at - previous)
            previous = max(previous, chunk.at)
            if chunk.data:  # a transport never yields an empty chunk
                yield BodyChunk(chunk.data)
        if response.end.kind == "reset":
            raise ReadError(f"the recorded connection for {exchange.describe()} was reset")
        if response.end.kind == "stall":
            assert response.end.seconds is not None
            await waits.stall(response.end.seconds)
        yield BodyEnded()

    async def aclose(self) -> None:
        """Nothing to close: no sockets."""

    def _take(self, request: HttpRequest) -> Exchange:
        candidates = self._left[:1] if self._ordered else self._left
        for index, exchange in enumerate(candidates):
            if not self._why_not(exchange, request):
                return self._left.pop(index)
        raise FixtureMissError(
            f"no recorded exchange for {request.method} {request.redacted_url()}",
            near_misses=self._near_misses(request),
        )

    def _why_not(self, exchange: Exchange, request: HttpRequest) -> list[str]:
        if self._match is not None:
            return [] if self._match(exchange, request) else ["the match function said no"]
        rule = self._rules.get(id(exchange))
        if rule is None:
            rule = rule_for(exchange.request, service=self._service, override=self._rule)
            self._rules[id(exchange)] = rule
        return mismatches(exchange.request, request, rule)

    def _near_misses(self, request: HttpRequest) -> list[str]:
        if not self._left:
            return ["(every recorded exchange has been used)"]
        misses = []
        for position, exchange in enumerate(self._left):
            reasons = self._why_not(exchange, request)
            late = self._ordered and position > 0
            notes = ["not the next exchange (ordered replay)"] if late else []
            misses.append((exchange.request, reasons, notes))
        return nearest(misses, _NEAREST)


class _Waits:
    """The recorded silences of one exchange, scaled by speed and cut by its timeouts."""

    def __init__(self, speed: float, timeout: Timeout | None, name: str) -> None:
        self._speed = speed
        self._read = None if timeout is None else timeout.read
        self._deadline = Deadline(None if timeout is None else timeout.total)
        self._name = name

    async def gap(self, seconds: float) -> None:
        """Wait a recorded gap between two pieces of the response (not at speed 0)."""
        if self._speed > 0 and seconds > 0:
            await self._wait(seconds / self._speed)

    async def stall(self, seconds: float) -> None:
        """Wait out a recorded stall, then fail as the recording did."""
        await self._wait(seconds / self._speed if self._speed > 0 else seconds)
        raise TransportTimeout(
            f"the recorded response to {self._name} stalled for {seconds:g} s; "
            "the recording ends there"
        )

    async def _wait(self, seconds: float) -> None:
        limit = self._deadline.cap(self._read)
        if limit is not None and limit < seconds:
            await anyio.sleep(limit)
            raise TransportTimeout(f"no response data for {limit:g} seconds ({self._name})")
        await anyio.sleep(seconds)
