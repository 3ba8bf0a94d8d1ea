"""HuggingChat's one-request calls around a turn: stop it, answer its question, list MCP servers.

Each is a sans-IO machine of one exchange whose answer is one value (the
``Result`` convention of :mod:`hfclient.protocol.router_catalog`):

- ``POST /conversation/{id}/stop-generating`` with the stop point
  (``generationId``, ``seenContentLength``; chat-ui
  ``src/routes/conversation/[id]/stop-generating/+server.ts``);
- ``POST /conversation/{id}/elicitation`` (chat-ui
  ``src/routes/conversation/[id]/elicitation/+server.ts``), whose ``resume``
  says the turn parked and must be resumed with ``resumeElicitationId``;
- ``GET /api/mcp/servers`` (chat-ui ``src/routes/api/mcp/servers/+server.ts``).
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Final, Literal, TypeVar

import attrs

from codec._generated.huggingchat import (
    BASE_URL,
    OPERATIONS,
    ElicitationAnswer,
    ElicitationAnswerResponse,
    McpServer,
    StopPoint,
    build_answer_elicitation,
    build_list_mcp_servers,
    build_stop_generating,
)
from codec.errors import CodecError
from codec.values import UNSET
from hfclient.errors import ArgumentError, DecodeError
from hfclient.events import Conversation
from hfclient.protocol._eras import era_day
from hfclient.protocol._machine import Exchange, json_record
from hfclient.protocol._result import ResultMachine
from hfclient.protocol._states import Step, Transitions, one_request
from hfclient.protocol._status import error_for_status
from hfclient.protocol.huggingchat import (
    ERA_NAMES,
    Era,
    auth_hint,
    checked_session,
    require_operation,
    sends,
    utf16_length,
)

__all__ = [
    "AnswerElicitationMachine",
    "ElicitationAction",
    "McpServerInfo",
    "McpServersMachine",
    "SessionCall",
    "StopGenerationMachine",
    "conversation_id_of",
    "utf16_length",
]

ElicitationAction = Literal["accept", "decline", "cancel"]
_ACTIONS: Final = ("accept", "decline", "cancel")
T = TypeVar("T")


@attrs.frozen(slots=True)
class McpServerInfo:
    """An MCP server a HuggingChat deployment offers: pass its ``name`` in ``tools=``."""

    name: str
    url: str
    id: str | None = None
    locked: bool = False


def conversation_id_of(conversation: Conversation) -> str:
    """The id of a HuggingChat ``Conversation``; :class:`ArgumentError` for any other handle."""
    if conversation.service != "huggingchat" or not conversation.conversation_id:
        raise ArgumentError(
            f"this needs the Conversation of a HuggingChat turn, not {conversation!r}"
        )
    return conversation.conversation_id


class CallStep(Step):
    """The one request of each call."""

    STOP_GENERATING = "stop_generating"
    ANSWER_ELICITATION = "answer_elicitation"
    LIST_MCP_SERVERS = "list_mcp_servers"


class SessionCall(ResultMachine[T]):
    """One HuggingChat request with the session cookies; its statuses as the spec maps them.

    The base of the one-request machines here and in
    :mod:`hfclient.protocol.huggingchat_library`.
    """

    _now: Callable[[], float] = staticmethod(time.time)
    _token: str | None = None  # which cookies were sent says what a 401 means

    def _session(self, hf_chat: str, token: str | None, day: datetime.date | None) -> str | None:
        _, self._token = checked_session(hf_chat, token, day)  # checked as a turn checks them
        return self._token

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        assert exchange.response is not None
        raise error_for_status(
            exchange.operation,
            exchange.response,
            body,
            now=self._now(),
            hint=auth_hint(self._token),
        )


class StopGenerationMachine(SessionCall[None]):
    """Stop the run of ``conversation`` (its ``generation_id`` names it, when known).

    ``seen_content_length`` is how much of the message the caller showed
    (UTF-16 units, ``<think>`` sections included): the server clamps the
    stored answer back to it, so the message stays as the user last saw it.
    None (the default) sends no stop point: the answer keeps what was
    generated until the server saw the stop (a 0 would clamp it to nothing).
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(CallStep.STOP_GENERATING)
    _WHAT = "the stop-generating answer"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation: Conversation,
        token: str | None = None,
        seen_content_length: int | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        day = era_day(era, ERA_NAMES)
        conversation_id = conversation_id_of(conversation)
        if seen_content_length is not None and (
            isinstance(seen_content_length, bool)
            or not isinstance(seen_content_length, int)
            or seen_content_length < 0
        ):
            raise ArgumentError("seen_content_length is a whole number of UTF-16 units, or None")
        body: Mapping[str, Any] = {}
        if (
            seen_content_length is not None
            and conversation.generation_id
            and sends(day, "SendMessage.generationId")
        ):
            # The stop point came with the send's generationId (2026-06-11).
            body = StopPoint(
                generation_id=conversation.generation_id, seen_content_length=seen_content_length
            ).to_wire()
        request = build_stop_generating(
            conversation_id=conversation_id,
            hf_chat=hf_chat,
            token=self._session(hf_chat, token, day),
            body=body,
            base_url=base_url,
            headers=headers,
        )
        step = CallStep.STOP_GENERATING
        self._queue(step, Exchange(request, OPERATIONS["stop_generating"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        self._finish(None)


class AnswerElicitationMachine(SessionCall[bool]):
    """Answer elicitation ``elicitation_id`` of ``conversation``; the result is ``resume``.

    ``action`` is ``accept`` (with ``content``, field name to value),
    ``decline`` or ``cancel``. A true result means the turn parked on the
    question: resume it (``resumeElicitationId``); false, a live tool call
    was waiting and its stream goes on by itself.
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(CallStep.ANSWER_ELICITATION)
    _WHAT = "the elicitation answer"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation: Conversation,
        elicitation_id: str,
        action: ElicitationAction = "accept",
        content: Mapping[str, object] | None = None,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        day = era_day(era, ERA_NAMES)
        require_operation(day, "answer_elicitation", "answering an elicitation")
        conversation_id = conversation_id_of(conversation)
        if action not in _ACTIONS:
            raise ArgumentError(f"action is one of {', '.join(_ACTIONS)}, not {action!r}")
        if not isinstance(elicitation_id, str) or not elicitation_id:
            raise ArgumentError("elicitation_id is the id of the Elicitation event")
        if content is not None and action != "accept":
            raise ArgumentError("content goes with action='accept' only")
        answer = ElicitationAnswer(
            elicitation_id=elicitation_id,
            action=action,
            content=UNSET if content is None else _json_object(content),
        )
        request = build_answer_elicitation(
            conversation_id=conversation_id,
            hf_chat=hf_chat,
            token=self._session(hf_chat, token, day),
            body=answer,
            base_url=base_url,
            headers=headers,
        )
        step = CallStep.ANSWER_ELICITATION
        self._queue(step, Exchange(request, OPERATIONS["answer_elicitation"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        answer = json_record(body, ElicitationAnswerResponse.from_wire, self._WHAT)
        self._finish(answer.resume is True)


def _json_object(content: Mapping[str, object]) -> dict[str, object]:
    try:
        return dict(json.loads(json.dumps(dict(content))))
    except (TypeError, ValueError):
        raise ArgumentError("content maps field names to str, number, bool or list[str]") from None


class McpServersMachine(SessionCall[list[McpServerInfo]]):
    """The MCP servers the deployment offers (``GET /api/mcp/servers``, 2025-11-12 on)."""

    TRANSITIONS: ClassVar[Transitions] = one_request(CallStep.LIST_MCP_SERVERS)
    _WHAT = "the MCP server list"

    def __init__(
        self,
        *,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        require_operation(era_day(era, ERA_NAMES), "list_mcp_servers", "the MCP server list")
        request = build_list_mcp_servers(base_url=base_url, headers=headers)
        step = CallStep.LIST_MCP_SERVERS
        self._queue(step, Exchange(request, OPERATIONS["list_mcp_servers"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise DecodeError(f"{self._WHAT} is not JSON: {exc}") from None
        if not isinstance(document, list):
            raise DecodeError(f"{self._WHAT} is not a JSON list")
        servers = []
        for entry in document:
            if not isinstance(entry, dict):
                continue  # liberal: one odd entry does not cost the others
            try:
                server = McpServer.from_wire(entry)
            except CodecError:  # a record that does not fit: skipped
                continue
            servers.append(
                McpServerInfo(server.name, server.url, server.id, server.is_locked is True)
            )
        self._finish(servers)
