"""``hfclient decode SERVICE FILE [--json]``: a saved stream body to unified events."""

from __future__ import annotations

import argparse

from hfclient.cli._base import EXIT_OK, Command, event_json, read_chunks

SUMMARY = "decode a saved stream body into unified events"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``decode``; return what runs it."""
    parser.add_argument("service", choices=["huggingchat", "router", "hailuo"])
    parser.add_argument("file", help="a saved stream body (- for stdin)")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    return run


def run(args: argparse.Namespace) -> int:
    """Print each event of the body as it is decoded."""
    from hfclient.decoding import decode_stream

    for event in decode_stream(args.service, read_chunks(args.file)):
        print(event_json(event) if args.json else repr(event), flush=True)
    return EXIT_OK
