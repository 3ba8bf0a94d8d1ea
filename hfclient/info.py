"""What the services list, alike for each: models, conversations, their messages.

``InferenceProviders.models()`` and ``HuggingChat.models()`` give
:class:`ModelInfo`; ``HuggingChat.conversations()`` and
``get_conversation()`` give :class:`ConversationInfo`. A field a service does
not say is ``None``; every wire field without an attribute here is kept, as
sent, in ``extra``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import attrs

from hfclient.events import Conversation

__all__ = ["ConversationInfo", "MessageInfo", "ModelInfo", "ModelPricing", "ModelProvider"]


@attrs.frozen(slots=True, kw_only=True)
class ModelPricing:
    """A provider's price, USD per million tokens (either may be unknown)."""

    input: float | None = None
    output: float | None = None


@attrs.frozen(slots=True, kw_only=True)
class ModelProvider:
    """One inference provider serving a model; ``status`` is ``live`` or ``error``."""

    provider: str
    status: str | None = None
    context_length: int | None = None
    supports_tools: bool | None = None
    supports_structured_output: bool | None = None
    pricing: ModelPricing | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)  # kept as sent


@attrs.frozen(slots=True, kw_only=True)
class ModelInfo:
    """One model a service offers.

    ``id`` is what to pass as ``model=``; ``name`` the name to show.
    ``context_length`` and ``supports_tools`` are the model's own where the
    service says, else the best of its providers'. ``parameters`` are the
    generation defaults HuggingChat applies (``max_tokens``, ...).
    """

    service: str
    id: str
    name: str | None = None
    description: str | None = None
    owned_by: str | None = None
    created: int | None = None
    context_length: int | None = None
    supports_tools: bool | None = None
    supports_reasoning: bool | None = None
    multimodal: bool | None = None
    providers: tuple[ModelProvider, ...] = ()
    parameters: Mapping[str, Any] | None = attrs.field(default=None, repr=False, eq=False)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)  # kept as sent


@attrs.frozen(slots=True, kw_only=True)
class MessageInfo:
    """One stored message of a conversation; ``role`` is ``user``, ``assistant`` or ``system``.

    ``content`` is the text as the service stores it (HuggingChat keeps an
    assistant's ``<think>`` sections in it); ``reasoning`` is set where the
    service keeps the reasoning apart.
    """

    id: str
    role: str
    content: str = ""
    reasoning: str | None = None
    created_at: datetime.datetime | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)  # kept as sent


@attrs.frozen(slots=True, kw_only=True)
class ConversationInfo:
    """One conversation of the user's, as the service lists it.

    ``messages`` is empty in a listing and filled by ``get_conversation``.
    :attr:`conversation` is the handle that continues it.
    """

    service: str
    id: str
    title: str | None = None
    model: str | None = None
    updated_at: datetime.datetime | None = None
    messages: tuple[MessageInfo, ...] = ()
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)  # kept as sent

    @property
    def conversation(self) -> Conversation:
        """The handle to pass as ``conversation=`` to continue this conversation."""
        if self.service == "hailuo":
            return Conversation(self.service, chat_id=self.id)
        return Conversation(self.service, conversation_id=self.id, model=self.model)
