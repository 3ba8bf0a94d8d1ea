"""The Hailuo AI flow: one signed multipart request, then the SSE answer (protocols/hailuo.md)."""

from __future__ import annotations

import time
import uuid as uuid_module
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, Final

from codec._generated.hailuo import (
    BASE_URL,
    NEW_CHAT_ID,
    OPERATIONS,
    SEARCH_MODE_DEFAULT,
    SEARCH_MODE_OFF,
    SEARCH_MODE_ON,
)
from codec.hailuo import build_chat_request
from hfclient.decoding import StreamDecoder
from hfclient.errors import LocalProtocolError, MissingAuthError
from hfclient.events import Conversation
from hfclient.protocol._machine import Exchange, Machine
from hfclient.protocol._messages import checked_messages
from hfclient.protocol._prompt import format_prompt, trailing_user_text
from hfclient.protocol._states import Step, Transitions, transition_table
from hfclient.protocol._status import error_for_status

__all__ = ["TOKEN_HINT", "HailuoMachine", "HailuoStep", "checked_credentials", "wall_clock_ms"]

TOKEN_HINT: Final = (
    "pass token= (the localStorage `_token` of a logged-in www.hailuo.ai session) "
    "or set HAILUO_TOKEN"
)
_DEVICE_HINT: Final = (
    "pass device_id= and uuid= (localStorage USER_HARD_WARE_INFO and UNIQUE_USER_ID "
    "of the same session) or set HAILUO_DEVICE_ID and HAILUO_UUID"
)


def wall_clock_ms() -> int:
    """Milliseconds since the epoch: the ``unix`` every signed request sends (§4, §6)."""
    return time.time_ns() // 1_000_000


def checked_credentials(
    token: str | None, device_id: str | None, uuid: str | None
) -> tuple[str, str, str]:
    """The three, each given; else :class:`MissingAuthError` naming what is missing."""
    if not token:
        raise MissingAuthError(f"Hailuo needs the login token: {TOKEN_HINT}")
    if not device_id or not uuid:
        raise MissingAuthError(f"Hailuo needs the device ids: {_DEVICE_HINT}")
    return token, device_id, uuid


_SEARCH_MODES: Final = {None: SEARCH_MODE_DEFAULT, True: SEARCH_MODE_ON, False: SEARCH_MODE_OFF}


class HailuoStep(Step):
    """The one request of a Hailuo turn: ``SEND_MESSAGE``, whose answer is the SSE stream."""

    SEND_MESSAGE = "send_message"


class HailuoMachine(Machine):
    """One chat turn with Hailuo.

    A new chat (``chatID`` ``"0"``) gets the whole history as one text; a
    :class:`~hfclient.events.Conversation` from an earlier turn continues its
    chat with the user's latest turn only (§7). ``search`` ``True`` or
    ``False`` asks for web search or not (``searchMode``; ``None`` sends what
    every known client sends). The signature covers the
    exact query and form sent; ``now_ms`` (milliseconds) is the only clock,
    and ``new_id`` makes the multipart boundary.
    """

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[HailuoStep.SEND_MESSAGE],
        follows={},
        completes=[HailuoStep.SEND_MESSAGE],
    )

    def __init__(
        self,
        *,
        token: str | None,
        device_id: str | None,
        uuid: str | None,
        messages: Sequence[Mapping[str, object]],
        conversation: Conversation | None = None,
        search: bool | None = None,
        base_url: str = BASE_URL,
        now_ms: Callable[[], int] = wall_clock_ms,
        new_id: Callable[[], str] = lambda: uuid_module.uuid4().hex,
    ) -> None:
        super().__init__()
        token, device_id, uuid = checked_credentials(token, device_id, uuid)
        messages = checked_messages(messages)
        continuing = (
            conversation is not None
            and conversation.service == "hailuo"
            and conversation.chat_id is not None
        )
        chat_id = conversation.chat_id if continuing and conversation else NEW_CHAT_ID
        text = trailing_user_text(messages) if continuing else format_prompt(messages)
        if not text:
            raise LocalProtocolError("no user message to send")
        request = build_chat_request(
            token=token,
            uuid=uuid,
            device_id=device_id,
            timestamp=now_ms(),
            msg_content=text,
            chat_id=str(chat_id),
            search_mode=_SEARCH_MODES[search],
            boundary=f"hfclient-{new_id()}",
            base_url=base_url,
        )
        self._now_ms = now_ms
        exchange = Exchange(request, OPERATIONS["send_message"], stream=StreamDecoder("hailuo"))
        self._queue(HailuoStep.SEND_MESSAGE, exchange)

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        assert exchange.response is not None
        raise error_for_status(
            exchange.operation, exchange.response, body, now=self._now_ms() / 1000, hint=TOKEN_HINT
        )
