"""The async clients: ``InferenceProviders``, ``HuggingChat``, ``Hailuo``.

Each builds the service's sans-IO machine for a call and drives it over a
transport. ``stream(...)`` returns an :class:`~hfclient.stream.EventStream` of
unified events; ``complete(...)`` gathers them into a
:class:`~hfclient.completion.Completion`. Messages are in the OpenAI
``[{"role": ..., "content": ...}]`` shape. Credentials come from the
arguments or the environment variables of :data:`hfclient.credentials.ENVIRONMENT`,
and are held masked.

Every client takes the same settings: ``timeout=`` (a number, or a
:class:`~hfclient.timeouts.Timeout`), ``headers=`` (added to every request),
``proxy=`` and ``verify=`` (for the transport it makes), ``transport=``; and
``with_options(...)`` makes a copy with other settings on the same
connections. A client is safe to share across tasks: its calls run
concurrently over one connection pool.
"""

from __future__ import annotations

import logging
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
    Sequence,
)
from typing import Any, Final, Self, TypeVar

from codec._generated import hailuo as hailuo_spec
from codec._generated import huggingchat as huggingchat_spec
from codec._generated import router as router_spec
from hfclient._closing import best_effort
from hfclient._options import NOT_GIVEN, ClientBase, NotGiven, TransportChoice, Verify
from hfclient.completion import Completion, collect
from hfclient.credentials import Secret, from_env
from hfclient.driver import drive
from hfclient.errors import ArgumentError, HfClientError, MissingAuthError
from hfclient.events import Conversation, Event
from hfclient.info import ConversationInfo, ModelInfo
from hfclient.protocol import Machine
from hfclient.protocol._messages import checked_url
from hfclient.protocol.hailuo import HailuoMachine
from hfclient.protocol.hailuo_calls import DeleteChatMachine, UserInfoMachine
from hfclient.protocol.huggingchat import Attachment, Era, HuggingChatMachine
from hfclient.protocol.huggingchat_calls import (
    AnswerElicitationMachine,
    ElicitationAction,
    McpServerInfo,
    McpServersMachine,
    StopGenerationMachine,
    conversation_id_of,
)
from hfclient.protocol.huggingchat_library import (
    ConversationMachine,
    ConversationsPageMachine,
    DeleteAllConversationsMachine,
    DeleteConversationMachine,
    ModelMachine,
    ModelsMachine,
    ShareConversationMachine,
    UpdateConversationMachine,
)
from hfclient.protocol.router import RouterMachine, resolve_model, split_model
from hfclient.protocol.router_catalog import (
    ProviderMappingEntry,
    ProviderMappingMachine,
    RouterCatalogMachine,
)
from hfclient.stream import EventStream, StoppingEventStream
from hfclient.timeouts import Timeout, TimeoutSetting

__all__ = ["Hailuo", "HuggingChat", "InferenceProviders", "TransportChoice"]

Messages = Sequence[Mapping[str, object]]

log = logging.getLogger("hfclient.client")

CLEANUP_LIMIT: Final = 10.0
"""Seconds an ``ephemeral=True`` call gives the request that deletes its conversation, at most."""


_M = TypeVar("_M", bound=Machine)


class _Client(ClientBase):
    """What the three clients share: running a machine as a stream, and to its end."""

    def _run(
        self,
        machine: Machine,
        *,
        then_delete: Callable[[Conversation], Awaitable[None]] | None = None,
    ) -> EventStream:
        events: AsyncGenerator[Event, None] = drive(machine, self._transport, self._settings)
        if then_delete is not None:
            events = _then_deleted(events, then_delete)
        return EventStream(events)

    async def _fetch(self, machine: _M) -> _M:
        # Runs a one-value machine to its end; its ``result`` then holds the value.
        async with self._run(machine) as events:
            async for _ in events:
                pass
        return machine

    async def _collect(self, events: EventStream) -> Completion:
        # Closed before an error leaves: the connection is released, not left to the GC.
        async with events:
            return await collect(events)


