"""Keep-alive pool: idle connections per origin, within per-origin and total limits.

Every count changes before any ``await``, so a task cancelled anywhere leaves
the pool consistent; closing a connection is the last step, and shielded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

import anyio

from hfclient.errors import ConnectError, PoolTimeout

from ._origin import Origin, described

__all__ = ["ConnectionPool", "PooledConnection"]


class PooledConnection(Protocol):
    """What the pool needs of a connection: a way to close it."""

    async def aclose(self) -> None:
        """Close the connection without waiting on the peer."""
        ...


ConnT = TypeVar("ConnT", bound=PooledConnection)


class ConnectionPool(Generic[ConnT]):
    """Hands out an idle connection, or room to open a new one, per origin.

    At most ``per_origin`` connections per origin and ``total`` in all are open
    (idle or in use). When the total is reached, the oldest idle connection of
    another origin is closed to make room; otherwise ``checkout`` waits until
    a connection comes back, for as long as it is told. Idle ones are reused
    newest first: the oldest are the likeliest to have been closed by the server.
    """

    def __init__(self, *, per_origin: int, total: int) -> None:
        self._per_origin_limit = per_origin  # as given, to name the limit that was reached
        self._per_origin = min(per_origin, total)
        self._total_limit = total
        self._idle: dict[Origin, list[ConnT]] = {}
        self._open: Counter[Origin] = Counter()
        self._total = 0
        self._changed: anyio.Event | None = None  # created by the first waiter, in its event loop
        self._closed = False

    async def checkout(
        self,
        origin: Origin,
        connect: Callable[[], Awaitable[ConnT]],
        *,
        reuse: bool = True,
        wait: float | None = None,
        url: str | None = None,
    ) -> tuple[ConnT, bool]:
        """A connection to ``origin`` and whether it was reused (idle in the pool).

        ``connect`` opens a new one when no idle connection is taken (or
        ``reuse`` is false); its failure gives the room back. At the limits,
        waits ``wait`` seconds at most (``None``: no limit) for room, then
        raises :class:`~hfclient.errors.PoolTimeout` naming ``url`` (the
        request's, as shown in errors) and the limit reached.
        """
        end = None if wait is None else anyio.current_time() + wait
        while True:
            if self._closed:
                raise ConnectError(
                    f"the transport is closed; cannot connect to {described(origin, url)}"
                )
            idle = self._idle.get(origin)
            if reuse and idle:
                return idle.pop(), True
            reserved, evicted = self._reserve(origin)
            if evicted is not None:
                await _close(evicted)
            if reserved:
                break
            if self._changed is None:
                self._changed = anyio.Event()
            left = None if end is None else end - anyio.current_time()
            with anyio.move_on_after(left) as waited:
                await self._changed.wait()
            if waited.cancelled_caught and wait is not None:
                raise self._timed_out(origin, wait, url)
        try:
            return await connect(), False
        except BaseException:
            self._forget(origin)
            raise

    async def checkin(self, origin: Origin, conn: ConnT, *, reusable: bool) -> None:
        """Give ``conn`` back: kept idle when ``reusable`` (and the pool is open), else closed."""
        if reusable and not self._closed:
            self._idle.setdefault(origin, []).append(conn)
            self._notify()
            return
        self._forget(origin)
        await _close(conn)

    def stats(self) -> dict[Origin, tuple[int, int]]:
        """Per origin with open connections: how many are idle, and how many in use."""
        idle = {origin: len(conns) for origin, conns in self._idle.items()}
        return {
            origin: (idle.get(origin, 0), count - idle.get(origin, 0))
            for origin, count in self._open.items()
        }

    async def aclose(self) -> None:
        """Close every idle connection; those in use are closed when they come back."""
        self._closed = True
        victims = [conn for conns in self._idle.values() for conn in conns]
        for origin, conns in self._idle.items():
            self._open[origin] -= len(conns)
            self._total -= len(conns)
        self._idle.clear()
        self._open = +self._open  # drop origins left with no connection
        self._notify()
        for conn in victims:
            await _close(conn)

    def _timed_out(self, origin: Origin, wait: float, url: str | None) -> PoolTimeout:
        # Which limit kept the request waiting, so the message says which one to raise.
        for_url = f" for {url}" if url else ""
        if self._open[origin] >= self._per_origin_limit:
            busy = self._open[origin] - len(self._idle.get(origin, ()))
            usage = f"{busy} in use; raise max_connections_per_origin"
        else:
            usage = f"{self._total} open in all; raise max_connections"
        return PoolTimeout(
            f"no free connection to {origin.url} within {wait:g} s{for_url} ({usage})"
        )

    def _reserve(self, origin: Origin) -> tuple[bool, ConnT | None]:
        # Count one more connection to origin if the limits allow, evicting one idle
        # connection when that makes room; the caller closes what was evicted.
        evicted = None
        if self._open[origin] >= self._per_origin:
            evicted = self._evict(origin)  # only idle ones left when reuse is off
        elif self._total >= self._total_limit:
            evicted = self._evict(None)
        if self._open[origin] >= self._per_origin or self._total >= self._total_limit:
            return False, evicted
        self._open[origin] += 1
        self._total += 1
        return True, evicted

    def _evict(self, origin: Origin | None) -> ConnT | None:
        for candidate in [origin] if origin is not None else list(self._idle):
            conns = self._idle.get(candidate)
            if conns:
                conn = conns.pop(0)
                self._forget(candidate)
                return conn
        return None

    def _forget(self, origin: Origin) -> None:
        self._open[origin] -= 1
        if self._open[origin] <= 0:
            del self._open[origin]
            self._idle.pop(origin, None)
        self._total -= 1
        self._notify()

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None


async def _close(conn: PooledConnection) -> None:
    # Shielded: a cancelled task must still release the socket it holds.
    with anyio.CancelScope(shield=True):
        await conn.aclose()
