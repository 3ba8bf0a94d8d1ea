"""``hfclient record``: one live answer, with your own credentials, into a scrubbed cassette."""

from __future__ import annotations

import argparse
import sys

from hfclient.cli._base import EXIT_OK, SERVICES, Command

SUMMARY = "record one live answer, with your own credentials, into a cassette"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``record``; return what runs it."""
    parser.add_argument("prompt", help="the one user message to send")
    parser.add_argument("--service", required=True, choices=SERVICES)
    parser.add_argument("--out", required=True, help="the cassette file to write")
    parser.add_argument("--model", help="the model (router and huggingchat)")
    parser.add_argument("--provider", help="router: pin one provider")
    parser.add_argument("--base-url", help="another server than the service's (e.g. a local one)")
    parser.add_argument("--hub-url", help="router: another server for the provider mapping")
    parser.add_argument("--fault", help="words saying which fault the cassette holds")
    return run


def run(args: argparse.Namespace) -> int:
    """Record, print the answer, say where the cassette went."""
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
