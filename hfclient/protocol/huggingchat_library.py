"""HuggingChat's models and the user's conversations: list, read, rename, delete, share.

One-request machines (:mod:`hfclient.protocol._result`) over chat-ui's
``/api/v2`` routes (``src/routes/api/v2/models``, ``.../conversations``) and
the share route; answers are superjson, decoded liberally: an entry that does
not fit is left out rather than costing the others, and every field without
an attribute is kept in ``extra``. Results are the shared
:mod:`hfclient.info` types.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final, TypeVar

import attrs

from codec import superjson
from codec._generated.huggingchat import (
    BASE_URL,
    CONVERSATIONS_PER_PAGE,
    OPERATIONS,
    SHARE_PAGE,
    ConversationPage,
    ConversationSettings,
    ConversationSummary,
    ModelSummary,
    ShareAnswer,
    build_delete_all_conversations,
    build_delete_conversation,
    build_get_chat_page,
    build_get_conversation,
    build_get_model,
    build_list_conversations,
    build_list_models,
    build_share_conversation,
    build_update_conversation,
)
from codec.errors import CodecError
from codec.huggingchat import extract_models
from codec.values import UNSET
from hfclient.errors import ArgumentError, DecodeError
from hfclient.info import ConversationInfo, MessageInfo, ModelInfo
from hfclient.protocol._eras import era_day
from hfclient.protocol._machine import Exchange, json_record
from hfclient.protocol._states import Step, Transitions, one_request, transition_table
from hfclient.protocol.huggingchat import ERA_NAMES, Era, has_operation
from hfclient.protocol.huggingchat_calls import SessionCall
from hfclient.protocol.router_catalog import model_providers

__all__ = [
    "ConversationMachine",
    "ConversationsPage",
    "ConversationsPageMachine",
    "DeleteAllConversationsMachine",
    "DeleteConversationMachine",
    "LibraryStep",
    "ModelMachine",
    "ModelsMachine",
    "ShareConversationMachine",
    "UpdateConversationMachine",
]

T = TypeVar("T")
_SERVICE: Final = "huggingchat"
# ModelSummary fields that have an attribute of ModelInfo; the rest go to extra.
_MODEL_FIELDS: Final = frozenset(
    {"id", "displayName", "description", "multimodal", "supportsTools", "supportsReasoning",
     "providers", "parameters"}
)  # fmt: skip
_MESSAGE_FIELDS: Final = frozenset({"id", "from", "content", "reasoning", "createdAt"})


class LibraryStep(Step):
    """The one request of each call."""

    LIST_MODELS = "list_models"
    GET_CHAT_PAGE = "get_chat_page"
    GET_MODEL = "get_model"
    LIST_CONVERSATIONS = "list_conversations"
    GET_CONVERSATION = "get_conversation"
    UPDATE_CONVERSATION = "update_conversation"
    DELETE_CONVERSATION = "delete_conversation"
    DELETE_ALL_CONVERSATIONS = "delete_all_conversations"
    SHARE_CONVERSATION = "share_conversation"


class _LibraryCall(SessionCall[T]):
    """A call with the session cookies, in the era of the client."""

    def _start(
        self,
        step: LibraryStep,
        build: Any,
        *,
        hf_chat: str,
        token: str | None,
        era: Era,
        base_url: str,
        headers: Iterable[tuple[str, str]],
        **arguments: Any,
    ) -> None:
        day = era_day(era, ERA_NAMES)
        if not has_operation(day, step.value):
            raise ArgumentError(f"HuggingChat had no {step.value} in the era {day}")
        request = build(
            hf_chat=hf_chat,
            token=self._session(hf_chat, token, day),
            base_url=base_url,
            headers=headers,
            **arguments,
        )
        self._queue(step, Exchange(request, OPERATIONS[step.value]))

    def _superjson(self, body: bytes) -> object:
        try:
            return superjson.parse(body)
        except (CodecError, ValueError) as exc:
            raise DecodeError(f"{self._WHAT} is not superjson: {exc}") from None


def _checked_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or "/" in value:
        raise ArgumentError(f"{what} is a HuggingChat conversation id, not {value!r}")
    return value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _moment(value: object) -> datetime.datetime | None:
    return value if isinstance(value, datetime.datetime) else None


def _model_info(entry: Mapping[str, Any]) -> ModelInfo:
    # One summary or detail entry, as sent: typed where it fits, the rest in extra.
    return ModelInfo(
        service=_SERVICE,
        id=str(entry.get("id") or entry.get("name")),
        name=_text(entry.get("displayName")) or _text(entry.get("name")),
        description=_text(entry.get("description")),
        supports_tools=_flag(entry.get("supportsTools", entry.get("tools"))),
        supports_reasoning=_flag(entry.get("supportsReasoning", entry.get("reasoning"))),
        multimodal=_flag(entry.get("multimodal")),
        providers=model_providers(entry.get("providers")),
        parameters=entry["parameters"] if isinstance(entry.get("parameters"), dict) else None,
        extra={key: value for key, value in entry.items() if key not in _MODEL_FIELDS},
    )


class ModelsMachine(_LibraryCall[list[ModelInfo]]):
    """The models the deployment lists: ``GET /api/v2/models``, or the chat page before it.

    Its result is a ``list[ModelInfo]`` in the deployment's order. Since
    2026-07-03 the list carries no providers: :class:`ModelMachine` has them.
    """

    TRANSITIONS: ClassVar[Transitions] = transition_table(
        starts=[LibraryStep.LIST_MODELS, LibraryStep.GET_CHAT_PAGE],
        follows={},
        completes=[LibraryStep.LIST_MODELS, LibraryStep.GET_CHAT_PAGE],
    )
    _WHAT = "the model list"

    def __init__(
        self,
        *,
        hf_chat: str,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        day = era_day(era, ERA_NAMES)
        if has_operation(day, "list_models"):
            request = build_list_models(base_url=base_url, headers=headers)
            self._queue(LibraryStep.LIST_MODELS, Exchange(request, OPERATIONS["list_models"]))
            return
        request = build_get_chat_page(
            hf_chat=hf_chat,
            token=self._session(hf_chat, token, day),
            base_url=base_url,
            headers=headers,
        )
        self._queue(LibraryStep.GET_CHAT_PAGE, Exchange(request, OPERATIONS["get_chat_page"]))

    def _reads_pages_as_errors(self, exchange: Exchange) -> bool:
        return exchange.operation.name != "get_chat_page"  # that one is a page

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        try:
            models = extract_models(body)
        except CodecError as exc:
            raise DecodeError.from_codec(exc) from None
        self._finish([_model_info(model.raw) for model in models])


class ModelMachine(_LibraryCall[ModelInfo]):
    """One model with its providers and generation parameters (``GET /api/v2/models/{id}``)."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.GET_MODEL)
    _WHAT = "the model"

    def __init__(
        self,
        *,
        model: str,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        if not isinstance(model, str) or model.count("/") > 1 or not model.strip("/"):
            raise ArgumentError(f"model is a model id (org/name or name), not {model!r}")
        day = era_day(era, ERA_NAMES)
        if not has_operation(day, "get_model"):
            raise ArgumentError(f"HuggingChat had no model details in the era {day}")
        request = build_get_model(model_id=model, base_url=base_url, headers=headers)
        self._queue(LibraryStep.GET_MODEL, Exchange(request, OPERATIONS["get_model"]))

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        entry = self._superjson(body)
        if not isinstance(entry, dict):
            raise DecodeError(f"{self._WHAT} is not an object")
        try:
            ModelSummary.from_wire(entry)  # the fields it must have, of their types
        except CodecError as exc:
            raise DecodeError.from_codec(exc) from None
        self._finish(_model_info(entry))


@attrs.frozen(slots=True)
class ConversationsPage:
    """One page of conversations, and whether another page follows."""

    conversations: list[ConversationInfo]
    more: bool


def _conversation_info(summary: ConversationSummary) -> ConversationInfo | None:
    ident = summary.object_id if isinstance(summary.object_id, str) else summary.id
    if not isinstance(ident, str) or not ident:
        return None
    model = summary.model if isinstance(summary.model, str) else summary.model_id
    return ConversationInfo(
        service=_SERVICE,
        id=ident,
        title=summary.title if isinstance(summary.title, str) else None,
        model=model if isinstance(model, str) else None,
        updated_at=_moment(summary.updated_at),
        extra=dict(summary.extra),
    )


class ConversationsPageMachine(_LibraryCall[ConversationsPage]):
    """Page ``page`` (from 0) of the user's conversations, newest first.

    ``more`` is the answer's ``hasMore``; before 2025-11-20 it is read from
    ``nConversations``, and failing both, a full page means there may be more.
    """

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.LIST_CONVERSATIONS)
    _WHAT = "the conversation list"

    def __init__(
        self,
        *,
        hf_chat: str,
        page: int = 0,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        if isinstance(page, bool) or not isinstance(page, int) or page < 0:
            raise ArgumentError(f"page is a whole number from 0, not {page!r}")
        self._page = page
        self._start(
            LibraryStep.LIST_CONVERSATIONS,
            build_list_conversations,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
            page=str(page),
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        document = self._superjson(body)
        if not isinstance(document, dict):
            raise DecodeError(f"{self._WHAT} is not an object")
        try:
            answer = ConversationPage.from_wire(document)
        except CodecError as exc:
            raise DecodeError.from_codec(exc) from None
        found = [_conversation_info(summary) for summary in answer.conversations]
        listed = [info for info in found if info is not None]
        if isinstance(answer.has_more, bool):
            more = answer.has_more
        elif isinstance(answer.n_conversations, int):
            more = (self._page + 1) * CONVERSATIONS_PER_PAGE < answer.n_conversations
        else:
            more = len(answer.conversations) >= CONVERSATIONS_PER_PAGE
        self._finish(ConversationsPage(listed, more))


def _message_info(entry: Mapping[str, Any]) -> MessageInfo | None:
    ident, role = entry.get("id"), entry.get("from")
    if not isinstance(ident, str) or not isinstance(role, str):
        return None
    return MessageInfo(
        id=ident,
        role=role,
        content=_text(entry.get("content")) or "",
        reasoning=_text(entry.get("reasoning")),
        created_at=_moment(entry.get("createdAt")),
        extra={key: value for key, value in entry.items() if key not in _MESSAGE_FIELDS},
    )


class ConversationMachine(_LibraryCall[ConversationInfo]):
    """One conversation with its messages (``GET /api/v2/conversations/{id}``)."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.GET_CONVERSATION)
    _WHAT = "the conversation"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation_id: str,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._id = _checked_id(conversation_id, "conversation_id")
        self._start(
            LibraryStep.GET_CONVERSATION,
            build_get_conversation,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
            conversation_id=self._id,
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        document = self._superjson(body)
        if not isinstance(document, dict):
            raise DecodeError(f"{self._WHAT} is not an object")
        entries = document.get("messages")
        listed = entries if isinstance(entries, list) else []
        found = [_message_info(entry) for entry in listed if isinstance(entry, dict)]
        model = document.get("model", document.get("modelId"))
        named = {"messages", "title", "model", "modelId", "id", "updatedAt"}
        self._finish(
            ConversationInfo(
                service=_SERVICE,
                id=_text(document.get("id")) or self._id,
                title=_text(document.get("title")),
                model=_text(model),
                updated_at=_moment(document.get("updatedAt")),
                messages=tuple(m for m in found if m is not None),
                extra={key: value for key, value in document.items() if key not in named},
            )
        )


class UpdateConversationMachine(_LibraryCall[None]):
    """Rename a conversation (``title``, 1 to 100 characters) or switch its ``model``."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.UPDATE_CONVERSATION)
    _WHAT = "the answer to updating a conversation"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation_id: str,
        title: str | None = None,
        model: str | None = None,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        if title is None and model is None:
            raise ArgumentError("give a new title, a new model, or both")
        if title is not None and (not isinstance(title, str) or not 1 <= len(title) <= 100):
            raise ArgumentError("title is text of 1 to 100 characters")
        if model is not None and (not isinstance(model, str) or not model):
            raise ArgumentError(f"model is the name of a model, not {model!r}")
        settings = ConversationSettings(
            title=UNSET if title is None else title, model=UNSET if model is None else model
        )
        self._start(
            LibraryStep.UPDATE_CONVERSATION,
            build_update_conversation,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
            conversation_id=_checked_id(conversation_id, "conversation_id"),
            body=settings,
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        self._finish(None)


class DeleteConversationMachine(_LibraryCall[None]):
    """Delete one conversation (``DELETE /conversation/{id}``)."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.DELETE_CONVERSATION)
    _WHAT = "the answer to deleting a conversation"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation_id: str,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._start(
            LibraryStep.DELETE_CONVERSATION,
            build_delete_conversation,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
            conversation_id=_checked_id(conversation_id, "conversation_id"),
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        self._finish(None)


class DeleteAllConversationsMachine(_LibraryCall[int | None]):
    """Delete every conversation of the user; the result is how many went, when said."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.DELETE_ALL_CONVERSATIONS)
    _WHAT = "the answer to deleting every conversation"

    def __init__(
        self,
        *,
        hf_chat: str,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._start(
            LibraryStep.DELETE_ALL_CONVERSATIONS,
            build_delete_all_conversations,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        count = self._superjson(body) if body.strip() else None
        self._finish(count if type(count) is int else None)


class ShareConversationMachine(_LibraryCall[str]):
    """Share a conversation: the result is the URL of its shared copy (``SHARE_PAGE``)."""

    TRANSITIONS: ClassVar[Transitions] = one_request(LibraryStep.SHARE_CONVERSATION)
    _WHAT = "the share answer"

    def __init__(
        self,
        *,
        hf_chat: str,
        conversation_id: str,
        token: str | None = None,
        era: Era = None,
        base_url: str = BASE_URL,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._base_url = base_url.rstrip("/")
        self._start(
            LibraryStep.SHARE_CONVERSATION,
            build_share_conversation,
            hf_chat=hf_chat,
            token=token,
            era=era,
            base_url=base_url,
            headers=headers,
            conversation_id=_checked_id(conversation_id, "conversation_id"),
        )

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        answer = json_record(body, ShareAnswer.from_wire, self._WHAT)
        self._finish(self._base_url + SHARE_PAGE.format(share_id=answer.share_id))
