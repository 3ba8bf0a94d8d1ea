"""The stream bodies every suite uses: plain token streams, and the repo's examples cycled.

A real answer is mostly one small text delta per event, so the plain bodies
are that (with the service's own start and end events); the examples (tool
calls, reasoning, web search, usage) are a second row. Each body is a list of
frames, one event each, exactly as the service writes them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
EXAMPLES: Final = ROOT / "tests" / "data" / "examples"

# Words of a plain answer: short tokens, as models emit them.
_WORDS: Final = [" the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", "."]
ROUTER_DONE: Final = b"data: [DONE]\n\n"


def token(i: int, size: int = 0) -> str:
    """The text of token ``i`` (``size`` > 0: padded to that many characters)."""
    word = _WORDS[i % len(_WORDS)]
    return word if size <= 0 else (word * (size // len(word) + 1))[:size]


def router_chunk(content: str) -> bytes:
    """One chat-completion chunk's JSON carrying ``content``, as providers send it."""
    return (
        b'{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1754311207,'
        b'"model":"bench/model","choices":[{"index":0,"delta":{"content":'
        + json.dumps(content).encode()
        + b'},"logprobs":null,"finish_reason":null}],"usage":null}'
    )


_ROUTER_LAST: Final = (
    b'{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1754311207,'
    b'"model":"bench/model","choices":[{"index":0,"delta":{},"logprobs":null,'
    b'"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":9,'
    b'"total_tokens":14}}'
)


def router_payloads(count: int, size: int = 0) -> list[bytes]:
    """``count`` chunk payloads of a plain answer: text deltas, then the finish chunk."""
    return [router_chunk(token(i, size)) for i in range(max(count - 1, 0))] + [_ROUTER_LAST]


def router_frames(payloads: list[bytes]) -> list[bytes]:
    """SSE frames of ``payloads``, ``[DONE]`` last (not counted as an event)."""
    return [b"data: " + p + b"\n\n" for p in payloads] + [ROUTER_DONE]


def router_example_payloads(count: int) -> list[bytes]:
    """``count`` payloads cycled from the router example (reasoning, tool calls, usage)."""
    body = (EXAMPLES / "hf-router.stream.sse").read_bytes()
    payloads = [
        line[len(b"data: ") :]
        for line in body.split(b"\n")
        if line.startswith(b"data: ") and line != b"data: [DONE]"
    ]
    return [payloads[i % len(payloads)] for i in range(count)]


def huggingchat_lines(count: int) -> list[bytes]:
    """``count`` lines of a plain answer: started, tokens (now and then a keepAlive), final."""
    head = [b'{"type":"status","status":"started"}']
    tokens = [
        b'{"type":"status","status":"keepAlive"}'
        if i % 50 == 49
        else b'{"type":"stream","token":' + json.dumps(token(i)).encode() + b"}"
        for i in range(max(count - 2, 0))
    ]
    final = b'{"type":"finalAnswer","text":"the answer","interrupted":false}'
    return (head + tokens + [final])[:count]


def huggingchat_example_lines(count: int) -> list[bytes]:
    """``count`` JSON lines cycled from the 2025-05 example (tokens, keepAlives, web search)."""
    body = (EXAMPLES / "huggingchat-2025-05.stream.ndjson").read_bytes()
    lines = [line for line in body.split(b"\n") if line.strip()]
    return [lines[i % len(lines)] for i in range(count)]


def hailuo_payloads(count: int) -> list[tuple[bytes, bytes]]:
    """``count`` (event name, data) pairs: the send result, a cumulative answer, close_chunk."""
    sent = (
        b'{"type":1,"statusInfo":{"code":0,"message":"Success"},"data":{"sendResult":'
        b'{"chatID":"3","chatTitle":"t","userMsgID":"4","systemMsgID":"5"}}}'
    )
    events = [(b"send_result", sent)]
    text = ""
    for i in range(max(count - 2, 0)):
        text += token(i)
        events.append(
            (
                b"message_result",
                b'{"type":2,"statusInfo":{"code":0,"message":"Success"},"data":{"messageResult":'
                b'{"chatID":"3","msgID":"5","content":'
                + json.dumps(text).encode()
                + b',"isEnd":1}}}',
            )
        )
    events.append((b"close_chunk", b'{"type":8,"statusInfo":{"code":0,"message":"Success"}}'))
    return events[:count]


def hailuo_frames(events: list[tuple[bytes, bytes]]) -> list[bytes]:
    """SSE frames of Hailuo's named events, as the web app receives them."""
    return [b"event:" + name + b"\ndata:" + data + b"\n\n" for name, data in events]
