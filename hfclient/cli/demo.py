"""``hfclient demo``: every service at work, offline, from the cassettes in the package."""

from __future__ import annotations

import argparse
import sys

from hfclient.cli._base import EXIT_OK, Command

SUMMARY = "see every service work, offline: cassettes shipped in the package, on 127.0.0.1"


def define(parser: argparse.ArgumentParser) -> Command:
    """``demo`` takes no arguments; return what runs it."""
    return run


def run(args: argparse.Namespace) -> int:
    """Run :func:`hfclient.demo.run_demo` on stdout."""
    import anyio

    from hfclient.cli._render import color_allowed
    from hfclient.demo import run_demo

    anyio.run(lambda: run_demo(sys.stdout, styled=color_allowed(sys.stdout)))
    return EXIT_OK
