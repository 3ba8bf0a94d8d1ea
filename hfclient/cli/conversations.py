"""``hfclient conversations [list | delete ID... | delete --all]``: the user's conversations.

HuggingChat lists and deletes them; Hailuo deletes a chat by id (no endpoint
that lists its chats is known).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from hfclient.cli._base import EXIT_OK, Command, UsageError

SUMMARY = "list or delete your conversations (HuggingChat, Hailuo)"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``conversations``; return what runs it."""
    parser.add_argument(
        "--service", choices=("huggingchat", "hailuo"), default="huggingchat",
        help="default: huggingchat",
    )  # fmt: skip
    parser.add_argument("--base-url", help="another server than the service's")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="one line per conversation, newest first (default)")
    listing.add_argument("--json", action="store_true", help="one JSON object per conversation")
    deleting = actions.add_parser("delete", help="delete conversations by id, or --all")
    deleting.add_argument("ids", nargs="*", metavar="ID", help="conversation (or chat) ids")
    deleting.add_argument("--all", action="store_true", help="every conversation (HuggingChat)")
    return run


def run(args: argparse.Namespace) -> int:
    """List, or delete, then say what was done."""
    import anyio

    from hfclient.cli._clients import make_client

    action = args.action or "list"
    if action == "delete" and bool(args.ids) == bool(args.all):
        raise UsageError("delete takes conversation ids, or --all (not both)")
    if args.service == "hailuo" and (action == "list" or args.all):
        raise UsageError("hailuo: no endpoint that lists its chats is known; delete takes ids")
    client = make_client(args.service, base_url=args.base_url)

    async def act() -> None:
        async with client:
            if action == "list":
                await _list(client, as_json=getattr(args, "json", False))
            elif args.all:
                count = await client.delete_all_conversations()
                print(f"deleted {'every' if count is None else count} conversation(s)", flush=True)
            else:
                for ident in args.ids:
                    await _delete(client, args.service, ident)
                    print(f"deleted {ident}", flush=True)

    anyio.run(act)
    return EXIT_OK


async def _list(client: Any, *, as_json: bool) -> None:
    from hfclient.serialization import converter

    async for info in client.conversations():
        if as_json:
            print(json.dumps(converter.unstructure(info), ensure_ascii=False, default=str))
        else:
            when = info.updated_at.isoformat(timespec="seconds") if info.updated_at else "-"
            print("\t".join([info.id, when, info.model or "-", info.title or ""]), flush=True)


async def _delete(client: Any, service: str, ident: str) -> None:
    if service == "hailuo":
        await client.delete_chat(ident)
    else:
        await client.delete_conversation(ident)
