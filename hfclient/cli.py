"""The ``hfclient`` command (also ``python -m hfclient``).

Each subcommand is a function that gets its parsed arguments and returns an
exit code; :func:`main` parses, runs, and turns our errors into one line on
stderr and the documented exit code:

=====  ==========================================================
0      done
1      the service or HTTP failed (an error status, a broken stream)
2      usage: a bad argument, a missing credential, a file that is not one
3      the network failed (connect, proxy, timeout, reset)
=====  ==========================================================
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Final

from hfclient._version import __version__
from hfclient.errors import HfClientError, LocalProtocolError, MissingAuthError, TransportError

__all__ = ["EXIT_NETWORK", "EXIT_OK", "EXIT_SERVICE", "EXIT_USAGE", "main"]

EXIT_OK: Final = 0
EXIT_SERVICE: Final = 1
EXIT_USAGE: Final = 2
EXIT_NETWORK: Final = 3

Command = Callable[[argparse.Namespace], int]
"""A subcommand: its parsed arguments in, an exit code out."""


# Each subcommand: its name, one line of help, and a function that adds its
# arguments to its parser and returns what runs it. The runner imports what it
# needs itself, so ``hfclient --help`` stays cheap.
def _decode(parser: argparse.ArgumentParser) -> Command:
    parser.add_argument("service", choices=["huggingchat", "router", "hailuo"])
    parser.add_argument("file", help="a saved stream body (- for stdin)")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")

    def run(args: argparse.Namespace) -> int:
        from hfclient.decoding import decode_stream
        from hfclient.events import Event
        from hfclient.serialization import converter

        body = _read_chunks(args.file)
        for event in decode_stream(args.service, body):
            if args.json:
                fields = converter.unstructure(event, Event)
                line = {"type": fields.pop("type"), **fields}  # the class name first, for eyes
                print(json.dumps(line, ensure_ascii=False), flush=True)
            else:
                print(repr(event), flush=True)
        return EXIT_OK

    return run


def _replay_server(parser: argparse.ArgumentParser) -> Command:
    parser.add_argument("dir", help="a cassette file, or a folder of them (searched recursively)")
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="default: 0, a free port")
    parser.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="1 keeps the recorded timing, 2 is twice as fast; 0 (default) does not wait",
    )

    def run(args: argparse.Namespace) -> int:
        import anyio

        from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in

        replayer = Replayer(cassettes_in(args.dir))

        async def serve() -> None:
            async with ReplayServer(
                replayer, host=args.host, port=args.port, speed=args.speed
            ) as server:
                print(f"listening on {server.url}", flush=True)
                await anyio.sleep_forever()

        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped
            anyio.run(serve)
        return EXIT_OK

    return run


def _cassette(parser: argparse.ArgumentParser) -> Command:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    convert = actions.add_parser(
        "import-vcr", help="convert a vcrpy cassette into ours (scrubbed and scanned)"
    )
    convert.add_argument("src", help="a vcrpy cassette (interactions: ...)")
    convert.add_argument("dest", help="where to write the hfclient cassette")
    show = actions.add_parser("show", help="list a cassette's exchanges")
    show.add_argument("file")

    def run(args: argparse.Namespace) -> int:
        from hfclient.transport.cassette import dump, load
        from hfclient.transport.scan import check
        from hfclient.transport.scrub import scrub_cassette
        from hfclient.transport.vcr import import_vcr

        if args.action == "import-vcr":
            # vcrpy filters only what its user told it to: scrub as our recorder does.
            cassette = scrub_cassette(import_vcr(args.src))
            check(cassette, source=args.dest)  # SecretLeakError (a ValueError): exit 2
            dump(cassette, args.dest)
            print(f"{args.dest}: {len(cassette.exchanges)} exchanges")
            return EXIT_OK
        cassette = load(args.file)
        for exchange in cassette.exchanges:
            response = exchange.response
            print(
                f"{exchange.describe()} -> {response.status}: {len(response.chunks)} chunks, "
                f"{len(response.body)} bytes, {response.end.kind}"
            )
        return EXIT_OK

    return run


def _record(parser: argparse.ArgumentParser) -> Command:
    parser.add_argument("prompt", help="the one user message to send")
    parser.add_argument("--service", required=True, choices=["router", "huggingchat", "hailuo"])
    parser.add_argument("--out", required=True, help="the cassette file to write")
    parser.add_argument("--model", help="the model (router and huggingchat)")
    parser.add_argument("--provider", help="router: pin one provider")
    parser.add_argument("--base-url", help="another server than the service's (e.g. a local one)")
    parser.add_argument("--hub-url", help="router: another server for the provider mapping")
    parser.add_argument("--fault", help="words saying which fault the cassette holds")

    def run(args: argparse.Namespace) -> int:
        import anyio

        from hfclient.recorder import record

        async def go() -> str:
            completion = await record(
                args.service,
                args.prompt,
                args.out,
                model=args.model,
                provider=args.provider,
                base_url=args.base_url,
                hub_url=args.hub_url,
                fault=args.fault,
            )
            return completion.text

        print(anyio.run(go), flush=True)
        print(f"hfclient record: wrote {args.out}", file=sys.stderr)
        return EXIT_OK

    return run


def _models(parser: argparse.ArgumentParser) -> Command:
    parser.add_argument("--service", choices=["router"], default="router")
    parser.add_argument("--base-url", help="another router than router.huggingface.co")
    parser.add_argument("--json", action="store_true", help="one JSON object per model")

    def run(args: argparse.Namespace) -> int:
        import anyio

        from codec._generated import router as router_spec
        from hfclient.client import InferenceProviders
        from hfclient.info import ModelInfo
        from hfclient.serialization import converter

        async def catalogue() -> list[ModelInfo]:
            base_url = args.base_url or router_spec.SERVERS["default"]
            async with InferenceProviders(base_url=base_url) as client:
                return await client.models()

        for model in anyio.run(catalogue):
            if args.json:
                print(json.dumps(converter.unstructure(model), ensure_ascii=False), flush=True)
                continue
            providers = ",".join(p.provider for p in model.providers)
            tools = "tools" if model.supports_tools else "-"
            print(f"{model.id}\t{model.context_length or '-'}\t{tools}\t{providers}", flush=True)
        return EXIT_OK

    return run


_SUBCOMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], Command]]] = [
    ("decode", "decode a saved stream body into unified events", _decode),
    ("models", "list the models a service offers", _models),
    ("replay-server", "serve cassettes over HTTP on loopback, to any client", _replay_server),
    ("cassette", "convert and inspect cassettes", _cassette),
    ("record", "record one live answer, with your own credentials, into a cassette", _record),
]


def _read_chunks(path: str) -> Iterator[bytes]:
    # 64 KiB at a time: the decoders are incremental, a large body never sits whole.
    with open(sys.stdin.fileno(), "rb", closefd=False) if path == "-" else open(path, "rb") as f:
        while chunk := f.read(65536):
            yield chunk


def exit_code(error: BaseException) -> int:
    """The exit code for an error that ended a command."""
    if isinstance(error, MissingAuthError) and error.status is None:
        return EXIT_USAGE  # missing before any request: the caller must give it
    if isinstance(error, LocalProtocolError | ValueError | OSError) and not isinstance(
        error, TransportError
    ):
        return EXIT_USAGE
    if isinstance(error, TransportError):
        return EXIT_NETWORK
    return EXIT_SERVICE


def parser() -> argparse.ArgumentParser:
    """The command's argument parser, every subcommand included."""
    top = argparse.ArgumentParser(
        prog="hfclient",
        description="HuggingChat, the Inference Providers router and Hailuo, from the shell.",
    )
    top.add_argument("--version", action="version", version=f"hfclient {__version__}")
    subcommands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary, define in _SUBCOMMANDS:
        sub = subcommands.add_parser(name, help=summary, description=summary)
        sub.set_defaults(run=define(sub))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return its exit code."""
    top = parser()
    try:
        args = top.parse_args(argv)
    except SystemExit as exit_:  # argparse's own --help, --version and usage errors
        return int(exit_.code or 0)
    if getattr(args, "run", None) is None:
        top.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("hfclient: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and keep Python's
        # shutdown from failing again on the closed stdout.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (HfClientError, ValueError, OSError) as error:
        print(f"hfclient {args.command}: {error}", file=sys.stderr)
        return exit_code(error)


def run() -> None:
    """The console-script entry point."""
    sys.exit(main())
