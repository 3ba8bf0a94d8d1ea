"""``hfclient cassette import-vcr SRC DEST | show FILE``: convert and inspect cassettes."""

from __future__ import annotations

import argparse

from hfclient.cli._base import EXIT_OK, Command

SUMMARY = "convert and inspect cassettes"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the actions of ``cassette``; return what runs them."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    convert = actions.add_parser(
        "import-vcr", help="convert a vcrpy cassette into ours (scrubbed and scanned)"
    )
    convert.add_argument("src", help="a vcrpy cassette (interactions: ...)")
    convert.add_argument("dest", help="where to write the hfclient cassette")
    show = actions.add_parser("show", help="list a cassette's exchanges")
    show.add_argument("file")
    return run


def run(args: argparse.Namespace) -> int:
    """Convert (``import-vcr``) or list (``show``)."""
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
