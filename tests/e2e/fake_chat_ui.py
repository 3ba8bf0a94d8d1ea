"""A fake chat-ui on 127.0.0.1 that follows its 2026 routes, for end-to-end HuggingChat tests.

Routes and answers as chat-ui serves them at c100c162f (2026-08-21):

- ``POST /conversation`` → ``{"conversationId"}``; ``GET /api/v2/conversations/{id}``
  → the conversation (superjson), its newest message the parent of a send;
- ``POST /conversation/{id}`` (multipart ``data``) → the run as JSON lines
  (``src/routes/conversation/[id]/+server.ts``); each send takes the next
  scripted :class:`Run`, and the run's log is kept under the send's
  ``generationId`` as ``src/lib/server/generation/writer.ts`` keeps it;
- ``POST /conversation/{id}/stop-generating`` → empty 200; the run in flight
  ends with ``finalAnswer`` ``interrupted``, its text clamped to the stop point
  (``src/lib/server/stopTruncation.ts``), then ``status finished``;
- ``POST /conversation/{id}/elicitation`` → ``{"ok": true, "resume": true}`` for a
  pending parked question (``false`` for a live one, whose waiting run goes
  on past its gate), 409 ``Already answered.`` after;
- ``GET /conversation/{id}/stream?generationId&fromSeq`` → the log after
  ``fromSeq`` as SSE (``src/routes/conversation/[id]/stream/+server.ts``), then
  ``event: end``; ``Run.closes_at`` makes the first re-attach close plainly
  there, as the stream's five-minute cap does.

Every conversation route wants both session cookies, as production does
(``COUPLE_SESSION_WITH_COOKIE_NAME=token``): without them a POST is 401
(``src/lib/server/hooks/handle.ts``), a GET finds no conversation (404).
``GET /api/mcp/servers`` is public.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tests import huggingchat_runs as runs
from tests.conftest import DATA
from tests.multipart_helpers import form_fields
from tests.transport.servers import Gate, ReceivedRequest, Response

CONVERSATION_ID = "6874cc01a3e9c1f27b4d0e58"
NEW = (DATA / "examples" / "huggingchat-v2.conversation-new.json").read_bytes()
AFTER = (DATA / "examples" / "huggingchat-v2.conversation.json").read_bytes()
COOKIES = "hf-chat=hfchat-e2e-secret; token=token-e2e-secret"
MCP_SERVERS = [
    {"id": "base-Web Search (Exa)", "name": "Web Search (Exa)", "url": "https://mcp.exa.ai/mcp"},
    {"id": "base-Hugging Face", "name": "Hugging Face", "url": "https://hf.co/mcp?login"},
]
_BASE = "/chat"
_SSE = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache, no-transform")]


@dataclass
class Run:
    """One generation: its updates, and where the POST answer stops short.

    ``gate_at``: after that many updates the answer waits until a stop (then it
    ends interrupted) or an answer to the live question it asked (then it goes on).
    ``reset_at``: after that many the connection is reset (the run goes on
    server-side: its log has every update). ``closes_at``: the first
    re-attach serves the log up to that seq, then closes without ``end``.
    """

    updates: Sequence[runs.Update]
    gate_at: int | None = None
    reset_at: int | None = None
    closes_at: int | None = None
    log: list[runs.Update] = field(default_factory=list)


@dataclass
class FakeChatUi:
    """The routes above over scripted runs; what each request carried is kept to assert on."""

    scripted: deque[Run]
    continued: bool = False  # the conversation already had a turn before the test's
    seen: list[ReceivedRequest] = field(default_factory=list)
    sent: list[dict[str, object]] = field(default_factory=list)
    stops: list[object] = field(default_factory=list)
    answers: list[dict[str, object]] = field(default_factory=list)
    _runs: dict[str, Run] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    sending: threading.Event = field(default_factory=threading.Event)  # a send is answered

    @classmethod
    def serving(cls, *scripted: Run, continued: bool = False) -> FakeChatUi:
        """A fake whose sends take ``scripted`` in order."""
        return cls(deque(scripted), continued)

    def __call__(self, request: ReceivedRequest) -> Response:
        with self._lock:
            self.seen.append(request)
        url = urlsplit(request.target)
        route = (request.method, url.path.removeprefix(_BASE))
        if route == ("GET", "/api/mcp/servers"):
            return _json(MCP_SERVERS)  # public: the route reads no session
        if request.header("cookie") != COOKIES:
            # Without the coupled cookie the session is anonymous: hooks/handle.ts refuses
            # its non-GET requests; a GET finds no conversation of that session.
            if request.method != "GET":
                return _json({"message": "You have to be logged in."}, 401)
            return _json({"message": "Conversation not found"}, 404)
        conversation = f"/conversation/{CONVERSATION_ID}"
        handlers: dict[tuple[str, str], Callable[[ReceivedRequest, dict[str, str]], Response]] = {
            ("POST", "/conversation"): self._create,
            ("GET", f"/api/v2/conversations/{CONVERSATION_ID}"): self._conversation,
            ("POST", conversation): self._send,
            ("POST", f"{conversation}/stop-generating"): self._stop,
            ("POST", f"{conversation}/elicitation"): self._elicitation,
            ("GET", f"{conversation}/stream"): self._stream,
        }
        handler = handlers.get(route)
        if handler is None:
            return _json({"message": "Conversation not found"}, 404)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        return handler(request, query)

    def paths(self) -> list[str]:
        """``METHOD path?query`` of every request, in order."""
        return [f"{r.method} {r.target}" for r in self.seen]

    # The routes.

    def _create(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        return _json({"conversationId": CONVERSATION_ID})

    def _conversation(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        body = AFTER if self.sent or self.continued else NEW
        return Response(headers=[("Content-Type", "application/json")], body=[body])

    def _send(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        data = json.loads(form_fields(request.header("content-type"), request.body)["data"])
        run = self.scripted.popleft()
        run.log = runs.logged(run.updates)
        with self._lock:
            self.sent.append(data)
            self._runs[str(data.get("generationId"))] = run
        lines = runs.post_lines(run.updates)
        self.sending.set()
        if run.reset_at is not None:
            return _jsonl(lines[: run.reset_at], ending="reset")
        if run.gate_at is not None:
            at = run.gate_at
            streamed = "".join(u["token"] for u in run.updates[:at] if u.get("type") == "stream")
            gate = Gate()
            self._gate = gate
            return _jsonl([*lines[:at], gate, lambda: self._after_gate(streamed, lines[at:])])
        return _jsonl(lines)

    def _after_gate(self, streamed: str, rest: Sequence[bytes]) -> bytes:
        # A stop ends the run; an answer to the question it waits on lets it go on.
        if self.stops:
            return self._interrupted(streamed)
        return b"".join(rest)

    def _interrupted(self, content: str) -> bytes:
        # emitInterruptedFinalAnswer: the content clamped to the client's stop point.
        seen = self.stops[-1] if self.stops else None
        if isinstance(seen, dict) and isinstance(seen.get("seenContentLength"), int):
            units = content.encode("utf-16-le")[: 2 * seen["seenContentLength"]]
            content = units.decode("utf-16-le", errors="ignore")
        final = {"type": "finalAnswer", "text": content, "interrupted": True}
        return b"".join(runs.post_lines([final, {"type": "status", "status": "finished"}]))

    def _stop(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        try:
            point: object = json.loads(request.body)
        except ValueError:
            point = None  # parsed leniently: a stop without a stop point still stops
        with self._lock:
            self.stops.append(point)
        gate = getattr(self, "_gate", None)
        if gate is not None:
            gate.open()
        return Response()

    def _elicitation(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        answer = json.loads(request.body)
        with self._lock:
            self.answers.append(answer)
            if answer.get("elicitationId") != runs.ELICITATION_ID:
                return _json({"message": "Unknown elicitation."}, 404)
            if answer["elicitationId"] in self._answered:
                return _json({"message": "Already answered."}, 409)
            self._answered.add(answer["elicitationId"])
            # A question with an expiry blocks a live tool call: the answer unblocks it.
            # Without one the turn parked: it is resumed by a new send.
            live = any(
                u.get("type") == "elicitation" and "expiresAt" in u
                for run in self._runs.values()
                for u in run.updates
            )
        gate = getattr(self, "_gate", None)
        if live and gate is not None:
            gate.open()
        return _json({"ok": True, "resume": not live})

    def _stream(self, request: ReceivedRequest, query: dict[str, str]) -> Response:
        run = self._runs.get(query.get("generationId", ""))
        if run is None:
            return Response(headers=_SSE, body=[b'event: end\ndata: {"status":"gone"}\n\n'])
        after = int(query.get("fromSeq", "0"))
        if run.closes_at is not None and after < run.closes_at:
            body = runs.sse_updates(run.log[: run.closes_at], after=after, end=None)
        else:
            body = runs.sse_updates(run.log, after=after)
        return Response(headers=_SSE, body=[body], framing="chunked")


def _json(value: object, status: int = 200) -> Response:
    return Response(
        status=status,
        headers=[("Content-Type", "application/json")],
        body=[json.dumps(value).encode()],
    )


def _jsonl(
    parts: Sequence[bytes | Gate | Callable[[], bytes]], *, ending: str = "complete"
) -> Response:
    return Response(
        headers=[("Content-Type", "application/jsonl")],
        body=parts,
        framing="chunked",
        ending=ending,  # type: ignore[arg-type]
    )
