"""``hfclient drift CASSETTE|DIR... [--json]``: what cassettes hold that the spec lacks."""

from __future__ import annotations

import argparse
import json

from hfclient.cli._base import EXIT_OK, EXIT_SERVICE, Command

SUMMARY = "report what cassettes hold that the spec does not describe (exit 1 on drift)"


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``drift``; return what runs it."""
    parser.add_argument(
        "paths", nargs="+", metavar="CASSETTE|DIR", help="cassettes (ours or vcrpy), or folders"
    )
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    return run


def run(args: argparse.Namespace) -> int:
    """Check, print the report; exit 1 when there is drift."""
    from hfclient.drift import check

    report = check(args.paths)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        print(report.text(), end="")
    return EXIT_OK if report.clean else EXIT_SERVICE
