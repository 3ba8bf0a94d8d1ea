"""Hailuo's JSON API beside the chat: delete a chat, check a token (protocols/hailuo.md §3).

Each machine fetches one value (:mod:`hfclient.protocol._result`). The
answer is an envelope whose ``statusInfo.code`` is 0 on success; any other
code is an error even inside a 200 (§10), of the kind the spec's
``STATUS_CODE_KINDS`` gives it, else of the kind its message says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from codec import hailuo as wire
from codec._generated.hailuo import BASE_URL, OPERATIONS, STATUS_CODE_KINDS
from codec.errorkinds import ERROR_KINDS, ErrorKind
from hfclient.errors import ERROR_CLASSES, MissingAuthError
from hfclient.protocol._machine import Exchange, json_record
from hfclient.protocol._result import ResultMachine
from hfclient.protocol._states import Step, Transitions, one_request
from hfclient.protocol._status import error_for_status
from hfclient.protocol.hailuo import TOKEN_HINT, checked_credentials, wall_clock_ms
from hfclient.translate.errors import error_kind

__all__ = ["DeleteChatMachine", "HailuoCallStep", "UserInfoMachine"]

T = TypeVar("T")
Clock = Callable[[], int]


class HailuoCallStep(Step):
    """The one request of a call: ``DELETE_CHAT`` or ``USER_INFO``."""

    DELETE_CHAT = "delete_chat"
    USER_INFO = "user_info"


class _Call(ResultMachine[T]):
    """A signed call; its answer is an envelope, checked before the value is read."""

    def __init__(self, now_ms: Clock) -> None:
        super().__init__()
        self._now_ms = now_ms

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        assert exchange.response is not None
        raise error_for_status(
            exchange.operation, exchange.response, body, now=self._now_ms() / 1000, hint=TOKEN_HINT
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        envelope = json_record(body, wire.Envelope.from_wire, self._WHAT)
        status = envelope.status_info
        if status.code != 0:
            message = status.message if isinstance(status.message, str) else ""
            message = message or f"statusInfo.code {status.code}"
            named = STATUS_CODE_KINDS.get(str(status.code))
            kind = cast(ErrorKind, named) if named in ERROR_KINDS else error_kind(message=message)
            error = ERROR_CLASSES[kind](message, status=200, body=body)
            if isinstance(error, MissingAuthError):
                error = MissingAuthError(f"{message} ({TOKEN_HINT})", status=200, body=body)
            raise error
        self._finish(self._value(envelope.data))

    def _value(self, data: object) -> T:
        raise NotImplementedError


class DeleteChatMachine(_Call[None]):
    """``DELETE /v1/api/chat/history/{chatID}``: the chat and its messages are gone.

    Its result is ``None``; a chat that is not there is an error of the kind
    the service gives it.
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(HailuoCallStep.DELETE_CHAT)
    _WHAT = "the answer to deleting a chat"

    def __init__(
        self,
        *,
        token: str | None,
        device_id: str | None,
        uuid: str | None,
        chat_id: str,
        base_url: str = BASE_URL,
        now_ms: Clock = wall_clock_ms,
    ) -> None:
        super().__init__(now_ms)
        token, device_id, uuid = checked_credentials(token, device_id, uuid)
        request = wire.build_delete_chat_request(
            token=token,
            uuid=uuid,
            device_id=device_id,
            timestamp=now_ms(),
            chat_id=chat_id,
            base_url=base_url,
        )
        step = HailuoCallStep.DELETE_CHAT
        self._queue(step, Exchange(request, OPERATIONS["delete_chat"]))

    def _value(self, data: object) -> None:
        return None


class UserInfoMachine(_Call[Mapping[str, Any]]):
    """``GET /v1/api/user/info``: whether the token is live, and its account.

    Its result is ``data.userInfo`` as the service sent it. A token that is
    no longer live (no ``userInfo`` object, or a 401) is a
    :class:`MissingAuthError` saying so and naming what to provide.
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(HailuoCallStep.USER_INFO)
    _WHAT = "the account of the token"

    def __init__(
        self,
        *,
        token: str | None,
        device_id: str | None,
        uuid: str | None,
        base_url: str = BASE_URL,
        now_ms: Clock = wall_clock_ms,
    ) -> None:
        super().__init__(now_ms)
        token, device_id, uuid = checked_credentials(token, device_id, uuid)
        request = wire.build_user_info_request(
            token=token, uuid=uuid, device_id=device_id, timestamp=now_ms(), base_url=base_url
        )
        self._queue(HailuoCallStep.USER_INFO, Exchange(request, OPERATIONS["user_info"]))

    def _value(self, data: object) -> Mapping[str, Any]:
        info = wire.UserInfoData.from_wire(data).user_info if isinstance(data, dict) else None
        if not isinstance(info, dict):
            raise MissingAuthError(f"the Hailuo token is no longer live ({TOKEN_HINT})", status=200)
        return info
