"""Build the cassette corpus in ``fixtures/<service>/*.yaml`` (issue 8, item 10).

Each cassette is made by running the real client (``InferenceProviders``,
``HuggingChat``, ``Hailuo``) against scripted responses, so every request in
it is one the client really sends; the request is then scrubbed as the
recorder would: credentials become placeholders (``Bearer <secret:token>``,
``hf-chat=<secret:hf_chat>``, Hailuo's ``token``/``yy`` headers and its
``uuid``/``device_id`` query values), other headers are kept only when the
spec's ``record.headers`` allows them, and what changes on every call (the
multipart boundary, Hailuo's ``unix``) is fixed. The real router recordings
(``tests/data/real/*.vcr.yaml``) are imported with ``import_vcr`` and scrubbed
the same way. Bodies come from ``tests/data/examples`` (copies of the
protocol research's examples, see ``tests/data/PROVENANCE.md``) or are written
here after the protocol notes; each cassette's first lines say which.

Deterministic: the same files every run. ``python tools/build_fixtures.py``
rewrites ``fixtures/``; ``--check`` exits 1 when a file differs.
``tests/test_corpus.py`` replays every cassette through its client with the
same calls (:data:`SCENARIOS`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import anyio
import attrs

from codec.http import HttpRequest
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.demo import CALLS as DEMO_CALLS
from hfclient.demo import HAILUO_CHAT as DEMO_HAILUO_CHAT
from hfclient.demo import DemoCall
from hfclient.events import Conversation
from hfclient.protocol.huggingchat import Attachment
from hfclient.timeouts import Timeout
from hfclient.transport.cassette import (
    EOF,
    RESET,
    Cassette,
    Chunk,
    End,
    Exchange,
    Request,
    Response,
    dumps,
    stall,
)
from hfclient.transport.replay import ReplayTransport
from hfclient.transport.scrub import Scrubber, scrub_cassette
from hfclient.transport.vcr import import_vcr

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEMO = ROOT / "hfclient" / "demo" / "cassettes"  # shipped in the package: hfclient demo
DATA = ROOT / "tests" / "data"
EXAMPLES = DATA / "examples"
REAL = DATA / "real"

# Dummy credentials the builder and the tests pass to the clients: never recorded.
CREDENTIALS: Mapping[str, Mapping[str, str]] = {
    "router": {"api_key": "corpus-api-key"},
    "huggingchat": {"hf_chat": "corpus-hf-chat", "token": "corpus-token-cookie"},
    "hailuo": {"token": "corpus-hailuo-token", "device_id": "corpus-device", "uuid": "corpus-uuid"},
}
BOUNDARY = "hfclient-corpus-boundary"
UNIX = "1764748800000"  # 2025-12-03T08:00:00Z, for Hailuo's signed query

SSE = "text/event-stream"
JSONL = "application/jsonl"
JSON = "application/json"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


# -- responses ---------------------------------------------------------------------


def events_of(body: bytes, separator: bytes) -> list[bytes]:
    """``body`` cut after each ``separator`` (one SSE event or NDJSON line each)."""
    out, start = [], 0
    while True:
        found = body.find(separator, start)
        if found < 0:
            break
        out.append(body[start : found + len(separator)])
        start = found + len(separator)
    if start < len(body):
        out.append(body[start:])
    return out


def timed(
    pieces: Sequence[bytes],
    *,
    seed: str,
    first: float = 0.35,
    gap: float = 0.03,
    split_every: int = 0,
) -> tuple[Chunk, ...]:
    """One chunk per piece, ``gap`` seconds apart (with jitter); every
    ``split_every``-th piece is cut in two mid-line, as a TCP read may."""
    rng = random.Random(seed)
    at = first
    out: list[Chunk] = []
    for index, piece in enumerate(pieces):
        if split_every and index % split_every == split_every - 1 and len(piece) > 8:
            cut = rng.randrange(4, len(piece) - 2)
            out.append(Chunk(piece[:cut], round(at, 3)))
            at += 0.001
            out.append(Chunk(piece[cut:], round(at, 3)))
        else:
            out.append(Chunk(piece, round(at, 3)))
        at += gap * rng.uniform(0.5, 1.6)
    return tuple(out)


def split_inside(pieces: Sequence[bytes], char: str, times: int = 1) -> list[bytes]:
    """``pieces`` with the first ``times`` pieces holding ``char`` cut inside its UTF-8 bytes.

    Each half alone is not valid UTF-8 (the cassette stores it as base64);
    joined, they are: a TCP read may end anywhere.
    """
    encoded = char.encode()
    out: list[bytes] = []
    for piece in pieces:
        at = piece.find(encoded)
        if times and at >= 0:
            out += [piece[: at + 1], piece[at + 1 :]]
            times -= 1
        else:
            out.append(piece)
    if times:
        raise ValueError(f"{char!r} is not in the body {times} more times")
    return out


def streamed(
    body: bytes,
    content_type: str,
    *,
    seed: str,
    end: End = EOF,
    headers: Sequence[tuple[str, str]] = (),
    gap: float = 0.03,
    split_every: int = 5,
    separator: bytes | None = None,
) -> Response:
    """A 200 stream: one chunk per event (SSE) or line (NDJSON)."""
    if separator is None:
        separator = b"\n\n" if content_type == SSE else b"\n"
    chunks = timed(events_of(body, separator), seed=seed, gap=gap, split_every=split_every)
    return Response(200, "OK", (("content-type", content_type), *headers), chunks, end, at=0.31)


def answer(
    status: int,
    reason: str,
    body: bytes,
    content_type: str = JSON,
    headers: Sequence[tuple[str, str]] = (),
    at: float = 0.12,
) -> Response:
    """A whole answer in one chunk."""
    chunks = (Chunk(body, round(at + 0.002, 3)),) if body else ()
    return Response(status, reason, (("content-type", content_type), *headers), chunks, EOF, at=at)


# -- scenarios ---------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One cassette: the client call that makes its requests, and the answers.

    ``call`` holds the client's settings (``client``) and the call's
    arguments (``messages``, ``model``, ``conversation`` as a dict, ...).
    ``responses`` answer the client's requests in order; ``source`` says
    where the bodies come from.
    """

    path: str  # fixtures/<path>.yaml
    service: str
    call: Mapping[str, Any]
    responses: Sequence[Response]
    source: str
    fault: str | None = None
    covers: str = ""
    vcr: str | None = None  # a real recording to import instead of responses


def client_for(service: str, settings: Mapping[str, Any], transport: Any) -> Any:
    """The client of ``service`` with the dummy credentials, over ``transport``."""
    kwargs = dict(settings)
    if "timeout" in kwargs and isinstance(kwargs["timeout"], Mapping):
        kwargs["timeout"] = Timeout(**kwargs["timeout"])
    cls = {"router": InferenceProviders, "huggingchat": HuggingChat, "hailuo": Hailuo}[service]
    return cls(**CREDENTIALS[service], transport=transport, **kwargs)


def call_arguments(call: Mapping[str, Any]) -> dict[str, Any]:
    """The call's keyword arguments as the client takes them."""
    kwargs = {k: v for k, v in call.items() if k not in ("client", "method")}
    if isinstance(kwargs.get("conversation"), Mapping):
        kwargs["conversation"] = Conversation(**kwargs["conversation"])
    if "files" in kwargs:
        kwargs["files"] = [Attachment(**f) for f in kwargs["files"]]
    return kwargs


async def run_call(service: str, call: Mapping[str, Any], transport: Any) -> tuple[list[Any], Any]:
    """Events of the call (``stream``), or its Completion (``complete``), and what it raised."""
    client = client_for(service, call.get("client", {}), transport)
    kwargs = call_arguments(call)
    seen: list[Any] = []
    try:
        async with client:
            if call.get("method") == "complete":
                seen.append(await client.complete(**kwargs))
            elif call.get("method") == "models":
                seen.extend(await client.models())
            elif call.get("method") == "provider_mapping":
                seen.extend(await client.provider_mapping(**kwargs))
            elif call.get("method") == "conversations":
                seen.extend([info async for info in client.conversations()])
            elif call.get("method") is not None:  # a call of one value (check_token, ...)
                seen.append(await getattr(client, call["method"])(**kwargs))
            else:
                async with client.stream(**kwargs) as events:
                    async for event in events:
                        seen.append(event)
    except Exception as exc:  # the caller looks at which
        return seen, exc
    return seen, None


# -- scrubbing ---------------------------------------------------------------------
# The recorder's own scrubbing (hfclient.transport.scrub), then what makes a re-run
# write the same bytes: the random multipart boundary, HuggingChat's random
# generationId (a uuid per run, 2026-06-11 on) and Hailuo's clock.

GENERATION_ID = "00000000-0000-4000-8000-000000000000"
_GENERATION_ID = re.compile(rb'"generationId":"[0-9a-f-]{36}"')


