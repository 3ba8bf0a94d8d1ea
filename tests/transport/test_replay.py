"""ReplayTransport and the Transport protocol's per-request ``timeout``."""

from __future__ import annotations

import pytest

from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted
from hfclient.timeouts import Timeout
from hfclient.transport.cassette import Exchange
from hfclient.transport.replay import ReplayTransport

from .exchange_helpers import collect, get

pytestmark = pytest.mark.anyio


async def test_a_per_request_timeout_is_accepted_and_ignored() -> None:
    replay = ReplayTransport([Exchange.of("GET", "http://replay.test/a", chunks=(b"one", b"two"))])
    events = [
        event
        async for event in replay.open(
            get("http://replay.test/a"), timeout=Timeout(connect=0.001, read=0.001)
        )
    ]
    assert events == [ResponseStarted(200), BodyChunk(b"one"), BodyChunk(b"two"), BodyEnded()]


async def test_collect_passes_the_timeout_through() -> None:
    replay = ReplayTransport([Exchange.of("GET", "http://replay.test/b", chunks=(b"x",))])
    got = await collect(replay, get("http://replay.test/b"), timeout=Timeout(read=0.001))
    assert (got.body, got.ended) == (b"x", True)