class InferenceProviders(_Client):
    """The Hugging Face Inference Providers router (OpenAI-compatible chat completions).

    ``provider`` ``None`` tries the model's live providers in mapping order
    (402 → next, 429 → wait and retry, 5xx → retry, then next); a name pins
    one; ``"auto"`` lets the router choose; ``model="org/name:provider"``
    pins one too, and a policy suffix (``:fastest``, ``:cheapest``, ...) lets
    the router choose by it. ``max_retries`` is how often one provider is
    retried (429, 5xx, a failed connection) before the next. ``bill_to``
    charges an organization you belong to (``X-HF-Bill-To``).
    The provider mapping is fetched once per model for the life of the
    client, from ``hub_url`` (huggingface.co), not from ``base_url``: point
    both at a server of your own to keep every request there.

    Safe to share across tasks: concurrent calls share its connection pool.
    """

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        provider: str | None = None,
        max_inputs_length: int | None = None,
        max_retries: int = 1,
        retry_after_cap: float = 10.0,
        bill_to: str | None = None,
        base_url: str = router_spec.SERVERS["default"],
        hub_url: str = router_spec.SERVERS["hub"],
        timeout: TimeoutSetting | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        proxy: str | NotGiven | None = NOT_GIVEN,
        verify: Verify | NotGiven = NOT_GIVEN,
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        checked_url("base_url", base_url)
        checked_url("hub_url", hub_url)
        self._api_key = _required(
            "router.api_key",
            api_key,
            "the router needs a Hugging Face access token: pass api_key= or set HF_TOKEN",
            env,
        )
        _check_retries(max_retries)
        super().__init__(
            transport=transport, timeout=timeout, headers=headers, proxy=proxy, verify=verify
        )
        self._provider = provider
        self._max_inputs_length = max_inputs_length
        self._max_retries = max_retries
        self._retry_after_cap = retry_after_cap
        self._bill_to = bill_to
        self._base_url = base_url
        self._hub_url = hub_url
        self._mappings: dict[str, Any] = {}

    def with_options(
        self,
        *,
        timeout: TimeoutSetting | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings, on the same connections and mapping cache."""
        clone = super().with_options(timeout=timeout, headers=headers)
        if not isinstance(max_retries, NotGiven):
            _check_retries(max_retries)
            clone._max_retries = max_retries
        return clone

    def stream(
        self,
        /,
        messages: Messages,
        *,
        model: str,
        provider: str | None = None,
        bill_to: str | None = None,
        extra_body: Mapping[str, object] | None = None,
        **parameters: object,
    ) -> EventStream:
        """Stream one chat completion.

        ``parameters`` go into the request body (``max_tokens=``,
        ``temperature=``, ``tools=``, ...), and ``extra_body`` after them, for
        fields whose names are not Python identifiers or clash with ours.
        """
        return self._run(self._machine(messages, model, provider, bill_to, extra_body, parameters))

    async def complete(
        self,
        /,
        messages: Messages,
        *,
        model: str,
        provider: str | None = None,
        bill_to: str | None = None,
        stream: bool = True,
        extra_body: Mapping[str, object] | None = None,
        **parameters: object,
    ) -> Completion:
        """The whole answer; an error carries what came before it as ``partial``.

        ``stream=False`` asks for one JSON answer instead of a stream (the
        same :class:`~hfclient.completion.Completion` comes back).
        """
        machine = self._machine(
            messages, model, provider, bill_to, extra_body, parameters, stream=stream
        )
        return await self._collect(self._run(machine))

    async def models(self) -> list[ModelInfo]:
        """The router's model catalogue (``GET /v1/models`` at ``base_url``), in its order.

        Each :class:`~hfclient.info.ModelInfo` lists its
        providers with their status, context length, tool support and pricing.
        """
        machine = RouterCatalogMachine(api_key=self._api_key.reveal(), base_url=self._base_url)
        return (await self._fetch(machine)).result

    async def provider_mapping(self, model: str) -> list[ProviderMappingEntry]:
        """The Hub's providers for ``model`` (at ``hub_url``): every status and task.

        The answer also fills the mapping cache the chat calls use.
        """
        machine = ProviderMappingMachine(
            api_key=self._api_key.reveal(),
            model=resolve_model(split_model(model)[0]),
            mapping_cache=self._mappings,
            hub_url=self._hub_url,
        )
        return (await self._fetch(machine)).result

    def _machine(
        self,
        messages: Messages,
        model: str,
        provider: str | None,
        bill_to: str | None,
        extra_body: Mapping[str, object] | None,
        parameters: Mapping[str, object],
        *,
        stream: bool = True,
    ) -> RouterMachine:
        return RouterMachine(
            api_key=self._api_key.reveal(),
            model=model,
            messages=messages,
            provider=provider if provider is not None else self._provider,
            parameters={**parameters, **(extra_body or {})},
            max_inputs_length=self._max_inputs_length,
            mapping_cache=self._mappings,
            bill_to=bill_to if bill_to is not None else self._bill_to,
            stream=stream,
            max_retries=self._max_retries,
            retry_after_cap=self._retry_after_cap,
            base_url=self._base_url,
            hub_url=self._hub_url,
        )


class HuggingChat(_Client):
    """The HuggingChat web protocol, with the user's own browser session cookies.

    ``hf_chat`` is the ``hf-chat`` cookie (env ``HF_CHAT_COOKIE``); since
    2025-10-14 the session is coupled to the ``token`` cookie of the same
    browser session (env ``HF_CHAT_TOKEN_COOKIE``), and a call without it
    is a :class:`~hfclient.errors.MissingAuthError` before anything is sent.
    ``era`` is the day whose protocol to speak: a ``datetime.date``,
    ``"YYYY-MM-DD"``, ``"v2"`` (2025-06-05) or ``"legacy"`` (2025-06-04,
    the ``__data.json`` endpoints); default today's.
    The default ``timeout`` allows 30 s of silence in a stream (the server
    sends keep-alive lines about ten times a second).

    A stream left before its end (a ``break``, a cancellation, closing it)
    stops the generation on the server too, so it does not go on using the
    quota (``stop_on_close=False`` keeps it running, to re-attach later).

    Safe to share across tasks: concurrent calls share its connection pool.
    """

    _DEFAULT_TIMEOUT = Timeout(read=30.0)

    def __init__(
        self,
        *,
        hf_chat: str | Secret | None = None,
        token: str | Secret | None = None,
        era: Era = None,
        stop_on_close: bool = True,
        base_url: str = huggingchat_spec.SERVERS["default"],
        timeout: TimeoutSetting | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        proxy: str | NotGiven | None = NOT_GIVEN,
        verify: Verify | NotGiven = NOT_GIVEN,
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        checked_url("base_url", base_url)
        self._hf_chat = _required(
            "huggingchat.hf_chat",
            hf_chat,
            "HuggingChat needs your session: pass hf_chat= (the hf-chat cookie of a logged-in "
            "browser session) or set HF_CHAT_COOKIE; since 2025-10-14 also token= or "
            "HF_CHAT_TOKEN_COOKIE",
            env,
        )
        self._token = from_env("huggingchat.token", token, env)
        super().__init__(
            transport=transport, timeout=timeout, headers=headers, proxy=proxy, verify=verify
        )
        self._era = era
        self._stop_on_close = stop_on_close
        self._base_url = base_url

    def _cookies(self) -> tuple[str, str | None]:
        return self._hf_chat.reveal(), self._token.reveal() if self._token else None

    def _read_timeout(self) -> float | None:
        timeout = self._settings.timeout
        return self._DEFAULT_TIMEOUT.read if timeout is None else timeout.read

    def stream(
        self,
        messages: Messages,
        *,
        model: str,
        conversation: Conversation | None = None,
        preprompt: str | None = None,
        tools: Sequence[str] = (),
        web_search: bool = False,
        files: Sequence[Attachment] = (),
        reattach: bool = False,
        ephemeral: bool = False,
    ) -> EventStream:
        """Stream one turn; pass the ``Conversation`` of an earlier turn to continue it.

        ``tools`` names the MCP servers the turn may use (:meth:`mcp_servers`
        lists them; none by default); ``web_search`` adds the search server.
        ``reattach`` re-attaches to the run when the answer breaks off (a
        read error, a dropped connection), and goes on without repeating or
        losing anything. ``ephemeral=True`` deletes the conversation when the
        stream ends, however it ends (a run left early is stopped first): for
        one-shot callers, so no conversation is left behind.
        """
        hf_chat, token = self._cookies()
        machine = HuggingChatMachine(
            hf_chat=hf_chat,
            token=token,
            model=model,
            messages=messages,
            conversation=conversation,
            preprompt=preprompt,
            tools=tools,
            web_search=web_search,
            files=files,
            era=self._era,
            reattach=reattach,
            base_url=self._base_url,
            read_timeout=self._read_timeout(),
        )
        return self._run_turn(machine, ephemeral=ephemeral)

    async def complete(
        self,
        messages: Messages,
        *,
        model: str,
        conversation: Conversation | None = None,
        preprompt: str | None = None,
        tools: Sequence[str] = (),
        web_search: bool = False,
        files: Sequence[Attachment] = (),
        reattach: bool = False,
        ephemeral: bool = False,
    ) -> Completion:
        """The whole answer of :meth:`stream`, with the conversation handle to continue.

        ``text`` is the message as chat-ui shows it: text from before the
        tools ran kept, every ``<think>`` section in ``reasoning`` instead. A
        turn that stops on a question ends with ``finish_reason
        "elicitation"``: answer it (:meth:`answer_elicitation`) and go on
        (:meth:`resume_elicitation`).
        """
        events = self.stream(
            messages,
            model=model,
            conversation=conversation,
            preprompt=preprompt,
            tools=tools,
            web_search=web_search,
            files=files,
            reattach=reattach,
            ephemeral=ephemeral,
        )
        return await self._collect(events)

    def retry(
        self,
        conversation: Conversation,
        *,
        message_id: str | None = None,
        tools: Sequence[str] = (),
        web_search: bool = False,
        reattach: bool = False,
    ) -> EventStream:
        """Stream a new answer to the last message of ``conversation`` (or to ``message_id``).

        The old answer stays beside the new one, as chat-ui's retry button
        keeps it (``is_retry``); the conversation's model answers. ``tools``,
        ``web_search`` and ``reattach`` are :meth:`stream`'s.
        """
        return self._again(
            conversation, [], message_id or True, tools, web_search=web_search, reattach=reattach
        )

    def edit(
        self,
        conversation: Conversation,
        message_id: str,
        text: str,
        *,
        tools: Sequence[str] = (),
        web_search: bool = False,
        reattach: bool = False,
    ) -> EventStream:
        """Replace user message ``message_id`` of ``conversation`` with ``text``; stream the answer.

        The edited message becomes a sibling of the old one (``is_retry`` with
        new inputs), as chat-ui's edit does. ``tools``, ``web_search`` and
        ``reattach`` are :meth:`stream`'s.
        """
        if not isinstance(message_id, str) or not message_id:
            raise ArgumentError(f"message_id is the id of a user message, not {message_id!r}")
        messages = [{"role": "user", "content": text}]
        return self._again(
            conversation, messages, message_id, tools, web_search=web_search, reattach=reattach
        )

    def _again(
        self,
        conversation: Conversation,
        messages: Messages,
        retry: bool | str,
        tools: Sequence[str],
        *,
        web_search: bool,
        reattach: bool,
    ) -> EventStream:
        if not isinstance(conversation, Conversation) or not conversation.model:
            raise ArgumentError("this needs the Conversation of a HuggingChat turn, with its model")
        hf_chat, token = self._cookies()
        machine = HuggingChatMachine(
            hf_chat=hf_chat,
            token=token,
            model=conversation.model,
            messages=messages,
            conversation=conversation,
            retry=retry,
            tools=tools,
            web_search=web_search,
            reattach=reattach,
            era=self._era,
            base_url=self._base_url,
            read_timeout=self._read_timeout(),
        )
        return self._run_turn(machine)

    def resume(
        self,
        conversation: Conversation,
        *,
        generation_id: str | None = None,
        from_seq: int = 0,
        seen: Sequence[Event] = (),
    ) -> EventStream:
        """Re-attach to a run of ``conversation`` (2026-07-24 on) and stream the rest of it.

        ``generation_id`` picks the run (default the conversation's, else its
        newest); the updates after ``from_seq`` come (0: the run from its
        start), then the live ones until the run ends. After a stream of the
        run broke, pass the events it gave as ``seen``: the rest of the answer
        comes with nothing repeated or lost.
        """
        hf_chat, token = self._cookies()
        machine = HuggingChatMachine.reattaching(
            hf_chat=hf_chat,
            token=token,
            conversation=conversation,
            generation_id=generation_id,
            from_seq=from_seq,
            seen=seen,
            era=self._era,
            base_url=self._base_url,
            read_timeout=self._read_timeout(),
        )
        return self._run_turn(machine)

    async def stop(
        self, conversation: Conversation, *, seen_content_length: int | None = None
    ) -> None:
        """Stop the running generation of ``conversation`` (``POST .../stop-generating``).

        The run ends with an interrupted final answer. With
        ``seen_content_length`` (UTF-16 units of the message that was shown,
        ``<think>`` sections included) and a handle that carries its
        ``generation_id``, the stored answer is clamped to it; without, it
        keeps what was generated until the server saw the stop.
        """
        hf_chat, token = self._cookies()
        machine = StopGenerationMachine(
            hf_chat=hf_chat,
            token=token,
            conversation=conversation,
            seen_content_length=seen_content_length,
            era=self._era,
            base_url=self._base_url,
        )
        await self._fetch(machine)

    async def answer_elicitation(
        self,
        conversation: Conversation,
        elicitation_id: str,
        *,
        action: ElicitationAction = "accept",
        content: Mapping[str, object] | None = None,
    ) -> bool:
        """Answer an :class:`~hfclient.events.Elicitation` of ``conversation``.

        ``action`` accept (with ``content``: field name to value), decline or
        cancel. True means the turn parked on it: go on with
        :meth:`resume_elicitation`; False, the waiting stream goes on by itself.
        """
        hf_chat, token = self._cookies()
        machine = AnswerElicitationMachine(
            hf_chat=hf_chat,
            token=token,
            conversation=conversation,
            elicitation_id=elicitation_id,
            action=action,
            content=content,
            era=self._era,
            base_url=self._base_url,
        )
        return (await self._fetch(machine)).result

    def resume_elicitation(
        self,
        conversation: Conversation,
        elicitation_id: str,
        *,
        tools: Sequence[str] = (),
        web_search: bool = False,
        reattach: bool = False,
    ) -> EventStream:
        """Continue the turn that parked on the answered elicitation ``elicitation_id``.

        The parked tool call runs again with the answer, then the model
        answers in the same message; ``tools`` and ``web_search`` are what that
        round may use (as in :meth:`stream`: pass the parked turn's).
        """
        if conversation.model is None:
            raise ArgumentError("resume_elicitation needs the Conversation of the parked turn")
        hf_chat, token = self._cookies()
        machine = HuggingChatMachine(
            hf_chat=hf_chat,
            token=token,
            model=conversation.model,
            messages=(),
            conversation=conversation,
            resume_elicitation=elicitation_id,
            tools=tools,
            web_search=web_search,
            era=self._era,
            reattach=reattach,
            base_url=self._base_url,
            read_timeout=self._read_timeout(),
        )
        return self._run_turn(machine)

    async def mcp_servers(self) -> list[McpServerInfo]:
        """The MCP servers the deployment offers (``GET /api/mcp/servers``), for ``tools=``."""
        machine = McpServersMachine(era=self._era, base_url=self._base_url)
        return (await self._fetch(machine)).result

    # Models and conversations (hfclient.protocol.huggingchat_library).

    def _session(self) -> dict[str, Any]:
        hf_chat, token = self._cookies()
        return {"hf_chat": hf_chat, "token": token, "era": self._era, "base_url": self._base_url}

    async def models(self) -> list[ModelInfo]:
        """The models the deployment lists, in its order (``GET /api/v2/models``).

        Since 2026-07-03 the list carries no providers or parameters:
        :meth:`model` gives one model with them.
        """
        return (await self._fetch(ModelsMachine(**self._session()))).result

    async def model(self, model: str) -> ModelInfo:
        """One model with its providers and generation parameters."""
        machine = ModelMachine(model=model, era=self._era, base_url=self._base_url)
        return (await self._fetch(machine)).result

    async def conversations(self) -> AsyncIterator[ConversationInfo]:
        """The user's conversations, newest first, fetched page after page as you iterate."""
        page = 0
        while True:
            machine = ConversationsPageMachine(page=page, **self._session())
            listing = (await self._fetch(machine)).result
            for info in listing.conversations:
                yield info
            if not listing.more or not listing.conversations:
                return
            page += 1

    async def get_conversation(self, conversation: Conversation | str) -> ConversationInfo:
        """One conversation with its stored messages."""
        machine = ConversationMachine(
            conversation_id=_conversation_id(conversation), **self._session()
        )
        return (await self._fetch(machine)).result

    async def rename_conversation(self, conversation: Conversation | str, title: str) -> None:
        """Give a conversation a new title (1 to 100 characters)."""
        await self._fetch(
            UpdateConversationMachine(
                conversation_id=_conversation_id(conversation), title=title, **self._session()
            )
        )

    async def set_conversation_model(self, conversation: Conversation | str, model: str) -> None:
        """Switch the model the conversation's next turns go to."""
        await self._fetch(
            UpdateConversationMachine(
                conversation_id=_conversation_id(conversation), model=model, **self._session()
            )
        )

    async def delete_conversation(self, conversation: Conversation | str) -> None:
        """Delete one conversation and its messages."""
        await self._fetch(
            DeleteConversationMachine(
                conversation_id=_conversation_id(conversation), **self._session()
            )
        )

    async def delete_all_conversations(self) -> int | None:
        """Delete every conversation of the user; how many went, when the server says."""
        return (await self._fetch(DeleteAllConversationsMachine(**self._session()))).result

    async def share_conversation(self, conversation: Conversation | str) -> str:
        """Share a conversation: the URL of its frozen copy, readable by anyone with it."""
        machine = ShareConversationMachine(
            conversation_id=_conversation_id(conversation), **self._session()
        )
        return (await self._fetch(machine)).result

    def _run_turn(self, machine: HuggingChatMachine, *, ephemeral: bool = False) -> EventStream:
        stream = self._stopping(machine)
        if not ephemeral:
            return stream

        def made() -> Conversation | None:
            ident = machine.conversation_id
            return Conversation("huggingchat", conversation_id=ident) if ident else None

        return EventStream(_then_deleted(stream, self.delete_conversation, made))

    def _stopping(self, machine: HuggingChatMachine) -> EventStream:
        events = drive(machine, self._transport, self._settings)
        if not self._stop_on_close:
            return EventStream(events)

        def unfinished() -> Conversation | None:
            # Only a run the server started and that has not ended is worth a stop.
            started = machine.step is not None and machine.step.value in (
                "send_message",
                "stream_generation",
            )
            if not started or machine.answered or machine.conversation_id is None:
                return None
            return Conversation(
                "huggingchat",
                conversation_id=machine.conversation_id,
                model=machine.model,
                generation_id=machine.generation_id,
            )

        async def stop(conversation: Conversation) -> None:
            await self.stop(conversation, seen_content_length=machine.seen_content_length)

        return StoppingEventStream(events, unfinished, stop)


class Hailuo(_Client):
    """The Hailuo AI web chat, with the user's own login token and device ids.

    ``token`` is the web app's ``localStorage._token`` (env ``HAILUO_TOKEN``);
    ``device_id`` and ``uuid`` are ``USER_HARD_WARE_INFO`` and
    ``UNIQUE_USER_ID`` of the same session (``HAILUO_DEVICE_ID``,
    ``HAILUO_UUID``).

    Safe to share across tasks: concurrent calls share its connection pool.
    """

    def __init__(
        self,
        *,
        token: str | Secret | None = None,
        device_id: str | Secret | None = None,
        uuid: str | Secret | None = None,
        base_url: str = hailuo_spec.BASE_URL,
        timeout: TimeoutSetting | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        proxy: str | NotGiven | None = NOT_GIVEN,
        verify: Verify | NotGiven = NOT_GIVEN,
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        checked_url("base_url", base_url)
        self._token = _required(
            "hailuo.token",
            token,
            "Hailuo needs the login token: pass token= (localStorage _token of a logged-in "
            "www.hailuo.ai session) or set HAILUO_TOKEN",
            env,
        )
        hint = "Hailuo needs device_id= and uuid= or HAILUO_DEVICE_ID and HAILUO_UUID"
        self._device_id = _required("hailuo.device_id", device_id, hint, env)
        self._uuid = _required("hailuo.uuid", uuid, hint, env)
        super().__init__(
            transport=transport, timeout=timeout, headers=headers, proxy=proxy, verify=verify
        )
        self._base_url = base_url

    def stream(
        self,
        messages: Messages,
        *,
        conversation: Conversation | None = None,
        search: bool | None = None,
        ephemeral: bool = False,
    ) -> EventStream:
        """Stream one turn; pass the ``Conversation`` of an earlier turn to continue its chat.

        ``search`` ``True`` or ``False`` asks for web search or not (left out:
        what the web app sends). ``ephemeral=True`` deletes the chat when the
        stream ends, however it ends: for one-shot callers that keep no chats.
        """
        machine = HailuoMachine(
            token=self._token.reveal(),
            device_id=self._device_id.reveal(),
            uuid=self._uuid.reveal(),
            messages=messages,
            conversation=conversation,
            search=search,
            base_url=self._base_url,
        )
        return self._run(machine, then_delete=self.delete_chat if ephemeral else None)

    async def complete(
        self,
        messages: Messages,
        *,
        conversation: Conversation | None = None,
        search: bool | None = None,
        ephemeral: bool = False,
    ) -> Completion:
        """The whole answer of :meth:`stream`, with the ``Conversation`` to continue."""
        events = self.stream(
            messages, conversation=conversation, search=search, ephemeral=ephemeral
        )
        return await self._collect(events)

    async def delete_chat(self, chat: Conversation | str) -> None:
        """Delete a chat and its messages: a Hailuo ``Conversation``, or its ``chat_id``."""
        chat_id = chat.chat_id if isinstance(chat, Conversation) else chat
        if not isinstance(chat_id, str) or not chat_id:
            raise ArgumentError(f"delete_chat needs a Hailuo chat, not {chat!r}")
        await self._fetch(
            DeleteChatMachine(
                token=self._token.reveal(),
                device_id=self._device_id.reveal(),
                uuid=self._uuid.reveal(),
                chat_id=chat_id,
                base_url=self._base_url,
            )
        )

    async def check_token(self) -> Mapping[str, Any]:
        """The account of the token (``userInfo`` as sent), when the token is live.

        A token that expired or was revoked raises :class:`MissingAuthError`
        saying so, before any chat is tried.
        """
        machine = await self._fetch(
            UserInfoMachine(
                token=self._token.reveal(),
                device_id=self._device_id.reveal(),
                uuid=self._uuid.reveal(),
                base_url=self._base_url,
            )
        )
        return machine.result


async def _then_deleted(
    events: EventStream | AsyncGenerator[Event, None],
    delete: Callable[[Conversation], Awaitable[None]],
    made: Callable[[], Conversation | None] = lambda: None,
) -> AsyncGenerator[Event, None]:
    # ephemeral=True: however the stream ends (its end, an error, the caller
    # leaving, a cancellation), the conversation it made is deleted, after
    # ``events`` closed (a HuggingChat run is stopped first). Which one: the
    # last Conversation event, else what ``made`` says. Shielded and bounded,
    # and a failure to delete is logged rather than raised over the answer or
    # the caller's own way out.
    seen: Conversation | None = None
    try:
        async for event in events:
            if isinstance(event, Conversation):
                seen = event
            yield event
    finally:
        await events.aclose()
        target = seen or made()
        if target is not None:
            await best_effort(
                lambda: delete(target),
                within=CLEANUP_LIMIT,
                failed=lambda why: log.warning(
                    "ephemeral: the %s chat was not deleted: %s", target.service, why
                ),
                errors=HfClientError,
            )


def _conversation_id(conversation: Conversation | str) -> str:
    # A HuggingChat handle or its id; the machine checks the id itself.
    return (
        conversation_id_of(conversation) if isinstance(conversation, Conversation) else conversation
    )


def _required(
    name: str, given: str | Secret | None, hint: str, env: Mapping[str, str] | None
) -> Secret:
    secret = from_env(name, given, env)
    if secret is None:
        raise MissingAuthError(hint)
    return secret


def _check_retries(max_retries: int) -> None:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries is a whole number, 0 or more, not {max_retries!r}")