def _boundary_of(headers: Sequence[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            found = re.search(r'boundary="?([^";]+)"?', value)
            if found:
                return found.group(1)
    return None


def _steady_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query or not parts.netloc.endswith("hailuo.ai"):
        return url
    pairs = [
        (key, UNIX if key == "unix" else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    query = urlencode(pairs, safe="<>:")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def scrub_request(request: HttpRequest, scrubber: Scrubber) -> Request:
    recorded = scrubber.request(request)
    boundary = _boundary_of(recorded.headers)
    headers, body = recorded.headers, recorded.body
    if boundary is not None:
        headers = tuple((k, v.replace(boundary, BOUNDARY)) for k, v in headers)
        if body:
            body = body.replace(boundary.encode("ascii"), BOUNDARY.encode("ascii"))
    if body:
        body = _GENERATION_ID.sub(b'"generationId":"' + GENERATION_ID.encode() + b'"', body)
    return Request(recorded.method, _steady_url(recorded.url), headers, body or None)


def scrub_response(response: Response, method: str, url: str, scrubber: Scrubber) -> Response:
    headers = scrubber.response_headers(method, url, response.headers, status=response.status)
    return attrs.evolve(response, headers=headers, chunks=scrubber.chunks(response.chunks))


# -- building ----------------------------------------------------------------------


def build(scenario: Scenario) -> Cassette:
    """The cassette of ``scenario``: the client's requests, scrubbed, with the answers."""
    if scenario.vcr is not None:
        imported = import_vcr(REAL / scenario.vcr)
        scrubbed = scrub_cassette(attrs.evolve(imported, service=scenario.service))
        return attrs.evolve(scrubbed, fault=scenario.fault)
    placeholders = [
        Exchange(Request("GET", "http://scripted.invalid/"), response)
        for response in scenario.responses
    ]
    transport = ReplayTransport(placeholders, ordered=True, match=lambda e, r: True)
    anyio.run(run_call, scenario.service, scenario.call, transport)
    if len(transport.requests) != len(scenario.responses):
        raise RuntimeError(
            f"{scenario.path}: the client sent {len(transport.requests)} requests "
            f"for {len(scenario.responses)} scripted answers"
        )
    scrubber = Scrubber(service=scenario.service)
    exchanges = []
    for sent, response in zip(transport.requests, scenario.responses, strict=True):
        request = scrub_request(sent, scrubber)
        exchanges.append(
            Exchange(request, scrub_response(response, sent.method, sent.url, scrubber))
        )
    return Cassette(tuple(exchanges), service=scenario.service, fault=scenario.fault)


def text_of(scenario: Scenario) -> str:
    """The cassette file: a provenance comment, then the YAML."""
    lines = [f"# {scenario.path}.yaml: {scenario.covers}"]
    lines += [f"# source: {line}" for line in scenario.source.splitlines()]
    lines.append("# generated by tools/build_fixtures.py; edit that, not this file")
    return "\n".join(lines) + "\n" + dumps(build(scenario))


def provenance_text() -> str:
    """fixtures/PROVENANCE.md: where each cassette's bodies come from, and what it covers."""
    lines = [
        "# Where the corpus comes from",
        "",
        "Generated by `tools/build_fixtures.py` (run it to rewrite `fixtures/`; `--check`",
        "exits 1 when a file differs); edit that script, not these files. Every request",
        "was sent by the real client (`InferenceProviders`, `HuggingChat`, `Hailuo`) with",
        "dummy credentials and then scrubbed: credentials are `<secret:...>` placeholders,",
        "other headers only those the spec's `record.headers` allows (and `location` on",
        "a redirect), the multipart boundary and Hailuo's `unix` fixed. Bodies come from",
        "`tests/data/examples` and `tests/data/real` (copies of the protocol research,",
        "see `tests/data/PROVENANCE.md`) or were written here after the protocol notes",
        "(`protocols/hf-inference.md`, `huggingchat.md`, `hailuo.md`, sections cited).",
        "Chunk boundaries (one event or line per chunk, every fifth split mid-line) and",
        "time offsets are made up, seeded per cassette; the real recordings' bodies are",
        "one chunk per SSE event at offset 0, as `import_vcr` splits them.",
        "",
        "| cassette | fault | covers | source |",
        "|---|---|---|---|",
    ]
    for s in SCENARIOS:
        source = "; ".join(s.source.splitlines()).replace("|", "\\|")
        covers = s.covers.replace("|", "\\|")
        lines.append(f"| `{s.path}.yaml` | {s.fault or ''} | {covers} | {source} |")
    return "\n".join(lines) + "\n"


def write_all(check: bool = False) -> list[str]:
    """Write (or with ``check`` compare) every cassette; the paths that differed."""
    differing: list[str] = []
    for folder, scenarios, pattern in (
        (FIXTURES, SCENARIOS, "*/*.yaml"),
        (DEMO, DEMO_SCENARIOS, "*.yaml"),
    ):
        differing += _write(folder, scenarios, pattern, check)
    provenance = FIXTURES / "PROVENANCE.md"
    text = provenance_text()
    if not provenance.exists() or provenance.read_text(encoding="utf-8") != text:
        differing.append(str(provenance.relative_to(ROOT)))
        if not check:
            provenance.write_text(text, encoding="utf-8", newline="\n")
    return differing


def _write(folder: Path, scenarios: Sequence[Scenario], pattern: str, check: bool) -> list[str]:
    # The cassettes of one folder; a file no scenario makes is stale (removed).
    differing = []
    for scenario in scenarios:
        path = folder / f"{scenario.path}.yaml"
        text = text_of(scenario)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        differing.append(str(path.relative_to(ROOT)))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
    known = {f"{s.path}.yaml" for s in scenarios}
    for stale in sorted(folder.glob(pattern)):
        if str(stale.relative_to(folder)) not in known:
            differing.append(str(stale.relative_to(ROOT)))
            if not check:
                stale.unlink()
    return differing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change")
    args = parser.parse_args(argv)
    differing = write_all(check=args.check)
    for name in differing:
        print(("differs: " if args.check else "wrote: ") + name)
    return 1 if args.check and differing else 0


# -- the corpus --------------------------------------------------------------------

ROUTER_MODEL = "meta-llama/Llama-3.3-70B-Instruct"
HUB = "https://huggingface.co"
WEATHER = [{"role": "user", "content": "Weather in Paris?"}]
ROUTER_MAPPING = answer(
    200, "OK", example("hf-router.mapping.json"), "application/json; charset=utf-8"
)
ROUTER_HEADERS = (("x-request-id", "Root=1-6930e7a1-2c4b8f0d5e6a7b8c9d0e1f2a"),)


def sse_data(*objects: object, done: bool = True) -> bytes:
    """SSE ``data:`` events of ``objects``, then ``[DONE]``."""
    out = b"".join(
        b"data: " + json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"
        for o in objects
    )
    return out + (b"data: [DONE]\n\n" if done else b"")


def chunk_obj(delta: Mapping[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    """One chat.completion.chunk as groq and most providers send it."""
    return {
        "id": "chatcmpl-9f1c2d7e-4b3a-4e8f-a1b2-c3d4e5f60718",
        "object": "chat.completion.chunk",
        "created": 1764748801,
        "model": "llama-3.3-70b-versatile",
        "choices": [{"index": 0, "delta": dict(delta), "logprobs": None, "finish_reason": finish}],
        **extra,
    }


def router_text_stream(words: Sequence[str], *, usage: bool = True) -> bytes:
    objects: list[object] = [chunk_obj({"role": "assistant", "content": ""})]
    objects += [chunk_obj({"content": w}) for w in words]
    objects.append(chunk_obj({}, "stop"))
    if usage:
        objects.append(
            {
                **chunk_obj({}),
                "choices": [],
                "usage": {
                    "prompt_tokens": 41,
                    "completion_tokens": len(words),
                    "total_tokens": 41 + len(words),
                },
            }
        )
    return sse_data(*objects)


PARIS = [
    "The",
    " weather",
    " in",
    " Paris",
    " is",
    " mild",
    ",",
    " 14",
    "°C",
    " and",
    " cloudy",
    ".",
]
STREAM_SOURCE = (
    "tests/data/examples/hf-router.stream.sse (protocols/examples, Inference Providers notes §5)"
)
MAPPING_SOURCE = (
    "mapping: tests/data/examples/hf-router.mapping.json (Inference Providers notes §2.1)"
)
WRITTEN = "written after protocols/hf-inference.md"


def _router_tool_turn() -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "call_5a1f0c3e",
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "arguments": '{"location":"Paris, France"}',
                    },
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "call_5a1f0c3e",
            "content": '{"temp_c":14,"sky":"cloudy"}',
        },
    ]


_INVALID_UTF8 = (
    b'data: {"id":"chatcmpl-9f1c2d7e","object":"chat.completion.chunk","created":1764748801,'
    b'"model":"llama-3.3-70b-versatile","choices":[{"index":0,'
    b'"delta":{"content":"caf\xe9 au lait"},'
    b'"finish_reason":null}]}\n\n'
)
_OVERSIZED = 1 << 20  # the SSE and NDJSON readers' max_line_bytes


def _oversized(prefix: bytes, suffix: bytes, fill: bytes = b"lorem ipsum ") -> list[bytes]:
    """One line longer than the readers allow, in 64 KiB pieces."""
    body = prefix + fill * (_OVERSIZED // len(fill) + 16) + suffix
    return [body[i : i + (1 << 16)] for i in range(0, len(body), 1 << 16)]


def _oversized_response(pieces: list[bytes], content_type: str, seed: str) -> Response:
    return Response(
        200,
        "OK",
        (("content-type", content_type),),
        timed(pieces, seed=seed, gap=0.002),
        EOF,
        at=0.3,
    )


ROUTER: list[Scenario] = [
    Scenario(
        "router/real-together-stream",
        "router",
        {
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "What is deep learning?"},
            ],
            "model": "meta-llama/Meta-Llama-3-8B-Instruct",
            "provider": "together",
            "max_tokens": 20,
        },
        (),
        "real recording tests/data/real/router-together-stream.vcr.yaml (huggingface_hub tests, "
        "see tests/data/PROVENANCE.md), imported with import_vcr; headers scrubbed",
        covers="real together stream: extra text/token_id fields, usage on the last chunk, [DONE]",
        vcr="router-together-stream.vcr.yaml",
    ),
    Scenario(
        "router/real-cerebras-stream",
        "router",
        {
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "What is deep learning?"},
            ],
            "model": "meta-llama/Llama-3.3-70B-Instruct",
            "provider": "cerebras",
            "max_tokens": 20,
        },
        (),
        "real recording tests/data/real/router-cerebras-stream.vcr.yaml (huggingface_hub tests, "
        "see tests/data/PROVENANCE.md), imported with import_vcr; headers scrubbed",
        covers="real cerebras stream: no [DONE], time_info, finish_reason only at the end",
        vcr="router-cerebras-stream.vcr.yaml",
    ),
    Scenario(
        "router/stream-reasoning-tools",
        "router",
        {"messages": WEATHER, "model": "llama-3.3-70b", "max_tokens": 64},
        (
            ROUTER_MAPPING,
            streamed(example("hf-router.stream.sse"), SSE, seed="r-happy", headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\nstream: {STREAM_SOURCE}",
        covers="happy path: mapping lookup, first live provider, reasoning_content, a tool call "
        "in fragments, finish_reason tool_calls, usage-only last chunk",
    ),
    Scenario(
        "router/tool-result-turn",
        "router",
        {"messages": _router_tool_turn(), "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            streamed(router_text_stream(PARIS), SSE, seed="r-turn", headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN} §5.2 (groq chunk shape)",
        covers="continuation: the turn after a tool call (assistant tool_calls + tool message), "
        "a pinned provider",
    ),
    Scenario(
        "router/json-completion",
        "router",
        {
            "method": "complete",
            "stream": False,
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "groq",
        },
        (
            ROUTER_MAPPING,
            answer(
                200,
                "OK",
                json.dumps(
                    {
                        "id": "chatcmpl-0b7f3c2a",
                        "object": "chat.completion",
                        "created": 1764748801,
                        "model": "llama-3.3-70b-versatile",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": "".join(PARIS)},
                                "logprobs": None,
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 41,
                            "completion_tokens": 12,
                            "total_tokens": 53,
                            "prompt_tokens_details": {"cached_tokens": 0},
                        },
                    },
                    separators=(",", ":"),
                ).encode(),
                headers=ROUTER_HEADERS,
            ),
        ),
        f"{MAPPING_SOURCE}\nanswer: {WRITTEN} (DOCS-CC chat.completion)",
        covers="stream false: one JSON chat.completion with usage details",
    ),
    Scenario(
        "router/auto-route-metadata",
        "router",
        {"messages": WEATHER, "model": f"{ROUTER_MODEL}:fastest"},
        (
            streamed(
                router_text_stream(PARIS),
                SSE,
                seed="r-auto",
                headers=(
                    ("x-request-id", "Root=1-6930e7a2-7d1e0c9b8a7f6e5d4c3b2a19"),
                    ("x-inference-provider", "groq"),
                    ("x-ratelimit-limit-requests", "14400"),
                    ("x-ratelimit-remaining-requests", "14398"),
                ),
            ),
        ),
        f"stream: {WRITTEN} §2.4, §10 (auto route, request id and rate-limit headers)",
        covers="auto route with a policy suffix: no mapping lookup; request id and rate limits",
    ),
    Scenario(
        "router/402-failover",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL},
        (
            ROUTER_MAPPING,
            answer(402, "Payment Required", example("hf-router.402.json"), headers=ROUTER_HEADERS),
            streamed(router_text_stream(PARIS), SSE, seed="r-402", headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\n402: tests/data/examples/hf-router.402.json (§9)\n"
        f"stream: {WRITTEN} §5.2",
        fault="402 payment required, failover to the next provider",
        covers="402 from cerebras, then groq answers",
    ),
    Scenario(
        "router/402-all-providers",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "cerebras"},
        (
            ROUTER_MAPPING,
            answer(402, "Payment Required", example("hf-router.402.json"), headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\n402: tests/data/examples/hf-router.402.json (§9)",
        fault="402 payment required, no provider left",
        covers="402 with the provider pinned: the credits error",
    ),
    Scenario(
        "router/429-retry-after",
        "router",
        {
            "client": {"max_retries": 0},
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "cerebras",
        },
        (
            ROUTER_MAPPING,
            answer(
                429,
                "Too Many Requests",
                b'{"error":"Rate limit exceeded: 30 requests per minute"}',
                headers=(*ROUTER_HEADERS, ("retry-after", "7")),
            ),
        ),
        f"{MAPPING_SOURCE}\n429: {WRITTEN} §4.2, §10.1 (Retry-After in seconds)",
        fault="429 rate limit with Retry-After",
        covers="429 with Retry-After: 7, no retries left",
    ),
    Scenario(
        "router/429-no-retry-after",
        "router",
        {
            "client": {"max_retries": 0},
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "cerebras",
        },
        (ROUTER_MAPPING, answer(429, "Too Many Requests", example("hf-router.429.json"))),
        f"{MAPPING_SOURCE}\n429: tests/data/examples/hf-router.429.json (§10.1)",
        fault="429 rate limit without Retry-After",
        covers="429 'Model is overloaded' with no Retry-After",
    ),
    Scenario(
        "router/401-auth",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            answer(401, "Unauthorized", b'{"error":"Invalid credentials in Authorization header"}'),
        ),
        f"{MAPPING_SOURCE}\n401: {WRITTEN} §3.1, §4.2",
        fault="401 auth",
        covers="401 on the chat call: bad token",
    ),
    Scenario(
        "router/404-model-not-supported",
        "router",
        {"messages": WEATHER, "model": "example-org/not-a-model"},
        (answer(404, "Not Found", b'{"error":"Repository not found"}'),),
        f"404: {WRITTEN} §2.1 (the Hub's answer for an unknown repo)",
        fault="404 model not supported",
        covers="the mapping lookup of an unknown model",
    ),
    Scenario(
        "router/no-live-provider",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "replicate"},
        (ROUTER_MAPPING,),
        f"{MAPPING_SOURCE}",
        fault="model not supported by the provider asked for",
        covers="a provider the mapping does not list: no request to the router",
    ),
    Scenario(
        "router/422-validation",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq", "max_tokens": 100000},
        (
            ROUTER_MAPPING,
            answer(
                422,
                "Unprocessable Entity",
                b'{"error":{"message":"max_tokens must be less than or equal to 32768","type":'
                b'"invalid_request_error","code":"invalid_value"}}',
            ),
        ),
        f"{MAPPING_SOURCE}\n422: {WRITTEN} §4.2 (OpenAI-style error object)",
        fault="422 validation",
        covers="validation error in the OpenAI error shape",
    ),
    Scenario(
        "router/503-overloaded",
        "router",
        {
            "client": {"max_retries": 0},
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "hf-inference",
        },
        (
            ROUTER_MAPPING,
            answer(
                503,
                "Service Unavailable",
                b'{"error":"Model meta-llama/Llama-3.3-70B-Instruct is currently loading",'
                b'"estimated_time":41.3}',
            ),
        ),
        f"{MAPPING_SOURCE}\n503: {WRITTEN} §4.2 (hf-inference loading)",
        fault="503 overloaded",
        covers="hf-inference route (model in the path), model loading",
    ),
    Scenario(
        "router/error-in-stream",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "hf-inference"},
        (ROUTER_MAPPING, streamed(example("hf-router.stream-error.sse"), SSE, seed="r-inband")),
        f"{MAPPING_SOURCE}\nstream: tests/data/examples/hf-router.stream-error.sse (§5.3)",
        fault="error inside a 200 stream",
        covers="TGI-style error string after two deltas",
    ),
    Scenario(
        "router/truncated-body",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            streamed(router_text_stream(PARIS)[:900], SSE, seed="r-trunc", split_every=0),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN} §5.2, cut mid-event",
        fault="truncated body",
        covers="the body ends cleanly mid-event, no finish_reason, no [DONE]",
    ),
    Scenario(
        "router/reset-mid-stream",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL},
        (
            ROUTER_MAPPING,
            streamed(
                example("hf-router.stream.sse")[:2600],
                SSE,
                seed="r-reset",
                end=RESET,
                headers=ROUTER_HEADERS,
            ),
        ),
        f"{MAPPING_SOURCE}\nstream: {STREAM_SOURCE}, its first 2600 bytes",
        fault="reset mid-stream",
        covers="the connection breaks during reasoning",
    ),
    Scenario(
        "router/stall",
        "router",
        {
            "client": {"timeout": {"read": 0.5}},
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "groq",
        },
        (
            ROUTER_MAPPING,
            streamed(
                router_text_stream(PARIS)[:1500],
                SSE,
                seed="r-stall",
                split_every=0,
                end=stall(60.0),
            ),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN} §5.2, then silence",
        fault="stall mid-stream, the read timeout ends it",
        covers="a provider goes silent after a few deltas",
    ),
    Scenario(
        "router/invalid-utf8",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            Response(
                200,
                "OK",
                (("content-type", SSE),),
                timed(
                    [
                        *events_of(
                            sse_data(
                                chunk_obj({"role": "assistant", "content": ""}),
                                chunk_obj({"content": "Try a"}),
                                done=False,
                            ),
                            b"\n\n",
                        ),
                        _INVALID_UTF8,
                        *events_of(sse_data(chunk_obj({}, "stop")), b"\n\n"),
                    ],
                    seed="r-utf8",
                ),
                EOF,
                at=0.3,
            ),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN} §5.2, a Latin-1 'é' (0xE9) in one chunk",
        fault="invalid UTF-8 in a chunk",
        covers="a chunk that is not UTF-8 (stored as base64)",
    ),
    Scenario(
        "router/oversized-line",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            _oversized_response(
                _oversized(b'data: {"choices":[{"index":0,"delta":{"content":"', b'"}}]}\n\n'),
                SSE,
                "r-big",
            ),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN}, one data line over 1 MiB",
        fault="oversized line",
        covers="an SSE line longer than max_line_bytes (1 MiB)",
    ),
]


