"""``hfclient replay-server DIR``: serve cassettes over HTTP on loopback, to any client."""

from __future__ import annotations

import argparse
import contextlib

from hfclient.cli._base import EXIT_OK, Command

SUMMARY = "serve cassettes over HTTP on loopback, to any client"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``replay-server``; return what runs it."""
    parser.add_argument("dir", help="a cassette file, or a folder of them (searched recursively)")
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="default: 0, a free port")
    parser.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="1 keeps the recorded timing, 2 is twice as fast; 0 (default) does not wait",
    )
    return run


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    import anyio

    from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in

    replayer = Replayer(cassettes_in(args.dir))

    async def serve() -> None:
        async with ReplayServer(replayer, host=args.host, port=args.port, speed=args.speed) as s:
            print(f"listening on {s.url}", flush=True)
            await anyio.sleep_forever()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped
        anyio.run(serve)
    return EXIT_OK
