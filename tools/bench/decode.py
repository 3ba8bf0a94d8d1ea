"""Decode (no sockets): events/s of each decoder over the same body, as ratios to a floor.

For each body (router SSE, HuggingChat NDJSON and Hailuo SSE; plain token
streams as real answers are, and the repo's examples cycled, with tool calls,
reasoning and web search, as a second row), fed one event per chunk and in
64 KiB chunks, it times in the same run:

- the floor: ``json.loads`` of the payloads already cut out and decoded to
  ``str``, keeping nothing (no framing, no types: no decoder can beat it);
- the codec's ``iter_events`` (typed wire records) and the unified events of
  ``hfclient.decode_stream``;
- peers through their released code: openai-python's ``SSEDecoder`` (its
  events' data ``json.loads``-ed, and built into typed ``ChatCompletionChunk``\\ s
  as its ``AsyncStream`` does), httpx-sse over an ``httpx.Response``,
  huggingface_hub's typed stream parser over httpx2's lines (what its
  ``chat_completion`` does), and requests' ``iter_lines``, the splitter
  hugchat reads HuggingChat with (each line ``json.loads``-ed). gpt4free
  reads these streams with aiohttp's and curl_cffi's line iterators: those
  are the raw-lines floors of the end-to-end suite.

Every case consumes its values and keeps none alive, the floor included: a
list of 50,000 decoded dicts makes the garbage collector rescan them all,
which doubles the floor's time and flatters every ratio. ``--keep-results``
keeps them in lists anyway, to show that effect. Each is the best of
``--repeat`` runs, in CPU time.

    python -m tools.bench.decode [--events N] [--repeat R] [--keep-results]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any, NamedTuple, TypeVar

from codec import hailuo, huggingchat, router
from hfclient.decoding import decode_stream
from tools.bench import bodies

CHUNK = 64 * 1024
PEERS = True  # False: hfclient's own decoders only (quick iteration)
CHUNKINGS = ("one event per chunk", "64 KiB chunks")
FLOOR = "json.loads floor"
K = TypeVar("K")


class Row(NamedTuple):
    """One decoder over one body and chunking."""

    body: str
    chunking: str
    case: str
    events: int
    seconds: float
    ratio: float  # to the floor's time


class Body(NamedTuple):
    """A stream body: its payloads (the floor's input) and its frames (everyone else's)."""

    name: str
    payloads: list[bytes]
    frames: list[bytes]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The shortest of ``repeat`` runs in CPU seconds, the garbage collector emptied before each.

    CPU time of this process, not wall time: on a shared machine other processes
    stretch the wall clock of a run, not its CPU time (decoding never waits).
    """
    return best_of_each(repeat, {None: run})[None]


