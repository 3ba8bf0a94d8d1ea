"""placeholder"""

from __future__ import annotations

import argparse

from hfclient.cli._base import Command

SUMMARY = "todo"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments; return what runs it."""
    return lambda args: 2
