"""HuggingChat runs as chat-ui serves them, for tests: the POST stream and the generation log.

Shapes from chat-ui at c100c162f (2026-08-21): ``src/routes/conversation/[id]/+server.ts``
writes each MessageUpdate as a JSON line, ``stream`` tokens NUL-padded to 16
UTF-16 units, 4096 spaces after ``finalAnswer``; the run's log
(``src/lib/server/generation/writer.ts``) keeps every update but keepAlive,
unpadded, consecutive tokens of one kind joined, numbered from 1, and
``src/routes/conversation/[id]/stream/+server.ts`` serves it as SSE
(``id: <seq>``, ``event: update``; ``event: end``). The updates of the two
runs below follow ``src/lib/server/textGeneration/mcp/runMcpFlow.ts`` (one
``<think>`` section per round, a tool call's ``reasoning``/``content``/
``originalId``/``argumentsRaw``) and ``src/lib/server/mcp/elicitation.ts``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

Update = dict[str, Any]

GENERATION_ID = "0f8e2c1a-4b5d-4e6f-9a7b-8c9d0e1f2a3b"
ELICITATION_ID = "5b7e2a44-9c1d-4f3e-8a6b-2d4c6e8f0a1b"
PARKED_MESSAGE_ID = "9d3f6b21-7e4a-4c8d-b2f1-6a5e3c7d9b0e"


def token(text: str) -> Update:
    return {"type": "stream", "token": text}


def keep_alive() -> Update:
    return {"type": "status", "status": "keepAlive"}


TOOL_CALL: Update = {
    "type": "tool",
    "subtype": "call",
    "uuid": "a1b2c3d4-0000-4000-8000-000000000001",
    "call": {"name": "web_search_exa", "parameters": {"query": "tallest tree"}},
    "reasoning": "The user wants a fact; search.",
    "content": "Let me look that up.",
    "originalId": "functions.web_search_exa:0",
    # As the model sent it: a spacing no re-encoding would give.
    "argumentsRaw": '{"query":  "tallest tree"}',
}

# Two rounds: think, preamble, a tool; then think again and the answer.
TWO_ROUNDS: list[Update] = [
    {"type": "status", "status": "started"},
    {"type": "routerMetadata", "route": "agentic", "model": "moonshotai/Kimi-K2.6"},
    token("<think>"),
    token("The user wants"),
    keep_alive(),
    token(" a fact; search."),
    token("</think>"),
    token("Let me look "),
    token("that up."),
    TOOL_CALL,
    {
        "type": "tool",
        "subtype": "progress",
        "uuid": TOOL_CALL["uuid"],
        "progress": 1,
        "total": 2,
        "message": "Searching the web",
    },
    keep_alive(),
    {
        "type": "tool",
        "subtype": "result",
        "uuid": TOOL_CALL["uuid"],
        "result": {
            "status": "success",
            "call": TOOL_CALL["call"],
            "outputs": [{"text": "Hyperion, 116 m"}],
        },
    },
    {"type": "routerMetadata", "route": "", "model": "", "provider": "novita"},
    token("<think>"),
    token("Hyperion it is."),
    token("</think>"),
    token("The tallest known tree is "),
    token("Hyperion, a coast redwood (116 m)."),
    {
        "type": "finalAnswer",
        # The last round's text only (runMcpFlow's lastAssistantContent).
        "text": "<think>Hyperion it is.</think>The tallest known tree is Hyperion, "
        "a coast redwood (116 m).",
        "interrupted": False,
    },
    {"type": "title", "title": "Tallest tree"},
    {"type": "status", "status": "finished"},
]
TWO_ROUNDS_TEXT = "Let me look that up.The tallest known tree is Hyperion, a coast redwood (116 m)."

ELICITATION_REQUEST: Update = {
    "type": "elicitation",
    "subtype": "request",
    "request": {
        "elicitationId": ELICITATION_ID,
        "server": "Hugging Face",
        "mode": "form",
        "message": "Which space should I deploy to?",
        "fields": [{"kind": "string", "name": "space", "required": True, "title": "Space"}],
    },
    "toolUuid": "a1b2c3d4-0000-4000-8000-000000000002",
}

# A 2026-era prompt: the run ends on it (no finalAnswer), then `finished`.
PARKED: list[Update] = [
    {"type": "status", "status": "started"},
    token("I will deploy it."),
    {
        "type": "tool",
        "subtype": "call",
        "uuid": "a1b2c3d4-0000-4000-8000-000000000002",
        "call": {"name": "space_deploy", "parameters": {}},
    },
    ELICITATION_REQUEST,
    {"type": "status", "status": "finished"},
]

# The resumed run (resumeElicitationId): the resolution, the tool result, the answer.
RESUMED: list[Update] = [
    {
        "type": "elicitation",
        "subtype": "resolved",
        "elicitationId": ELICITATION_ID,
        "action": "accept",
        "resolution": "user",
        "content": {"space": "me/demo"},
    },
    {
        "type": "tool",
        "subtype": "result",
        "uuid": "a1b2c3d4-0000-4000-8000-000000000002",
        "result": {
            "status": "success",
            "call": {"name": "space_deploy", "parameters": {}},
            "outputs": [{"text": "deployed"}],
        },
    },
    token("Deployed to me/demo."),
    {"type": "finalAnswer", "text": "Deployed to me/demo.", "interrupted": False},
    {"type": "status", "status": "finished"},
]


def long_answer(words: int = 40) -> list[Update]:
    """A plain answer of many tokens: for stops and re-attaching mid-way."""
    pieces = [f"word{i} " for i in range(words)]
    return [
        {"type": "status", "status": "started"},
        *(token(p) for p in pieces),
        {"type": "finalAnswer", "text": "".join(pieces), "interrupted": False},
        {"type": "status", "status": "finished"},
    ]


def _pad(update: Update) -> Update:
    if update.get("type") != "stream":
        return update
    text = update["token"]
    units = len(text.encode("utf-16-le")) // 2
    return {**update, "token": text + "\0" * max(0, 16 - units)}


def post_lines(updates: Iterable[Update]) -> list[bytes]:
    """The POST answer, one chunk per update (the 4096 spaces after finalAnswer)."""
    out = []
    for update in updates:
        line = json.dumps(_pad(update), ensure_ascii=False, separators=(",", ":")) + "\n"
        if update.get("type") == "finalAnswer":
            line += " " * 4096
        out.append(line.encode())
    return out


def logged(updates: Iterable[Update], *, cut_every: int = 3) -> list[Update]:
    """The run's log: keepAlive dropped, tokens joined (a new event every ``cut_every``)."""
    log: list[Update] = []
    joined = 0
    for update in updates:
        if update.get("type") == "status" and update.get("status") == "keepAlive":
            continue
        last = log[-1] if log else None
        if (
            last is not None
            and update.get("type") == "stream"
            and last.get("type") == "stream"
            and joined < cut_every
        ):
            last["token"] += update["token"]
            joined += 1
            continue
        log.append(dict(update))
        joined = 1
    return log


def sse_updates(log: Sequence[Update], *, after: int = 0, end: str | None = "completed") -> bytes:
    """The re-attach stream: the log after seq ``after``, then ``end`` (None: a plain close)."""
    parts = [": heartbeat\n\n"]
    for seq, update in enumerate(log, start=1):
        if seq > after:
            parts.append(f"id: {seq}\nevent: update\ndata: {json.dumps(update)}\n\n")
    if end is not None:
        parts.append(f"event: end\ndata: {json.dumps({'status': end})}\n\n")
    return "".join(parts).encode()
