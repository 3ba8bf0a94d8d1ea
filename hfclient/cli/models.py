"""``hfclient models [--service S]``: the models a service offers."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from hfclient.cli._base import EXIT_OK, SERVICES, Command, UsageError

if TYPE_CHECKING:  # imported where it runs, so ``hfclient --help`` stays cheap
    from hfclient.info import ModelInfo

SUMMARY = "list the models a service offers"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``models``; return what runs it."""
    parser.add_argument("--service", choices=SERVICES, default="router", help="default: router")
    parser.add_argument("--base-url", help="another server than the service's")
    parser.add_argument("--json", action="store_true", help="one JSON object per model")
    return run


def run(args: argparse.Namespace) -> int:
    """Print one line (or JSON object) per model."""
    import anyio

    from hfclient.cli._clients import client_class, make_client
    from hfclient.serialization import converter

    if not callable(getattr(client_class(args.service), "models", None)):
        raise UsageError(f"{args.service}: listing its models is not available in this version")
    client = make_client(args.service, base_url=args.base_url)

    async def catalogue() -> list[ModelInfo]:
        async with client:
            return list(await client.models())

    for model in anyio.run(catalogue):
        if args.json:
            print(json.dumps(converter.unstructure(model), ensure_ascii=False), flush=True)
        else:
            print(model_line(model), flush=True)
    return EXIT_OK


def model_line(model: ModelInfo) -> str:
    """One tab-separated line: id, context length, tool support, providers (``-``: unknown)."""
    providers = ",".join(p.provider for p in model.providers) or "-"
    tools = "tools" if model.supports_tools else "-"
    return "\t".join([model.id, str(model.context_length or "-"), tools, providers])
