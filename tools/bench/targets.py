"""The issue's targets, checked against the rows of one run: what each asks, what was measured.

A target whose rows are missing (a suite not run, a peer not installed, a
size not reached in a quick run) is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Verdict = tuple[str, str, str]  # target, measured, met


def _decode(rows: Sequence[Any]) -> list[Verdict]:
    def ratio(body: str, chunking: str, case: str) -> float | None:
        return next(
            (r.ratio for r in rows if (r.body, r.chunking, r.case) == (body, chunking, case)), None
        )

    out: list[Verdict] = []
    unified = "hfclient unified events"
    limits = [
        ("router sse, plain", "64 KiB chunks", 2.0),
        ("router sse, plain", "one event per chunk", 2.5),
        ("huggingchat ndjson, plain", "64 KiB chunks", 1.6),
        ("huggingchat ndjson, plain", "one event per chunk", 2.0),
        ("hailuo sse, plain", "64 KiB chunks", 2.5),
        ("hailuo sse, plain", "one event per chunk", 2.5),
    ]
    for body, chunking, limit in limits:
        got = ratio(body, chunking, unified)
        if got is not None:
            out.append(
                _check(f"decode {body}, {chunking}: <= {limit}x floor", got, "x", got <= limit)
            )
    ours = ratio("router sse, plain", "64 KiB chunks", unified)
    for peer, times in (
        ("openai SSEDecoder, typed chunks", 10),
        ("huggingface_hub typed stream", 6),
    ):
        theirs = ratio("router sse, plain", "64 KiB chunks", peer)
        if ours and theirs:
            got = theirs / ours
            out.append(_check(f"decode: >= {times}x faster than {peer}", got, "x", got >= times))
    return out


def _e2e(rows: Sequence[Any]) -> list[Verdict]:
    rate = {r.client: r.events / r.seconds for r in rows}
    pairs = [
        ("hfclient anyio (asyncio)", "httpx + httpx-sse", 1.5, ">="),
        ("hfclient anyio (asyncio)", "aiohttp raw lines", 0.6, ">="),
        ("hfclient anyio (asyncio)", "hfclient anyio (trio)", 1.25, "<="),
        ("hfclient curl", "curl_cffi raw lines", 0.6, ">="),
    ]
    out: list[Verdict] = []
    for ours, theirs, bound, sense in pairs:
        if ours in rate and theirs in rate:
            got = rate[ours] / rate[theirs]
            met = got >= bound if sense == ">=" else got <= bound
            out.append(_check(f"end to end: {ours} / {theirs} {sense} {bound}", got, "x", met))
    return out


def _scale(rows: Sequence[Any]) -> list[Verdict]:
    out: list[Verdict] = []
    # The largest level both clients ran (hfclient alone may go further), else hfclient's largest.
    raised = [r for r in rows if r.pool != "default"]
    ran: dict[str, set[int]] = {}
    for r in raised:
        ran.setdefault(r.client, set()).add(r.streams)
    both = ran.get("hfclient anyio (asyncio)", set()) & ran.get("httpx + httpx-sse", set())
    top = max(both or ran.get("hfclient anyio (asyncio)", set()), default=None)
    if top is None:
        return out
    at = {r.client: r for r in rows if r.streams == top and r.pool != "default"}
    ours, theirs = at.get("hfclient anyio (asyncio)"), at.get("httpx + httpx-sse")
    if ours is not None:
        out.append(
            (
                f"scale: {top} streams at 10 events/s all complete",
                f"{ours.completed}/{top}, {ours.errors} errors",
                _yes(ours.completed == top and not ours.errors),
            )
        )
        if theirs is not None:
            out.append(
                _check(
                    f"scale {top}: p99 duration <= httpx-sse's ({theirs.p99:.2f} s)",
                    ours.p99,
                    " s",
                    ours.p99 <= theirs.p99,
                )
            )
            out.append(
                _check(
                    f"scale {top}: CPU per event <= httpx-sse's ({theirs.cpu_us_per_event:.0f} us)",
                    ours.cpu_us_per_event,
                    " us",
                    ours.cpu_us_per_event <= theirs.cpu_us_per_event,
                )
            )
    default = next(
        (r for r in rows if r.pool == "default" and r.client == "hfclient anyio (asyncio)"), None
    )
    if default is not None:
        out.append(
            (
                f"scale: {default.streams} streams on default settings all complete",
                f"{default.completed}/{default.streams}",
                _yes(default.completed == default.streams and not default.errors),
            )
        )
    return out


def _memory(rows: Sequence[Any]) -> list[Verdict]:
    top = max((r.megabytes for r in rows), default=None)
    at = {r.case: r for r in rows if r.megabytes == top}
    stream, whole, peer = (
        at.get("hfclient stream()"),
        at.get("hfclient complete()"),
        at.get("httpx + httpx-sse"),
    )
    out: list[Verdict] = []
    if stream is not None and peer is not None:
        out.append(
            _check(
                f"memory {top} MB: stream() growth <= httpx-sse's ({peer.growth / 1e6:.1f} MB)",
                stream.growth / 1e6,
                " MB",
                stream.growth <= peer.growth,
            )
        )
    if stream is not None and whole is not None:
        limit = stream.growth + 2 * whole.text
        out.append(
            _check(
                f"memory {top} MB: complete() <= stream() + 2x text ({limit / 1e6:.1f} MB)",
                whole.growth / 1e6,
                " MB",
                whole.growth <= limit,
            )
        )
    return out


def _first(rows: Sequence[Any]) -> list[Verdict]:
    at = {r.client: r for r in rows}
    ours, theirs = at.get("hfclient anyio (asyncio)"), at.get("httpx + httpx-sse")
    if ours is None or theirs is None:
        return []
    return [
        _check(
            f"time to first event: median <= httpx-sse's ({theirs.median_ms:.2f} ms)",
            ours.median_ms,
            " ms",
            ours.median_ms <= theirs.median_ms,
        )
    ]


def _check(target: str, value: float, unit: str, met: bool) -> Verdict:
    return target, f"{value:.2f}{unit}", _yes(met)


def _yes(met: bool) -> str:
    return "met" if met else "**missed**"


def verdicts(
    decode: Sequence[Any],
    e2e: Sequence[Any],
    scale: Sequence[Any],
    memory: Sequence[Any],
    first: Sequence[Any],
) -> list[Verdict]:
    """Every target the rows can answer, in the issue's order."""
    return _decode(decode) + _e2e(e2e) + _scale(scale) + _memory(memory) + _first(first)
