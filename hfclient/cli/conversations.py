"""``hfclient conversations list | delete ID... | delete --all``: your HuggingChat and Hailuo
conversations."""

from __future__ import annotations

import argparse
import datetime
import json
from typing import Any

from hfclient.cli._base import EXIT_OK, Command, UsageError

SUMMARY = "list or delete your conversations (HuggingChat; Hailuo: delete)"

# What each action calls on the client of each service; a missing entry is not offered.
_CALLS: dict[str, dict[str, str]] = {
    "huggingchat": {
        "list": "conversations",
        "delete": "delete_conversation",
        "delete-all": "delete_all_conversations",
    },
    "hailuo": {"delete": "delete_chat"},
}


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the actions of ``conversations``; return what runs them."""
    parser.add_argument(
        "--service", choices=sorted(_CALLS), default="huggingchat", help="default: huggingchat"
    )
    parser.add_argument("--base-url", help="another server than the service's")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one line per conversation, newest first")
    listing.add_argument("--json", action="store_true", help="one JSON object per conversation")
    delete = actions.add_parser("delete", help="delete conversations by id, or --all")
    delete.add_argument("ids", nargs="*", metavar="ID")
    delete.add_argument("--all", action="store_true", help="every conversation you have")
    return run


def run(args: argparse.Namespace) -> int:
    """List or delete, with the credentials of the environment."""
    import anyio

    if args.action == "delete" and bool(args.ids) == bool(args.all):
        raise UsageError("give the ids of the conversations to delete, or --all")
    action = "delete-all" if args.action == "delete" and args.all else args.action
    method = _CALLS[args.service].get(action)
    if method is None:
        what = {"list": "listing", "delete-all": "deleting all"}[action]
        raise UsageError(f"{args.service}: {what} conversations is not available")

    from hfclient.cli._clients import make_client

    client = make_client(args.service, base_url=args.base_url)

    async def go() -> None:
        async with client:
            call = getattr(client, method)
            if action == "list":
                async for info in call():
                    print(_json(info) if args.json else _line(info), flush=True)
            elif action == "delete":
                for ident in args.ids:
                    await call(ident)
                    print(f"deleted {ident}", flush=True)
            else:
                count = await call()
                print("deleted all conversations" + (f" ({count})" if count is not None else ""))

    anyio.run(go)
    return EXIT_OK


def _line(info: Any) -> str:
    # id, when it last changed, its model, its title: tab-separated, for cut and awk.
    updated = info.updated_at.isoformat() if info.updated_at else "-"
    return "\t".join([info.id, updated, info.model or "-", info.title or ""])


def _json(info: Any) -> str:
    from hfclient.serialization import converter

    data = converter.unstructure(info)
    return json.dumps(data, ensure_ascii=False, default=_iso)


def _iso(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