def best_of_each(repeat: int, runs: Mapping[K, Callable[[], object]]) -> dict[K, float]:
    """:func:`best_of` for several runs at once, interleaved: ``repeat`` rounds of each once."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for key, run in runs.items():
            gc.collect()
            start = time.process_time()
            run()
            best[key] = min(best[key], time.process_time() - start)
    return best


def chunked(body: bytes, size: int) -> list[bytes]:
    """``body`` cut into ``size``-byte chunks."""
    return [body[i : i + size] for i in range(0, len(body), size)]


def consume(values: Iterable[object]) -> None:
    """Run ``values`` to the end, keeping none of them."""
    deque(values, maxlen=0)


def keep(values: Iterable[object]) -> None:
    """Run ``values`` to the end into a list (``--keep-results``)."""
    list(values)


def make_bodies(events: int) -> list[Body]:
    """The bodies of the suite; Hailuo's cumulative one is shorter (each event repeats the text)."""
    plain = bodies.router_payloads(events)
    examples = bodies.router_example_payloads(events)
    lines = bodies.huggingchat_lines(events)
    hc_examples = bodies.huggingchat_example_lines(events)
    hailuo_events = bodies.hailuo_payloads(max(events // 25, 3))
    return [
        Body("router sse, plain", plain, bodies.router_frames(plain)),
        Body("router sse, examples", examples, bodies.router_frames(examples)),
        Body("huggingchat ndjson, plain", lines, [x + b"\n" for x in lines]),
        Body("huggingchat ndjson, examples", hc_examples, [x + b"\n" for x in hc_examples]),
        Body(
            "hailuo sse, plain", [d for _, d in hailuo_events], bodies.hailuo_frames(hailuo_events)
        ),
    ]


Decoder = Callable[[list[bytes]], Iterator[object]]


def _ours(body: Body) -> dict[str, Decoder]:
    service = body.name.split()[0]
    codec = {"router": router, "huggingchat": huggingchat, "hailuo": hailuo}[service]
    return {
        "codec iter_events": codec.iter_events,
        "hfclient unified events": partial(decode_stream, service),  # type: ignore[arg-type]
    }


def _peers(body: Body) -> dict[str, Decoder]:
    found: dict[str, Decoder] = {}
    if body.name.startswith("router"):
        if _has("openai"):
            found["openai SSEDecoder + json.loads"] = _openai_untyped
            found["openai SSEDecoder, typed chunks"] = _openai_typed
        if _has("httpx") and _has("httpx_sse"):
            found["httpx-sse + json.loads"] = _httpx_sse
        if _has("huggingface_hub"):
            found["huggingface_hub typed stream"] = _hub_typed
    if body.name.startswith("huggingchat") and _has("requests"):
        found["requests iter_lines + json.loads (hugchat)"] = _requests_lines
    return found


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _openai_events(chunks: list[bytes]) -> Iterator[Any]:
    from openai._streaming import SSEDecoder

    for sse in SSEDecoder().iter_bytes(iter(chunks)):
        if sse.data.startswith("[DONE]"):
            break
        yield sse


def _openai_untyped(chunks: list[bytes]) -> Iterator[object]:
    return (sse.json() for sse in _openai_events(chunks))


def _openai_typed(chunks: list[bytes]) -> Iterator[object]:
    from openai._models import construct_type
    from openai.types.chat import ChatCompletionChunk

    return (
        construct_type(type_=ChatCompletionChunk, value=sse.json())
        for sse in _openai_events(chunks)
    )


def _httpx_sse(chunks: list[bytes]) -> Iterator[object]:
    import httpx
    from httpx_sse import EventSource

    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=iter(chunks)
    )
    return (
        json.loads(sse.data) for sse in EventSource(response).iter_sse() if sse.data != "[DONE]"
    )


def _hub_typed(chunks: list[bytes]) -> Iterator[object]:
    import httpx2
    from huggingface_hub.inference._common import _stream_chat_completion_response

    response = httpx2.Response(200, content=iter(chunks))
    return iter(_stream_chat_completion_response(response.iter_lines()))


class _Raw:
    # What requests reads a streamed body from: urllib3's response, here the chunks as read.
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def stream(self, size: int, decode_content: bool = True) -> Iterator[bytes]:
        return iter(self._chunks)


def _requests_lines(chunks: list[bytes]) -> Iterator[object]:
    import requests

    response = requests.Response()
    response.raw = _Raw(chunks)
    return (json.loads(line) for line in response.iter_lines() if line)


def _floor(drain: Callable[[Iterable[object]], None], texts: list[str]) -> None:
    drain(map(json.loads, texts))


def _decode_all(
    drain: Callable[[Iterable[object]], None], decode: Decoder, chunks: list[bytes]
) -> None:
    drain(decode(chunks))


def measure(body: Body, repeat: int, drain: Callable[[Iterable[object]], None]) -> list[Row]:
    """Every decoder over ``body``, both chunkings, with the floor of each.

    The runs are interleaved (each round times the floor, then every case once),
    so a neighbour that loads the machine for a while slows the floor and the
    cases alike instead of skewing the ratios of whichever ran then.
    """
    texts = [p.decode() for p in body.payloads]
    whole = b"".join(body.frames)
    chunkings = {CHUNKINGS[0]: list(body.frames), CHUNKINGS[1]: chunked(whole, CHUNK)}
    runs: dict[tuple[str, str], Callable[[], object]] = {}
    for chunking, chunks in chunkings.items():
        runs[chunking, FLOOR] = partial(_floor, drain, texts)
        for case, decode in {**_ours(body), **(_peers(body) if PEERS else {})}.items():
            runs[chunking, case] = partial(_decode_all, drain, decode, chunks)
    best = best_of_each(repeat, runs)
    return [
        Row(body.name, chunking, case, len(texts), seconds, seconds / best[chunking, FLOOR])
        for (chunking, case), seconds in best.items()
    ]


def run(events: int, repeat: int, drain: Callable[[Iterable[object]], None] = consume) -> list[Row]:
    """The whole suite."""
    rows: list[Row] = []
    for body in make_bodies(events):
        rows += measure(body, repeat, drain)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run the decode suite alone and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--keep-results",
        action="store_true",
        help="keep every decoded value alive in a list (the old, flattering floor)",
    )
    args = parser.parse_args(argv)
    rows = run(args.events, args.repeat, keep if args.keep_results else consume)
    from tools.bench.report import decode_table

    print(decode_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