GPT_OSS = [
    chunk_obj({"role": "assistant", "content": ""}, model="openai/gpt-oss-120b"),
    chunk_obj({"reasoning": "User asks"}, model="openai/gpt-oss-120b"),
    chunk_obj({"reasoning": " for a tool."}, model="openai/gpt-oss-120b"),
    chunk_obj(
        {
            "tool_calls": [
                {
                    "id": "fc_7e2a",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            ]
        },
        model="openai/gpt-oss-120b",
    ),
    chunk_obj(
        {"tool_calls": [{"function": {"arguments": '{"location":'}}]}, model="openai/gpt-oss-120b"
    ),
    chunk_obj(
        {"tool_calls": [{"function": {"arguments": '"Paris"}'}}]}, model="openai/gpt-oss-120b"
    ),
    chunk_obj(
        {"content": [{"type": "text", "text": "Checking Paris."}]}, model="openai/gpt-oss-120b"
    ),
    chunk_obj(
        {},
        "tool_calls",
        model="openai/gpt-oss-120b",
        usage={
            "prompt_tokens": 88,
            "completion_tokens": 31,
            "total_tokens": 119,
            "completion_tokens_details": {"reasoning_tokens": 9},
        },
    ),
]
CATALOGUE = {
    "object": "list",
    "data": [
        {
            "id": "meta-llama/Llama-3.3-70B-Instruct",
            "object": "model",
            "created": 1733011200,
            "owned_by": "meta-llama",
            "providers": [
                {
                    "provider": "cerebras",
                    "status": "live",
                    "context_length": 65536,
                    "pricing": {"input": 0.85, "output": 1.2},
                    "supports_tools": True,
                    "supports_structured_output": False,
                },
                {
                    "provider": "groq",
                    "status": "live",
                    "context_length": 131072,
                    "pricing": {"input": 0.59, "output": 0.79},
                    "supports_tools": True,
                    "supports_structured_output": False,
                    "first_token_latency_ms": 210.0,
                    "throughput": 275.4,
                },
                {"provider": "sambanova", "status": "error"},
            ],
        },
        {
            "id": "openai/gpt-oss-120b",
            "object": "model",
            "created": 1754352000,
            "owned_by": "openai",
            "providers": [
                {
                    "provider": "groq",
                    "status": "live",
                    "context_length": 131072,
                    "pricing": {"input": 0.15, "output": 0.75},
                    "supports_tools": True,
                    "is_model_author": False,
                }
            ],
        },
    ],
}

ROUTER += [
    Scenario(
        "router/reasoning-field-content-parts",
        "router",
        {"messages": WEATHER, "model": "openai/gpt-oss-120b:groq"},
        (
            answer(
                200,
                "OK",
                json.dumps(
                    {
                        "_id": "6890f1c2a3b4c5d6e7f80912",
                        "id": "openai/gpt-oss-120b",
                        "inferenceProviderMapping": {
                            "groq": {
                                "status": "live",
                                "providerId": "openai/gpt-oss-120b",
                                "task": "conversational",
                                "isModelAuthor": False,
                            }
                        },
                    },
                    separators=(",", ":"),
                ).encode(),
                "application/json; charset=utf-8",
            ),
            streamed(sse_data(*GPT_OSS), SSE, seed="r-oss", headers=ROUTER_HEADERS),
        ),
        f"mapping and stream: {WRITTEN} §2.1, §5.2, §5.3 (reasoning under `reasoning`, "
        "tool-call fragments without index, content as a list of parts, reasoning_tokens)",
        covers="the `reasoning` field, index-less tool-call fragments, content parts, "
        "a provider named in the model (:groq)",
    ),
    Scenario(
        "router/429-then-answer",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            answer(
                429,
                "Too Many Requests",
                b'{"error":"Rate limit reached for model llama-3.3-70b-versatile"}',
                headers=(*ROUTER_HEADERS, ("retry-after", "1")),
            ),
            streamed(router_text_stream(PARIS), SSE, seed="r-429-ok", headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\n429 and stream: {WRITTEN} §4.2, §5.2",
        fault="429 rate limit with Retry-After, then the retry answers",
        covers="429 Retry-After: 1, waited, the same provider answers",
    ),
    Scenario(
        "router/410-gone",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "novita"},
        (
            ROUTER_MAPPING,
            answer(410, "Gone", b'{"error":"This model has been deprecated on novita"}'),
        ),
        f"{MAPPING_SOURCE}\n410: {WRITTEN} §4.2",
        fault="410 gone",
        covers="a provider that retired the model",
    ),
    Scenario(
        "router/502-server",
        "router",
        {
            "client": {"max_retries": 0},
            "messages": WEATHER,
            "model": ROUTER_MODEL,
            "provider": "together",
        },
        (
            ROUTER_MAPPING,
            answer(
                502,
                "Bad Gateway",
                b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                "text/html",
            ),
        ),
        f"{MAPPING_SOURCE}\n502: {WRITTEN} §4.2 (an HTML page from the gateway)",
        fault="502 server",
        covers="a gateway error page, no retries left",
    ),
    Scenario(
        "router/split-utf8",
        "router",
        {"messages": WEATHER, "model": ROUTER_MODEL, "provider": "groq"},
        (
            ROUTER_MAPPING,
            Response(
                200,
                "OK",
                (("content-type", SSE), *ROUTER_HEADERS),
                timed(
                    split_inside(events_of(router_text_stream(PARIS), b"\n\n"), "°"), seed="r-split"
                ),
                EOF,
                at=0.3,
            ),
        ),
        f"{MAPPING_SOURCE}\nstream: {WRITTEN} §5.2",
        covers="a chunk boundary inside the two bytes of '°' (two base64 chunks that join "
        "to valid UTF-8)",
    ),
    Scenario(
        "router/provider-mapping",
        "router",
        {"method": "provider_mapping", "model": "llama-3.3-70b"},
        (ROUTER_MAPPING,),
        MAPPING_SOURCE,
        covers="the Hub's provider mapping: live, staging and error entries",
    ),
    Scenario(
        "router/mapping-redirect",
        "router",
        {"messages": WEATHER, "model": "meta-llama/Meta-Llama-3.1-8B-Instruct", "provider": "groq"},
        (
            answer(
                307,
                "Temporary Redirect",
                b"Temporary Redirect. Redirecting to /api/models/meta-llama/Llama-3.1-8B-Instruct",
                "text/plain; charset=utf-8",
                headers=(("location", "/api/models/meta-llama/Llama-3.1-8B-Instruct"),),
            ),
            answer(
                200,
                "OK",
                json.dumps(
                    {
                        "_id": "669fb8b5a0e6c2b8e1f2d3c4",
                        "id": "meta-llama/Llama-3.1-8B-Instruct",
                        "inferenceProviderMapping": {
                            "groq": {
                                "status": "live",
                                "providerId": "llama-3.1-8b-instant",
                                "task": "conversational",
                                "isModelAuthor": False,
                            }
                        },
                    },
                    separators=(",", ":"),
                ).encode(),
                "application/json; charset=utf-8",
            ),
            streamed(router_text_stream(PARIS), SSE, seed="r-307", headers=ROUTER_HEADERS),
        ),
        f"307 and mapping: {WRITTEN} §2.1 (a renamed repo: text/plain 307, followed)\n"
        f"stream: {WRITTEN} §5.2",
        covers="the Hub redirects a renamed model; the client follows it on the same host",
    ),
    Scenario(
        "router/models-catalogue",
        "router",
        {"method": "models"},
        (answer(200, "OK", json.dumps(CATALOGUE, separators=(",", ":")).encode()),),
        f"catalogue: {WRITTEN} §2.3",
        covers="GET /v1/models: providers with status, context length, pricing, tools",
    ),
]


HC_ID = "6874cc01a3e9c1f27b4d0e58"
HC_LEGACY_ID = "6841a3c2e9b7d4f01a2c5e77"
HC_MODEL = "Qwen/Qwen3-235B-A22B"
HC_NEW = example("huggingchat-v2.conversation-new.json")
HC_AFTER_ONE = example("huggingchat-v2.conversation.json")
HC_CREATED = answer(200, "OK", json.dumps({"conversationId": HC_ID}).encode())
HC_SOURCE_NEW = (
    "conversation: tests/data/examples/huggingchat-v2.conversation-new.json"
    " (HuggingChat notes §2.5)"
)
HC_SOURCE_ONE = (
    "conversation: tests/data/examples/huggingchat-v2.conversation.json (HuggingChat notes §2.5)"
)
HC_WRITTEN = "written after protocols/huggingchat.md"
HC_TURN = [{"role": "user", "content": "How does a browser check a TLS certificate?"}]


def hc_lines(*updates: Mapping[str, Any]) -> bytes:
    """NDJSON MessageUpdates, compact as chat-ui writes them."""
    return b"".join(
        json.dumps(u, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for u in updates
    )


def hc_token(text: str) -> dict[str, Any]:
    """A stream update, NUL-padded to 16 UTF-16 units (§3.1)."""
    units = len(text.encode("utf-16-le")) // 2
    return {"type": "stream", "token": text + "\0" * max(0, 16 - units)}


def hc_answer(
    words: Sequence[str],
    *,
    title: str | None = None,
    interrupted: bool = False,
    keep_alive: int = 2,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"type": "status", "status": "started"}]
    out += [{"type": "status", "status": "keepAlive"}] * keep_alive
    out += [hc_token(w) for w in words]
    out.append({"type": "finalAnswer", "text": "".join(words), "interrupted": interrupted})
    if title is not None:
        out.append({"type": "title", "title": title})
    return out


def hc_stream(
    updates: Sequence[Mapping[str, Any]], seed: str, *, end: End = EOF, trailing: bool = False
) -> Response:
    body = hc_lines(*updates)
    if trailing:
        # finalAnswer is followed by 4096 spaces and no newline (§3.1): put them after its line.
        body = body.replace(b'"interrupted":false}\n', b'"interrupted":false}\n' + b" " * 4096, 1)
    return streamed(body, JSONL, seed=seed, gap=0.04)


def _legacy_error_node() -> bytes:
    """The legacy __data.json example with its page node an access error (§4.5)."""
    first, _, rest = example("huggingchat-2025-05.data-invalidated-11.jsonl").partition(b"\n")
    data = json.loads(first)
    message = (
        "You don't have access to this conversation. If someone gave you this link, "
        "ask them to use the 'share' feature instead."
    )
    data["nodes"][1] = {"type": "error", "error": {"message": message}, "status": 403}
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return encoded + b"\n" + rest


THREAD = [
    "A",
    " thread",
    " shares",
    " its",
    " process",
    "'s",
    " memory",
    ";",
    " a",
    " process",
    " has",
    " its",
    " own",
    ".",
]
FOX = "9f2c1b7e4a5d6c8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a"

HUGGINGCHAT: list[Scenario] = [
    Scenario(
        "huggingchat/new-conversation",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            streamed(example("huggingchat-2026.stream.ndjson"), JSONL, seed="h-happy", gap=0.04),
        ),
        f"create: {HC_WRITTEN} §2.3\n{HC_SOURCE_NEW}\n"
        "stream: tests/data/examples/huggingchat-2026.stream.ndjson (§3, §12)",
        covers="happy path: create, read the root message, send; <think> reasoning, routerMetadata, "  # noqa: E501
        "keepAlive, finalAnswer, title after it, status finished",
    ),
    Scenario(
        "huggingchat/second-turn",
        "huggingchat",
        {
            "messages": [
                {
                    "role": "user",
                    "content": "What is the difference between a process and a thread? Two sentences.",  # noqa: E501,
                },
                {"role": "assistant", "content": "A process is an independent program..."},
                {"role": "user", "content": "And in one line?"},
            ],
            "model": HC_MODEL,
            "conversation": {"service": "huggingchat", "conversation_id": HC_ID, "model": HC_MODEL},
        },
        (
            answer(200, "OK", HC_AFTER_ONE),
            hc_stream(
                [
                    *hc_answer(THREAD)[:-1],
                    {"type": "routerMetadata", "route": "", "model": "", "provider": "together"},
                    hc_answer(THREAD)[-1],
                    {"type": "status", "status": "finished"},
                ],
                seed="h-second",
            ),
        ),
        f"{HC_SOURCE_ONE}\nstream: {HC_WRITTEN} §3, §12 (provider-only routerMetadata)",
        covers="continuation: a second turn on an existing conversation, its parent the last "
        "message; the provider arrives alone in routerMetadata",
    ),
    Scenario(
        "huggingchat/legacy-web-search",
        "huggingchat",
        {
            "client": {"era": "legacy"},
            "web_search": True,
            "messages": [
                {"role": "user", "content": "How do I sort a list of dicts by a key in Python?"}
            ],
            "model": "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
        },
        (
            answer(200, "OK", json.dumps({"conversationId": HC_LEGACY_ID}).encode()),
            answer(
                200,
                "OK",
                example("huggingchat-2025-05.data-invalidated-11.jsonl"),
                "text/sveltekit-data",
            ),
            streamed(
                example("huggingchat-2025-05.stream.ndjson"), JSONL, seed="h-legacy", gap=0.04
            ),
        ),
        f"create: {HC_WRITTEN} §2.3\n"
        "data: tests/data/examples/huggingchat-2025-05.data-invalidated-11.jsonl (§2.4, §4)\n"
        "stream: tests/data/examples/huggingchat-2025-05.stream.ndjson (§3, 2025-05 era)",
        covers="legacy era (__data.json); web search updates and sources, reasoning status and "
        "tokens, title before the answer",
    ),
    Scenario(
        "huggingchat/legacy-error-node",
        "huggingchat",
        {
            "client": {"era": "legacy"},
            "messages": HC_TURN,
            "model": HC_MODEL,
            "conversation": {
                "service": "huggingchat",
                "conversation_id": HC_LEGACY_ID,
                "model": HC_MODEL,
            },
        },
        (answer(200, "OK", _legacy_error_node(), "text/sveltekit-data"),),
        "data: tests/data/examples/huggingchat-2025-05.data-invalidated-11.jsonl (§2.4, §4) with "
        "its page node replaced by an error node (§4.5 step 3, §2.5 message)",
        fault="403 auth inside a 200 __data.json (an error node)",
        covers="legacy era: the page node is an error with status 403",
    ),
    Scenario(
        "huggingchat/tools-and-file",
        "huggingchat",
        {"messages": [{"role": "user", "content": "Draw a red fox"}], "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            hc_stream(
                [
                    {"type": "status", "status": "started"},
                    {"type": "status", "status": "keepAlive"},
                    {
                        "type": "tool",
                        "subtype": "call",
                        "uuid": "5f0c2a9e-1b7d-4c3e-8f6a-2d9b0e4c7a15",
                        "call": {
                            "name": "image_generation",
                            "parameters": {"prompt": "a red fox"},
                            "toolId": "000000000000000000000001",
                        },
                    },
                    {
                        "type": "tool",
                        "subtype": "eta",
                        "uuid": "5f0c2a9e-1b7d-4c3e-8f6a-2d9b0e4c7a15",
                        "eta": 12.5,
                    },
                    {"type": "status", "status": "keepAlive"},
                    {
                        "type": "tool",
                        "subtype": "progress",
                        "uuid": "5f0c2a9e-1b7d-4c3e-8f6a-2d9b0e4c7a15",
                        "progress": 3,
                        "total": 8,
                        "message": "denoising",
                    },
                    {"type": "file", "name": "fox.png", "sha": FOX, "mime": "image/png"},
                    {
                        "type": "tool",
                        "subtype": "result",
                        "uuid": "5f0c2a9e-1b7d-4c3e-8f6a-2d9b0e4c7a15",
                        "result": {
                            "outputs": [{"image": "fox.png"}],
                            "display": False,
                            "call": {
                                "name": "image_generation",
                                "parameters": {"prompt": "a red fox"},
                            },
                            "status": "success",
                        },
                    },
                    {
                        "type": "tool",
                        "subtype": "call",
                        "uuid": "a81d3c55-0e2f-4b9a-9c7d-6e5f4a3b2c10",
                        "call": {
                            "name": "fetch_url",
                            "parameters": {"url": "https://example.com/fox"},
                        },
                    },
                    {
                        "type": "tool",
                        "subtype": "error",
                        "uuid": "a81d3c55-0e2f-4b9a-9c7d-6e5f4a3b2c10",
                        "message": "An error occurred while calling the tool fetch_url: timeout",
                    },
                    hc_token("Here is your fox."),
                    {"type": "finalAnswer", "text": "Here is your fox.", "interrupted": False},
                    {"type": "title", "title": "🦊 Red fox drawing"},
                    {"type": "status", "status": "finished"},
                ],
                seed="h-tools",
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.2 (the tool, file and progress examples)",
        covers="tool call, eta, progress, result, a second call's tool error, a generated file",
    ),
    Scenario(
        "huggingchat/web-search-error-elicitation",
        "huggingchat",
        {
            "messages": [{"role": "user", "content": "Latest fox population census?"}],
            "model": HC_MODEL,
            "web_search": True,
        },
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            hc_stream(
                [
                    {"type": "status", "status": "started"},
                    {
                        "type": "webSearch",
                        "subtype": "update",
                        "message": "Searching Google",
                        "args": ["fox population census"],
                    },
                    {
                        "type": "webSearch",
                        "subtype": "error",
                        "message": "An error occurred",
                        "args": ["No results found for this search query"],
                    },
                    {"type": "webSearch", "subtype": "finished"},
                    {
                        # chat-ui src/lib/types/MessageUpdate.ts: a live question (with
                        # expiresAt, epoch ms) keeps the stream open until resolved.
                        "type": "elicitation",
                        "subtype": "request",
                        "request": {
                            "elicitationId": "3c1e5a7b-2d4f-4a6b-8c0d-1e2f3a4b5c6d",
                            "server": "Web Search (Exa)",
                            "mode": "form",
                            "message": "Allow the search tool to use your location?",
                            "fields": [{"kind": "boolean", "name": "allow", "required": True}],
                        },
                        "expiresAt": 1787000000000,
                    },
                    {
                        "type": "elicitation",
                        "subtype": "resolved",
                        "elicitationId": "3c1e5a7b-2d4f-4a6b-8c0d-1e2f3a4b5c6d",
                        "action": "decline",
                        "resolution": "user",
                    },
                    {"type": "reasoning", "subtype": "stream", "token": ""},
                    {
                        "type": "reasoning",
                        "subtype": "stream",
                        "token": "No results; answer from memory.",
                    },
                    *[hc_token(w) for w in ["I", " found", " no", " census", "."]],
                    {
                        "type": "finalAnswer",
                        "text": "I found no census.",
                        "interrupted": False,
                        "webSources": [
                            {"uri": "https://en.wikipedia.org/wiki/Red_fox", "title": "Red fox"}
                        ],
                    },
                    {"type": "status", "status": "finished"},
                ],
                seed="h-search-error",
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.2 (webSearch error, elicitation 2026-08-21, "
        "finalAnswer webSources)",
        covers="webSearch error, a live elicitation request and its resolution, an empty "
        "reasoning token, finalAnswer webSources",
    ),
    Scenario(
        "huggingchat/with-file",
        "huggingchat",
        {
            "messages": [{"role": "user", "content": "What is in this picture?"}],
            "model": HC_MODEL,
            "files": [
                {
                    "name": "dot.png",
                    "mime": "image/png",
                    "data": bytes.fromhex(
                        "89504e470d0a1a0a0000000d4948445200000001000000010806"
                        "0000001f15c4890000000d49444154789c63f8cfc0f01f0005"
                        "0001ff5ccd2a2f0000000049454e44ae426082"
                    ),
                }
            ],
        },
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            hc_stream(
                [
                    *hc_answer(["A", " single", " black", " pixel", "."]),
                    {"type": "status", "status": "finished"},
                ],
                seed="h-file",
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §2.6 (a files part: base64;<name>)",
        covers="a message with an image attached (multipart files part)",
    ),
    Scenario(
        "huggingchat/401-auth",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (answer(401, "Unauthorized", b'{"error":"You have to be logged in."}'),),
        f"401: {HC_WRITTEN} §1.4 item 1, §2.3",
        fault="401 auth",
        covers="hook-level 401 on create",
    ),
    Scenario(
        "huggingchat/403-not-your-conversation",
        "huggingchat",
        {
            "messages": HC_TURN,
            "model": HC_MODEL,
            "conversation": {"service": "huggingchat", "conversation_id": HC_ID, "model": HC_MODEL},
        },
        (
            answer(
                403,
                "Forbidden",
                b'{"message":"You don\'t have access to this conversation. If someone gave you '
                b"this link, ask them to use the 'share' feature instead.\"}",
            ),
        ),
        f"403: {HC_WRITTEN} §2.5",
        fault="403 auth (the session does not own the conversation)",
        covers="403 reading the conversation of another session",
    ),
    Scenario(
        "huggingchat/login-redirect",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            Response(
                302,
                "Found",
                (
                    ("content-type", "text/html"),
                    ("location", "https://huggingface.co/login?next=%2Fchat%2Fconversation"),
                ),
                (
                    Chunk(
                        b"Redirecting to https://huggingface.co/login?next=%2Fchat%2Fconversation",
                        0.09,
                    ),
                ),
                EOF,
                at=0.09,
            ),
        ),
        f"302: {HC_WRITTEN} §1.2 (an expired session is sent to the login page)",
        fault="login redirect",
        covers="302 to huggingface.co/login",
    ),
    Scenario(
        "huggingchat/429-too-many-messages",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            answer(
                429,
                "Too Many Requests",
                b'{"message":"You are sending too many messages. Try again later."}',
            ),
        ),
        f"{HC_SOURCE_NEW}\n429: {HC_WRITTEN} §2.6 (USAGE_LIMITS.messagesPerMinute; no Retry-After)",
        fault="429 rate limit without Retry-After",
        covers="429 on send",
    ),
    Scenario(
        "huggingchat/429-status-code-in-stream",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            hc_stream(
                [
                    {"type": "status", "status": "started"},
                    {
                        "type": "status",
                        "status": "error",
                        "message": "Rate limit reached for the upstream provider",
                        "statusCode": 429,
                    },
                ],
                seed="h-429-inband",
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.2, §12 (statusCode since 2025-10-13)",
        fault="error inside a 200 stream, with statusCode 429",
        covers="a status error with statusCode before any token",
    ),
    Scenario(
        "huggingchat/410-model-gone",
        "huggingchat",
        {"messages": HC_TURN, "model": "meta-llama/Llama-2-70b-chat-hf"},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            answer(410, "Gone", b'{"message":"Model not available anymore"}'),
        ),
        f"{HC_SOURCE_NEW}\n410: {HC_WRITTEN} §2.6",
        fault="410 model not supported",
        covers="a model that is no longer served",
    ),
    Scenario(
        "huggingchat/400-invalid-model",
        "huggingchat",
        {"messages": HC_TURN, "model": "example-org/not-a-model"},
        (answer(400, "Bad Request", b'{"message":"Invalid model"}'),),
        f"400: {HC_WRITTEN} §2.3",
        fault="400 validation (unknown model)",
        covers="create refuses an unknown model",
    ),
    Scenario(
        "huggingchat/404-conversation-not-found",
        "huggingchat",
        {
            "messages": HC_TURN,
            "model": HC_MODEL,
            "conversation": {
                "service": "huggingchat",
                "conversation_id": "6874cc01a3e9c1f27b4d0e59",
                "model": HC_MODEL,
            },
        },
        (answer(404, "Not Found", b'{"message":"Conversation not found."}'),),
        f"404: {HC_WRITTEN} §2.5",
        fault="404 not found",
        covers="continuing a deleted conversation",
    ),
    Scenario(
        "huggingchat/413-file-too-large",
        "huggingchat",
        {
            "messages": [{"role": "user", "content": "Describe this scan"}],
            "model": HC_MODEL,
            "files": [{"name": "scan.png", "mime": "image/png", "data": b"\x89PNG\r\n\x1a\n"}],
        },
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            answer(413, "Payload Too Large", b'{"message":"File too large, should be <10MB"}'),
        ),
        f"{HC_SOURCE_NEW}\n413: {HC_WRITTEN} §2.6 (decoded files over 10 MiB)",
        fault="413 validation (file too large)",
        covers="an attachment the server refuses",
    ),
    Scenario(
        "huggingchat/500-server",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            answer(
                500,
                "Internal Server Error",
                b'{"message":"An error occurred","errorId":"4f1e2d3c-b5a6-4978-8a9b-0c1d2e3f4a5b"}',
            ),
        ),
        f"{HC_SOURCE_NEW}\n500: {HC_WRITTEN} §1.4 item 3",
        fault="500 server",
        covers="an exception in chat-ui: message and errorId",
    ),
    Scenario(
        "huggingchat/error-in-stream",
        "huggingchat",
        {"messages": [{"role": "user", "content": "A haiku about autumn rain"}], "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            streamed(example("huggingchat.stream-error.ndjson"), JSONL, seed="h-inband", gap=0.04),
        ),
        f"{HC_SOURCE_NEW}\nstream: tests/data/examples/huggingchat.stream-error.ndjson (§3.3)",
        fault="error inside a 200 stream",
        covers="status error 'Model is overloaded' after some tokens and a title",
    ),
    Scenario(
        "huggingchat/truncated-body",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            streamed(
                hc_lines(*hc_answer(THREAD)[:12]) + b'{"type":"stream","tok',
                JSONL,
                seed="h-trunc",
                gap=0.04,
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.1, cut mid-line",
        fault="truncated body",
        covers="the body ends mid-line, no finalAnswer",
    ),
    Scenario(
        "huggingchat/reset-mid-stream",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            streamed(hc_lines(*hc_answer(THREAD)[:10]), JSONL, seed="h-reset", gap=0.04, end=RESET),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.1",
        fault="reset mid-stream",
        covers="the connection breaks after some tokens",
    ),
    Scenario(
        "huggingchat/keepalive-stall",
        "huggingchat",
        {
            "client": {"timeout": {"read": 30.0, "total": 0.8}},
            "messages": HC_TURN,
            "model": HC_MODEL,
        },
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            Response(
                200,
                "OK",
                (("content-type", JSONL),),
                timed(
                    [
                        b'{"type":"status","status":"started"}\n',
                        *[b'{"type":"status","status":"keepAlive"}\n'] * 24,
                    ],
                    seed="h-stall",
                    gap=0.1,
                    split_every=0,
                ),
                stall(30.0),
                at=0.3,
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.1 (keepAlive about ten a second), then silence",
        fault="keepAlive-only stall, the client's total timeout ends it",
        covers="only keepAlive lines, then a 30 s stall; total timeout 0.8 s",
    ),
    Scenario(
        "huggingchat/invalid-utf8",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            Response(
                200,
                "OK",
                (("content-type", JSONL),),
                timed(
                    [
                        b'{"type":"status","status":"started"}\n',
                        hc_lines(hc_token("Caf")),
                        b'{"type":"stream","token":"\xe9\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000'
                        b'\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}\n',
                    ],
                    seed="h-utf8",
                    gap=0.04,
                ),
                EOF,
                at=0.3,
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.1, a Latin-1 byte 0xE9 in a token",
        fault="invalid UTF-8 in a chunk",
        covers="a chunk that is not UTF-8 (stored as base64)",
    ),
    Scenario(
        "huggingchat/oversized-line",
        "huggingchat",
        {"messages": HC_TURN, "model": HC_MODEL},
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            _oversized_response(
                _oversized(b'{"type":"finalAnswer","text":"', b'","interrupted":false}\n'),
                JSONL,
                "h-big",
            ),
        ),
        f"{HC_SOURCE_NEW}\nstream: {HC_WRITTEN}, one line over 1 MiB",
        fault="oversized line",
        covers="an NDJSON line longer than max_line_bytes (1 MiB)",
    ),
]


HL_CHAT = "312345678901234567"
HL_SOURCE = "stream: tests/data/examples/hailuo.stream.sse (Hailuo notes §8)"
HL_WRITTEN = "written after protocols/hailuo.md"
HL_HELLO = [{"role": "user", "content": "How do you say hello in Chinese?"}]
OK_STATUS = {"code": 0, "message": "Success"}


def hl_events(*events: tuple[str, Mapping[str, Any]]) -> bytes:
    """Named SSE events with a JSON envelope, as Hailuo writes them (``event:x``, no space)."""
    return b"".join(
        f"event:{name}\n".encode()
        + b"data:"
        + json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        + b"\n\n"
        for name, data in events
    )


def hl_message(
    content: str, is_end: int, chat: str = HL_CHAT, **extra: Any
) -> tuple[str, dict[str, Any]]:
    result: dict[str, Any] = {
        "chatID": chat,
        "msgID": "312345678901234581",
        "content": content,
        "isEnd": is_end,
        **extra,
    }
    return (
        "message_result",
        {"type": 2, "statusInfo": OK_STATUS, "data": {"messageResult": result}},
    )


def hl_answer(
    parts: Sequence[str],
    *,
    chat: str = HL_CHAT,
    title: str | None = None,
    links: Sequence[Mapping[str, str]] = (),
) -> bytes:
    sent: dict[str, Any] = {
        "chatID": chat,
        "userMsgID": "312345678901234580",
        "systemMsgID": "312345678901234581",
    }
    if title is not None:
        sent["chatTitle"] = title
    events = [("send_result", {"type": 1, "statusInfo": OK_STATUS, "data": {"sendResult": sent}})]
    text = ""
    for part in parts:
        text += part
        events.append(hl_message(text, 1, chat))
    extra = {"netSearchStatus": {"linkDetail": list(links)}}
    events.append(hl_message(text, 0, chat, extra=extra))
    events.append(("close_chunk", {"type": 8, "statusInfo": OK_STATUS}))
    return hl_events(*events)


def hl_heartbeats(body: bytes) -> bytes:
    """``body`` with a type-3 event after its first and third events (name, code inferred, §8.2)."""
    beat = b'event:heartbeat\ndata:{"type":3,"statusInfo":{"code":1,"message":"heart"}}\n\n'
    events = events_of(body, b"\n\n")
    return b"".join([*events[:1], beat, *events[1:3], beat, *events[3:]])


GOODBYE = ["Goodbye", " is", " 再见", " (zàijiàn)", "."]

HAILUO: list[Scenario] = [
    Scenario(
        "hailuo/new-chat",
        "hailuo",
        {"messages": HL_HELLO},
        (streamed(example("hailuo.stream.sse"), SSE, seed="a-happy", gap=0.08),),
        HL_SOURCE,
        covers="happy path: send_result with the new chat id and title, cumulative "
        "message_result, isEnd 0, follow_up_question_result, close_chunk",
    ),
    Scenario(
        "hailuo/split-utf8",
        "hailuo",
        {"messages": HL_HELLO},
        (
            Response(
                200,
                "OK",
                (("content-type", SSE),),
                timed(
                    split_inside(events_of(example("hailuo.stream.sse"), b"\n\n"), "好", times=2),
                    seed="a-split",
                    gap=0.08,
                ),
                EOF,
                at=0.31,
            ),
        ),
        f"{HL_SOURCE}",
        covers="chunk boundaries inside the three bytes of '好' (base64 chunks that join to "
        "valid UTF-8)",
    ),
    Scenario(
        "hailuo/continued-chat",
        "hailuo",
        {
            "messages": [
                *HL_HELLO,
                {"role": "assistant", "content": "Hello in Chinese is 你好 (nǐ hǎo)."},
                {"role": "user", "content": "And goodbye?"},
            ],
            "conversation": {"service": "hailuo", "chat_id": HL_CHAT},
        },
        (streamed(hl_heartbeats(hl_answer(GOODBYE)), SSE, seed="a-second", gap=0.08),),
        f"stream: {HL_WRITTEN} §7, §8.2 (a continued chat: no chatTitle)",
        covers="continuation: chatID of the first turn, no new title; type-3 heartbeats",
    ),
    Scenario(
        "hailuo/web-search-references",
        "hailuo",
        {"messages": [{"role": "user", "content": "What's new in Python 3.14?"}]},
        (
            streamed(
                hl_answer(
                    ["Python 3.14", " adds", " template strings", " (PEP 750)."],
                    chat="312345678901234590",
                    title="Python 3.14 news",
                    links=[
                        {
                            "url": "https://docs.python.org/3.14/whatsnew/3.14.html",
                            "title": "What's new in Python 3.14",
                        },
                        {
                            "url": "https://peps.python.org/pep-0750/",
                            "title": "PEP 750 \u2013 Template Strings",
                        },
                    ],
                ),
                SSE,
                seed="a-search",
                gap=0.08,
            ),
        ),
        f"stream: {HL_WRITTEN} §8.2 (netSearchStatus.linkDetail references)",
        covers="web-search references on the final message_result",
    ),
    Scenario(
        "hailuo/error-in-stream",
        "hailuo",
        {"messages": HL_HELLO},
        (streamed(example("hailuo.stream-error.sse"), SSE, seed="a-inband"),),
        "stream: tests/data/examples/hailuo.stream-error.sse (Hailuo notes §10, §12)",
        fault="error inside a 200 stream",
        covers="send_result with statusInfo code 2",
    ),
    Scenario(
        "hailuo/401-auth",
        "hailuo",
        {"messages": HL_HELLO},
        (answer(401, "Unauthorized", b'{"statusInfo":{"code":1004,"message":"token expired"}}'),),
        f"401: {HL_WRITTEN} §10",
        fault="401 auth",
        covers="an expired login token",
    ),
    Scenario(
        "hailuo/400-bad-signature",
        "hailuo",
        {"messages": HL_HELLO},
        (
            answer(
                400,
                "Bad Request",
                json.dumps(
                    {"statusInfo": {"code": 2, "message": "请求异常\uff0c请检查请求参数"}},
                    ensure_ascii=False,
                ).encode(),
            ),
        ),
        f"400: {HL_WRITTEN} §10 (a bad yy signature)",
        fault="400 validation",
        covers="the signature or parameters refused",
    ),
    Scenario(
        "hailuo/429-rate-limit",
        "hailuo",
        {"messages": HL_HELLO},
        (
            answer(
                429,
                "Too Many Requests",
                b'{"statusInfo":{"code":1002,'
                b'"message":"Too many requests, please try again later"}}',
            ),
        ),
        f"429: {HL_WRITTEN} §10",
        fault="429 rate limit without Retry-After",
        covers="rate limited",
    ),
    Scenario(
        "hailuo/truncated-body",
        "hailuo",
        {"messages": HL_HELLO},
        (streamed(hl_answer(GOODBYE)[:700], SSE, seed="a-trunc", gap=0.08, split_every=0),),
        f"stream: {HL_WRITTEN} §8, cut mid-event",
        fault="truncated body",
        covers="the body ends mid-event, before isEnd 0",
    ),
    Scenario(
        "hailuo/reset-mid-stream",
        "hailuo",
        {"messages": HL_HELLO},
        (streamed(example("hailuo.stream.sse")[:1800], SSE, seed="a-reset", gap=0.08, end=RESET),),
        f"{HL_SOURCE}, its first 1800 bytes",
        fault="reset mid-stream",
        covers="the connection breaks mid-answer",
    ),
    Scenario(
        "hailuo/stall",
        "hailuo",
        {"client": {"timeout": {"read": 0.5}}, "messages": HL_HELLO},
        (
            streamed(
                hl_answer(GOODBYE)[:900],
                SSE,
                seed="a-stall",
                gap=0.08,
                split_every=0,
                end=stall(45.0),
            ),
        ),
        f"stream: {HL_WRITTEN} §8, then silence",
        fault="stall mid-stream, the read timeout ends it",
        covers="the server goes silent mid-answer",
    ),
    Scenario(
        "hailuo/invalid-utf8",
        "hailuo",
        {"messages": HL_HELLO},
        (
            Response(
                200,
                "OK",
                (("content-type", SSE),),
                timed(
                    [
                        *events_of(hl_answer(["Ni"])[:-160], b"\n\n")[:2],
                        b'event:message_result\ndata:{"type":2,"statusInfo":{"code":0,"message":"Success"},'
                        b'"data":{"messageResult":{"chatID":"312345678901234567",'
                        b'"content":"Ni \xc4 hao","isEnd":1}}}\n\n',
                    ],
                    seed="a-utf8",
                    gap=0.08,
                ),
                EOF,
                at=0.3,
            ),
        ),
        f"stream: {HL_WRITTEN} §8, a lone 0xC4 byte",
        fault="invalid UTF-8 in a chunk",
        covers="a chunk that is not UTF-8 (stored as base64)",
    ),
    Scenario(
        "hailuo/oversized-line",
        "hailuo",
        {"messages": HL_HELLO},
        (
            _oversized_response(
                _oversized(
                    b'event:message_result\ndata:{"type":2,"statusInfo":{"code":0,"message":"Success"},'
                    b'"data":{"messageResult":{"content":"',
                    b'","isEnd":1}}}\n\n',
                ),
                SSE,
                "a-big",
            ),
        ),
        f"stream: {HL_WRITTEN}, one data line over 1 MiB",
        fault="oversized line",
        covers="an SSE line longer than max_line_bytes (1 MiB)",
    ),
]


def superjson_body(value: object, dates: Sequence[str] = ()) -> bytes:
    """``value`` as chat-ui's superjsonResponse writes it, the paths in ``dates`` as Dates."""
    document: dict[str, Any] = {"json": value}
    if dates:
        document["meta"] = {"values": {path: ["Date"] for path in dates}}
    return json.dumps(document, separators=(",", ":")).encode()


def conversation_page(ids: Sequence[str], more: bool) -> bytes:
    """A page of GET /api/v2/conversations (chat-ui src/routes/api/v2/conversations)."""
    items = [
        {
            "_id": ident,
            "id": ident,
            "title": f"Conversation {n}",
            "updatedAt": f"2026-08-0{n + 1}T10:00:00.000Z",
            "model": HC_MODEL,
            "modelId": HC_MODEL,
        }
        for n, ident in enumerate(ids)
    ]
    dates = [f"conversations.{n}.updatedAt" for n in range(len(ids))]
    return superjson_body({"conversations": items, "hasMore": more}, dates)


LIBRARY_SOURCE = "written after chat-ui c100c162f src/routes/api/v2 (superjsonResponse)"
HL_ENVELOPE_SOURCE = f"{HL_WRITTEN} §3 (the JSON API's statusInfo envelope)"

CALLS: list[Scenario] = [
    Scenario(
        "huggingchat/conversations-two-pages",
        "huggingchat",
        {"method": "conversations"},
        (
            answer(200, "OK", conversation_page(["6874cc01a3e9c1f27b4d0e58"], True)),
            answer(200, "OK", conversation_page(["6874cc01a3e9c1f27b4d0e59"], False)),
        ),
        LIBRARY_SOURCE,
        covers="GET /api/v2/conversations?p=0 then p=1: hasMore, superjson Dates",
    ),
    Scenario(
        "huggingchat/delete-conversation",
        "huggingchat",
        {"method": "delete_conversation", "conversation": HC_ID},
        (answer(200, "OK", b"", content_type="text/plain"),),
        LIBRARY_SOURCE,
        covers="DELETE /conversation/{id}: an empty 200",
    ),
    Scenario(
        "hailuo/check-token",
        "hailuo",
        {"method": "check_token"},
        (
            answer(
                200,
                "OK",
                json.dumps(
                    {"statusInfo": OK_STATUS, "data": {"userInfo": {"userID": "1", "name": "x"}}}
                ).encode(),
            ),
        ),
        HL_ENVELOPE_SOURCE,
        covers="GET /v1/api/user/info signed over {}: a live token's account",
    ),
    Scenario(
        "hailuo/check-token-expired",
        "hailuo",
        {"method": "check_token"},
        (answer(200, "OK", json.dumps({"statusInfo": OK_STATUS, "data": {}}).encode()),),
        HL_ENVELOPE_SOURCE,
        fault="an expired token (no userInfo)",
        covers="GET /v1/api/user/info without userInfo: the token is no longer live",
    ),
    Scenario(
        "hailuo/delete-chat",
        "hailuo",
        {"method": "delete_chat", "chat": "312345678901234567"},
        (answer(200, "OK", json.dumps({"statusInfo": OK_STATUS, "data": None}).encode()),),
        HL_ENVELOPE_SOURCE,
        covers="DELETE /v1/api/chat/history/{chatID} signed over {}",
    ),
]

SCENARIOS: list[Scenario] = [*ROUTER, *HUGGINGCHAT, *HAILUO, *CALLS]


# -- the demo's cassettes (hfclient/demo/cassettes, shipped in the package) ----------

PY314 = [
    "Python 3.14",
    " adds",
    " template",
    " strings",
    " (PEP 750)",
    " and",
    " deferred",
    " evaluation",
    " of",
    " annotations",
    " (PEP 649).",
]
PY314_SOURCES = [
    {
        "link": "https://docs.python.org/3.14/whatsnew/3.14.html",
        "title": "What's new in Python 3.14",
    },
    {"link": "https://peps.python.org/pep-0750/", "title": "PEP 750 \u2013 Template Strings"},
]
PY314_REASONING = [
    "The",
    " user",
    " asks",
    " about",
    " Python",
    " 3.14;",
    " the",
    " release",
    " notes",
    " list",
    " its",
    " main",
    " features.",
]

# The answers, by the demo call's name: (responses, source, covers).
DEMO_ANSWERS: dict[str, tuple[tuple[Response, ...], str, str]] = {
    "huggingchat-web-search": (
        (
            HC_CREATED,
            answer(200, "OK", HC_NEW),
            hc_stream(
                [
                    {"type": "status", "status": "started"},
                    {
                        "type": "webSearch",
                        "subtype": "update",
                        "message": "Searching Google",
                        "args": ["Python 3.14 new features"],
                    },
                    {
                        "type": "webSearch",
                        "subtype": "sources",
                        "message": "sources",
                        "sources": PY314_SOURCES,
                    },
                    {"type": "webSearch", "subtype": "finished"},
                    *(
                        {"type": "reasoning", "subtype": "stream", "token": word}
                        for word in PY314_REASONING
                    ),
                    {"type": "reasoning", "subtype": "status", "status": "Done in 2s."},
                    {
                        "type": "routerMetadata",
                        "route": "technical_explanation",
                        "model": "Qwen/Qwen3-235B-A22B",
                        "provider": "novita",
                    },
                    *hc_answer(PY314, title="Python 3.14 news", keep_alive=1)[1:],
                    {"type": "status", "status": "finished"},
                ],
                seed="demo-hc",
            ),
        ),
        f"create: {HC_WRITTEN} §2.3\n{HC_SOURCE_NEW}\nstream: {HC_WRITTEN} §3.2, §12",
        "the demo: web search with sources, reasoning, routerMetadata, a title after the answer",
    ),
    "router-402-failover": (
        (
            ROUTER_MAPPING,
            answer(402, "Payment Required", example("hf-router.402.json"), headers=ROUTER_HEADERS),
            streamed(router_text_stream(PARIS), SSE, seed="demo-r", headers=ROUTER_HEADERS),
        ),
        f"{MAPPING_SOURCE}\n402: tests/data/examples/hf-router.402.json (§9)\n"
        f"stream: {WRITTEN} §5.2",
        "the demo: 402 from cerebras, then groq answers with usage",
    ),
    "hailuo-new-chat": (
        (streamed(example("hailuo.stream.sse"), SSE, seed="demo-a1", gap=0.08),),
        HL_SOURCE,
        "the demo: a new Hailuo chat with its id and title",
    ),
    "hailuo-continued-chat": (
        (streamed(hl_heartbeats(hl_answer(GOODBYE)), SSE, seed="demo-a2", gap=0.08),),
        f"stream: {HL_WRITTEN} §7, §8.2 (a continued chat: no chatTitle)",
        "the demo: the same chat continued (its chatID)",
    ),
}


def demo_scenario(call: DemoCall) -> Scenario:
    """The cassette of one demo call: the demo's own call, the answers above."""
    arguments = dict(call.call)
    if call.continues:
        arguments["conversation"] = {"service": call.service, "chat_id": DEMO_HAILUO_CHAT}
    responses, source, covers = DEMO_ANSWERS[call.name]
    return Scenario(call.name, call.service, arguments, responses, source, covers=covers)


DEMO_SCENARIOS: list[Scenario] = [demo_scenario(call) for call in DEMO_CALLS]

if __name__ == "__main__":
    sys.exit(main())
