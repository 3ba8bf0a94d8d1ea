"""The async clients: ``InferenceProviders``, ``HuggingChat``, ``Hailuo``.

Each builds the service's sans-IO machine for a call and drives it over a
transport. ``stream(...)`` yields unified events; ``complete(...)`` gathers
them into a :class:`~hfclient.completion.Completion`. Messages are in the
OpenAI ``[{"role": ..., "content": ...}]`` shape. Credentials come from the
arguments or the environment variables of :data:`hfclient.credentials.ENVIRONMENT`,
and are held masked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Literal

from codec._generated import hailuo as hailuo_spec
from codec._generated import huggingchat as huggingchat_spec
from codec._generated import router as router_spec
from hfclient._closing import AsyncClosing
from hfclient.completion import Completion, collect
from hfclient.credentials import Secret, from_env
from hfclient.driver import drive
from hfclient.errors import MissingAuthError
from hfclient.events import Conversation, Event
from hfclient.exchange import Transport
from hfclient.protocol.hailuo import HailuoMachine
from hfclient.protocol.huggingchat import Attachment, HuggingChatMachine
from hfclient.protocol.router import RouterMachine

__all__ = ["Hailuo", "HuggingChat", "InferenceProviders", "TransportChoice"]

Messages = Sequence[Mapping[str, object]]
TransportChoice = Transport | Literal["anyio", "curl"] | None


def make_transport(choice: TransportChoice) -> tuple[Transport, bool]:
    """The transport to use and whether the client owns (and so closes) it."""
    if choice is None or choice == "anyio":
        from hfclient.transport.anyio_h11 import AnyioH11Transport

        return AnyioH11Transport(), True
    if choice == "curl":
        from hfclient.transport.curl import CurlTransport

        return CurlTransport(), True
    return choice, False


class _Client(AsyncClosing):
    """Transport ownership and the async context manager every client shares."""

    def __init__(self, transport: TransportChoice) -> None:
        self._transport, self._owns_transport = make_transport(transport)

    async def aclose(self) -> None:
        """Close the transport, if this client made it."""
        if self._owns_transport:
            await self._transport.aclose()


def _required(
    name: str, given: str | Secret | None, hint: str, env: Mapping[str, str] | None
) -> Secret:
    secret = from_env(name, given, env)
    if secret is None:
        raise MissingAuthError(hint)
    return secret


class InferenceProviders(_Client):
    """The Hugging Face Inference Providers router (OpenAI-compatible chat completions).

    ``provider`` ``None`` tries the model's live providers in mapping order
    (402 → next, 429 → wait and retry, 5xx → retry, then next); a name pins
    one; ``"auto"`` lets the router choose. The provider mapping is fetched
    once per model for the life of the client.
    """

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        provider: str | None = None,
        max_inputs_length: int | None = None,
        retry_after_cap: float = 10.0,
        base_url: str = router_spec.SERVERS["default"],
        hub_url: str = router_spec.SERVERS["hub"],
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._api_key = _required(
            "router.api_key",
            api_key,
            "the router needs a Hugging Face access token: pass api_key= or set HF_TOKEN",
            env,
        )
        super().__init__(transport)
        self._provider = provider
        self._max_inputs_length = max_inputs_length
        self._retry_after_cap = retry_after_cap
        self._base_url = base_url
        self._hub_url = hub_url
        self._mappings: dict[str, Any] = {}

    async def stream(
        self, messages: Messages, *, model: str, provider: str | None = None, **parameters: object
    ) -> AsyncIterator[Event]:
        """Stream one chat completion; ``parameters`` go into the request body (max_tokens, ...)."""
        machine = RouterMachine(
            api_key=self._api_key.reveal(),
            model=model,
            messages=messages,
            provider=provider if provider is not None else self._provider,
            parameters=parameters,
            max_inputs_length=self._max_inputs_length,
            mapping_cache=self._mappings,
            retry_after_cap=self._retry_after_cap,
            base_url=self._base_url,
            hub_url=self._hub_url,
        )
        async for event in drive(machine, self._transport):
            yield event

    async def complete(
        self, messages: Messages, *, model: str, provider: str | None = None, **parameters: object
    ) -> Completion:
        """The whole answer of :meth:`stream`."""
        return await collect(self.stream(messages, model=model, provider=provider, **parameters))


class HuggingChat(_Client):
    """The HuggingChat web protocol, with the user's own browser session cookies.

    ``hf_chat`` is the ``hf-chat`` cookie (env ``HF_CHAT_COOKIE``); since
    2025-10 the session is coupled to the ``token`` cookie of the same
    browser session (env ``HF_CHAT_TOKEN_COOKIE``). ``era`` picks the
    ``/api/v2`` endpoints (default) or the legacy ``__data.json`` ones.
    """

    def __init__(
        self,
        *,
        hf_chat: str | Secret | None = None,
        token: str | Secret | None = None,
        era: Literal["v2", "legacy"] = "v2",
        base_url: str = huggingchat_spec.SERVERS["default"],
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._hf_chat = _required(
            "huggingchat.hf_chat",
            hf_chat,
            "HuggingChat needs your session: pass hf_chat= (the hf-chat cookie of a logged-in "
            "browser session) or set HF_CHAT_COOKIE; since 2025-10 also token= or "
            "HF_CHAT_TOKEN_COOKIE",
            env,
        )
        self._token = from_env("huggingchat.token", token, env)
        super().__init__(transport)
        self._era = era
        self._base_url = base_url

    async def stream(
        self,
        messages: Messages,
        *,
        model: str,
        conversation: Conversation | None = None,
        preprompt: str | None = None,
        web_search: bool = False,
        files: Sequence[Attachment] = (),
    ) -> AsyncIterator[Event]:
        """Stream one turn; pass the ``Conversation`` of an earlier turn to continue it."""
        machine = HuggingChatMachine(
            hf_chat=self._hf_chat.reveal(),
            token=self._token.reveal() if self._token else None,
            model=model,
            messages=messages,
            conversation=conversation,
            preprompt=preprompt,
            web_search=web_search,
            files=files,
            era=self._era,
            base_url=self._base_url,
        )
        async for event in drive(machine, self._transport):
            yield event

    async def complete(
        self,
        messages: Messages,
        *,
        model: str,
        conversation: Conversation | None = None,
        preprompt: str | None = None,
        web_search: bool = False,
        files: Sequence[Attachment] = (),
    ) -> Completion:
        """The whole answer of :meth:`stream`, with the conversation handle to continue."""
        events = self.stream(
            messages,
            model=model,
            conversation=conversation,
            preprompt=preprompt,
            web_search=web_search,
            files=files,
        )
        return await collect(events)


class Hailuo(_Client):
    """The Hailuo AI web chat, with the user's own login token and device ids.

    ``token`` is the web app's ``localStorage._token`` (env ``HAILUO_TOKEN``);
    ``device_id`` and ``uuid`` are ``USER_HARD_WARE_INFO`` and
    ``UNIQUE_USER_ID`` of the same session (``HAILUO_DEVICE_ID``,
    ``HAILUO_UUID``).
    """

    def __init__(
        self,
        *,
        token: str | Secret | None = None,
        device_id: str | None = None,
        uuid: str | None = None,
        base_url: str = hailuo_spec.BASE_URL,
        transport: TransportChoice = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
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
        super().__init__(transport)
        self._base_url = base_url

    async def stream(
        self, messages: Messages, *, conversation: Conversation | None = None
    ) -> AsyncIterator[Event]:
        """Stream one turn; pass the ``Conversation`` of an earlier turn to continue its chat."""
        machine = HailuoMachine(
            token=self._token.reveal(),
            device_id=self._device_id.reveal(),
            uuid=self._uuid.reveal(),
            messages=messages,
            conversation=conversation,
            base_url=self._base_url,
        )
        async for event in drive(machine, self._transport):
            yield event

    async def complete(
        self, messages: Messages, *, conversation: Conversation | None = None
    ) -> Completion:
        """The whole answer of :meth:`stream`, with the ``Conversation`` to continue."""
        return await collect(self.stream(messages, conversation=conversation))
