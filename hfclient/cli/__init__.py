"""The ``hfclient`` command (also ``python -m hfclient``).

One module per subcommand (``hfclient.cli.chat``, ``.decode``, ...), each
with ``SUMMARY`` and ``define(parser)``, which adds its arguments and returns
the function that runs it. :func:`main` parses, runs, and turns our errors
into one line on stderr and the documented exit code:

=====  ==========================================================
0      done (``drift``: no drift)
1      the service or HTTP failed (an error status, a broken stream); ``drift``: drift found
2      usage: a bad argument, a missing credential, a file that is not one
3      the network failed (connect, proxy, timeout, reset)
130    interrupted (Ctrl-C)
=====  ==========================================================
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from hfclient._version import __version__
from hfclient.cli import (
    cassette,
    chat,
    conversations,
    decode,
    demo,
    drift,
    gen_codecs,
    models,
    record,
)
from hfclient.cli import replay_server as replay_server_command
from hfclient.cli._base import (
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_SERVICE,
    EXIT_USAGE,
    Command,
)
from hfclient.errors import HfClientError, LocalProtocolError, MissingAuthError, TransportError

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_SERVICE",
    "EXIT_USAGE",
    "Command",
    "exit_code",
    "main",
    "parser",
    "run",
]

# Each subcommand's name and module. The modules import what they run inside
# their run function, so ``hfclient --help`` stays cheap.
_SUBCOMMANDS: list[tuple[str, ModuleType]] = [
    ("chat", chat),
    ("demo", demo),
    ("models", models),
    ("conversations", conversations),
    ("decode", decode),
    ("drift", drift),
    ("replay-server", replay_server_command),
    ("cassette", cassette),
    ("record", record),
    ("gen-codecs", gen_codecs),
]


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
    for name, module in _SUBCOMMANDS:
        summary: str = module.SUMMARY
        sub = subcommands.add_parser(name, help=summary, description=summary)
        sub.set_defaults(run=module.define(sub))
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
        return EXIT_INTERRUPTED
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
