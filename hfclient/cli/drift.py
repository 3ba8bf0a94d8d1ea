"""``hfclient drift [CASSETTE|DIR...] [--live --service S ...] [--json]``: what answers hold
that the spec does not describe.

Cassettes (ours or vcrpy's) are checked as recorded; ``--live`` first records
one exchange per ``--service`` with your own credentials (through the
recorder: scrubbed, scanned) and checks those too. Exit 1 on drift, 0 clean.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from functools import partial
from pathlib import Path

from hfclient.cli._base import EXIT_OK, EXIT_SERVICE, SERVICES, Command, UsageError

SUMMARY = "report what cassettes hold that the spec does not describe (exit 1 on drift)"

_PROMPT = "Say hello in one word."


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``drift``; return what runs it."""
    parser.add_argument(
        "paths", nargs="*", metavar="CASSETTE|DIR", help="cassettes (ours or vcrpy), or folders"
    )
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    live = parser.add_argument_group("--live: record one answer per service first")
    live.add_argument("--live", action="store_true", help="record with your own credentials")
    live.add_argument(
        "--service", action="append", choices=SERVICES, default=[], help="repeat for several"
    )
    live.add_argument("--model", help="the model (router, huggingchat)")
    live.add_argument("--provider", help="router: pin one provider")
    live.add_argument("--prompt", default=_PROMPT, help=f"what to ask (default: {_PROMPT!r})")
    live.add_argument("--keep", metavar="DIR", help="keep the recorded cassettes in DIR")
    live.add_argument("--base-url", help="another server than the service's")
    live.add_argument("--hub-url", help="router: another server for the provider mapping")
    return run


def run(args: argparse.Namespace) -> int:
    """Record (``--live``), check, print the report; exit 1 when there is drift."""
    from hfclient.drift import check

    if args.live and not args.service:
        raise UsageError("--live needs at least one --service")
    if not args.live and args.service:
        raise UsageError("--service is for --live")
    if not args.paths and not args.live:
        raise UsageError("give cassettes or folders to check, or --live --service S")
    with tempfile.TemporaryDirectory(prefix="hfclient-drift-") as scratch:
        folder = Path(args.keep or scratch)
        recorded = _record_live(args, folder) if args.live else []
        report = check([*args.paths, *recorded])
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        print(report.text(), end="")
    return EXIT_OK if report.clean else EXIT_SERVICE


def _record_live(args: argparse.Namespace, folder: Path) -> list[Path]:
    # One exchange per service; a failed answer is still recorded, and checked.
    import anyio

    from hfclient.errors import HfClientError, MissingAuthError
    from hfclient.recorder import record

    folder.mkdir(parents=True, exist_ok=True)
    recorded = []
    for service in args.service:
        out = folder / f"live-{service}.yaml"
        model = args.model if service != "hailuo" else None
        call = partial(
            record,
            service,
            args.prompt,
            out,
            model=model,
            provider=args.provider if service == "router" else None,
            base_url=args.base_url,
            hub_url=args.hub_url if service == "router" else None,
        )
        try:
            anyio.run(call)
        except MissingAuthError as exc:
            if exc.status is None:
                raise  # a credential to give: exit 2
            print(f"hfclient drift: {service}: {exc}", file=sys.stderr)
        except HfClientError as exc:
            print(f"hfclient drift: {service}: {exc}", file=sys.stderr)
        if out.exists():
            recorded.append(out)
            if args.keep:
                print(f"hfclient drift: recorded {out}", file=sys.stderr)
    return recorded
