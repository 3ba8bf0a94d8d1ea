"""What every subcommand shares: exit codes, the ``Command`` shape, and small helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import Final

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_SERVICE",
    "EXIT_USAGE",
    "SERVICES",
    "Command",
    "Define",
    "UsageError",
    "event_json",
    "read_chunks",
]

EXIT_OK: Final = 0
EXIT_SERVICE: Final = 1
EXIT_USAGE: Final = 2
EXIT_NETWORK: Final = 3
EXIT_INTERRUPTED: Final = 130  # 128 + SIGINT, as shells report a Ctrl-C

SERVICES: Final = ("router", "huggingchat", "hailuo")
"""The services every ``--service`` option offers, the first the default."""

Command = Callable[[argparse.Namespace], int]
"""A subcommand: its parsed arguments in, an exit code out."""

Define = Callable[[argparse.ArgumentParser], Command]
"""Adds a subcommand's arguments to its parser and returns what runs it."""


class UsageError(ValueError):
    """A bad combination of arguments: one line on stderr, exit code 2."""


def read_chunks(path: str) -> Iterator[bytes]:
    """The bytes of ``path`` (``-``: stdin) in 64 KiB pieces: a large body never sits whole."""
    with open(sys.stdin.fileno(), "rb", closefd=False) if path == "-" else open(path, "rb") as f:
        while chunk := f.read(65536):
            yield chunk


def event_json(event: object) -> str:
    """One unified event as a JSON line: ``type`` (its class name) first, then its fields."""
    from hfclient.events import Event
    from hfclient.serialization import converter

    fields = converter.unstructure(event, Event)
    line = {"type": fields.pop("type"), **fields}  # the class name first, for eyes
    return json.dumps(line, ensure_ascii=False)
