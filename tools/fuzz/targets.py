"""What the fuzzers feed: each decoder and extractor, and the real bodies to start from.

Shared by the hypothesis properties (``tests/test_fuzz.py``) and the atheris
harness (``tools/fuzz/harness.py``). A target takes bytes and returns
anything, or raises one of :data:`OURS`; any other exception is a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from codec import superjson
from codec.errors import CodecError
from codec.huggingchat import extract_message_id, extract_models
from codec.legacy.sveltekit import decode_sveltekit_data, read_kit_hydration
from hfclient.decoding import STREAM_NAMES, StreamDecoder
from hfclient.errors import HfClientError

__all__ = ["BODIES", "OURS", "TARGETS"]

EXAMPLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "examples"
OURS: Final = (CodecError, HfClientError)


def decode_whole(stream: str) -> Callable[[bytes], object]:
    """Decode a whole body of ``stream`` into unified events."""

    def run(body: bytes) -> object:
        decoder = StreamDecoder(stream=stream)
        return [*decoder.feed(body), *decoder.close()]

    return run


def html_page(body: bytes) -> object:
    """Read a server-rendered page's SvelteKit bootstrap."""
    return read_kit_hydration(body.decode("utf-8", "replace"))


# Each target, and the real bodies its fuzzed inputs start from.
TARGETS: Final[dict[str, tuple[Callable[[bytes], object], tuple[str, ...]]]] = {
    "message_updates": (
        decode_whole("message_updates"),
        ("huggingchat-2026.stream.ndjson", "huggingchat-2025-05.stream.ndjson"),
    ),
    "generation_updates": (
        decode_whole("generation_updates"),
        ("huggingchat-2026.stream.ndjson",),
    ),
    "chat_completion_chunks": (
        decode_whole("chat_completion_chunks"),
        ("hf-router.stream.sse", "hf-router.stream-error.sse"),
    ),
    "chat_events": (decode_whole("chat_events"), ("hailuo.stream.sse", "hailuo.stream-error.sse")),
    "extract_message_id": (
        extract_message_id,
        (
            "huggingchat-v2.conversation.json",
            "huggingchat-2025-05.data.json",
            "huggingchat-2025-05.data-invalidated-11.jsonl",
        ),
    ),
    "extract_models": (
        extract_models,
        ("huggingchat-v2.models.json", "huggingchat-2025-05.data-invalidated-11.jsonl"),
    ),
    "sveltekit_data": (
        decode_sveltekit_data,
        ("huggingchat-2025-05.data.json", "huggingchat-2025-05.data-invalidated-11.jsonl"),
    ),
    "superjson": (superjson.parse, ("huggingchat-v2.conversation.json",)),
    "html_page": (html_page, ("huggingchat-2025-05.chat-page.html",)),
}
assert set(STREAM_NAMES) <= set(TARGETS), "a stream the specs describe is not fuzzed"

BODIES: Final = {
    name: (EXAMPLES / name).read_bytes() for _, names in TARGETS.values() for name in names
}
